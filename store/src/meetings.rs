//! Meetings in Postgres: the slot reservation (an exclusion constraint makes a double booking
//! impossible), the meeting's provider ids, and the invite send receipts.

use crate::Store;
use callwright_domain::booking::Interval;
use callwright_domain::{MeetingEvent, MeetingStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A meeting row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
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
    #[sqlx(try_from = "String")]
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

/// All columns of [`Meeting`], for `SELECT`s.
pub const MEETING_COLUMNS: &str = "id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at, title, description, trial, timezone, language, attendee_name, attendee_email, status, sequence, calendar_event_id, calendar_link, video_provider, video_meeting_id, video_url, failure, created_at, updated_at";

/// A slot to reserve for a lead.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReservation {
    /// Lead.
    pub lead_id: String,
    /// Campaign.
    pub campaign_id: Option<String>,
    /// Call it is booked on.
    pub call_id: Option<String>,
    /// Booking workflow.
    pub workflow_id: String,
    /// Calendar.
    pub calendar_id: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Free time kept after the meeting.
    pub buffer: chrono::Duration,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Booked in a trial chat.
    pub trial: bool,
    /// The lead's zone.
    pub timezone: String,
    /// The lead's language code.
    pub language: String,
    /// Invitee name.
    pub attendee_name: String,
    /// Invitee email.
    pub attendee_email: String,
}

/// What came of a reservation.
#[derive(Debug, Clone, PartialEq)]
pub enum Reservation {
    /// The slot is the lead's (also returned when a retry finds its own earlier reservation).
    Held(Box<Meeting>),
    /// Another meeting holds an overlapping range.
    Taken,
}

fn uuid(s: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn sql_state(err: &sqlx::Error) -> Option<String> {
    match err {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// The statuses whose meetings hold their slot, for `status = ANY(...)`.
fn slot_holders() -> Vec<&'static str> {
    MeetingStatus::ALL
        .into_iter()
        .filter(|s| s.holds_slot())
        .map(MeetingStatus::code)
        .collect()
}

impl Store {
    /// Reserves a slot. Of concurrent reservations of overlapping ranges on one calendar exactly
    /// one succeeds (exclusion constraint); the others get [`Reservation::Taken`]. A lead
    /// workflow holds one live meeting at most: a retried booking returns its own reservation,
    /// and an unconfirmed reservation for another time is replaced.
    pub async fn reserve_meeting(&self, r: &NewReservation) -> Result<Reservation, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let existing: Option<Meeting> = sqlx::query_as(&format!(
            "SELECT {MEETING_COLUMNS} FROM meetings
             WHERE workflow_id = $1 AND status = ANY($2) FOR UPDATE"
        ))
        .bind(&r.workflow_id)
        .bind(slot_holders())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(m) = existing {
            if m.starts_at == r.start || m.status == MeetingStatus::Confirmed {
                return Ok(Reservation::Held(Box::new(m)));
            }
            sqlx::query("DELETE FROM meetings WHERE id = $1")
                .bind(m.id)
                .execute(&mut *tx)
                .await?;
        }
        let id = Uuid::new_v4();
        let inserted = sqlx::query_as::<_, Meeting>(&format!(
            "INSERT INTO meetings (id, lead_id, campaign_id, call_id, workflow_id, calendar_id,
                 starts_at, ends_at, blocks, timezone, language, attendee_name, attendee_email,
                 status, calendar_event_id, title, description, trial)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, tstzrange($7, $9, '[)'), $10, $11, $12, $13,
                 $18, $14, $15, $16, $17)
             RETURNING {MEETING_COLUMNS}"
        ))
        .bind(id)
        .bind(uuid(&r.lead_id)?)
        .bind(r.campaign_id.as_deref().map(uuid).transpose()?)
        .bind(r.call_id.as_deref().map(uuid).transpose()?)
        .bind(&r.workflow_id)
        .bind(&r.calendar_id)
        .bind(r.start)
        .bind(r.end)
        .bind(r.end + r.buffer)
        .bind(&r.timezone)
        .bind(&r.language)
        .bind(&r.attendee_name)
        .bind(&r.attendee_email)
        // Google's client-supplied event ids are base32hex: a UUID's hex digits qualify.
        .bind(id.simple().to_string())
        .bind(&r.title)
        .bind(&r.description)
        .bind(r.trial)
        .bind(MeetingStatus::Reserved.code())
        .fetch_one(&mut *tx)
        .await;
        match inserted {
            Ok(m) => {
                tx.commit().await?;
                Ok(Reservation::Held(Box::new(m)))
            }
            Err(err) if sql_state(&err).as_deref() == Some("23P01") => Ok(Reservation::Taken),
            Err(err) if sql_state(&err).as_deref() == Some("23505") => {
                // A concurrent retry of the same booking won: return what it reserved.
                drop(tx);
                match self.live_meeting_of(&r.workflow_id).await? {
                    Some(m) if m.starts_at == r.start => Ok(Reservation::Held(Box::new(m))),
                    _ => Ok(Reservation::Taken),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// The live (reserved or confirmed) meeting a workflow booked.
    pub async fn live_meeting_of(&self, workflow_id: &str) -> Result<Option<Meeting>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {MEETING_COLUMNS} FROM meetings
             WHERE workflow_id = $1 AND status = ANY($2)"
        ))
        .bind(workflow_id)
        .bind(slot_holders())
        .fetch_optional(self.pool())
        .await
    }

    /// Ranges held by live meetings on a calendar (meeting plus buffer) between two instants.
    pub async fn held_ranges(
        &self,
        calendar_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, sqlx::Error> {
        let rows: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT lower(blocks), upper(blocks) FROM meetings
             WHERE calendar_id = $1 AND status = ANY($4)
               AND blocks && tstzrange($2, $3, '[)')",
        )
        .bind(calendar_id)
        .bind(from)
        .bind(to)
        .bind(slot_holders())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(start, end)| Interval { start, end })
            .collect())
    }

    /// One meeting.
    pub async fn meeting(&self, id: &str) -> Result<Option<Meeting>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {MEETING_COLUMNS} FROM meetings WHERE id = $1"
        ))
        .bind(uuid(id)?)
        .fetch_optional(self.pool())
        .await
    }

    /// Records the video meeting created for a meeting.
    pub async fn set_meeting_video(
        &self,
        id: Uuid,
        provider: &str,
        video_id: Option<&str>,
        url: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE meetings SET video_provider = $2, video_meeting_id = $3, video_url = $4,
                    updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(provider)
        .bind(video_id)
        .bind(url)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The calendar event exists: the reservation becomes a confirmed meeting.
    pub async fn confirm_meeting(
        &self,
        id: Uuid,
        calendar_link: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE meetings SET status = $3, calendar_link = COALESCE($2, calendar_link),
                    failure = NULL, updated_at = now()
             WHERE id = $1 AND status = ANY($4)",
        )
        .bind(id)
        .bind(calendar_link)
        .bind(MeetingEvent::PutOnCalendar.to().code())
        .bind(MeetingEvent::PutOnCalendar.from_codes())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The meeting could not be created: it no longer holds its slot, and says why.
    pub async fn fail_meeting(&self, id: &str, reason: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE meetings SET status = $3, failure = $2, updated_at = now()
             WHERE id = $1 AND status = ANY($4)",
        )
        .bind(uuid(id)?)
        .bind(reason)
        .bind(MeetingEvent::Abandoned.to().code())
        .bind(MeetingEvent::Abandoned.from_codes())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Cancels the meetings a trial's workflow booked, giving their slots back; returns how
    /// many.
    pub async fn release_trial_meetings(&self, workflow_id: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE meetings SET status = $2, failure = 'released: the trial ended',
                    updated_at = now()
             WHERE workflow_id = $1 AND trial AND status = ANY($3)",
        )
        .bind(workflow_id)
        .bind(MeetingEvent::TrialEnded.to().code())
        .bind(MeetingEvent::TrialEnded.from_codes())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Fails every meeting still `reserved` for a lead workflow, giving its slot back; returns
    /// how many.
    pub async fn fail_reservations_of(
        &self,
        workflow_id: &str,
        reason: &str,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE meetings SET status = $3, failure = $2, updated_at = now()
             WHERE workflow_id = $1 AND status = ANY($4)",
        )
        .bind(workflow_id)
        .bind(reason)
        .bind(MeetingEvent::Abandoned.to().code())
        .bind(MeetingEvent::Abandoned.from_codes())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// Whether this invite (meeting, sequence, method) has a send record: the mail server
    /// accepted it, or it went past the mailer's commit point. Either way it is not sent again.
    pub async fn invite_sent(
        &self,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM meeting_invites
                            WHERE meeting_id = $1 AND sequence = $2 AND method = $3)",
        )
        .bind(meeting_id)
        .bind(sequence)
        .bind(method)
        .fetch_one(self.pool())
        .await
    }

    /// Writes the send record of an invite at the mailer's commit point (not yet confirmed by
    /// the mail server).
    pub async fn record_invite(
        &self,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
        message_id: &str,
        recipient: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO meeting_invites (meeting_id, sequence, method, message_id, recipient)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(meeting_id)
        .bind(sequence)
        .bind(method)
        .bind(message_id)
        .bind(recipient)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks an invite's send record as accepted by the mail server.
    pub async fn confirm_invite(
        &self,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
    ) -> Result<(), sqlx::Error> {
        self.unconfirmed_invite(
            "UPDATE meeting_invites SET accepted_at = now()",
            meeting_id,
            sequence,
            method,
        )
        .await
    }

    /// Takes back the send record of an invite the mail server refused after the commit point,
    /// so that a retry sends it.
    pub async fn forget_invite(
        &self,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
    ) -> Result<(), sqlx::Error> {
        self.unconfirmed_invite("DELETE FROM meeting_invites", meeting_id, sequence, method)
            .await
    }

    /// Runs `statement` (an UPDATE or DELETE on `meeting_invites`) on one invite's send record
    /// while the mail server has not confirmed it.
    async fn unconfirmed_invite(
        &self,
        statement: &str,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
    ) -> Result<(), sqlx::Error> {
        let sql = format!(
            "{statement} WHERE meeting_id = $1 AND sequence = $2 AND method = $3 AND accepted_at IS NULL"
        );
        sqlx::query(&sql)
            .bind(meeting_id)
            .bind(sequence)
            .bind(method)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
