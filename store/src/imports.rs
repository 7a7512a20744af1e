//! Lead uploads: a file's rows are copied into a temporary staging table, then turned into
//! leads and import rows in one statement, in the upload's transaction.
//!
//! Two statements here are not checked at compile time, and must not be: they read
//! `leads_import_staging`, a temporary table that exists only inside the upload's transaction
//! ([`create_staging`]), so there is no schema to check them against when the crate is built.
//! The upload tests (`worker/tests/e2e/lead_upload.rs`, every `make test`) run both, and
//! `make bench --only csv` times them. Everything else is a checked macro.

use callwright_contracts::api::imports::DuplicateRow;
use sqlx::PgConnection;
use sqlx::postgres::PgCopyIn;
use uuid::Uuid;

/// Creates the upload's staging table, dropped when its transaction ends.
pub async fn create_staging(tx: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "CREATE TEMPORARY TABLE leads_import_staging (
             line bigint NOT NULL, name text NOT NULL, phone text NOT NULL, email text,
             company text, language text NOT NULL, timezone text NOT NULL,
             window_timezones text[] NOT NULL, notes text, fields jsonb NOT NULL
         ) ON COMMIT DROP"
    )
    .execute(tx)
    .await
    .map(|_| ())
}

/// Starts the COPY of rows (text format, in the column order of [`create_staging`]'s table)
/// into the staging table.
pub async fn copy_into_staging(
    tx: &mut PgConnection,
) -> Result<PgCopyIn<&mut PgConnection>, sqlx::Error> {
    tx.copy_in_raw(
        "COPY leads_import_staging (line, name, phone, email, company, language, timezone,
                                    window_timezones, notes, fields) FROM STDIN",
    )
    .await
}

/// Makes a lead of the first line of each staged number unless the number already is a live
/// lead, and records every created lead under the import; returns how many were created.
pub async fn create_staged_leads(
    tx: &mut PgConnection,
    import_id: Uuid,
) -> Result<u64, sqlx::Error> {
    // Not a macro: reads the temporary staging table (see the module's note).
    sqlx::query(
        "WITH firsts AS (
             SELECT DISTINCT ON (phone) * FROM leads_import_staging ORDER BY phone, line
         ), created AS (
             INSERT INTO leads (id, name, phone, email, company, language, timezone, window_timezones, notes, fields)
             SELECT gen_random_uuid(), name, phone, email, company, language, timezone, window_timezones, notes, fields
             FROM firsts
             ON CONFLICT (phone) WHERE deleted_at IS NULL DO NOTHING
             RETURNING id, phone
         )
         INSERT INTO lead_import_rows (import_id, line, lead_id)
         SELECT $1, firsts.line, created.id FROM created JOIN firsts USING (phone)",
    )
    .bind(import_id)
    .execute(tx)
    .await
    .map(|done| done.rows_affected())
}

/// The staged rows that made no lead (a number earlier in the file, or a live lead's), in file
/// order, at most `limit`.
pub async fn duplicate_rows(
    tx: &mut PgConnection,
    import_id: Uuid,
    limit: i64,
) -> Result<Vec<DuplicateRow>, sqlx::Error> {
    // Not a macro: reads the temporary staging table (see the module's note).
    let rows: Vec<(i64, String, Option<i64>, Option<Uuid>)> = sqlx::query_as(
        "SELECT d.line, d.phone,
                CASE WHEN d.first_line < d.line THEN d.first_line END AS first_line,
                l.id AS existing_lead_id
         FROM (
             SELECT s.line, s.phone, r.line IS NOT NULL AS accepted,
                    min(s.line) OVER w AS first_line,
                    bool_or(r.line IS NOT NULL) OVER w AS new_number
             FROM leads_import_staging s
             LEFT JOIN lead_import_rows r ON r.import_id = $1 AND r.line = s.line
             WINDOW w AS (PARTITION BY s.phone)
         ) d
         LEFT JOIN leads l ON NOT d.new_number AND l.phone = d.phone AND l.deleted_at IS NULL
         WHERE NOT d.accepted
         ORDER BY d.line
         LIMIT $2",
    )
    .bind(import_id)
    .bind(limit)
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(line, phone, first_line, existing_lead_id)| DuplicateRow {
            line,
            phone,
            first_line,
            existing_lead_id,
        })
        .collect())
}

/// An upload's counts.
#[derive(Debug, Clone)]
pub struct ImportCounts<'a> {
    /// The import.
    pub id: Uuid,
    /// The uploaded file's name, if given.
    pub filename: Option<&'a str>,
    /// Rows read.
    pub rows: i64,
    /// Leads created.
    pub accepted: i64,
    /// Rows refused.
    pub rejected: i64,
    /// Valid rows whose number was taken.
    pub duplicates: i64,
}

/// Records an upload.
pub async fn record(tx: &mut PgConnection, c: &ImportCounts<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO lead_imports (id, filename, row_count, accepted, rejected, duplicates)
         VALUES ($1, $2, $3, $4, $5, $6)",
        c.id,
        c.filename,
        c.rows,
        c.accepted,
        c.rejected,
        c.duplicates,
    )
    .execute(tx)
    .await
    .map(|_| ())
}
