//! Calls: every attempt that was dialled (or decided not to be), filtered and paged; one call
//! with its whole transcript.

use super::page::{self, Cursor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use callwright_contracts::activities::RecordingTranscriptStatus;
use callwright_providers::stt::RecordedUtterance;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `GET /api/calls` filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// Only this lead's calls.
    lead_id: Option<Uuid>,
    /// Only this campaign's calls.
    campaign_id: Option<Uuid>,
    /// Only calls by this agent.
    agent_id: Option<Uuid>,
    /// Only calls by this version of the agent (with `agent_id`).
    #[param(minimum = 1)]
    agent_version: Option<i32>,
    /// Only calls with this outcome.
    #[param(value_type = Option<super::openapi::OutcomeCode>, inline)]
    outcome: Option<String>,
    /// Dialled at or after.
    from: Option<DateTime<Utc>>,
    /// Dialled before.
    to: Option<DateTime<Utc>>,
    /// Page size (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// A call in a list.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CallRecord {
    /// Call id.
    id: Uuid,
    /// The lead called.
    lead_id: Uuid,
    /// Their name.
    lead_name: String,
    /// The number dialled, E.164 (none once the lead was erased).
    phone: Option<String>,
    /// Campaign of the attempt.
    campaign_id: Option<Uuid>,
    /// The lead workflow that placed it.
    workflow_id: String,
    /// Attempt number, from 1.
    attempt: i32,
    /// Provider call id, once dialled.
    call_sid: Option<String>,
    /// Provider call status (`queued`, `ringing`, `in-progress`, `completed`, `busy`, ...).
    status: String,
    /// Answering-machine detection result (`human`, `machine_end_beep`, ...).
    answered_by: Option<String>,
    /// Outcome code, once the attempt is over.
    outcome: Option<String>,
    /// Language of the call.
    language: String,
    /// Dialled at.
    dialed_at: DateTime<Utc>,
    /// Ended at.
    ended_at: Option<DateTime<Utc>>,
    /// Length of the call, seconds.
    duration_secs: Option<i32>,
    /// Whether a recording is kept.
    has_recording: bool,
    /// The agent that spoke.
    agent_id: Option<Uuid>,
    /// Its version.
    agent_version: Option<i32>,
    /// A trial chat of the agent (`POST /api/agents/{id}/trials`), not a phone call.
    trial: bool,
}

const SUMMARY_COLUMNS: &str = "c.id, c.lead_id, l.name AS lead_name, l.phone, c.campaign_id, c.workflow_id, c.attempt, c.call_sid, c.status, c.answered_by, c.outcome, c.language, c.dialed_at, c.ended_at, c.duration_secs, c.recording_url IS NOT NULL AS has_recording, c.agent_id, c.agent_version, c.trial";

/// A page of calls.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CallPage {
    /// Newest first.
    calls: Vec<CallRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// Calls, newest first.
#[utoipa::path(
    get,
    path = "/api/calls",
    operation_id = "listCalls",
    tag = "calls",
    security(("bearer" = [])),
    params(CallQuery),
    responses(
        (status = 200, description = "A page of calls", body = CallPage),
        (status = 400, description = "A filter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<CallQuery>,
) -> Result<Json<CallPage>, ApiError> {
    if let Some(outcome) = &q.outcome
        && !callwright_domain::AttemptOutcome::CODES.contains(&outcome.as_str())
    {
        return Err(ApiError::bad_field(
            "outcome",
            format!(
                "'{outcome}' is not one of {}",
                callwright_domain::AttemptOutcome::CODES.join(", ")
            ),
        ));
    }
    if q.agent_version.is_some() && q.agent_id.is_none() {
        return Err(ApiError::bad_field(
            "agent_version",
            "give agent_id with it (versions are numbered per agent)",
        ));
    }
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let rows: Vec<CallRecord> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN leads l ON l.id = c.lead_id
         WHERE ($1::uuid IS NULL OR c.lead_id = $1)
           AND ($2::uuid IS NULL OR c.campaign_id = $2)
           AND ($3::text IS NULL OR c.outcome = $3)
           AND ($4::timestamptz IS NULL OR c.dialed_at >= $4)
           AND ($5::timestamptz IS NULL OR c.dialed_at < $5)
           AND ($6::timestamptz IS NULL OR (c.dialed_at, c.id) < ($6, $7))
           AND ($9::uuid IS NULL OR c.agent_id = $9)
           AND ($10::int IS NULL OR c.agent_version = $10)
           AND NOT c.trial
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
    .bind(q.agent_id)
    .bind(q.agent_version)
    .fetch_all(&state.db)
    .await?;
    let (calls, next_cursor) = page::finish(rows, limit, |c| (c.dialed_at, c.id));
    Ok(Json(CallPage { calls, next_cursor }))
}

/// One line of a transcript.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TurnRow {
    /// Position in the call, from 0.
    idx: i32,
    /// `agent` or `callee`.
    speaker: String,
    /// What was said (empty for a silent callee turn).
    text: String,
    /// ASR confidence of a callee line.
    confidence: Option<f32>,
    /// On a callee line: what it meant, as the agent acted on it (`book_meeting`, `interested`,
    /// `callback`, `opt_out`, `not_interested`, `wrong_person`, `end_call`, `asks_for_times`,
    /// `continue`).
    intent: Option<String>,
    /// The line's language: the one the agent spoke, or the one recognised in the callee's
    /// words (absent when they do not tell). A change shows where the callee switched.
    language: Option<String>,
    /// On an agent line: the tools the model used to answer (name, arguments, result), in order.
    #[schema(value_type = Option<Vec<callwright_domain::conversation::ToolUse>>)]
    tools: Option<Value>,
    /// When.
    spoken_at: DateTime<Utc>,
}

/// The columns of a call beyond its summary row: outcome detail, post-call summary, answers,
/// and the recording transcript's status and utterances.
type CallExtras = (
    Option<Value>,
    Option<Value>,
    Option<Value>,
    Option<String>,
    Option<sqlx::types::Json<Vec<RecordedUtterance>>>,
);

/// `GET /api/calls/{id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CallDetail {
    #[serde(flatten)]
    call: CallRecord,
    /// What the outcome carries (meeting time and id, callback time, ...).
    #[schema(value_type = Option<callwright_domain::AttemptOutcome>)]
    outcome_detail: Option<Value>,
    /// The post-call summary (interest 1-5, objections, questions, next step, language), once
    /// the model wrote it after an answered call.
    #[schema(value_type = Option<callwright_domain::summary::CallSummary>)]
    summary: Option<Value>,
    /// The answers to the agent's qualification questions, by question id, typed as each
    /// question says (a number, a boolean, one of its options, or text); once the post-call
    /// summary is written. Unanswered questions are absent.
    #[schema(value_type = Option<Object>)]
    answers: Option<Value>,
    /// Both sides, in order, with ASR confidence for the callee's lines. Text is stored and
    /// returned as spoken (UTF-8; right-to-left scripts are not reordered).
    transcript: Vec<TurnRow>,
    /// Where transcribing the recording after the call stands: `done`, `skipped` (no
    /// speech-to-text provider configured), `no_recording`, `failed`; null until settled.
    recording_transcript_status: Option<RecordingTranscriptStatus>,
    /// The recording transcribed (when `done`): agent and callee utterances with their start
    /// and end in seconds from the start of the recording.
    recording_transcript: Vec<RecordedUtterance>,
}

/// One call with its transcript.
#[utoipa::path(
    get,
    path = "/api/calls/{id}",
    operation_id = "getCall",
    tag = "calls",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Call id")),
    responses(
        (status = 200, description = "The call", body = CallDetail),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such call", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CallDetail>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a call id")))?;
    let call: CallRecord = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN leads l ON l.id = c.lead_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("no call {id}")))?;
    let (outcome_detail, summary, answers, recording_status, recording_transcript): CallExtras =
        sqlx::query_as(
            "SELECT outcome_detail, summary, answers, recording_transcript_status, recording_transcript
         FROM calls WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&state.db)
        .await?;
    let transcript: Vec<TurnRow> = sqlx::query_as(
        "SELECT idx, speaker, text, confidence, intent, language, tools, spoken_at FROM call_turns WHERE call_id = $1 ORDER BY idx",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(CallDetail {
        call,
        outcome_detail,
        summary,
        answers,
        transcript,
        recording_transcript_status: recording_status
            .as_deref()
            .and_then(RecordingTranscriptStatus::from_code),
        recording_transcript: recording_transcript.map(|j| j.0).unwrap_or_default(),
    }))
}
