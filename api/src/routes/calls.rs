//! Calls: every attempt that was dialled (or decided not to be), filtered and paged; one call
//! with its whole transcript.

use super::page::{self, Cursor};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `GET /api/calls` filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallQuery {
    lead_id: Option<Uuid>,
    campaign_id: Option<Uuid>,
    outcome: Option<String>,
    /// Dialled at or after.
    from: Option<DateTime<Utc>>,
    /// Dialled before.
    to: Option<DateTime<Utc>>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// A call in a list.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct CallSummary {
    id: Uuid,
    lead_id: Uuid,
    lead_name: String,
    phone: String,
    campaign_id: Option<Uuid>,
    workflow_id: String,
    attempt: i32,
    call_sid: Option<String>,
    status: String,
    answered_by: Option<String>,
    outcome: Option<String>,
    language: String,
    dialed_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    duration_secs: Option<i32>,
    has_recording: bool,
}

const SUMMARY_COLUMNS: &str = "c.id, c.lead_id, l.name AS lead_name, l.phone, c.campaign_id, c.workflow_id, c.attempt, c.call_sid, c.status, c.answered_by, c.outcome, c.language, c.dialed_at, c.ended_at, c.duration_secs, c.recording_url IS NOT NULL AS has_recording";

/// A page of calls.
#[derive(Debug, Serialize)]
pub struct CallPage {
    calls: Vec<CallSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// Calls, newest first.
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<CallQuery>,
) -> Result<Json<CallPage>, ApiError> {
    if let Some(outcome) = &q.outcome
        && !callwright_domain::AttemptOutcome::CODES.contains(&outcome.as_str())
    {
        return Err(ApiError::BadRequest(format!(
            "outcome: '{outcome}' is not one of {}",
            callwright_domain::AttemptOutcome::CODES.join(", ")
        )));
    }
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let rows: Vec<CallSummary> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN leads l ON l.id = c.lead_id
         WHERE ($1::uuid IS NULL OR c.lead_id = $1)
           AND ($2::uuid IS NULL OR c.campaign_id = $2)
           AND ($3::text IS NULL OR c.outcome = $3)
           AND ($4::timestamptz IS NULL OR c.dialed_at >= $4)
           AND ($5::timestamptz IS NULL OR c.dialed_at < $5)
           AND ($6::timestamptz IS NULL OR (c.dialed_at, c.id) < ($6, $7))
         ORDER BY c.dialed_at DESC, c.id DESC LIMIT $8"
    ))
    .bind(q.lead_id)
    .bind(q.campaign_id)
    .bind(&q.outcome)
    .bind(q.from)
    .bind(q.to)
    .bind(before.map(|c| c.at))
    .bind(before.map(|c| c.id))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let (calls, next_cursor) = page::finish(rows, limit, |c| (c.dialed_at, c.id));
    Ok(Json(CallPage { calls, next_cursor }))
}

/// One line of a transcript.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct TurnRow {
    idx: i32,
    speaker: String,
    text: String,
    confidence: Option<f32>,
    spoken_at: DateTime<Utc>,
}

/// `GET /api/calls/{id}`.
#[derive(Debug, Serialize)]
pub struct CallDetail {
    #[serde(flatten)]
    call: CallSummary,
    /// What the outcome carries (meeting time and id, callback time, ...).
    outcome_detail: Option<Value>,
    /// Both sides, in order, with ASR confidence for the callee's lines. Text is stored and
    /// returned as spoken (UTF-8; right-to-left scripts are not reordered).
    transcript: Vec<TurnRow>,
}

/// One call with its transcript.
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CallDetail>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest(format!("id: '{id}' is not a call id")))?;
    let call: CallSummary = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("no call {id}")))?;
    let outcome_detail: Option<Value> =
        sqlx::query_scalar("SELECT outcome_detail FROM calls WHERE id = $1")
            .bind(id)
            .fetch_one(&state.db)
            .await?;
    let transcript: Vec<TurnRow> = sqlx::query_as(
        "SELECT idx, speaker, text, confidence, spoken_at FROM call_turns WHERE call_id = $1 ORDER BY idx",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(CallDetail {
        call,
        outcome_detail,
        transcript,
    }))
}
