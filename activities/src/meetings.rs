//! Activities that turn a reserved slot into a meeting: video link, calendar event, invite
//! email; and the changes an operator makes later (move, cancel). Each is idempotent, so a retry
//! or a worker killed half-way never creates a second event nor sends a second invite.
// `#[activities]` generates undocumented marker constants for each activity.
#![allow(missing_docs)]

use crate::booking::BookingSettings;
use crate::failure::{IntoActivity as _, db_error};
use callwright_contracts::activities::{
    ConfirmedMeeting, InviteInput, InviteSent, ReleaseInput, ReleaseUnbookedInput,
};
use callwright_contracts::api::meetings::Meeting;
use callwright_domain::booking::slot_label;
use callwright_domain::invite::{Invite, InviteMethod};
use callwright_domain::phrases::phrases;
use callwright_domain::{Language, MeetingStatus};
use callwright_providers::ProviderError;
use callwright_providers::calendar::{Attendee, Calendar, EventSpec};
use callwright_providers::mail::{Delivery, InviteEmail, Mailer, SendRecord};
use callwright_providers::video::{VideoMeetings, VideoRequest};
use callwright_store::Store;
use chrono::Utc;
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// The meeting activities.
pub struct MeetingActivities {
    calendar: Arc<dyn Calendar>,
    video: Option<Arc<dyn VideoMeetings>>,
    mailer: Arc<dyn Mailer>,
    store: Store,
    settings: BookingSettings,
}

fn not_found(id: &str) -> ActivityError {
    ActivityError::application(
        ApplicationFailure::builder(format!("meeting {id} does not exist"))
            .type_name("MeetingNotFound".to_owned())
            .non_retryable(true)
            .build(),
    )
}

fn minutes(m: &Meeting) -> u32 {
    u32::try_from((m.ends_at - m.starts_at).num_minutes()).unwrap_or(30)
}

impl MeetingActivities {
    /// Wires the ports.
    pub fn new(
        calendar: Arc<dyn Calendar>,
        video: Option<Arc<dyn VideoMeetings>>,
        mailer: Arc<dyn Mailer>,
        store: Store,
        settings: BookingSettings,
    ) -> Self {
        Self {
            calendar,
            video,
            mailer,
            store,
            settings,
        }
    }

    async fn load(&self, id: &str) -> Result<Meeting, ActivityError> {
        self.store
            .meeting(id)
            .await
            .map_err(db_error)?
            .ok_or_else(|| not_found(id))
    }

    fn video_request(m: &Meeting) -> VideoRequest {
        VideoRequest {
            topic: m.title.clone(),
            start: m.starts_at,
            minutes: minutes(m),
            timezone: m.timezone.clone(),
        }
    }

    /// The email for one revision of the invite, in the lead's language.
    fn email(&self, m: &Meeting, input: &InviteInput) -> InviteEmail {
        let language: Language = m.language.parse().unwrap_or(Language::En);
        let tz: chrono_tz::Tz = m.timezone.parse().unwrap_or(chrono_tz::UTC);
        let p = phrases(language);
        let when = slot_label(m.starts_at, tz, language);
        let fill = |t: &str| {
            t.replace("{name}", &m.attendee_name)
                .replace("{title}", &m.title)
                .replace("{when}", &when)
                .replace("{zone}", &m.timezone)
        };
        let (subject, line) = match (input.method, input.sequence) {
            (InviteMethod::Cancel, _) => (&p.invite_cancel_subject, &p.invite_cancelled),
            (InviteMethod::Request, 0) => (&p.invite_subject, &p.invite_booked),
            (InviteMethod::Request, _) => (&p.invite_update_subject, &p.invite_moved),
        };
        let invite = Invite {
            uid: Invite::uid_for(&m.id.to_string()),
            sequence: u32::try_from(input.sequence).unwrap_or(0),
            method: input.method,
            dtstamp: Utc::now(),
            start: m.starts_at,
            end: m.ends_at,
            summary: m.title.clone(),
            description: match m.description.as_deref().filter(|d| !d.trim().is_empty()) {
                Some(about) => format!("{}\n\n{about}", fill(line)),
                None => fill(line),
            },
            video_url: m.video_url.clone(),
            organizer_email: self.settings.organizer_email.clone(),
            organizer_name: self.settings.organizer_name.clone(),
            attendee_email: m.attendee_email.clone(),
            attendee_name: m.attendee_name.clone(),
            language,
        };
        let text = format!(
            "{}\n\n{}",
            fill(&p.invite_greeting),
            invite.full_description()
        );
        let html = format!(
            "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><body><p>{greeting}</p><p>{body}</p></body></html>",
            lang = language.code(),
            dir = if language.profile().right_to_left {
                "rtl"
            } else {
                "ltr"
            },
            greeting = html_escape(&fill(&p.invite_greeting)),
            body = html_escape(&invite.full_description()).replace('\n', "<br>"),
        );
        let domain = self
            .settings
            .organizer_email
            .rsplit_once('@')
            .map_or("callwright.invalid", |(_, d)| d);
        InviteEmail {
            message_id: format!(
                "meeting-{}.{}.{}@{domain}",
                m.id,
                input.sequence,
                input.method.as_str().to_ascii_lowercase()
            ),
            from_name: self.settings.organizer_name.clone(),
            from_email: self.settings.organizer_email.clone(),
            to_name: m.attendee_name.clone(),
            to_email: m.attendee_email.clone(),
            subject: fill(subject),
            text,
            html,
            ics: invite.to_ics(),
            calendar_type: invite.content_type(),
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[activities]
impl MeetingActivities {
    /// Puts a reserved meeting on the calendar with a video link. Idempotent: the video link is
    /// stored before the event is created, and the event carries our own id, so a retry finds
    /// both instead of making new ones. A meeting the operator cancelled meanwhile is left alone.
    #[activity(definition = callwright_contracts::definitions::markers::meeting::ConfirmMeeting)]
    pub async fn confirm_meeting(
        self: Arc<Self>,
        _ctx: ActivityContext,
        meeting_id: String,
    ) -> Result<ConfirmedMeeting, ActivityError> {
        let mut m = self.load(&meeting_id).await?;
        if m.status != MeetingStatus::Reserved {
            return Ok(ConfirmedMeeting {
                status: m.status,
                video_url: m.video_url,
            });
        }
        if m.video_url.is_none()
            && let Some(video) = &self.video
        {
            let created = video
                .create(&Self::video_request(&m))
                .await
                .map_err(ProviderError::into_activity)?;
            self.store
                .set_meeting_video(m.id, video.provider(), Some(&created.id), &created.join_url)
                .await
                .map_err(db_error)?;
            m.video_provider = Some(video.provider().to_owned());
            m.video_url = Some(created.join_url);
        }
        let spec = EventSpec {
            event_id: m.calendar_event_id.clone(),
            summary: m.title.clone(),
            description: {
                let booked = format!(
                    "Booked by Callwright on a call with {} ({}).",
                    m.attendee_name, m.attendee_email
                );
                match m.description.as_deref().filter(|d| !d.trim().is_empty()) {
                    Some(about) => format!("{about}\n\n{booked}"),
                    None => booked,
                }
            },
            start: m.starts_at,
            end: m.ends_at,
            timezone: m.timezone.clone(),
            attendee: Some(Attendee {
                email: m.attendee_email.clone(),
                name: m.attendee_name.clone(),
            }),
            video_url: m.video_url.clone(),
            request_video: self.video.is_none() && self.settings.google_meet,
        };
        let event = self
            .calendar
            .create_event(&spec)
            .await
            .map_err(ProviderError::into_activity)?;
        if m.video_url.is_none()
            && let Some(url) = &event.video_url
        {
            self.store
                .set_meeting_video(m.id, "google_meet", None, url)
                .await
                .map_err(db_error)?;
            m.video_url = Some(url.clone());
        }
        self.store
            .confirm_meeting(m.id, event.html_link.as_deref())
            .await
            .map_err(db_error)?;
        tracing::info!(meeting_id = %m.id, attendee_on_event = event.attendee_added, "meeting on the calendar");
        metrics::counter!("callwright_meetings_confirmed_total").increment(1);
        Ok(ConfirmedMeeting {
            status: MeetingStatus::Confirmed,
            video_url: m.video_url,
        })
    }

    /// Emails one revision of the invite, once. Its send record, keyed by (meeting, sequence,
    /// method), is checked first and written at the mailer's commit point, the last moment the
    /// mail server can still discard the message (see [`callwright_providers::mail::SmtpMailer`]), so a retry
    /// after a crash at any point neither sends it twice nor leaves it unsent. The Message-ID is
    /// stable per revision either way.
    #[activity(definition = callwright_contracts::definitions::markers::meeting::SendInvite)]
    pub async fn send_invite(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: InviteInput,
    ) -> Result<InviteSent, ActivityError> {
        let m = self.load(&input.meeting_id).await?;
        let method = input.method.as_str();
        if self
            .store
            .invite_sent(m.id, input.sequence, method)
            .await
            .map_err(db_error)?
        {
            return Ok(InviteSent::AlreadySent);
        }
        let current = match input.method {
            InviteMethod::Request => {
                m.status == MeetingStatus::Confirmed && m.sequence == input.sequence
            }
            InviteMethod::Cancel => m.status == MeetingStatus::Cancelled,
        };
        if !current {
            tracing::info!(meeting_id = %m.id, status = %m.status, "invite superseded; not sent");
            return Ok(InviteSent::Skipped);
        }
        let email = self.email(&m, &input);
        let record = InviteRecord {
            store: &self.store,
            meeting_id: m.id,
            sequence: input.sequence,
            method,
            message_id: &email.message_id,
            recipient: &m.attendee_email,
        };
        match self
            .mailer
            .send(&email, &record)
            .await
            .map_err(ProviderError::into_activity)?
        {
            Delivery::Accepted => {
                self.store
                    .confirm_invite(m.id, input.sequence, method)
                    .await
                    .map_err(db_error)?;
                tracing::info!(meeting_id = %m.id, sequence = input.sequence, method, "invite sent");
            }
            Delivery::Unconfirmed(why) => {
                tracing::warn!(meeting_id = %m.id, sequence = input.sequence, method, %why,
                    "invite sent without the server's confirmation; not sent again");
                metrics::counter!("callwright_invites_unconfirmed_total").increment(1);
            }
        }
        metrics::counter!("callwright_invites_sent_total", "method" => method).increment(1);
        Ok(InviteSent::Sent)
    }

    /// Gives a reservation up after its event could not be created for good: the slot is free
    /// again and the meeting says why (visible in the API).
    #[activity(definition = callwright_contracts::definitions::markers::meeting::ReleaseMeeting)]
    pub async fn release_meeting(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: ReleaseInput,
    ) -> Result<(), ActivityError> {
        let m = self.load(&input.meeting_id).await?;
        if let (Some(video), Some(id)) = (&self.video, m.video_meeting_id.as_deref())
            && let Err(err) = video.delete(id).await
        {
            tracing::warn!(error = %err, "video meeting of a failed booking not deleted");
        }
        self.store
            .fail_meeting(&input.meeting_id, &input.reason)
            .await
            .map_err(db_error)
    }

    /// Frees the slot a lead workflow reserved on a call that then ended without a booking (the
    /// model failed right after the reservation and the agent apologised, or the callee hung up
    /// before the confirmation): nobody was told about that meeting, so it must not hold the slot.
    /// Only a `reserved` meeting is touched (a confirmed one stands); returns how many were freed.
    /// Idempotent.
    #[activity(definition = callwright_contracts::definitions::markers::meeting::ReleaseUnbooked)]
    pub async fn release_unbooked(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: ReleaseUnbookedInput,
    ) -> Result<u64, ActivityError> {
        let freed = self
            .store
            .fail_reservations_of(&input.workflow_id, &input.reason)
            .await
            .map_err(db_error)?;
        if freed > 0 {
            tracing::info!(workflow_id = %input.workflow_id, freed, "unbooked reservation released");
        }
        Ok(freed)
    }

    /// Releases the meetings a trial booked (the trial is over: they were never real).
    /// Idempotent; returns how many were released.
    #[activity(definition = callwright_contracts::definitions::markers::meeting::ReleaseTrialMeetings)]
    pub async fn release_trial_meetings(
        self: Arc<Self>,
        _ctx: ActivityContext,
        workflow_id: String,
    ) -> Result<u64, ActivityError> {
        self.store
            .release_trial_meetings(&workflow_id)
            .await
            .map_err(db_error)
    }

    /// Applies the meeting's current state to the calendar and the video provider after an
    /// operator's change: a cancelled meeting's event and video meeting are deleted, a moved one's
    /// are moved.
    #[activity(definition = callwright_contracts::definitions::markers::meeting::ApplyMeetingChange)]
    pub async fn apply_meeting_change(
        self: Arc<Self>,
        _ctx: ActivityContext,
        meeting_id: String,
    ) -> Result<(), ActivityError> {
        let m = self.load(&meeting_id).await?;
        match m.status {
            MeetingStatus::Cancelled => {
                self.calendar
                    .cancel_event(&m.calendar_event_id)
                    .await
                    .map_err(ProviderError::into_activity)?;
                if let (Some(video), Some(id)) = (&self.video, m.video_meeting_id.as_deref()) {
                    video
                        .delete(id)
                        .await
                        .map_err(ProviderError::into_activity)?;
                }
            }
            MeetingStatus::Confirmed => {
                self.calendar
                    .move_event(&m.calendar_event_id, m.starts_at, m.ends_at, &m.timezone)
                    .await
                    .map_err(ProviderError::into_activity)?;
                if let (Some(video), Some(id)) = (&self.video, m.video_meeting_id.as_deref()) {
                    video
                        .reschedule(id, &Self::video_request(&m))
                        .await
                        .map_err(ProviderError::into_activity)?;
                }
            }
            // Nothing to change on the calendar: a reservation has no event yet, a failed
            // one never had one, and a rep closing a meeting leaves the event as it was.
            MeetingStatus::Reserved
            | MeetingStatus::Failed
            | MeetingStatus::Completed
            | MeetingStatus::NoShow => {}
        }
        Ok(())
    }
}

/// The send record of one invite revision in `meeting_invites`, written at the mailer's commit
/// point.
struct InviteRecord<'a> {
    store: &'a Store,
    meeting_id: uuid::Uuid,
    sequence: i32,
    method: &'a str,
    message_id: &'a str,
    recipient: &'a str,
}

#[async_trait::async_trait]
impl SendRecord for InviteRecord<'_> {
    async fn commit(&self) -> Result<(), ProviderError> {
        self.store
            .record_invite(
                self.meeting_id,
                self.sequence,
                self.method,
                self.message_id,
                self.recipient,
            )
            .await
            .map_err(|e| record_error(&e))
    }

    async fn refused(&self) -> Result<(), ProviderError> {
        // A record left behind would stop every retry from sending: try a few times.
        let mut tries = 0;
        loop {
            match self
                .store
                .forget_invite(self.meeting_id, self.sequence, self.method)
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if tries >= 3 => {
                    tracing::error!(meeting_id = %self.meeting_id, error = %e,
                        "refused invite's send record not taken back; it will not be retried");
                    return Err(record_error(&e));
                }
                Err(_) => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(500 * tries)).await;
                }
            }
        }
    }
}

fn record_error(err: &sqlx::Error) -> ProviderError {
    ProviderError::failed("postgres", format!("invite send record: {err}"), true)
}
