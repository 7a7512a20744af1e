//! Booked meetings and their status changes.

use callwright_domain::MeetingStatus;
use callwright_domain::meeting::MeetingEvent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A meeting row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Meeting {
    /// Id (also the calendar event id and the invite UID, in other spellings).
    pub id: Uuid,
    /// Lead.
    pub lead_id: Uuid,
    /// Campaign, if any.
    pub campaign_id: Option<Uuid>,
    /// The call it was booked on.
    pub call_id: Option<Uuid>,
    /// The lead workflow that booked it.
    pub workflow_id: String,
    /// Calendar it is on.
    pub calendar_id: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Title (calendar event summary, invite subject), in the lead's language.
    pub title: String,
    /// The agent's description of the meeting, in the lead's language (event and invite).
    pub description: Option<String>,
    /// Booked in a trial chat: released when the trial ends, never on a real calendar.
    pub trial: bool,
    /// The lead's zone.
    pub timezone: String,
    /// The lead's language.
    pub language: String,
    /// Invitee name.
    pub attendee_name: String,
    /// Invitee email.
    pub attendee_email: String,
    /// Where the meeting stands.
    pub status: MeetingStatus,
    /// iCalendar SEQUENCE of the latest change.
    pub sequence: i32,
    /// Calendar event id.
    pub calendar_event_id: String,
    /// Link to the event in the calendar.
    pub calendar_link: Option<String>,
    /// `zoom` or `google_meet`.
    pub video_provider: Option<String>,
    /// Provider's video meeting id.
    pub video_meeting_id: Option<String>,
    /// Join link.
    pub video_url: Option<String>,
    /// Why the meeting failed.
    pub failure: Option<String>,
    /// Booked at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A page of meetings.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeetingPage {
    /// By start time.
    pub meetings: Vec<Meeting>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What an operator or a rep makes of a meeting.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestedStatus {
    /// Cancel it (the cancelling invite is sent).
    Cancelled,
    /// Move it to `start` (the updated invite is sent).
    Rescheduled,
    /// It took place.
    Completed,
    /// The lead did not come.
    NoShow,
}

impl RequestedStatus {
    /// The meeting's state machine event this request asks for.
    pub fn event(self) -> MeetingEvent {
        match self {
            Self::Cancelled => MeetingEvent::Cancelled,
            Self::Rescheduled => MeetingEvent::Rescheduled,
            Self::Completed => MeetingEvent::Held,
            Self::NoShow => MeetingEvent::NoShow,
        }
    }
}

/// `PATCH /api/meetings/{id}/status` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = MeetingStatusChange)]
pub struct StatusChange {
    /// `cancelled`, `rescheduled` (with `start`), `completed` or `no_show`.
    #[schema(example = "rescheduled")]
    pub status: RequestedStatus,
    /// New start, for `rescheduled`; the meeting keeps its length.
    pub start: Option<DateTime<Utc>>,
}
