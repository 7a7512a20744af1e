//! An operator's changes to a meeting: each compares the status and sets it in one statement,
//! so a concurrent change wins or loses whole.

use super::{Meeting, MeetingRow, codes};
use callwright_domain::MeetingEvent;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Applies a status event that changes nothing on the calendar, compared and set in one
/// statement so a concurrent change wins or loses whole; None when the meeting is no longer in
/// one of the event's from-states.
pub async fn set_status(
    db: &PgPool,
    id: Uuid,
    event: MeetingEvent,
) -> Result<Option<Meeting>, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "UPDATE meetings SET status = $2, updated_at = now()
         WHERE id = $1 AND status = ANY($3)
         RETURNING id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                   title, description, trial, timezone, language, attendee_name, attendee_email,
                   status, sequence, calendar_event_id, calendar_link, video_provider,
                   video_meeting_id, video_url, failure, created_at, updated_at",
        id,
        event.to().code(),
        &codes(event.from_codes()),
    )
    .fetch_optional(db)
    .await?
    .map(Meeting::try_from)
    .transpose()
}

/// Cancels a meeting (a new invite sequence), in the caller's transaction; `RowNotFound` when
/// it is no longer in one of the event's from-states.
pub async fn cancel(
    tx: &mut PgConnection,
    id: Uuid,
    event: MeetingEvent,
) -> Result<Meeting, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "UPDATE meetings SET status = $2, sequence = sequence + 1, updated_at = now()
         WHERE id = $1 AND status = ANY($3)
         RETURNING id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                   title, description, trial, timezone, language, attendee_name, attendee_email,
                   status, sequence, calendar_event_id, calendar_link, video_provider,
                   video_meeting_id, video_url, failure, created_at, updated_at",
        id,
        event.to().code(),
        &codes(event.from_codes()),
    )
    .fetch_one(tx)
    .await
    .and_then(Meeting::try_from)
}

/// Moves a meeting (a new invite sequence; the buffer after it moves with it), in the caller's
/// transaction; `RowNotFound` when it is no longer in one of the event's from-states, a `23P01`
/// database error when the new time overlaps another meeting on the calendar.
pub async fn reschedule(
    tx: &mut PgConnection,
    id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    event: MeetingEvent,
) -> Result<Meeting, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "UPDATE meetings SET starts_at = $2, ends_at = $3,
                blocks = tstzrange($2::timestamptz, $3::timestamptz + (upper(blocks) - ends_at), '[)'),
                status = $4, sequence = sequence + 1, updated_at = now()
         WHERE id = $1 AND status = ANY($5)
         RETURNING id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                   title, description, trial, timezone, language, attendee_name, attendee_email,
                   status, sequence, calendar_event_id, calendar_link, video_provider,
                   video_meeting_id, video_url, failure, created_at, updated_at",
        id,
        start,
        end,
        event.to().code(),
        &codes(event.from_codes()),
    )
    .fetch_one(tx)
    .await
    .and_then(Meeting::try_from)
}
