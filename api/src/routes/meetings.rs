//! Meetings: list and read them; move, cancel or close them (`PATCH /api/meetings/{id}/status`).
//!
//! A move or a cancellation is recorded in Postgres first (a move takes the new time under the
//! same exclusion constraint as a booking, so it cannot double-book; 409 if the time is taken),
//! with the meeting's SEQUENCE bumped; a `MeetingChangeWorkflow` then updates the calendar and
//! the video meeting and sends the updated or cancelling invite, durably.

use super::json_body::JsonBody;
use super::page::{self, Cursor};
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::meetings::{Meeting, MeetingPage, StatusChange};
use callwright_contracts::ids::meeting_change_workflow_id;
use callwright_contracts::messages::MeetingChange;
use callwright_domain::invite::InviteMethod;
use callwright_domain::meeting::{self, MeetingEvent, MeetingStatus};
use callwright_workflows::MeetingChangeWorkflow;
use chrono::{DateTime, Datelike as _, Utc};
use serde::Deserialize;
use temporalio_client::WorkflowStartOptions;
use uuid::Uuid;

/// `GET /api/meetings` filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only meetings with this status.
    status: Option<MeetingStatus>,
    /// Only this lead's meetings.
    lead_id: Option<Uuid>,
    /// Only this campaign's meetings.
    campaign_id: Option<Uuid>,
    /// Meetings starting at or after.
    from: Option<DateTime<Utc>>,
    /// Meetings starting before.
    to: Option<DateTime<Utc>>,
    /// Page size (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// Meetings by start time, filtered, a page at a time.
#[utoipa::path(
    get,
    path = "/api/meetings",
    operation_id = "listMeetings",
    tag = "meetings",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of meetings", body = MeetingPage),
        (status = 400, description = "A filter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    FieldQuery(q): FieldQuery<ListQuery>,
) -> Result<Json<MeetingPage>, ApiError> {
    let limit = page::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let filter = callwright_store::meetings::MeetingFilter {
        status: q.status,
        lead_id: q.lead_id,
        campaign_id: q.campaign_id,
        from: q.from,
        to: q.to,
    };
    let meetings = callwright_store::meetings::list(
        &state.db,
        &filter,
        after.map(|a| (a.at, a.id)),
        limit + 1,
    )
    .await?;
    let (meetings, next_cursor) = page::finish(meetings, limit, |m| (m.starts_at, m.id));
    Ok(Json(MeetingPage {
        meetings,
        next_cursor,
    }))
}

fn meeting_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a meeting id")))
}

async fn load(state: &AppState, id: Uuid) -> Result<Meeting, ApiError> {
    callwright_store::meetings::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no meeting {id}")))
}

/// One meeting.
#[utoipa::path(
    get,
    path = "/api/meetings/{id}",
    operation_id = "getMeeting",
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Meeting id")),
    responses(
        (status = 200, description = "The meeting", body = Meeting),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such meeting", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Meeting>, ApiError> {
    Ok(Json(load(&state, meeting_id(&id)?).await?))
}

/// Moves, cancels or closes a meeting.
#[utoipa::path(
    patch,
    path = "/api/meetings/{id}/status",
    operation_id = "setMeetingStatus",
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Meeting id")),
    request_body(content = StatusChange, description = "The change; unknown fields are refused."),
    responses(
        (status = 200, description = "The meeting as changed (a move or cancellation updates the calendar and sends the invite in the background)", body = Meeting),
        (status = 400, description = "The id is not a UUID, or malformed JSON", body = ErrorBody),
        (status = 404, description = "No such meeting", body = ErrorBody),
        (status = 409, description = "Not in a status that allows the change, the new time is taken, or it changed meanwhile", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Unknown status, or a move without a future `start`", body = ErrorBody),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(change): JsonBody<StatusChange>,
) -> Result<Json<Meeting>, ApiError> {
    let id = meeting_id(&id)?;
    let current = load(&state, id).await?;
    let event = change.status.event();
    if let Err(refused) = meeting::apply(current.status, event) {
        let message = match event {
            MeetingEvent::Cancelled | MeetingEvent::Rescheduled => format!(
                "meeting {id} is {}; only a confirmed meeting can be moved or cancelled",
                refused.status
            ),
            _ => format!("meeting {id} is {}", refused.status),
        };
        return Err(ApiError::Conflict {
            message,
            existing_id: None,
        });
    }
    let method = match event {
        MeetingEvent::Cancelled => InviteMethod::Cancel,
        MeetingEvent::Rescheduled => InviteMethod::Request,
        _ => {
            // A rep closing a meeting changes nothing on the calendar: no workflow to start.
            // The status is compared and set in one statement, so a concurrent change wins
            // or loses whole.
            let m = callwright_store::meetings::set_status(&state.db, id, event).await?;
            return m.map(Json).ok_or_else(|| ApiError::Conflict {
                message: format!("meeting {id} changed meanwhile; read it again"),
                existing_id: None,
            });
        }
    };
    // The change and the start of its workflow stand or fall together: the row is written in a
    // transaction committed only once the workflow is started.
    let mut tx = state.db.begin().await?;
    let updated: Result<Meeting, sqlx::Error> = match method {
        InviteMethod::Cancel => callwright_store::meetings::cancel(&mut tx, id, event).await,
        InviteMethod::Request => {
            let start = change.start.ok_or_else(|| {
                ApiError::invalid("start", "a reschedule needs the new start (RFC 3339)")
            })?;
            if start <= Utc::now() {
                return Err(ApiError::invalid("start", "must be in the future"));
            }
            // RFC 3339 (calendars, invites, this API's own responses) has four-digit years.
            if start.year() > 9999 {
                return Err(ApiError::invalid("start", "must be before the year 10000"));
            }
            let end = start
                .checked_add_signed(current.ends_at - current.starts_at)
                .ok_or_else(|| ApiError::invalid("start", "too far in the future"))?;
            // The buffer after the meeting moves with it.
            callwright_store::meetings::reschedule(&mut tx, id, start, end, event).await
        }
    };
    let meeting = match updated {
        Ok(m) => m,
        Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("23P01") => {
            return Err(ApiError::Conflict {
                message: "that time overlaps another meeting on the calendar".into(),
                existing_id: None,
            });
        }
        Err(sqlx::Error::RowNotFound) => {
            return Err(ApiError::Conflict {
                message: format!("meeting {id} changed meanwhile; read it again"),
                existing_id: None,
            });
        }
        Err(err) => return Err(err.into()),
    };
    let change = MeetingChange {
        meeting_id: id.to_string(),
        sequence: meeting.sequence,
        method,
    };
    let workflow_id = meeting_change_workflow_id(&change.meeting_id, change.sequence);
    let options = WorkflowStartOptions::new(state.config.task_queue.clone(), workflow_id).build();
    if let Err(err) = state
        .temporal
        .start_workflow(MeetingChangeWorkflow::run, change, options)
        .await
    {
        return Err(ApiError::Unavailable(format!(
            "the change was not made: its calendar update could not be started: {err}"
        )));
    }
    tx.commit().await?;
    tracing::info!(meeting_id = %id, status = %meeting.status, sequence = meeting.sequence, "meeting changed");
    Ok(Json(meeting))
}
