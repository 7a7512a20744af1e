//! Calls as the API reads them: the filtered list, one call's extras and transcript, the
//! recording link, and the counts the metrics endpoint exports.

use callwright_contracts::api::calls::{CallRecord, TurnRow};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// Which calls a list shows (every filter optional; trials never).
#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    /// Only this lead's calls.
    pub lead_id: Option<Uuid>,
    /// Only this campaign's calls.
    pub campaign_id: Option<Uuid>,
    /// Only calls by this agent.
    pub agent_id: Option<Uuid>,
    /// Only calls by this version of the agent.
    pub agent_version: Option<i32>,
    /// Only calls with this outcome code.
    pub outcome: Option<String>,
    /// Dialled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Dialled before.
    pub to: Option<DateTime<Utc>>,
}

/// Calls newest first, strictly before `before` (dialled at, id), at most `limit`.
pub async fn list(
    db: &PgPool,
    filter: &CallFilter,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<CallRecord>, sqlx::Error> {
    sqlx::query_as!(
        CallRecord,
        r#"SELECT c.id, c.lead_id, l.name AS lead_name, l.phone, c.campaign_id, c.workflow_id,
                  c.attempt, c.call_sid, c.status, c.answered_by, c.outcome, c.language,
                  c.dialed_at, c.ended_at, c.duration_secs,
                  c.recording_url IS NOT NULL AS "has_recording!", c.agent_id, c.agent_version,
                  c.trial
           FROM calls c JOIN leads l ON l.id = c.lead_id
           WHERE ($1::uuid IS NULL OR c.lead_id = $1)
             AND ($2::uuid IS NULL OR c.campaign_id = $2)
             AND ($3::text IS NULL OR c.outcome = $3)
             AND ($4::timestamptz IS NULL OR c.dialed_at >= $4)
             AND ($5::timestamptz IS NULL OR c.dialed_at < $5)
             AND ($6::timestamptz IS NULL OR (c.dialed_at, c.id) < ($6, $7))
             AND ($9::uuid IS NULL OR c.agent_id = $9)
             AND ($10::int IS NULL OR c.agent_version = $10)
             AND NOT c.trial
           ORDER BY c.dialed_at DESC, c.id DESC LIMIT $8"#,
        filter.lead_id,
        filter.campaign_id,
        filter.outcome.as_deref(),
        filter.from,
        filter.to,
        before.map(|b| b.0),
        before.map(|b| b.1),
        limit,
        filter.agent_id,
        filter.agent_version,
    )
    .fetch_all(db)
    .await
}

/// One call's row, trial or not.
pub async fn get(db: &PgPool, id: Uuid) -> Result<Option<CallRecord>, sqlx::Error> {
    sqlx::query_as!(
        CallRecord,
        r#"SELECT c.id, c.lead_id, l.name AS lead_name, l.phone, c.campaign_id, c.workflow_id,
                  c.attempt, c.call_sid, c.status, c.answered_by, c.outcome, c.language,
                  c.dialed_at, c.ended_at, c.duration_secs,
                  c.recording_url IS NOT NULL AS "has_recording!", c.agent_id, c.agent_version,
                  c.trial
           FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// The columns of a call beyond its list row.
#[derive(Debug, Clone)]
pub struct CallExtras {
    /// What the outcome carries (an `AttemptOutcome`).
    pub outcome_detail: Option<Value>,
    /// The post-call summary (a `CallSummary`).
    pub summary: Option<Value>,
    /// The answers to the agent's questions, by question id.
    pub answers: Option<Value>,
    /// Where transcribing the recording stands (a `RecordingTranscriptStatus` code).
    pub recording_transcript_status: Option<String>,
    /// The recording's utterances, once transcribed.
    pub recording_transcript: Option<Value>,
}

/// A call's extras (None when there is no such call).
pub async fn extras(db: &PgPool, id: Uuid) -> Result<Option<CallExtras>, sqlx::Error> {
    sqlx::query_as!(
        CallExtras,
        "SELECT outcome_detail, summary, answers, recording_transcript_status, recording_transcript
         FROM calls WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// A call's transcript, in order.
pub async fn transcript(db: &PgPool, call: Uuid) -> Result<Vec<TurnRow>, sqlx::Error> {
    sqlx::query_as!(
        TurnRow,
        "SELECT idx, speaker, text, confidence, intent, language, tools, spoken_at, heard
         FROM call_turns WHERE call_id = $1 ORDER BY idx",
        call,
    )
    .fetch_all(db)
    .await
}

/// The call's recording link: None when there is no such call, Some(None) when it has none.
pub async fn recording_url(db: &PgPool, call: Uuid) -> Result<Option<Option<String>>, sqlx::Error> {
    // An erased lead's recording never plays, even while a link announced after the erasure
    // waits for the erasure that deletes it.
    sqlx::query_scalar!(
        r#"SELECT CASE WHEN l.erased_at IS NULL THEN c.recording_url END AS "recording_url?"
           FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1"#,
        call
    )
    .fetch_optional(db)
    .await
}

/// Keeps the provider's recording link of a call (a repeat sets the same value). Returns the
/// call's lead when that lead was erased meanwhile: a recording that arrives after an erasure
/// must be erased too.
pub async fn set_recording_url(
    db: &PgPool,
    call_sid: &str,
    url: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    // The lead row is read under a share lock, so this write and an erasure's blanking (which
    // holds the lead row for update) are ordered: either the blanking sees this link and
    // deletes it, or this sees the lead erased and the caller erases again.
    let row = sqlx::query!(
        r#"WITH l AS (
             SELECT l.id, l.erased_at FROM leads l JOIN calls c ON c.lead_id = l.id
             WHERE c.call_sid = $1 FOR SHARE OF l
           )
           UPDATE calls c SET recording_url = $2 FROM l
           WHERE c.call_sid = $1 AND l.id = c.lead_id
           RETURNING l.id AS "lead_id!", l.erased_at IS NOT NULL AS "erased!""#,
        call_sid,
        url,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.filter(|r| r.erased).map(|r| r.lead_id))
}

/// Calls placed and not yet finished.
pub async fn live_count(db: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM calls WHERE outcome IS NULL AND call_sid IS NOT NULL"#
    )
    .fetch_one(db)
    .await
}

/// Finished calls by outcome code, in code order.
pub async fn outcome_counts(db: &PgPool) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT outcome AS "outcome!", count(*) AS "n!" FROM calls
           WHERE outcome IS NOT NULL GROUP BY 1 ORDER BY 1"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.outcome, r.n)).collect())
}

/// Answers when the database does (readiness).
pub async fn ping(db: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT 1 AS one")
        .fetch_one(db)
        .await
        .map(|_| ())
}

/// The question lists (`spec.questions`) of the agent versions that made the calls in scope,
/// by agent and version.
pub async fn question_specs(
    db: &PgPool,
    campaign_id: Option<Uuid>,
    agent_id: Option<Uuid>,
) -> Result<Vec<Value>, sqlx::Error> {
    // Only the questions: a spec may carry a megabyte of knowledge.
    sqlx::query_scalar!(
        r#"SELECT COALESCE(v.spec->'questions', '[]'::jsonb) AS "questions!" FROM agent_versions v
           WHERE (v.agent_id, v.version) IN (
               SELECT DISTINCT agent_id, agent_version FROM calls
               WHERE NOT trial AND agent_id IS NOT NULL
                 AND ($1::uuid IS NULL OR campaign_id = $1)
                 AND ($2::uuid IS NULL OR agent_id = $2))
           ORDER BY v.agent_id, v.version"#,
        campaign_id,
        agent_id,
    )
    .fetch_all(db)
    .await
}

/// A call as exported to CSV, with its lead's contact details.
#[derive(Debug, Clone)]
pub struct ExportRow {
    /// Call id.
    pub id: Uuid,
    /// The lead called.
    pub lead_id: Uuid,
    /// The lead's name.
    pub name: String,
    /// The number dialled (none once erased).
    pub phone: Option<String>,
    /// The lead's email.
    pub email: Option<String>,
    /// The lead's company.
    pub company: Option<String>,
    /// Campaign of the attempt.
    pub campaign_id: Option<Uuid>,
    /// The agent that spoke.
    pub agent_id: Option<Uuid>,
    /// Its version.
    pub agent_version: Option<i32>,
    /// Attempt number, from 1.
    pub attempt: i32,
    /// Language of the call.
    pub language: String,
    /// Dialled at.
    pub dialed_at: DateTime<Utc>,
    /// Ended at.
    pub ended_at: Option<DateTime<Utc>>,
    /// Length, seconds.
    pub duration_secs: Option<i32>,
    /// Provider call status.
    pub status: String,
    /// Outcome code.
    pub outcome: Option<String>,
    /// What the outcome carries.
    pub outcome_detail: Option<Value>,
    /// The post-call summary.
    pub summary: Option<Value>,
    /// The answers, by question id.
    pub answers: Option<Value>,
}

/// A page of the export, oldest first, strictly after `after` (dialled at, id).
pub async fn export_page(
    db: &PgPool,
    campaign_id: Option<Uuid>,
    agent_id: Option<Uuid>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ExportRow>, sqlx::Error> {
    sqlx::query_as!(
        ExportRow,
        "SELECT c.id, c.lead_id, l.name, l.phone, l.email, l.company, c.campaign_id,
                c.agent_id, c.agent_version, c.attempt, c.language, c.dialed_at,
                c.ended_at, c.duration_secs, c.status, c.outcome, c.outcome_detail,
                c.summary, c.answers
         FROM calls c JOIN leads l ON l.id = c.lead_id
         WHERE NOT c.trial
           AND ($1::uuid IS NULL OR c.campaign_id = $1)
           AND ($2::uuid IS NULL OR c.agent_id = $2)
           AND ($3::timestamptz IS NULL OR c.dialed_at >= $3)
           AND ($4::timestamptz IS NULL OR c.dialed_at < $4)
           AND ($5::timestamptz IS NULL OR (c.dialed_at, c.id) > ($5, $6))
         ORDER BY c.dialed_at, c.id LIMIT $7",
        campaign_id,
        agent_id,
        from,
        to,
        after.map(|a| a.0),
        after.map(|a| a.1),
        limit,
    )
    .fetch_all(db)
    .await
}
