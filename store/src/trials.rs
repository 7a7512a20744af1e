//! Agent trials: a chat with an agent version as a made-up (or copied) lead, which runs the
//! same lead workflow as a call.

use callwright_contracts::api::trials::TrialLine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A live lead's details as an agent's templates read them (codes as stored).
#[derive(Debug, Clone)]
pub struct LeadDetails {
    /// Name.
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Language code.
    pub language: String,
    /// IANA zone name.
    pub timezone: String,
    /// The lead's own data.
    pub fields: Json<BTreeMap<String, Value>>,
}

/// A live lead (not deleted, not a trial's).
pub async fn lead_details(db: &PgPool, id: Uuid) -> Result<Option<LeadDetails>, sqlx::Error> {
    sqlx::query_as!(
        LeadDetails,
        r#"SELECT name, email, company, language, timezone,
                  fields AS "fields: Json<BTreeMap<String, Value>>"
           FROM leads WHERE id = $1 AND deleted_at IS NULL AND NOT trial"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// A trial to create, with its lead.
#[derive(Debug, Clone, Copy)]
pub struct NewTrial<'a> {
    /// Trial id.
    pub id: Uuid,
    /// The agent tried.
    pub agent_id: Uuid,
    /// Its version.
    pub version: i32,
    /// The trial's own lead.
    pub lead_id: Uuid,
    /// The lead workflow that runs it.
    pub workflow_id: &'a str,
    /// The lead's name.
    pub name: &'a str,
    /// The lead's email.
    pub email: Option<&'a str>,
    /// The lead's company.
    pub company: Option<&'a str>,
    /// Language code.
    pub language: &'a str,
    /// IANA zone name.
    pub timezone: &'a str,
    /// The lead's own data.
    pub fields: &'a BTreeMap<String, Value>,
    /// The real lead it was copied from, if any.
    pub source_lead_id: Option<Uuid>,
}

/// Writes the trial's lead (no phone: it is never dialled) and the trial, in one transaction.
pub async fn insert(tx: &mut PgConnection, t: NewTrial<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO leads (id, name, phone, email, company, language, timezone, window_timezones, fields, trial)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, ARRAY[$6], $7, true)",
        t.lead_id,
        t.name,
        t.email,
        t.company,
        t.language,
        t.timezone,
        Json(t.fields) as _,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO agent_trials (id, agent_id, version, lead_id, workflow_id, language, source_lead_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        t.id,
        t.agent_id,
        t.version,
        t.lead_id,
        t.workflow_id,
        t.language,
        t.source_lead_id,
    )
    .execute(&mut *tx)
    .await
    .map(|_| ())
}

/// Removes a trial whose workflow never started, with its lead.
pub async fn remove(db: &PgPool, id: Uuid, lead_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM agent_trials WHERE id = $1", id)
        .execute(db)
        .await?;
    sqlx::query!("DELETE FROM leads WHERE id = $1 AND trial", lead_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// A trial's row.
#[derive(Debug, Clone)]
pub struct TrialRow {
    /// The agent tried.
    pub agent_id: Uuid,
    /// Its version.
    pub version: i32,
    /// Language code.
    pub language: String,
    /// The lead workflow.
    pub workflow_id: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Ended, once it did.
    pub ended_at: Option<DateTime<Utc>>,
    /// The trial's lead.
    pub lead_id: Uuid,
}

/// One trial.
pub async fn get(db: &PgPool, id: Uuid) -> Result<Option<TrialRow>, sqlx::Error> {
    sqlx::query_as!(
        TrialRow,
        "SELECT agent_id, version, language, workflow_id, created_at, ended_at, lead_id
         FROM agent_trials WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// The call a trial's workflow wrote.
#[derive(Debug, Clone)]
pub struct TrialCall {
    /// Call id.
    pub id: Uuid,
    /// Outcome code, once over.
    pub outcome: Option<String>,
    /// Answers to the agent's questions.
    pub answers: Option<Value>,
    /// Ended at.
    pub ended_at: Option<DateTime<Utc>>,
}

/// The (first) call a workflow wrote.
pub async fn call_of(db: &PgPool, workflow_id: &str) -> Result<Option<TrialCall>, sqlx::Error> {
    sqlx::query_as!(
        TrialCall,
        "SELECT id, outcome, answers, ended_at FROM calls WHERE workflow_id = $1
         ORDER BY attempt LIMIT 1",
        workflow_id,
    )
    .fetch_optional(db)
    .await
}

/// A trial call's written lines, in order.
pub async fn lines(db: &PgPool, call_id: Uuid) -> Result<Vec<TrialLine>, sqlx::Error> {
    sqlx::query_as!(
        TrialLine,
        "SELECT idx, speaker, text, tools, spoken_at FROM call_turns
         WHERE call_id = $1 ORDER BY idx",
        call_id,
    )
    .fetch_all(db)
    .await
}

/// Locks a trial for one message (until the transaction ends) and says whether it is over:
/// None when there is no such trial.
pub async fn lock_for_message(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<bool>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT t.ended_at IS NOT NULL OR EXISTS (
                  SELECT 1 FROM calls c WHERE c.workflow_id = t.workflow_id AND c.outcome IS NOT NULL)
                  AS "ended!"
           FROM agent_trials t WHERE t.id = $1 FOR UPDATE"#,
        id,
    )
    .fetch_optional(tx)
    .await
}

/// Marks a trial ended (the first end stands).
pub async fn mark_ended(db: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE agent_trials SET ended_at = COALESCE(ended_at, now()) WHERE id = $1",
        id,
    )
    .execute(db)
    .await
    .map(|_| ())
}
