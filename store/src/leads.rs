//! Leads as the API reads and writes them: create one, read one with its calls, the run a retry
//! continues, and the operator audit trail.

use callwright_contracts::api::leads::{CallRow, Lead};
use callwright_domain::NewLead;
use serde_json::Value;
use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

/// Creates a lead; None when a live lead has the number already.
pub async fn insert(db: &PgPool, lead: &NewLead<'_>) -> Result<Option<Lead>, sqlx::Error> {
    sqlx::query_as!(
        Lead,
        r#"INSERT INTO leads (id, name, phone, email, company, language, timezone, window_timezones, fields)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (phone) WHERE deleted_at IS NULL DO NOTHING
           RETURNING id, name, phone AS "phone!", email, company, language, timezone,
                     window_timezones, attempts, last_outcome, last_outcome_at, created_at,
                     fields"#,
        Uuid::new_v4(),
        lead.name,
        lead.phone.as_str(),
        lead.email.as_ref().map(|e| e.as_str()),
        lead.company,
        lead.language.code(),
        lead.zones.primary,
        &lead.zones.window,
        Json(&lead.fields) as _,
    )
    .fetch_optional(db)
    .await
}

/// The live lead with this number.
pub async fn live_id_by_phone(db: &PgPool, phone: &str) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM leads WHERE phone = $1 AND deleted_at IS NULL",
        phone,
    )
    .fetch_optional(db)
    .await
}

/// A live lead that is not a trial's.
pub async fn get(db: &PgPool, id: Uuid) -> Result<Option<Lead>, sqlx::Error> {
    sqlx::query_as!(
        Lead,
        r#"SELECT id, name, phone AS "phone!", email, company, language, timezone,
                  window_timezones, attempts, last_outcome, last_outcome_at, created_at,
                  fields
           FROM leads WHERE id = $1 AND deleted_at IS NULL AND NOT trial"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Whether a live (not deleted) lead has this id.
pub async fn exists(db: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM leads WHERE id = $1 AND deleted_at IS NULL) AS "exists!""#,
        id,
    )
    .fetch_one(db)
    .await
}

/// Every attempt of a lead, oldest first.
pub async fn calls(db: &PgPool, lead_id: Uuid) -> Result<Vec<CallRow>, sqlx::Error> {
    sqlx::query_as!(
        CallRow,
        "SELECT id, campaign_id, attempt, call_sid, status, answered_by, outcome, outcome_detail,
                dialed_at, ended_at, duration_secs, recording_url, summary, agent_id,
                agent_version, answers
         FROM calls WHERE lead_id = $1 ORDER BY dialed_at",
        lead_id,
    )
    .fetch_all(db)
    .await
}

/// The lead's latest campaign run: the campaign, the lead's place in it and its settings.
#[derive(Debug, Clone)]
pub struct LatestRun {
    /// The campaign most recently started with the lead.
    pub campaign_id: Uuid,
    /// The lead's position in it.
    pub seq: i32,
    /// The campaign's settings as started.
    pub settings: Value,
}

/// The campaign most recently started with the lead, if any.
pub async fn latest_run(db: &PgPool, lead_id: Uuid) -> Result<Option<LatestRun>, sqlx::Error> {
    sqlx::query_as!(
        LatestRun,
        "SELECT c.id AS campaign_id, cl.seq, c.settings
         FROM campaign_leads cl JOIN campaigns c ON c.id = cl.campaign_id
         WHERE cl.lead_id = $1 ORDER BY c.created_at DESC LIMIT 1",
        lead_id,
    )
    .fetch_optional(db)
    .await
}

/// The highest attempt number a workflow id's runs reached (None before the first dial).
pub async fn max_attempt(db: &PgPool, workflow_id: &str) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT max(attempt) FROM calls WHERE workflow_id = $1",
        workflow_id,
    )
    .fetch_one(db)
    .await
}

/// Writes an operator action to `audit_log`, on the connection or in the transaction the
/// action itself is written in, so an action never commits without its audit row.
pub async fn audit(
    db: impl sqlx::PgExecutor<'_>,
    api_key_id: Option<Uuid>,
    action: &str,
    lead_id: Uuid,
    detail: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_log (api_key_id, action, target, detail) VALUES ($1, $2, $3, $4)",
        api_key_id,
        action,
        lead_id.to_string(),
        detail,
    )
    .execute(db)
    .await
    .map(|_| ())
}
