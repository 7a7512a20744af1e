//! The lead filter (`GET /api/leads`, and a campaign started from a filter): one condition over
//! `leads l`, used by the list and by the enrolment.
//!
//! The query macros need literal SQL, so the condition is written out in both statements, between
//! the `filter:start` and `filter:end` comments; a test keeps the two copies equal.

use callwright_contracts::api::leads::LeadSummary;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A checked lead filter (the API checks and normalises each value first).
#[derive(Debug, Clone, Default)]
pub struct FilterValues {
    /// Only leads of this campaign.
    pub campaign_id: Option<Uuid>,
    /// Only leads with this language code.
    pub language: Option<&'static str>,
    /// Only leads never called (then `outcome` is None).
    pub never_called: bool,
    /// Only leads whose latest outcome is this code.
    pub outcome: Option<String>,
    /// A LIKE pattern (escaped) the name, phone or email must match, case-insensitively.
    pub text: Option<String>,
    /// `new`, `active` or `done`.
    pub status: Option<String>,
}

/// Live leads matching the filter, newest first, strictly before `before` (created at, id).
pub async fn list(
    db: &PgPool,
    f: &FilterValues,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<LeadSummary>, sqlx::Error> {
    sqlx::query_as!(
        LeadSummary,
        r#"SELECT l.id, l.name, l.phone AS "phone!", l.email, l.company, l.language, l.timezone,
                  l.attempts, l.last_outcome, l.last_outcome_at, l.created_at
           FROM leads l
           WHERE
           -- filter:start
           l.deleted_at IS NULL AND NOT l.trial
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM campaign_leads cl
                                             WHERE cl.lead_id = l.id AND cl.campaign_id = $1))
           AND ($2::text IS NULL OR l.language = $2)
           AND (CASE WHEN $3 THEN l.last_outcome IS NULL
                     ELSE ($4::text IS NULL OR l.last_outcome = $4) END)
           AND ($5::text IS NULL OR l.name ILIKE $5 OR l.phone ILIKE $5 OR l.email ILIKE $5)
           AND (CASE $6::text
                  WHEN 'new' THEN NOT EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                  WHEN 'active' THEN EXISTS (SELECT 1 FROM campaign_leads cl
                                              WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  WHEN 'done' THEN EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                               AND NOT EXISTS (SELECT 1 FROM campaign_leads cl
                                               WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  ELSE true END)
           -- filter:end
             AND ($7::timestamptz IS NULL OR (l.created_at, l.id) < ($7, $8))
           ORDER BY l.created_at DESC, l.id DESC LIMIT $9"#,
        f.campaign_id,
        f.language,
        f.never_called,
        f.outcome.as_deref(),
        f.text.as_deref(),
        f.status.as_deref(),
        before.map(|b| b.0),
        before.map(|b| b.1),
        limit,
    )
    .fetch_all(db)
    .await
}

/// Enrols every live lead matching the filter in a campaign, oldest first; returns how many.
pub async fn enrol(
    tx: &mut PgConnection,
    f: &FilterValues,
    campaign: Uuid,
) -> Result<u64, sqlx::Error> {
    let count = sqlx::query_scalar!(
        r#"WITH picked AS (
               INSERT INTO campaign_leads (campaign_id, seq, lead_id)
               SELECT $7, (row_number() OVER (ORDER BY l.created_at, l.id))::int, l.id
               FROM leads l
               WHERE
           -- filter:start
           l.deleted_at IS NULL AND NOT l.trial
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM campaign_leads cl
                                             WHERE cl.lead_id = l.id AND cl.campaign_id = $1))
           AND ($2::text IS NULL OR l.language = $2)
           AND (CASE WHEN $3 THEN l.last_outcome IS NULL
                     ELSE ($4::text IS NULL OR l.last_outcome = $4) END)
           AND ($5::text IS NULL OR l.name ILIKE $5 OR l.phone ILIKE $5 OR l.email ILIKE $5)
           AND (CASE $6::text
                  WHEN 'new' THEN NOT EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                  WHEN 'active' THEN EXISTS (SELECT 1 FROM campaign_leads cl
                                              WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  WHEN 'done' THEN EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                               AND NOT EXISTS (SELECT 1 FROM campaign_leads cl
                                               WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  ELSE true END)
           -- filter:end
               RETURNING 1
           ) SELECT count(*) AS "n!" FROM picked"#,
        f.campaign_id,
        f.language,
        f.never_called,
        f.outcome.as_deref(),
        f.text.as_deref(),
        f.status.as_deref(),
        campaign,
    )
    .fetch_one(tx)
    .await?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// A saved filter's row (the filter as saved, JSON).
#[derive(Debug, Clone)]
pub struct SavedRow {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The filter, as saved.
    pub filter: serde_json::Value,
    /// Saved at.
    pub created_at: DateTime<Utc>,
}

/// Saves a filter under a name.
pub async fn save(
    db: &PgPool,
    name: &str,
    filter: &serde_json::Value,
) -> Result<SavedRow, sqlx::Error> {
    sqlx::query_as!(
        SavedRow,
        "INSERT INTO lead_filters (id, name, filter) VALUES ($1, $2, $3)
         RETURNING id, name, filter, created_at",
        Uuid::new_v4(),
        name,
        filter,
    )
    .fetch_one(db)
    .await
}

/// The newest saved filters (at most 1,000).
pub async fn saved(db: &PgPool) -> Result<Vec<SavedRow>, sqlx::Error> {
    sqlx::query_as!(
        SavedRow,
        "SELECT id, name, filter, created_at FROM lead_filters ORDER BY created_at DESC LIMIT 1000",
    )
    .fetch_all(db)
    .await
}

/// Removes a saved filter; false when there was none.
pub async fn remove_saved(db: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query!("DELETE FROM lead_filters WHERE id = $1", id)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}

/// A saved filter as saved (JSON), if there is one with this id.
pub async fn saved_filter(db: &PgPool, id: Uuid) -> Result<Option<serde_json::Value>, sqlx::Error> {
    sqlx::query_scalar!("SELECT filter FROM lead_filters WHERE id = $1", id)
        .fetch_optional(db)
        .await
}

#[cfg(test)]
mod tests {
    /// The condition between the markers in each statement of this file.
    fn conditions() -> Vec<String> {
        let source = include_str!("lead_filter.rs");
        let (start, end) = (concat!("-- filter", ":start"), concat!("-- filter", ":end"));
        source
            .split(start)
            .skip(1)
            .map(|rest| {
                let body = rest.split(end).next().unwrap_or_default();
                body.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect()
    }

    #[test]
    fn the_list_and_the_enrolment_filter_alike() {
        let found = conditions();
        assert_eq!(found.len(), 2, "expected the condition in two statements");
        assert!(found[0].contains("l.deleted_at IS NULL"), "{}", found[0]);
        assert_eq!(
            found[0], found[1],
            "the two copies of the lead filter differ"
        );
    }
}
