//! The activities the workflows schedule: names and types only.
//!
//! Each definition keeps the name the activity has always had in histories
//! (`CallActivities::converse`, ...), so recorded histories replay against it.
//! The SDK's `#[activity_definitions]` takes declarations whose bodies are exactly
//! `unimplemented!()`: it keeps only their names and types, and no body is ever called.
// The macro generates undocumented marker types for each activity, and demands those bodies.
#![allow(missing_docs, clippy::unimplemented)]

use crate::activities::{BlankLeadInput, BlankedLead, ErasurePlan, WorkflowRun};
use crate::activities::{
    CallInfo, CampaignLead, ConfirmedMeeting, ConverseInput, ConverseOutput, DialInput, DialOutput,
    FinishAttemptInput, InviteInput, InviteSent, LeadPageInput, LoadLeadInput, OpenChatInput,
    RecordingTranscriptStatus, RedirectInput, ReleaseInput, ReleaseUnbookedInput, SummarizeInput,
    TranscribeInput,
};
use callwright_domain::LeadProfile;
use temporalio_macros::activity_definitions;
use temporalio_sdk::activities::ActivityError;

/// The activities of a call: the conversation, the call's state, its summary and transcript,
/// and a campaign's lead pages.
pub struct CallActivities;

#[activity_definitions]
impl CallActivities {
    /// One conversation turn: the model's reply and the tools it called.
    #[activity]
    pub fn converse(input: ConverseInput) -> Result<ConverseOutput, ActivityError> {
        unimplemented!()
    }

    /// Redirect a live call (voicemail, transfer, goodbye).
    #[activity]
    pub fn redirect_call(input: RedirectInput) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// The provider's view of a call, by its call id.
    #[activity]
    pub fn fetch_call(call_sid: String) -> Result<CallInfo, ActivityError> {
        unimplemented!()
    }

    /// Record an attempt's outcome in the projections.
    #[activity]
    pub fn finish_attempt(input: FinishAttemptInput) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// The post-call summary and the qualification answers.
    #[activity]
    pub fn summarize_call(input: SummarizeInput) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// Settle a summary that will not come (by call id).
    #[activity]
    pub fn settle_summary(call_id: String) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// Open a trial's text channel.
    #[activity]
    pub fn open_chat(input: OpenChatInput) -> Result<DialOutput, ActivityError> {
        unimplemented!()
    }

    /// Transcribe a call's recording.
    #[activity]
    pub fn transcribe_recording(
        input: TranscribeInput,
    ) -> Result<RecordingTranscriptStatus, ActivityError> {
        unimplemented!()
    }

    /// One page of a campaign's leads, each with its agent version.
    #[activity]
    pub fn campaign_leads(input: LeadPageInput) -> Result<Vec<CampaignLead>, ActivityError> {
        unimplemented!()
    }

    /// The profile of a lead started by id; `None` when the lead was deleted before its
    /// workflow read it.
    #[activity]
    pub fn load_lead(input: LoadLeadInput) -> Result<Option<LeadProfile>, ActivityError> {
        unimplemented!()
    }
}

/// Placing calls.
pub struct DialActivities;

#[activity_definitions]
impl DialActivities {
    /// Dial one attempt.
    #[activity]
    pub fn dial(input: DialInput) -> Result<DialOutput, ActivityError> {
        unimplemented!()
    }
}

/// The meeting's life after the call: calendar event, invites, releases, changes.
pub struct MeetingActivities;

#[activity_definitions]
impl MeetingActivities {
    /// Put a reserved meeting on the calendar (by meeting id).
    #[activity]
    pub fn confirm_meeting(meeting_id: String) -> Result<ConfirmedMeeting, ActivityError> {
        unimplemented!()
    }

    /// Send one revision of a meeting's invite.
    #[activity]
    pub fn send_invite(input: InviteInput) -> Result<InviteSent, ActivityError> {
        unimplemented!()
    }

    /// Give up a reservation.
    #[activity]
    pub fn release_meeting(input: ReleaseInput) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// Give up whatever a lead workflow still holds reserved; how many were released.
    #[activity]
    pub fn release_unbooked(input: ReleaseUnbookedInput) -> Result<u64, ActivityError> {
        unimplemented!()
    }

    /// Release a trial's meetings (by the trial's workflow id); how many were released.
    #[activity]
    pub fn release_trial_meetings(workflow_id: String) -> Result<u64, ActivityError> {
        unimplemented!()
    }

    /// Apply an operator's change to a meeting (by meeting id).
    #[activity]
    pub fn apply_meeting_change(meeting_id: String) -> Result<(), ActivityError> {
        unimplemented!()
    }
}

/// Erasing a lead's personal data: what to remove, at the telephony provider, in Temporal, and
/// in the projections.
pub struct ErasureActivities;

#[activity_definitions]
impl ErasureActivities {
    /// What an erasure removes (by lead id): trial copies, workflow runs, recordings.
    #[activity]
    pub fn erasure_plan(lead_id: String) -> Result<ErasurePlan, ActivityError> {
        unimplemented!()
    }

    /// Delete one recording at the telephony provider (by its link; gone already is done).
    #[activity]
    pub fn delete_recording(recording_url: String) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// Delete one workflow run's history from Temporal (gone already is done).
    #[activity]
    pub fn delete_workflow_history(run: WorkflowRun) -> Result<(), ActivityError> {
        unimplemented!()
    }

    /// Blank the lead's personal data in the projections, with its audit row, once per erasure
    /// run (a retry returns what the first did).
    #[activity]
    pub fn blank_lead(input: BlankLeadInput) -> Result<BlankedLead, ActivityError> {
        unimplemented!()
    }
}

/// Each activity's marker type (`Converse` for `converse`), which the implementations name in
/// `#[activity(definition = ...)]` so the compiler checks they take and return what the
/// definition says.
pub mod markers {
    /// [`CallActivities`](super::CallActivities)' markers.
    pub mod call {
        pub use super::super::call_activities::*;
    }
    /// [`DialActivities`](super::DialActivities)' markers.
    pub mod dial {
        pub use super::super::dial_activities::*;
    }
    /// [`MeetingActivities`](super::MeetingActivities)' markers.
    pub mod meeting {
        pub use super::super::meeting_activities::*;
    }
    /// [`ErasureActivities`](super::ErasureActivities)' markers.
    pub mod erasure {
        pub use super::super::erasure_activities::*;
    }
}
