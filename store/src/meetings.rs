//! Meetings in Postgres: the slot reservation (an exclusion constraint makes a double booking
//! impossible), the meeting's provider ids, and the invite send receipts.

use crate::Store;
use callwright_contracts::api::meetings::Meeting;
use callwright_domain::booking::Interval;
use callwright_domain::{MeetingEvent, MeetingStatus};
use chrono::{DateTime, Utc};
use uuid::Uuid;

mod changes;
mod reads;

pub use changes::{cancel, reschedule, set_status};
pub use reads::{MeetingFilter, get, list, of_lead, of_workflow};

/// A `meetings` row as the query macros read it: [`Meeting`] with its status still text. The
/// macros would need sqlx's `Type`/`Decode` on `MeetingStatus` to read it directly, and the domain
/// crate does no I/O (no sqlx), so the status is converted here, by `MeetingStatus::try_from`.
struct MeetingRow {
    id: Uuid,
    lead_id: Uuid,
    campaign_id: Option<Uuid>,
    call_id: Option<Uuid>,
    workflow_id: String,
    calendar_id: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    title: String,
    description: Option<String>,
    trial: bool,
    timezone: String,
    language: String,
    attendee_name: String,
    attendee_email: String,
    status: String,
    sequence: i32,
    calendar_event_id: String,
    calendar_link: Option<String>,
    video_provider: Option<String>,
    video_meeting_id: Option<String>,
    video_url: Option<String>,
    failure: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<MeetingRow> for Meeting {
    type Error = sqlx::Error;

    /// Fails on a status the domain does not know with a `ColumnDecode` error
    /// naming the column.
    fn try_from(row: MeetingRow) -> Result<Self, sqlx::Error> {
        // Destructured in full: a column added to one struct and not the other does not compile.
        let MeetingRow {
            id,
            lead_id,
            campaign_id,
            call_id,
            workflow_id,
            calendar_id,
            starts_at,
            ends_at,
            title,
            description,
            trial,
            timezone,
            language,
            attendee_name,
            attendee_email,
            status,
            sequence,
            calendar_event_id,
            calendar_link,
            video_provider,
            video_meeting_id,
            video_url,
            failure,
            created_at,
            updated_at,
        } = row;
        let status = MeetingStatus::try_from(status).map_err(|e| sqlx::Error::ColumnDecode {
            index: "status".to_owned(),
            source: Box::new(e),
        })?;
        Ok(Meeting {
            id,
            lead_id,
            campaign_id,
            call_id,
            workflow_id,
            calendar_id,
            starts_at,
            ends_at,
            title,
            description,
            trial,
            timezone,
            language,
            attendee_name,
            attendee_email,
            status,
            sequence,
            calendar_event_id,
            calendar_link,
            video_provider,
            video_meeting_id,
            video_url,
            failure,
            created_at,
            updated_at,
        })
    }
}

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
fn slot_holders() -> Vec<String> {
    codes(
        MeetingStatus::ALL
            .into_iter()
            .filter(|s| s.holds_slot())
            .map(MeetingStatus::code),
    )
}

/// Status codes as a `text[]` parameter. Owned strings: the query macros check a `text[]`
/// parameter against `Vec<String>` and would not take a `Vec<&str>` without a type override
/// that turns the check off.
fn codes(codes: impl IntoIterator<Item = &'static str>) -> Vec<String> {
    codes.into_iter().map(str::to_owned).collect()
}

impl Store {
    /// Reserves a slot. Of concurrent reservations of overlapping ranges on one calendar exactly
    /// one succeeds (exclusion constraint); the others get [`Reservation::Taken`]. A lead
    /// workflow holds one live meeting at most: a retried booking returns its own reservation,
    /// and an unconfirmed reservation for another time is replaced.
    pub async fn reserve_meeting(&self, r: &NewReservation) -> Result<Reservation, sqlx::Error> {
        // Two overlapping inserts each wait for the other's transaction to learn whether they
        // conflict; Postgres breaks that cycle by aborting one (40P01). By the time the aborted
        // one retries, the other has committed or aborted, so the retry gets a plain answer.
        let mut deadlocks = 0;
        loop {
            match self.reserve_once(r).await {
                Err(err) if sql_state(&err).as_deref() == Some("40P01") && deadlocks < 5 => {
                    deadlocks += 1;
                }
                answer => return answer,
            }
        }
    }

    /// One try of [`Self::reserve_meeting`].
    async fn reserve_once(&self, r: &NewReservation) -> Result<Reservation, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        // One booking of a calendar at a time. Concurrent inserts of overlapping ranges each
        // wait on the other's row in the exclusion index, which Postgres can only break by
        // aborting one (40P01) after a second's wait; fifty callers racing for one slot made
        // storms of those. Bookings of a calendar take milliseconds and come a few a minute.
        sqlx::query_scalar!(
            r#"SELECT true AS "locked!"
               FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS l"#,
            r.calendar_id,
        )
        .fetch_one(&mut *tx)
        .await?;
        let existing = sqlx::query_as!(
            MeetingRow,
            "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                    title, description, trial, timezone, language, attendee_name, attendee_email,
                    status, sequence, calendar_event_id, calendar_link, video_provider,
                    video_meeting_id, video_url, failure, created_at, updated_at
             FROM meetings
             WHERE workflow_id = $1 AND status = ANY($2) FOR UPDATE",
            r.workflow_id,
            &slot_holders(),
        )
        .fetch_optional(&mut *tx)
        .await?
        .map(Meeting::try_from)
        .transpose()?;
        if let Some(m) = existing {
            if m.starts_at == r.start || m.status == MeetingStatus::Confirmed {
                tx.commit().await?;
                return Ok(Reservation::Held(Box::new(m)));
            }
            sqlx::query!("DELETE FROM meetings WHERE id = $1", m.id)
                .execute(&mut *tx)
                .await?;
        }
        let id = Uuid::new_v4();
        let inserted = sqlx::query_as!(
            MeetingRow,
            "INSERT INTO meetings (id, lead_id, campaign_id, call_id, workflow_id, calendar_id,
                 starts_at, ends_at, blocks, timezone, language, attendee_name, attendee_email,
                 status, calendar_event_id, title, description, trial)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, tstzrange($7, $9, '[)'), $10, $11, $12, $13,
                 $18, $14, $15, $16, $17)
             RETURNING id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at,
                 ends_at, title, description, trial, timezone, language, attendee_name,
                 attendee_email, status, sequence, calendar_event_id, calendar_link,
                 video_provider, video_meeting_id, video_url, failure, created_at, updated_at",
            id,
            uuid(&r.lead_id)?,
            r.campaign_id.as_deref().map(uuid).transpose()?,
            r.call_id.as_deref().map(uuid).transpose()?,
            r.workflow_id,
            r.calendar_id,
            r.start,
            r.end,
            r.end + r.buffer,
            r.timezone,
            r.language,
            r.attendee_name,
            r.attendee_email,
            // Google's client-supplied event ids are base32hex: a UUID's hex digits qualify.
            id.simple().to_string(),
            r.title,
            r.description,
            r.trial,
            MeetingStatus::Reserved.code(),
        )
        .fetch_one(&mut *tx)
        .await;
        let err = match inserted {
            Ok(m) => {
                let m = Meeting::try_from(m)?;
                tx.commit().await?;
                return Ok(Reservation::Held(Box::new(m)));
            }
            Err(err) => err,
        };
        // Rolled back now, not when the connection is next used (a dropped transaction's
        // rollback waits for that): the refused insert's row is still in the exclusion index
        // until then, and every other booking of an overlapping slot waits on it.
        tx.rollback().await?;
        match sql_state(&err).as_deref() {
            Some("23P01") => Ok(Reservation::Taken),
            // A concurrent retry of the same booking won: return what it reserved.
            Some("23505") => match self.live_meeting_of(&r.workflow_id).await? {
                Some(m) if m.starts_at == r.start => Ok(Reservation::Held(Box::new(m))),
                _ => Ok(Reservation::Taken),
            },
            _ => Err(err),
        }
    }

    /// The live (reserved or confirmed) meeting a workflow booked.
    pub async fn live_meeting_of(&self, workflow_id: &str) -> Result<Option<Meeting>, sqlx::Error> {
        sqlx::query_as!(
            MeetingRow,
            "SELECT id, lead_id, campaign_id, call_id, workflow_id, calendar_id, starts_at, ends_at,
                    title, description, trial, timezone, language, attendee_name, attendee_email,
                    status, sequence, calendar_event_id, calendar_link, video_provider,
                    video_meeting_id, video_url, failure, created_at, updated_at
             FROM meetings
             WHERE workflow_id = $1 AND status = ANY($2)",
            workflow_id,
            &slot_holders(),
        )
        .fetch_optional(self.pool())
        .await?
        .map(Meeting::try_from)
        .transpose()
    }

    /// Ranges held by live meetings on a calendar (meeting plus buffer) between two instants.
    pub async fn held_ranges(
        &self,
        calendar_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, sqlx::Error> {
        // `!`: Postgres types a function's result as nullable, and `lower`/`upper` are NULL for
        // an unbounded range; `blocks` is always built from two timestamps (`reserve_meeting`),
        // so a NULL here is a decode error, as it was before the macros.
        let rows = sqlx::query!(
            r#"SELECT lower(blocks) AS "start!", upper(blocks) AS "end!" FROM meetings
             WHERE calendar_id = $1 AND status = ANY($4)
               AND blocks && tstzrange($2, $3, '[)')"#,
            calendar_id,
            from,
            to,
            &slot_holders(),
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| Interval {
                start: row.start,
                end: row.end,
            })
            .collect())
    }

    /// One meeting.
    pub async fn meeting(&self, id: &str) -> Result<Option<Meeting>, sqlx::Error> {
        get(self.pool(), uuid(id)?).await
    }

    /// Records the video meeting created for a meeting.
    pub async fn set_meeting_video(
        &self,
        id: Uuid,
        provider: &str,
        video_id: Option<&str>,
        url: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE meetings SET video_provider = $2, video_meeting_id = $3, video_url = $4,
                    updated_at = now()
             WHERE id = $1",
            id,
            provider,
            video_id,
            url,
        )
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
        sqlx::query!(
            "UPDATE meetings SET status = $3, calendar_link = COALESCE($2, calendar_link),
                    failure = NULL, updated_at = now()
             WHERE id = $1 AND status = ANY($4)",
            id,
            calendar_link,
            MeetingEvent::PutOnCalendar.to().code(),
            &codes(MeetingEvent::PutOnCalendar.from_codes()),
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The meeting could not be created: it no longer holds its slot, and says why.
    pub async fn fail_meeting(&self, id: &str, reason: &str) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE meetings SET status = $3, failure = $2, updated_at = now()
             WHERE id = $1 AND status = ANY($4)",
            uuid(id)?,
            reason,
            MeetingEvent::Abandoned.to().code(),
            &codes(MeetingEvent::Abandoned.from_codes()),
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Cancels the meetings a trial's workflow booked, giving their slots back; returns how
    /// many.
    pub async fn release_trial_meetings(&self, workflow_id: &str) -> Result<u64, sqlx::Error> {
        let done = sqlx::query!(
            "UPDATE meetings SET status = $2, failure = 'released: the trial ended',
                    updated_at = now()
             WHERE workflow_id = $1 AND trial AND status = ANY($3)",
            workflow_id,
            MeetingEvent::TrialEnded.to().code(),
            &codes(MeetingEvent::TrialEnded.from_codes()),
        )
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
        let done = sqlx::query!(
            "UPDATE meetings SET status = $3, failure = $2, updated_at = now()
             WHERE workflow_id = $1 AND status = ANY($4)",
            workflow_id,
            reason,
            MeetingEvent::Abandoned.to().code(),
            &codes(MeetingEvent::Abandoned.from_codes()),
        )
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
        // `!`: Postgres types every expression's result as nullable; EXISTS is never NULL.
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM meeting_invites
                            WHERE meeting_id = $1 AND sequence = $2 AND method = $3) AS "sent!""#,
            meeting_id,
            sequence,
            method,
        )
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
        sqlx::query!(
            "INSERT INTO meeting_invites (meeting_id, sequence, method, message_id, recipient)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            meeting_id,
            sequence,
            method,
            message_id,
            recipient,
        )
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
        // Same WHERE as `forget_invite`: only a record the mail server has not confirmed.
        sqlx::query!(
            "UPDATE meeting_invites SET accepted_at = now()
             WHERE meeting_id = $1 AND sequence = $2 AND method = $3 AND accepted_at IS NULL",
            meeting_id,
            sequence,
            method,
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes back the send record of an invite the mail server refused after the commit point,
    /// so that a retry sends it.
    pub async fn forget_invite(
        &self,
        meeting_id: Uuid,
        sequence: i32,
        method: &str,
    ) -> Result<(), sqlx::Error> {
        // Same WHERE as `confirm_invite`: a confirmed record is never taken back.
        sqlx::query!(
            "DELETE FROM meeting_invites
             WHERE meeting_id = $1 AND sequence = $2 AND method = $3 AND accepted_at IS NULL",
            meeting_id,
            sequence,
            method,
        )
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
