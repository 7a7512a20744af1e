//! The inputs and outputs of the activities: what workflow histories record.

use callwright_domain::agent::{AgentPlan, AgentRef};
use callwright_domain::conversation::{OfferedSlot, ToolUse, Turn};
use callwright_domain::invite::InviteMethod;
use callwright_domain::{AgentAction, Language, LeadProfile, VoiceMode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Dial one attempt.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DialInput {
    /// The lead workflow's id (webhooks are routed by it).
    pub workflow_id: String,
    /// 1-based attempt number; with the workflow id, the idempotency key of the dial.
    pub attempt: u32,
    /// Who to call.
    pub lead: LeadProfile,
    /// The campaign, if any.
    pub campaign_id: Option<String>,
    /// Seconds to ring.
    pub ring_timeout_secs: u32,
    /// The agent version that speaks on this call.
    pub agent: AgentRef,
}

/// Open a trial's text channel: the attempt's call row, and the agent's opening lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OpenChatInput {
    /// The lead workflow's id.
    pub workflow_id: String,
    /// Attempt number (always 1 for a trial).
    pub attempt: u32,
    /// The trial's lead.
    pub lead: LeadProfile,
    /// The agent version on trial.
    pub agent: AgentRef,
}

/// What the agent says on a call without the model, rendered for the lead by the activity that
/// opens the call (the agent's templates are read there, never in the workflow).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallScript {
    /// The opening: the disclosure, then the agent's greeting.
    pub greeting: String,
    /// The message left on an answering machine.
    pub voicemail: String,
    /// The agent's `<Say>` voices by language, overriding the language table's.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub say_voices: BTreeMap<Language, String>,
    /// How this call speaks: the agent's mode where the lead's language has it (the language
    /// table decides), else `gather`.
    #[serde(default, skip_serializing_if = "VoiceMode::is_gather")]
    pub voice_mode: VoiceMode,
}

/// What came of a dial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum DialOutput {
    /// The provider accepted the call.
    Placed {
        /// Our `calls` row.
        call_id: String,
        /// Provider call id.
        call_sid: String,
        /// Signed `<Play>` links to the call's fixed lines (the script's and the language
        /// file's), by exact text (lines whose synthesis failed, or all of them without
        /// text-to-speech, are absent).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        audio: BTreeMap<String, String>,
        /// The agent's lines for this call.
        script: CallScript,
    },
    /// Not dialled: the number is on the do-not-call list.
    DoNotCall,
    /// Not dialled: the lead was deleted (`DELETE /api/leads/{id}`) after its workflow started.
    LeadDeleted,
}

/// Leave a voicemail on (or otherwise redirect) a live call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedirectInput {
    /// Provider call id.
    pub call_sid: String,
    /// TwiML to run now.
    pub twiml: String,
}

/// Ask the model for the agent's next line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConverseInput {
    /// Our `calls` row, for the transcript projection.
    pub call_id: String,
    /// Who we talk to.
    pub lead: LeadProfile,
    /// The agent version that speaks.
    pub agent: AgentRef,
    /// A trial (text channel): its meeting is marked as a trial and nothing is synthesised.
    #[serde(default)]
    pub trial: bool,
    /// Workflow time of this turn.
    pub now: DateTime<Utc>,
    /// The transcript so far, ending with the callee's turn.
    pub turns: Vec<Turn>,
    /// Turns from this index on are not yet in Postgres.
    pub persist_from: usize,
    /// The lead workflow (a booking is reserved for it).
    #[serde(default)]
    pub workflow_id: String,
    /// The campaign, if any.
    #[serde(default)]
    pub campaign_id: Option<String>,
    /// Slots most recently offered on this call.
    #[serde(default)]
    pub offered: Vec<OfferedSlot>,
    /// Slots offered so far on this call (new slot ids continue from it).
    #[serde(default)]
    pub slots_offered: u32,
    /// The campaign has a transfer number: the model may put the callee through to a person.
    #[serde(default)]
    pub can_transfer: bool,
    /// The language recognised in the callee's last words (told to the model every turn).
    #[serde(default)]
    pub heard_language: Option<callwright_domain::Language>,
    /// The call speaks over ConversationRelay: Twilio synthesises the reply, so none is made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub relay: bool,
}

/// Slots proposed in a turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The slots, as the model was given them.
    pub slots: Vec<OfferedSlot>,
    /// Slots offered so far on the call, these included.
    pub slots_offered: u32,
}

/// The agent's next line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConverseOutput {
    /// What to say (may be empty when a tool was called without text).
    pub reply: String,
    /// A decision, if the model took one.
    pub action: Option<AgentAction>,
    /// Whether `turns[persist_from..]` plus the reply (at index `turns.len()`) reached Postgres.
    pub persisted: bool,
    /// Slots offered in this turn, if any.
    #[serde(default)]
    pub offer: Option<Offer>,
    /// A signed `<Play>` link to the reply (trimmed) spoken, when text-to-speech is configured
    /// and worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_url: Option<String>,
    /// The tools the model used in the turn, in order (shown in transcripts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolUse>,
}

/// Record a finished attempt (the record itself is a domain fact the store writes).
pub use callwright_domain::call::FinishedAttempt as FinishAttemptInput;

/// A page of a campaign's leads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeadPageInput {
    /// Campaign id.
    pub campaign_id: String,
    /// Return leads with `seq` greater than this.
    pub after_seq: i32,
    /// Page size.
    pub limit: i32,
    /// The campaign's agent: each lead of the page is given its version here.
    pub plan: AgentPlan,
}

pub use callwright_domain::lead::CampaignLead;

/// Load the profile of a lead a campaign started by id (see [`CampaignLead`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadLeadInput {
    /// Lead id.
    pub lead_id: String,
}

/// Summarise an answered call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummarizeInput {
    /// Our `calls` row (its transcript is read from Postgres).
    pub call_id: String,
    /// The lead's language, for the prompt.
    pub language: callwright_domain::Language,
    /// The agent version that spoke (its questions are answered in the summary).
    pub agent: AgentRef,
}

/// Transcribe an answered call's recording.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranscribeInput {
    /// Our `calls` row (its `recording_url` is read from Postgres).
    pub call_id: String,
    /// The lead's language, for the recogniser.
    pub language: callwright_domain::Language,
}

/// Send one revision of a meeting's invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInput {
    /// Meeting id.
    pub meeting_id: String,
    /// The revision (iCalendar SEQUENCE).
    pub sequence: i32,
    /// Request (book, move) or cancel.
    pub method: InviteMethod,
}

/// What came of a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteSent {
    /// The mail server accepted it now.
    Sent,
    /// An earlier try already sent it.
    AlreadySent,
    /// Superseded (the meeting changed again or was cancelled first); nothing to send.
    Skipped,
}

/// The meeting is on the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedMeeting {
    /// Meeting status after the step (confirmed, or what an operator made of it first).
    pub status: callwright_domain::MeetingStatus,
    /// Join link, if any.
    pub video_url: Option<String>,
}

/// Give up a reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseInput {
    /// Meeting id.
    pub meeting_id: String,
    /// Why, for the operator.
    pub reason: String,
}

/// Give up whatever a lead workflow still holds reserved after a call that booked nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseUnbookedInput {
    /// The lead workflow the reservation was made for.
    pub workflow_id: String,
    /// Why, for the operator.
    pub reason: String,
}

pub use callwright_domain::call::CallInfo;

/// The id a trial's chat goes by where a phone call has its provider's call id (the API reads
/// a trial's transcript by it).
pub fn chat_sid(workflow_id: &str) -> String {
    format!("chat-{workflow_id}")
}

pub use callwright_domain::call::RecordingTranscriptStatus;

/// Tries of `transcribe_recording` (the workflow's retry policy uses the same number): the
/// last one settles the status instead of asking for another.
pub const TRANSCRIBE_ATTEMPTS: u32 = 8;

/// One run of a lead's workflow (any campaign, any retry, or a trial of the lead's copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowRun {
    /// Workflow id.
    pub workflow_id: String,
    /// Run id.
    pub run_id: String,
}

/// What an erasure has to remove outside the projections, read once at its start. Ids and
/// provider links only: an erasure's own history must hold nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasurePlan {
    /// The trial leads copied from the lead (their personal data goes too).
    pub trials: Vec<String>,
    /// Every run of the lead's workflows and of its trials', whose histories are deleted.
    pub runs: Vec<WorkflowRun>,
    /// The provider links of the lead's recordings, deleted at the provider.
    pub recordings: Vec<String>,
}

/// Blank the personal data of a lead and of its trial copies in every projection, with the
/// audit row, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlankLeadInput {
    /// The lead erased.
    pub lead_id: String,
    /// Its trial copies.
    pub trials: Vec<String>,
    /// The API key that asked (the audit row names it); none when the product asked itself (a
    /// recording announced after the lead was erased).
    pub api_key_id: Option<String>,
    /// Histories deleted, for the audit row.
    pub deleted_histories: u32,
    /// Recordings deleted at the provider, for the audit row.
    pub deleted_recordings: u32,
}

/// What blanking a lead removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlankedLead {
    /// Transcript lines removed.
    pub deleted_transcript_turns: u64,
    /// Recording links that were still set when the rows were blanked: the ones the erasure's
    /// plan did not know (announced after it was read) are deleted at the provider next.
    pub recordings_left: Vec<String>,
}
