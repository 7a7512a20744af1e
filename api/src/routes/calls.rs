//! Calls: every attempt that was dialled (or decided not to be), filtered and paged; one call
//! with its whole transcript.

use super::page::{self, Cursor};
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use callwright_contracts::activities::RecordingTranscriptStatus;
use callwright_contracts::api::calls::{CallDetail, CallPage};
use callwright_contracts::api::error::ErrorBody;
use callwright_providers::stt::RecordedUtterance;
use chrono::{DateTime, Utc};
use serde::Deserialize;
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
    #[param(value_type = Option<callwright_contracts::api::codes::OutcomeCode>, inline)]
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
    FieldQuery(q): FieldQuery<CallQuery>,
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
    let filter = callwright_store::calls::CallFilter {
        lead_id: q.lead_id,
        campaign_id: q.campaign_id,
        agent_id: q.agent_id,
        agent_version: q.agent_version,
        outcome: q.outcome,
        from: q.from,
        to: q.to,
    };
    let rows =
        callwright_store::calls::list(&state.db, &filter, before.map(|c| (c.at, c.id)), limit + 1)
            .await?;
    let (calls, next_cursor) = page::finish(rows, limit, |c| (c.dialed_at, c.id));
    Ok(Json(CallPage { calls, next_cursor }))
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
    let call = callwright_store::calls::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no call {id}")))?;
    let extras = callwright_store::calls::extras(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no call {id}")))?;
    let transcript = callwright_store::calls::transcript(&state.db, id).await?;
    let recording_transcript: Vec<RecordedUtterance> = match extras.recording_transcript {
        Some(v) => serde_json::from_value(v).map_err(|e| {
            ApiError::Internal(anyhow::anyhow!(
                "call {id}'s stored recording transcript: {e}"
            ))
        })?,
        None => Vec::new(),
    };
    Ok(Json(CallDetail {
        call,
        outcome_detail: extras.outcome_detail,
        summary: extras.summary,
        answers: extras.answers,
        transcript,
        recording_transcript_status: extras
            .recording_transcript_status
            .as_deref()
            .and_then(RecordingTranscriptStatus::from_code),
        recording_transcript,
    }))
}
