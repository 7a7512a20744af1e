//! `POST /api/leads/upload`: a CSV of leads, streamed and loaded in one transaction.
//!
//! The body is either the CSV itself (`Content-Type: text/csv`) or `multipart/form-data` with
//! the CSV in a `file` part. It is parsed as it arrives: a header row (case-insensitive names,
//! any order; `name` and `phone` required; every other column is kept with the lead as one of
//! its `fields`, for the agent's templates), then one lead a line,
//! validated like `POST /api/leads` (phone to E.164, language and time zone from the number
//! unless given). Valid rows go to Postgres with `COPY` into a temporary staging table as they
//! come, in batches; at the end of the file one `INSERT … SELECT … ON CONFLICT (phone) DO
//! NOTHING` moves them into `leads`, and de-duplication (same phone earlier in the file, or
//! already a lead) happens there, in SQL. Nothing the process holds grows with the file: a
//! batch buffer, the current record, and at most [`LISTED_ROWS`] rejected and duplicate rows
//! for the report.
//!
//! The upload is all or nothing: a file over `UPLOAD_MAX_BYTES` (413), over `UPLOAD_MAX_ROWS`
//! (422), without a `name` or `phone` column (422), not UTF-8 (422, with the line), or cut off
//! by the client imports nothing. Rows that fail validation do not fail the upload: they are
//! counted and reported with their line and reason.

use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::imports::{DuplicateRow, ImportReport, RejectedRow};
mod body;
mod columns;
mod copy;

use super::csv_input::{
    CsvInput, MAX_RECORD_BYTES, csv_reader, is_blank, record_line, region_code, utf8_fields,
};
use body::{BodyKind, body_kind, content_length, limit_body};
use callwright_domain::FieldError;
use columns::header_error;
pub use columns::{Columns, validate_row};
use copy::push_copy_row;
use csv_async::ByteRecord;
use futures::TryStreamExt;
use serde::Deserialize;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::io::AsyncRead;
use tokio_util::io::StreamReader;
use uuid::Uuid;

/// Rejected and duplicate rows listed in the report, each (the counts are always exact).
pub const LISTED_ROWS: usize = 1_000;
/// Valid rows sent to Postgres in one `COPY` message batch.
const BATCH_ROWS: usize = 5_000;
/// …or fewer, once the batch holds this many bytes.
const BATCH_BYTES: usize = 1024 * 1024;

/// Query parameters of the upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// Region for numbers written in national form (e.g. `US`); a `region` column overrides
    /// it row by row.
    #[param(example = "US", pattern = r"^([A-Za-z]{2})?$")]
    region: Option<String>,
}

/// Why an upload as a whole was refused.
#[derive(Debug)]
enum UploadError {
    /// Over `UPLOAD_MAX_BYTES`.
    TooLarge { limit: u64 },
    /// Neither CSV nor multipart.
    UnsupportedMediaType(String),
    /// Everything else.
    Api(ApiError),
}

impl From<ApiError> for UploadError {
    fn from(err: ApiError) -> Self {
        UploadError::Api(err)
    }
}

impl From<sqlx::Error> for UploadError {
    fn from(err: sqlx::Error) -> Self {
        UploadError::Api(err.into())
    }
}

fn invalid(message: String) -> UploadError {
    UploadError::Api(ApiError::unprocessable(message))
}

impl From<FieldError> for UploadError {
    fn from(refused: FieldError) -> Self {
        UploadError::Api(refused.into())
    }
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        let err = match self {
            UploadError::TooLarge { limit } => ApiError::PayloadTooLarge {
                message: format!("the upload is larger than {limit} bytes (UPLOAD_MAX_BYTES)"),
                limit_bytes: limit,
            },
            UploadError::UnsupportedMediaType(got) => ApiError::UnsupportedMediaType(format!(
                "send the CSV as text/csv or as multipart/form-data with a 'file' part, not '{got}'"
            )),
            UploadError::Api(err) => err,
        };
        err.into_response()
    }
}

/// Imports a CSV of leads; see the module documentation.
#[utoipa::path(
    post,
    path = "/api/leads/upload",
    operation_id = "uploadLeads",
    tag = "leads",
    security(("bearer" = [])),
    params(UploadQuery),
    request_body(
        description = "The CSV: a header row (`name` and `phone` required; `email`, `company`, `language`, `timezone`, `notes`, `region` optional; any order, case-insensitive; every other column is kept as one of the lead's `fields`, at most 50, names up to 64 characters, values up to 1,000), then one lead a line. Sent as the body itself, or as the `file` part of a form.",
        content(
            (String = "text/csv", example = "name,phone,email\nDana Levi,+14155552671,dana@example.com\n"),
            (super::openapi::UploadForm = "multipart/form-data"),
        ),
    ),
    responses(
        (status = 201, description = "Imported: what was created, rejected (with line and reason) and skipped as a duplicate", body = ImportReport),
        (status = 400, description = "Malformed multipart body", body = ErrorBody),
        (status = 413, description = "Larger than `UPLOAD_MAX_BYTES` (the error also carries `limit_bytes`); nothing imported", body = ErrorBody),
        (status = 415, description = "Neither CSV nor multipart", body = ErrorBody),
        (status = 422, description = "No `name` or `phone` column, over `UPLOAD_MAX_ROWS`, not UTF-8, a bad `region`, or no `file` part; nothing imported", body = ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    FieldQuery(query): FieldQuery<UploadQuery>,
    request: Request,
) -> Response {
    match run(&state, query, request).await {
        Ok(report) => (StatusCode::CREATED, Json(report)).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn run(
    state: &AppState,
    query: UploadQuery,
    request: Request,
) -> Result<ImportReport, UploadError> {
    let region = region_code(query.region.as_deref().unwrap_or_default())?;
    let limits = Limits {
        max_bytes: state.config.upload_max_bytes,
        max_rows: state.config.upload_max_rows,
        region,
    };
    let kind = body_kind(request.headers())?;
    if let Some(length) = content_length(request.headers())
        && length > limits.max_bytes
    {
        return Err(UploadError::TooLarge {
            limit: limits.max_bytes,
        });
    }
    let (parts, body) = request.into_parts();
    let over_limit = Arc::new(AtomicBool::new(false));
    let body = limit_body(body, limits.max_bytes, over_limit.clone());
    let result = match kind {
        BodyKind::Csv => {
            let reader = StreamReader::new(body.map_err(io::Error::other));
            import(state, reader, &limits, None).await
        }
        BodyKind::Multipart => {
            let request = Request::from_parts(parts, Body::from_stream(body));
            let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
                ApiError::bad_request(format!("malformed multipart body: {}", e.body_text()))
            })?;
            loop {
                let field = match multipart.next_field().await {
                    Ok(Some(field)) => field,
                    Ok(None) => {
                        break Err(FieldError::new(
                            "file",
                            "the multipart body has no 'file' part",
                        )
                        .into());
                    }
                    Err(e) => {
                        break Err(ApiError::bad_request(format!(
                            "malformed multipart body: {}",
                            e.body_text()
                        ))
                        .into());
                    }
                };
                if field.name() != Some("file") {
                    continue;
                }
                let filename = field.file_name().map(|f| f.chars().take(255).collect());
                let reader = StreamReader::new(field.map_err(io::Error::other));
                break import(state, reader, &limits, filename).await;
            }
        }
    };
    // However the read failed, a body over the limit is what the client needs to hear.
    if over_limit.load(Ordering::SeqCst) {
        return Err(UploadError::TooLarge {
            limit: limits.max_bytes,
        });
    }
    result
}

/// Settings of one upload.
#[derive(Debug, Clone)]
struct Limits {
    max_bytes: u64,
    max_rows: u64,
    region: Option<String>,
}

/// What reading the file produced (the valid rows are in the staging table by then).
#[derive(Debug, Default)]
struct ReadOutcome {
    rows: u64,
    staged: u64,
    rejected: u64,
    rejected_rows: Vec<RejectedRow>,
    field_columns: Vec<String>,
}

async fn import<R>(
    state: &AppState,
    reader: R,
    limits: &Limits,
    filename: Option<String>,
) -> Result<ImportReport, UploadError>
where
    R: AsyncRead + Unpin + Send,
{
    let mut tx = state.db.begin().await?;
    callwright_store::imports::create_staging(&mut tx).await?;
    let mut copy = callwright_store::imports::copy_into_staging(&mut tx).await?;
    let read = read_csv(reader, limits, &mut copy).await;
    let read = match read {
        Ok(outcome) => {
            let copied = copy.finish().await?;
            debug_assert_eq!(copied, outcome.staged);
            outcome
        }
        Err(err) => {
            // The transaction rolls back; the connection goes back to the pool clean.
            let _ = copy.abort("upload refused").await;
            return Err(err);
        }
    };

    let import_id = Uuid::new_v4();
    // The first line of each number is the candidate; it becomes a lead unless the number
    // already is one. Every created lead is recorded under the import.
    let accepted = callwright_store::imports::create_staged_leads(&mut tx, import_id).await?;
    let duplicates = read.staged.saturating_sub(accepted);
    let duplicate_rows: Vec<DuplicateRow> = if duplicates == 0 {
        Vec::new()
    } else {
        callwright_store::imports::duplicate_rows(&mut tx, import_id, LISTED_ROWS as i64).await?
    };
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    callwright_store::imports::record(
        &mut tx,
        &callwright_store::imports::ImportCounts {
            id: import_id,
            filename: filename.as_deref(),
            rows: count(read.rows),
            accepted: count(accepted),
            rejected: count(read.rejected),
            duplicates: count(duplicates),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        %import_id,
        rows = read.rows,
        accepted,
        rejected = read.rejected,
        duplicates,
        "lead upload imported"
    );
    Ok(ImportReport {
        import_id,
        rows: read.rows,
        accepted,
        rejected: read.rejected,
        duplicates,
        field_columns: read.field_columns,
        rejected_rows: read.rejected_rows,
        duplicate_rows,
    })
}

/// Where [`read_rows`] sends the valid rows: batches of staging-table rows in `COPY … FROM
/// STDIN` text format (see [`push_copy_row`]). Postgres in an upload; a buffer in
/// [`parse_upload`].
trait RowSink: Send {
    /// Sends one batch.
    fn send(&mut self, batch: &[u8]) -> impl Future<Output = Result<(), UploadError>> + Send;
}

impl<C> RowSink for sqlx::postgres::PgCopyIn<C>
where
    C: std::ops::DerefMut<Target = sqlx::PgConnection> + Send,
{
    async fn send(&mut self, batch: &[u8]) -> Result<(), UploadError> {
        sqlx::postgres::PgCopyIn::send(self, batch).await?;
        Ok(())
    }
}

impl RowSink for Vec<u8> {
    async fn send(&mut self, batch: &[u8]) -> Result<(), UploadError> {
        self.extend_from_slice(batch);
        Ok(())
    }
}

/// Reads the CSV from `reader` (see [`read_rows`]); a record longer than
/// [`MAX_RECORD_BYTES`] refuses the upload.
async fn read_csv<R, S>(
    reader: R,
    limits: &Limits,
    sink: &mut S,
) -> Result<ReadOutcome, UploadError>
where
    R: AsyncRead + Unpin + Send,
    S: RowSink,
{
    let record_end = Arc::new(AtomicU64::new(0));
    let too_long = Arc::new(AtomicBool::new(false));
    let mut csv = csv_reader(CsvInput::new(reader, record_end.clone(), too_long.clone()));
    let read = read_rows(&mut csv, sink, limits, &record_end).await;
    if read.is_err() && too_long.load(Ordering::SeqCst) {
        let line = csv.position().line();
        return Err(invalid(format!(
            "line {line}: a record is longer than {MAX_RECORD_BYTES} bytes"
        )));
    }
    read
}

/// What [`parse_upload`] made of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUpload {
    /// Data rows read (blank ones and the header not counted).
    pub rows: u64,
    /// The valid rows, as the staging-table rows the upload sends to Postgres (`COPY` text
    /// format: `line, name, phone, email, company, language, timezone, window_timezones,
    /// notes, fields`, tab-separated, one a line).
    pub copy_rows: Vec<u8>,
    /// Rows that failed validation.
    pub rejected: u64,
    /// The first [`LISTED_ROWS`] of them, with line and reason.
    pub rejected_rows: Vec<RejectedRow>,
    /// The other columns of the header, kept as the leads' `fields`.
    pub field_columns: Vec<String>,
}

/// Runs the upload's CSV reader and row validation over `data` without a database (for
/// tests and fuzzing): what `POST /api/leads/upload` would stage, or the message of the
/// error that would refuse the upload. `region` is the already-checked `region` parameter.
pub async fn parse_upload(
    data: &[u8],
    region: Option<&str>,
    max_rows: u64,
) -> Result<ParsedUpload, String> {
    let limits = Limits {
        max_bytes: u64::MAX,
        max_rows,
        region: region.map(str::to_owned),
    };
    let mut copy_rows = Vec::new();
    match read_csv(data, &limits, &mut copy_rows).await {
        Ok(read) => Ok(ParsedUpload {
            rows: read.rows,
            copy_rows,
            rejected: read.rejected,
            rejected_rows: read.rejected_rows,
            field_columns: read.field_columns,
        }),
        Err(UploadError::Api(err)) => Err(err.to_string()),
        Err(other) => Err(format!("{other:?}")),
    }
}

/// Reads the header and every record, sending valid rows to `sink` (the open `COPY`).
async fn read_rows<R, S>(
    csv: &mut csv_async::AsyncReader<CsvInput<R>>,
    sink: &mut S,
    limits: &Limits,
    record_end: &AtomicU64,
) -> Result<ReadOutcome, UploadError>
where
    R: AsyncRead + Unpin + Send,
    S: RowSink,
{
    let mut record = ByteRecord::new();
    let read_error = |e: csv_async::Error| {
        UploadError::Api(ApiError::bad_request(format!(
            "the upload could not be read: {e}"
        )))
    };
    // The header: the first record that is not blank.
    let columns = loop {
        if !csv
            .read_byte_record(&mut record)
            .await
            .map_err(read_error)?
        {
            return Err(header_error(
                "the file is empty (the first line must name the columns, e.g. name,phone,email)"
                    .to_owned(),
            )
            .into());
        }
        record_end.store(csv.position().byte(), Ordering::SeqCst);
        let line = record_line(csv, &record);
        let header = utf8_fields(&record).map_err(|_| {
            invalid(format!(
                "line {line}: the header is not UTF-8 (save the file as CSV UTF-8)"
            ))
        })?;
        if !is_blank(&header) {
            break Columns::from_header(header.iter().copied())?;
        }
    };
    let mut out = ReadOutcome {
        field_columns: columns.field_names(),
        ..ReadOutcome::default()
    };
    let mut batch: Vec<u8> = Vec::with_capacity(BATCH_BYTES + 64 * 1024);
    let mut batch_rows = 0;
    while csv
        .read_byte_record(&mut record)
        .await
        .map_err(read_error)?
    {
        record_end.store(csv.position().byte(), Ordering::SeqCst);
        let line = record_line(csv, &record);
        let fields = utf8_fields(&record).map_err(|_| {
            invalid(format!(
                "line {line}: not UTF-8 (save the file as CSV UTF-8)"
            ))
        })?;
        if is_blank(&fields) {
            continue;
        }
        out.rows += 1;
        if out.rows > limits.max_rows {
            return Err(invalid(format!(
                "line {line}: the file has more than {} rows (UPLOAD_MAX_ROWS)",
                limits.max_rows
            )));
        }
        match validate_row(&columns, &fields, limits.region.as_deref()) {
            Ok(row) => {
                push_copy_row(&mut batch, line, &row);
                batch_rows += 1;
                out.staged += 1;
                if batch_rows >= BATCH_ROWS || batch.len() >= BATCH_BYTES {
                    sink.send(batch.as_slice()).await?;
                    batch.clear();
                    batch_rows = 0;
                }
            }
            Err(refused) => {
                out.rejected += 1;
                if out.rejected_rows.len() < LISTED_ROWS {
                    out.rejected_rows.push(RejectedRow {
                        line,
                        reason: refused.to_string(),
                        field: refused.field,
                    });
                }
            }
        }
    }
    if !batch.is_empty() {
        sink.send(batch.as_slice()).await?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use axum::http::{HeaderMap, header};
    use callwright_domain::{E164, Language, NewLead};
    use futures::StreamExt;

    fn columns(header: &str) -> Columns {
        Columns::from_header(header.split(',')).unwrap()
    }

    fn row<'a>(columns: &Columns, line: &'a str) -> Result<NewLead<'a>, String> {
        let fields: Vec<&str> = line.split(',').collect();
        validate_row(columns, &fields, None).map_err(|e| e.to_string())
    }

    #[test]
    fn header_is_case_insensitive_in_any_order_with_bom_and_extras() {
        let c = columns("\u{feff}Phone, EMAIL ,Shoe Size,name,Notes");
        assert_eq!(c.phone, 0);
        assert_eq!(c.email, Some(1));
        assert_eq!(c.name, 3);
        assert_eq!(c.notes, Some(4));
        assert_eq!(c.language, None);
        assert_eq!(c.extra, vec![(2, "Shoe Size".to_owned())]);
        assert_eq!(c.width, 5);
    }

    #[test]
    fn other_columns_become_the_leads_fields() {
        let c = columns("name,phone,Plan,Seats,Notes");
        let r = row(&c, "Ada,+14155550100, Pro ,,call me").unwrap();
        assert_eq!(
            serde_json::to_string(&r.fields).unwrap(),
            r#"{"Plan":"Pro"}"#
        );
        let long = format!("Ada,+14155550100,{},,", "x".repeat(1_001));
        assert!(row(&c, &long).unwrap_err().starts_with("fields.Plan: "));
        let err = Columns::from_header("name,phone,Plan,Plan".split(',')).unwrap_err();
        assert!(err.message.contains("'Plan' appears twice"), "{err}");
        let wide: Vec<String> = (0..51).map(|i| format!("c{i}")).collect();
        let header = format!("name,phone,{}", wide.join(","));
        assert!(Columns::from_header(header.split(',')).is_err());
    }

    #[test]
    fn header_names_the_missing_or_repeated_column() {
        let err = Columns::from_header("name,email".split(',')).unwrap_err();
        assert_eq!(err.field, "header");
        assert!(err.message.contains("'phone' is missing"), "{err}");
        let err = Columns::from_header("phone,email".split(',')).unwrap_err();
        assert!(err.message.contains("'name' is missing"), "{err}");
        let err = Columns::from_header("name,phone,Phone".split(',')).unwrap_err();
        assert!(err.message.contains("'phone' appears twice"), "{err}");
    }

    #[test]
    fn a_valid_row_gets_language_and_zones_from_the_number() {
        let c = columns("name,phone,email,language,timezone,company,notes");
        let r = row(&c, " Ada ,+1 415 555 0100,ada@example.com,,,Acme,").unwrap();
        assert_eq!(r.name, "Ada");
        assert_eq!(r.phone.as_str(), "+14155550100");
        assert_eq!(
            r.email.map(|e| e.to_string()).as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(r.language, Language::En);
        assert_eq!(r.zones.primary, "America/Los_Angeles");
        assert_eq!(r.company, Some("Acme"));
        assert_eq!(r.notes, None);
        let r = row(&c, "Dana,+972 52 555 0100,,,,,").unwrap();
        assert_eq!(r.language, Language::He);
        assert_eq!(r.zones.primary, "Asia/Jerusalem");
        let r = row(&c, "Jo,+14155550100,,es,Europe/Madrid,,call after 5").unwrap();
        assert_eq!(r.language, Language::Es);
        assert_eq!(r.zones.window, vec!["Europe/Madrid".to_owned()]);
        assert_eq!(r.notes, Some("call after 5"));
    }

    #[test]
    fn each_bad_field_is_named_in_the_reason() {
        let c = columns("name,phone,email,language,timezone");
        let reason = |line| row(&c, line).unwrap_err();
        assert!(reason(",+14155550100,,,").starts_with("name: "));
        assert!(reason("A,,,,").starts_with("phone: must not be empty"));
        assert_eq!(
            reason("A,+1 555,,,"),
            "phone: '+1 555' is not a valid number in its numbering plan"
        );
        assert!(reason("A,banana,,,").starts_with("phone: 'banana' is not"));
        assert!(reason("A,+14155550100,ada.example.com,,").starts_with("email: "));
        assert!(reason("A,+14155550100,a b@example.com,,").starts_with("email: "));
        assert!(reason("A,+14155550100,,klingon,").starts_with("language: 'klingon'"));
        assert!(reason("A,+14155550100,,,Mars/Olympus").starts_with("timezone: 'Mars/Olympus'"));
        assert!(reason("A,+14155550100,,").starts_with("row: 4 fields where the header has 5"));
        assert!(reason("A\0,+14155550100,,,").starts_with("name: contains a NUL"));
    }

    #[test]
    fn national_numbers_use_the_region() {
        let c = columns("name,phone,region");
        let fields = ["A", "(415) 555-0100", ""];
        assert!(validate_row(&c, &fields, None).is_err());
        let r = validate_row(&c, &fields, Some("US")).unwrap();
        assert_eq!(r.phone.as_str(), "+14155550100");
        let fields = ["A", "052-555-0100", "IL"];
        let r = validate_row(&c, &fields, Some("US")).unwrap();
        assert_eq!(r.phone.as_str(), "+972525550100");
    }

    #[test]
    fn long_values_are_cut_in_reasons() {
        let c = columns("name,phone,language");
        let long = "x".repeat(10_000);
        let fields = ["A", "+14155550100", long.as_str()];
        let reason = validate_row(&c, &fields, None).unwrap_err();
        assert!(reason.to_string().len() < 200, "{reason}");
        let fields = ["A", long.as_str(), ""];
        let reason = validate_row(&c, &fields, None).unwrap_err();
        assert!(reason.to_string().len() < 200, "{reason}");
    }

    #[test]
    fn copy_rows_escape_text_format() {
        let c = columns("name,phone,notes,Plan");
        let fields = ["Tab\there", "+14155550100", "back\\slash\nnew line", "a\\b"];
        let r = validate_row(&c, &fields, None).unwrap();
        let mut buf = Vec::new();
        push_copy_row(&mut buf, 7, &r);
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "7\tTab\\there\t+14155550100\t\\N\t\\N\ten\tAmerica/Los_Angeles\t{\"America/Los_Angeles\"}\tback\\\\slash\\nnew line\t{\"Plan\":\"a\\\\\\\\b\"}\n"
        );
    }

    async fn lines_of(data: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut csv = csv_reader(CsvInput::new(
            data,
            Arc::new(AtomicU64::new(0)),
            Arc::new(AtomicBool::new(false)),
        ));
        let mut record = ByteRecord::new();
        let mut out = Vec::new();
        while csv.read_byte_record(&mut record).await.unwrap() {
            let fields = utf8_fields(&record).unwrap();
            if is_blank(&fields) {
                continue;
            }
            out.push((
                record_line(&csv, &record),
                fields.iter().map(|f| (*f).to_owned()).collect(),
            ));
        }
        out
    }

    #[tokio::test]
    async fn records_carry_their_starting_line() {
        for newline in ["\n", "\r\n"] {
            for end in ["", newline] {
                let data = [
                    "name,phone",
                    "a,1",
                    "",
                    "\"multi",
                    "line\",2",
                    ",",
                    "\"c\",\"3\"",
                ]
                .join(newline)
                    + end;
                let lines = lines_of(data.as_bytes()).await;
                let numbers: Vec<u64> = lines.iter().map(|(l, _)| *l).collect();
                assert_eq!(numbers, vec![1, 2, 4, 7], "{newline:?} {end:?}");
                assert_eq!(lines[2].1[0], format!("multi{newline}line"));
                assert_eq!(lines[3].1[1].trim(), "3");
            }
        }
    }

    #[tokio::test]
    async fn a_quote_left_open_to_the_end_is_on_its_own_line() {
        // Found by the property test below: the record was reported on line 1 (the header's),
        // since its quote swallowed the newline that was counted as ending it.
        for data in [
            &b"name,phone\n\"open,+14155550100\n"[..],
            b"name,phone\n\"open,+14155550100",
            b"name,phone\n\"open,\n+14155550100\n\n",
        ] {
            let lines = lines_of(data).await;
            assert_eq!(lines[1].0, 2, "{:?}", String::from_utf8_lossy(data));
        }
        let parsed = check_upload(b"name,phone\n\"open,+14155550100\n").unwrap();
        assert_eq!(parsed.rejected_rows[0].line, 2);
    }

    #[tokio::test]
    async fn a_bom_is_not_part_of_the_first_header() {
        let lines = lines_of(b"\xef\xbb\xbfname,phone\nA,1\n").await;
        let c = Columns::from_header(lines[0].1.iter().map(String::as_str)).unwrap();
        assert_eq!(c.name, 0);
    }

    #[tokio::test]
    async fn an_endless_record_trips_the_guard() {
        let data = vec![b'"'; 3 * MAX_RECORD_BYTES as usize];
        let tripped = Arc::new(AtomicBool::new(false));
        let mut csv = csv_reader(CsvInput::new(
            data.as_slice(),
            Arc::new(AtomicU64::new(0)),
            tripped.clone(),
        ));
        let mut record = ByteRecord::new();
        assert!(csv.read_byte_record(&mut record).await.is_err());
        assert!(tripped.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn the_body_limit_trips_while_streaming() {
        let over = Arc::new(AtomicBool::new(false));
        let body = Body::from_stream(futures::stream::iter(
            (0..10).map(|_| Ok::<_, io::Error>(Bytes::from(vec![b'x'; 1000]))),
        ));
        let chunks: Vec<_> = limit_body(body, 4_500, over.clone()).collect().await;
        assert_eq!(chunks.iter().filter(|c| c.is_ok()).count(), 4);
        assert!(chunks.iter().any(|c| c.is_err()));
        assert!(over.load(Ordering::SeqCst));
    }

    /// Checks what [`parse_upload`] made of `data`: every staged row is a well-formed `COPY`
    /// line with a non-empty name, a phone the database accepts and a known language and
    /// zone; every rejected row has a line inside the file and a reason naming the field;
    /// no line is used twice; the counts add up. Returns the result for further checks.
    pub(super) fn check_upload(data: &[u8]) -> Result<ParsedUpload, String> {
        let parsed = futures::executor::block_on(parse_upload(data, Some("US"), 1_000_000));
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(message) => {
                assert!(!message.is_empty());
                return Err(message);
            }
        };
        let last_line = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let mut lines = Vec::new();
        let text = std::str::from_utf8(&parsed.copy_rows).expect("COPY text is UTF-8");
        let staged: Vec<&str> = text.lines().collect();
        for row in &staged {
            let fields: Vec<&str> = row.split('\t').collect();
            assert_eq!(fields.len(), 10, "{row:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(&fields[9].replace("\\\\", "\\"))
                    .is_ok_and(|v| v.is_object()),
                "{row:?}"
            );
            let line: u64 = fields[0].parse().expect("line number");
            lines.push(line);
            let name = fields[1];
            assert!(!name.trim().is_empty() && name != "\\N", "{row:?}");
            let phone = fields[2];
            assert!(crate::routes::upload::tests::db_check(phone), "{row:?}");
            assert_eq!(
                E164::parse(phone, None)
                    .map(|n| n.as_str().to_owned())
                    .as_deref(),
                Ok(phone)
            );
            assert!(fields[5].parse::<Language>().is_ok(), "{row:?}");
            assert!(fields[6].parse::<chrono_tz::Tz>().is_ok(), "{row:?}");
            assert!(
                fields[7].starts_with("{\"") && fields[7].ends_with("\"}"),
                "{row:?}"
            );
        }
        assert_eq!(staged.len() as u64 + parsed.rejected, parsed.rows);
        assert!(parsed.rejected_rows.len() as u64 <= parsed.rejected);
        for rejected in &parsed.rejected_rows {
            lines.push(rejected.line);
            let field = rejected.reason.split(": ").next().unwrap_or_default();
            assert!(
                [
                    "row", "name", "phone", "email", "language", "timezone", "company", "notes",
                    "region",
                ]
                .contains(&field)
                    || field.starts_with("fields."),
                "{rejected:?}"
            );
        }
        for line in &lines {
            assert!(
                (2..=last_line).contains(line),
                "line {line} of {last_line}: {data:?}"
            );
        }
        let count = lines.len();
        lines.sort_unstable();
        lines.dedup();
        assert_eq!(lines.len(), count, "a line used twice");
        Ok(parsed)
    }

    /// The database's `CHECK (phone ~ '^\+[1-9][0-9]{6,14}$')`.
    fn db_check(text: &str) -> bool {
        text.strip_prefix('+').is_some_and(|digits| {
            (7..=15).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0')
        })
    }

    #[test]
    fn awkward_files_parse_or_are_refused_cleanly() {
        for data in [
            &b""[..],
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbfname,phone\r\nA,+14155550100",
            b"phone,name\n+14155550100,\"A \"\"B\"\"\nC\"\n\n\n,\n x,+1 555\n",
            b"name,phone\n\"unterminated,+14155550100\n",
            b"name,phone\nA,+1415555\xff0100\n",
            b"name,phone,name\n",
            b"\"\"\"\n\r\r\r,,,\n\"",
            b"name,phone\n\0,\0\n\r\n",
            // Found by `make fuzz` (an oracle gap, not a bug): a NUL in `notes`.
            b"phone,name,notes\n+14155550100,A,x\0y\n",
        ] {
            let _ = check_upload(data);
        }
        let ok = check_upload(b"phone,name\n+14155550100,\"A \"\"B\"\"\nC\"\n\n\n,\n x,+1 555\n")
            .unwrap();
        assert_eq!((ok.rows, ok.rejected), (2, 1));
        assert_eq!(ok.rejected_rows[0].line, 7);
        assert!(ok.copy_rows.starts_with(b"2\tA \"B\"\\nC\t+14155550100\t"));
    }

    mod props {
        use super::check_upload;
        use proptest::prelude::*;

        const COLUMNS: [&str; 10] = [
            "name",
            "phone",
            "email",
            "language",
            "timezone",
            "company",
            "notes",
            "region",
            "Shoe Size",
            "",
        ];

        /// Values a column takes, each with whether the row stays valid with it.
        fn value(column: &str) -> BoxedStrategy<(String, bool)> {
            let pick = |good: &[&str], bad: &[&str]| {
                let mut all: Vec<(String, bool)> =
                    good.iter().map(|v| ((*v).to_owned(), true)).collect();
                all.extend(bad.iter().map(|v| ((*v).to_owned(), false)));
                prop::sample::select(all).boxed()
            };
            match column {
                "name" => pick(
                    &[
                        "Ada",
                        " Dana Levi ",
                        "O'Brien, Pat",
                        "שלום",
                        "multi\nline",
                        "\"q\"",
                    ],
                    &["", "  ", "a\0b"],
                ),
                "phone" => pick(
                    &[
                        "+14155550100",
                        "+972 52 555 0100",
                        "+33612345678",
                        "+1 (415) 555-2671",
                        " +1-415-555-2671\r",
                    ],
                    &[
                        "",
                        "banana",
                        "+1 555",
                        "+000",
                        "+1415555010000000000000000000000000000000000",
                    ],
                ),
                "email" => pick(&["", "a@b.c"], &["no-at", "a b@c", "@x"]),
                "language" => pick(&["", "en", " HE "], &["xx"]),
                "timezone" => pick(&["", "Europe/Paris"], &["Mars/Base"]),
                "region" => pick(&["", "IL", "XX"], &[]),
                _ => any::<String>().prop_map(|v| (v, true)).boxed(),
            }
        }

        /// One CSV field: quoted (anything goes inside), or raw when nothing needs quoting.
        fn encode(value: &str, quote: bool) -> String {
            if quote || value.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", value.replace('"', "\"\""))
            } else {
                value.to_owned()
            }
        }

        fn file() -> impl Strategy<Value = (Vec<u8>, Vec<(u64, bool)>)> {
            (
                prop::sample::subsequence(COLUMNS.to_vec(), 2..=COLUMNS.len()).prop_shuffle(),
                any::<bool>(),
                prop::sample::select(vec!["\n", "\r\n"]),
                0..12usize,
                any::<u64>(),
            )
                .prop_flat_map(|(columns, bom, newline, rows, seed)| {
                    let row = columns
                        .iter()
                        .map(|c| (value(c), any::<bool>()))
                        .collect::<Vec<_>>();
                    (
                        Just(columns),
                        Just(bom),
                        Just(newline),
                        proptest::collection::vec((row, 0..3u8), rows),
                        Just(seed),
                    )
                })
                .prop_map(|(columns, bom, newline, rows, _seed)| {
                    let mut out = String::new();
                    if bom {
                        out.push('\u{feff}');
                    }
                    let header: Vec<String> = columns.iter().map(|c| encode(c, false)).collect();
                    out.push_str(&header.join(","));
                    out.push_str(newline);
                    let mut expected = Vec::new();
                    let has = |c: &str| columns.contains(&c);
                    for (fields, blank_lines) in rows {
                        for _ in 0..blank_lines {
                            out.push_str(newline);
                        }
                        let line = out.matches('\n').count() as u64 + 1;
                        let blank = fields.iter().all(|((v, _), _)| v.trim().is_empty());
                        let known_ok = fields
                            .iter()
                            .zip(&columns)
                            .all(|(((_, ok), _), c)| *ok || !COLUMNS[..8].contains(c));
                        if !blank {
                            expected.push((line, known_ok && has("name") && has("phone")));
                        }
                        let encoded: Vec<String> =
                            fields.iter().map(|((v, _), q)| encode(v, *q)).collect();
                        out.push_str(&encoded.join(","));
                        out.push_str(newline);
                    }
                    (out.into_bytes(), expected)
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = check_upload(&data);
            }

            #[test]
            fn generated_files_stage_exactly_the_valid_rows_on_their_lines((data, expected) in file()) {
                let Ok(parsed) = check_upload(&data) else {
                    // Only a header without name or phone refuses a file of valid UTF-8.
                    let text = String::from_utf8_lossy(&data);
                    let header = text.lines().next().unwrap_or_default().to_lowercase();
                    prop_assert!(!(header.contains("name") && header.contains("phone")), "{text:?}");
                    return Ok(());
                };
                let text = String::from_utf8_lossy(&parsed.copy_rows);
                let staged: Vec<u64> = text.lines().map(|r| r.split('\t').next().unwrap_or_default().parse().unwrap_or(0)).collect();
                let rejected: Vec<u64> = parsed.rejected_rows.iter().map(|r| r.line).collect();
                let want_staged: Vec<u64> = expected.iter().filter(|(_, ok)| *ok).map(|(l, _)| *l).collect();
                let want_rejected: Vec<u64> = expected.iter().filter(|(_, ok)| !*ok).map(|(l, _)| *l).collect();
                prop_assert_eq!(staged, want_staged, "{:?}", String::from_utf8_lossy(&data));
                prop_assert_eq!(rejected, want_rejected, "{:?}", String::from_utf8_lossy(&data));
            }
        }
    }

    #[test]
    fn content_types() {
        let kind = |ct: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, ct.parse().unwrap());
            body_kind(&h).ok()
        };
        assert_eq!(kind("text/csv; charset=utf-8"), Some(BodyKind::Csv));
        assert_eq!(
            kind("multipart/form-data; boundary=x"),
            Some(BodyKind::Multipart)
        );
        assert_eq!(kind("application/json"), None);
    }
}
