//! A meeting's status and the one function that moves it ([`apply`]).
//!
//! A meeting row is first the slot's reservation (`reserved`, taken inside the call's turn),
//! then the calendar event (`confirmed`), until an operator moves, cancels or closes it. Every
//! crate that changes a status asks [`apply`] (or, for a compare-and-set in SQL,
//! [`MeetingEvent::from`]) which moves are allowed, so the rules live here only.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// The slot is held for a call that booked it; the calendar event is not made yet.
    Reserved,
    /// On the calendar (with its video link), the invite sent or on its way.
    Confirmed,
    /// Cancelled by an operator, or released when a trial ended.
    Cancelled,
    /// The calendar event could not be made, or the call that reserved it booked nothing.
    Failed,
    /// The meeting took place (set by a rep).
    Completed,
    /// The lead did not come (set by a rep).
    NoShow,
}

impl MeetingStatus {
    /// Every status, in the order of a meeting's life.
    pub const ALL: [MeetingStatus; 6] = [
        Self::Reserved,
        Self::Confirmed,
        Self::Cancelled,
        Self::Failed,
        Self::Completed,
        Self::NoShow,
    ];

    /// The status as stored and shown (`no_show`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    /// Whether the meeting holds its slot on the calendar (no other booking may overlap it).
    pub fn holds_slot(self) -> bool {
        matches!(self, Self::Reserved | Self::Confirmed)
    }
}

impl fmt::Display for MeetingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A status that is not one of [`MeetingStatus::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a meeting status (reserved, confirmed, cancelled, failed, completed, no_show)"
)]
pub struct UnknownMeetingStatus(pub String);

impl FromStr for MeetingStatus {
    type Err = UnknownMeetingStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.code() == s)
            .ok_or_else(|| UnknownMeetingStatus(s.to_owned()))
    }
}

impl TryFrom<String> for MeetingStatus {
    type Error = UnknownMeetingStatus;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// What happens to a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingEvent {
    /// The calendar event was made.
    PutOnCalendar,
    /// The calendar event could not be made, or the call that reserved the slot ended without
    /// a booking: the slot is given back.
    Abandoned,
    /// A trial ended: what it booked is given back.
    TrialEnded,
    /// An operator cancelled the meeting.
    Cancelled,
    /// An operator moved the meeting to another time.
    Rescheduled,
    /// A rep says the meeting took place.
    Held,
    /// A rep says the lead did not come.
    NoShow,
}

impl MeetingEvent {
    /// The statuses this event may happen in: what a compare-and-set `UPDATE ... WHERE status
    /// = ANY(...)` checks.
    pub fn from(self) -> &'static [MeetingStatus] {
        use MeetingStatus as S;
        match self {
            Self::PutOnCalendar | Self::Abandoned => &[S::Reserved],
            Self::TrialEnded => &[S::Reserved, S::Confirmed],
            Self::Cancelled | Self::Rescheduled => &[S::Confirmed],
            // A rep may correct what they said.
            Self::Held | Self::NoShow => &[S::Confirmed, S::Completed, S::NoShow],
        }
    }

    /// The status the event leads to.
    pub fn to(self) -> MeetingStatus {
        use MeetingStatus as S;
        match self {
            Self::PutOnCalendar | Self::Rescheduled => S::Confirmed,
            Self::Abandoned => S::Failed,
            Self::TrialEnded | Self::Cancelled => S::Cancelled,
            Self::Held => S::Completed,
            Self::NoShow => S::NoShow,
        }
    }

    /// [`MeetingEvent::from`] as stored codes, for SQL (`status = ANY($n)`).
    pub fn from_codes(self) -> Vec<&'static str> {
        self.from().iter().map(|s| s.code()).collect()
    }
}

/// Why a meeting cannot take an event in its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {status} meeting cannot be {event:?}")]
pub struct Refused {
    /// The meeting's status.
    pub status: MeetingStatus,
    /// What was asked.
    pub event: MeetingEvent,
}

/// The status after `event`, or why the meeting cannot take it.
pub fn apply(status: MeetingStatus, event: MeetingEvent) -> Result<MeetingStatus, Refused> {
    if event.from().contains(&status) {
        Ok(event.to())
    } else {
        Err(Refused { status, event })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeetingEvent as E;
    use MeetingStatus as S;

    const EVENTS: [MeetingEvent; 7] = [
        E::PutOnCalendar,
        E::Abandoned,
        E::TrialEnded,
        E::Cancelled,
        E::Rescheduled,
        E::Held,
        E::NoShow,
    ];

    #[test]
    fn codes_round_trip_and_match_serde() {
        for status in S::ALL {
            assert_eq!(status.code().parse::<S>(), Ok(status));
            assert_eq!(
                serde_json::to_value(status).expect("encode"),
                serde_json::json!(status.code())
            );
        }
        assert!("done".parse::<S>().is_err());
    }

    #[test]
    fn a_meeting_lives_as_the_product_says() {
        // Booked on a call, put on the calendar, moved, held.
        let s = apply(S::Reserved, E::PutOnCalendar).expect("confirm");
        let s = apply(s, E::Rescheduled).expect("move");
        let s = apply(s, E::Held).expect("held");
        assert_eq!(s, S::Completed);
        // A rep corrects a no-show to held and back.
        assert_eq!(apply(S::Completed, E::NoShow), Ok(S::NoShow));
        assert_eq!(apply(S::NoShow, E::Held), Ok(S::Completed));
        // Failed and cancelled meetings are over.
        for over in [S::Failed, S::Cancelled] {
            for event in EVENTS {
                assert_eq!(
                    apply(over, event),
                    Err(Refused {
                        status: over,
                        event
                    })
                );
            }
        }
        // Only a meeting on the calendar can be moved or cancelled.
        assert!(apply(S::Reserved, E::Cancelled).is_err());
        assert!(apply(S::Completed, E::Rescheduled).is_err());
        // A confirmed meeting is not abandoned (its call's booking stands).
        assert!(apply(S::Confirmed, E::Abandoned).is_err());
        assert_eq!(apply(S::Confirmed, E::TrialEnded), Ok(S::Cancelled));
    }

    #[test]
    fn the_database_knows_the_same_statuses_and_slot_holders() {
        // The table's CHECK lists every status, and the exclusion constraint that keeps two
        // meetings off one slot covers exactly the statuses that hold it.
        let sql = include_str!("../../migrations/0003_meetings.sql");
        let quoted = |statuses: &mut dyn Iterator<Item = S>| {
            statuses
                .map(|s| format!("'{}'", s.code()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let all = quoted(&mut S::ALL.into_iter());
        assert!(sql.contains(&format!("CHECK (status IN ({all}))")), "{all}");
        let holding = quoted(&mut S::ALL.into_iter().filter(|s| s.holds_slot()));
        assert!(
            sql.contains(&format!("WHERE (status IN ({holding}))")),
            "{holding}"
        );
    }
}
