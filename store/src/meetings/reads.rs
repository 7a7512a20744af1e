//! Reading meetings: one, a filtered page, a lead's, a workflow's.

use super::{Meeting, MeetingRow};
use callwright_domain::MeetingStatus;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// One meeting.
pub async fn get(db: &PgPool, id: Uuid) -> Result<Option<Meeting>, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                title, description, trial, timezone, language, attendee_name, attendee_email,
                status, sequence, calendar_event_id, calendar_link, video_provider,
                video_meeting_id, video_url, failure, created_at, updated_at
         FROM meetings WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await?
    .map(Meeting::try_from)
    .transpose()
}

/// Which meetings a list shows (every filter optional; trial meetings never).
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    /// Only meetings in this status.
    pub status: Option<MeetingStatus>,
    /// Only this lead's.
    pub lead_id: Option<Uuid>,
    /// Only this campaign's.
    pub campaign_id: Option<Uuid>,
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
}

/// Meetings by start time, strictly after `after` (start, id), at most `limit`.
pub async fn list(
    db: &PgPool,
    filter: &MeetingFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Meeting>, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                title, description, trial, timezone, language, attendee_name, attendee_email,
                status, sequence, calendar_event_id, calendar_link, video_provider,
                video_meeting_id, video_url, failure, created_at, updated_at
         FROM meetings
         WHERE NOT trial AND ($1::text IS NULL OR status = $1)
           AND ($2::uuid IS NULL OR lead_id = $2)
           AND ($3::uuid IS NULL OR campaign_id = $3)
           AND ($4::timestamptz IS NULL OR starts_at >= $4)
           AND ($5::timestamptz IS NULL OR starts_at < $5)
           AND ($6::timestamptz IS NULL OR (starts_at, id) > ($6, $7))
         ORDER BY starts_at, id LIMIT $8",
        filter.status.map(MeetingStatus::code),
        filter.lead_id,
        filter.campaign_id,
        filter.from,
        filter.to,
        after.map(|a| a.0),
        after.map(|a| a.1),
        limit,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Meeting::try_from)
    .collect()
}

/// Every meeting of a lead, oldest booking first (trials included: a trial lead's page shows them).
pub async fn of_lead(db: &PgPool, lead_id: Uuid) -> Result<Vec<Meeting>, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                title, description, trial, timezone, language, attendee_name, attendee_email,
                status, sequence, calendar_event_id, calendar_link, video_provider,
                video_meeting_id, video_url, failure, created_at, updated_at
         FROM meetings WHERE lead_id = $1 ORDER BY created_at",
        lead_id,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Meeting::try_from)
    .collect()
}

/// Every meeting a workflow booked, oldest first.
pub async fn of_workflow(db: &PgPool, workflow_id: &str) -> Result<Vec<Meeting>, sqlx::Error> {
    sqlx::query_as!(
        MeetingRow,
        "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                title, description, trial, timezone, language, attendee_name, attendee_email,
                status, sequence, calendar_event_id, calendar_link, video_provider,
                video_meeting_id, video_url, failure, created_at, updated_at
         FROM meetings WHERE workflow_id = $1 ORDER BY created_at",
        workflow_id,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(Meeting::try_from)
    .collect()
}
