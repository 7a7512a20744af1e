//! What goes in and out of the workflows: inputs, signals, updates and query views.

use callwright_domain::agent::{AgentPlan, AgentRef};
use callwright_domain::conversation::{LanguageSwitch, ToolUse, Turn};
use callwright_domain::invite::InviteMethod;
use callwright_domain::{
    AnsweredBy, AttemptOutcome, CallSettings, CallStatus, Language, LeadProfile,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Input of a `LeadWorkflow`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeadInput {
    /// Who to call: the `leads` row id (a trial's lead has no row; its id is the trial's).
    pub lead_id: String,
    /// The lead's profile, when the starter holds it (a trial). `None`: the workflow loads it by
    /// `lead_id` as its first step, so that the name and number are in this workflow's history
    /// alone, which erasing the lead deletes, and never in its starter's (a campaign's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<LeadProfile>,
    /// The campaign, if the lead is called as part of one.
    pub campaign_id: Option<String>,
    /// The campaign workflow to notify when the lead settles.
    pub campaign_workflow_id: Option<String>,
    /// Calling rules.
    pub settings: CallSettings,
    /// Task queue of the dial activity.
    pub dial_task_queue: String,
    /// Attempts earlier runs of this workflow id already made (a retried lead): this run numbers
    /// its attempts after them, so each (workflow id, attempt) still names one call, and counts
    /// only its own against `max_attempts`.
    #[serde(default)]
    pub prior_attempts: u32,
    /// The agent version that speaks, fixed for the life of the workflow (every retry and
    /// callback): editing the agent never changes a call in progress.
    pub agent: AgentRef,
    /// How the lead is reached.
    #[serde(default)]
    pub channel: Channel,
}

/// How a lead workflow talks to its lead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Phone calls through the telephony provider (dial, webhooks, TwiML).
    #[default]
    Phone,
    /// A trial: an operator types as the callee; one attempt, no number, no retries, and any
    /// meeting booked is released when it ends.
    Chat,
}

/// What the agent says back on a call: the TwiML for the telephony provider, and the same
/// reply as text for a chat (with the tools the model used).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnReply {
    /// The next TwiML document.
    pub twiml: String,
    /// What the agent says (empty when nothing: a stale or refused turn).
    #[serde(default)]
    pub say: String,
    /// The tools the model used in the turn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolUse>,
    /// The agent ended the conversation with this reply.
    #[serde(default)]
    pub ended: bool,
    /// The language the reply is spoken in (a realtime session follows a switch with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

impl TurnReply {
    /// Nothing to say: hang up (a turn for a call that is not live).
    pub fn hang_up() -> Self {
        Self {
            twiml: callwright_domain::twiml::Twiml::new().hangup().render(),
            say: String::new(),
            tools: Vec::new(),
            ended: true,
            language: None,
        }
    }
}

/// A Twilio call progress callback, already verified and parsed by the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusEvent {
    /// The attempt the callback URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// New status.
    pub status: CallStatus,
    /// Twilio `SequenceNumber` (order of events within the call).
    pub sequence: Option<u32>,
    /// `CallDuration`, on the final event.
    pub duration_secs: Option<u32>,
    /// `AnsweredBy`, when present.
    pub answered_by: Option<AnsweredBy>,
}

/// An asynchronous answering-machine-detection result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmdEvent {
    /// The attempt the callback URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// What answered.
    pub answered_by: AnsweredBy,
}

/// The voice webhook: the call was answered and Twilio wants its first TwiML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceRequest {
    /// The attempt the URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// The realtime socket for this call (`wss://…/twilio/relay?wf=…&attempt=…`), from the
    /// API's public URL: used when the call's voice mode is `relay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_url: Option<String>,
}

/// A ConversationRelay session opened its socket (the `setup` message), on any API instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelaySetup {
    /// The attempt the socket URL names.
    pub attempt: u32,
    /// Provider call id, from `setup`.
    pub call_sid: String,
    /// The session, from `setup` (a reconnect of the call has a new one).
    pub session_id: String,
}

/// Where a realtime session starts from: the workflow's state of the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelaySession {
    /// The number the session's next callee turn carries (the same numbering as `<Gather>`s).
    pub next_turn: u32,
    /// The language spoken now.
    pub language: Language,
    /// What to say at once: nothing on the first session (Twilio speaks the welcome greeting);
    /// on a reconnect, the agent's last line, which the callee may not have heard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub say: Option<String>,
    /// The conversation is over (nothing more will be taken).
    #[serde(default)]
    pub ended: bool,
}

/// The callee cut the agent off on a realtime call (ConversationRelay's `interrupt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayInterrupt {
    /// The attempt the socket URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// What the callee heard of the agent's line (`utteranceUntilInterrupt`).
    pub heard: String,
    /// How long the agent had spoken (`durationUntilInterruptMs`).
    pub spoken_ms: u64,
}

/// Twilio requested the `<Connect action>` URL: the realtime session is over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelayEnded {
    /// The attempt the URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// `SessionId`.
    pub session_id: String,
    /// `SessionStatus`: `ended` (our socket sent `end`), `failed` (the socket dropped or was
    /// refused) or `completed` (the call is over).
    pub session_status: String,
    /// `HandoffData` of the `end` message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff_data: Option<String>,
    /// `ErrorCode` of a failed session (64102: our socket refused the handshake; 64105: it
    /// closed or dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// A `<Gather>` result: one callee turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnRequest {
    /// The attempt the URL names.
    pub attempt: u32,
    /// Provider call id.
    pub call_sid: String,
    /// The Gather number the URL names.
    pub turn: u32,
    /// `SpeechResult` (absent when the callee said nothing).
    pub speech: Option<String>,
    /// `Confidence`.
    pub confidence: Option<f32>,
}

/// Where a lead stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadPhase {
    /// Not dialled yet.
    Pending,
    /// Outside the lead's calling window: waiting (durably) until it opens.
    WaitingWindow,
    /// Dial requested, call not yet answered.
    Dialing,
    /// Answered; the conversation runs.
    InCall,
    /// Waiting for the next attempt.
    WaitingRetry,
    /// Waiting for the callback the lead asked for.
    WaitingCallback,
    /// A meeting was booked on the call: creating the event and sending the invite.
    Booking,
    /// Finished.
    Done,
}

impl LeadPhase {
    /// Stable code (search attribute `LeadPhase`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::WaitingWindow => "waiting_window",
            Self::Dialing => "dialing",
            Self::InCall => "in_call",
            Self::WaitingRetry => "waiting_retry",
            Self::WaitingCallback => "waiting_callback",
            Self::Booking => "booking",
            Self::Done => "done",
        }
    }
}

/// One finished attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttemptRecord {
    /// Attempt number.
    pub attempt: u32,
    /// Provider call id, if a call was placed.
    pub call_sid: Option<String>,
    /// What came of it.
    pub outcome: AttemptOutcome,
    /// When it ended.
    pub ended_at: DateTime<Utc>,
}

/// The `state` query of a lead workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadView {
    /// Lead id.
    pub lead_id: String,
    /// Where it stands.
    pub phase: LeadPhase,
    /// Current or last attempt.
    pub attempt: u32,
    /// Live call id.
    pub call_sid: Option<String>,
    /// Live call status.
    pub call_status: Option<CallStatus>,
    /// Transcript of the current (or last) call.
    pub transcript: Vec<Turn>,
    /// Where the current (or last) call moved to another language, because the callee did.
    #[serde(default)]
    pub language_switches: Vec<LanguageSwitch>,
    /// Finished attempts.
    pub attempts: Vec<AttemptRecord>,
    /// When the next attempt is due.
    pub next_action_at: Option<DateTime<Utc>>,
    /// Final outcome, once done.
    pub outcome: Option<AttemptOutcome>,
    /// The agent version that speaks.
    pub agent: AgentRef,
}

/// A lead workflow's result. The parent campaign's history records it too, so it carries codes
/// and counts only: the outcome's details (a meeting's notes) stay in the lead's own history
/// (its attempts, its `state` query), which erasing the lead deletes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadResult {
    /// Lead id.
    pub lead_id: String,
    /// Final outcome code (`interested`, `no_answer`, ...: [`AttemptOutcome::code`]).
    pub outcome: String,
    /// Attempts made.
    pub attempts: u32,
}

/// Sent by a lead to its campaign once it is done or parked until a callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSettled {
    /// Lead id.
    pub lead_id: String,
    /// Outcome code.
    pub outcome: String,
}

/// Campaign-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignSettings {
    /// Leads in flight at once (each has at most one live call).
    pub max_concurrent: u32,
    /// Calling rules for every lead.
    pub call: CallSettings,
    /// Task queue of the dial activity.
    pub dial_task_queue: String,
    /// Lead starts per workflow run before it continues as new (bounds the history).
    #[serde(default = "default_starts_per_run")]
    pub starts_per_run: u32,
    /// The agent, and its version per lead (one, or an A/B split).
    pub agent: AgentPlan,
}

fn default_starts_per_run() -> u32 {
    500
}

/// Input of a `CampaignWorkflow` run; carries the state across
/// continue-as-new.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignInput {
    /// Campaign id.
    pub campaign_id: String,
    /// Settings.
    pub settings: CampaignSettings,
    /// Carried progress (empty on the first run).
    #[serde(default)]
    pub carried: CampaignCarry,
}

/// Progress carried from one run to the next.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignCarry {
    /// `seq` of the last lead started.
    pub cursor: i32,
    /// Leads started.
    pub started: u64,
    /// Leads settled, by outcome code.
    pub outcomes: BTreeMap<String, u64>,
    /// Leads started and not yet settled.
    pub in_flight: BTreeSet<String>,
    /// Leads that settled before their start was confirmed.
    pub settled_early: BTreeSet<String>,
    /// Paused by the operator.
    pub paused: bool,
    /// Cancelled by the operator.
    pub cancelled: bool,
}

/// Campaign status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Starting leads.
    Running,
    /// Not starting new leads.
    Paused,
    /// Stopping.
    Cancelling,
    /// All leads settled (or cancelled).
    Completed,
}

impl CampaignStatus {
    /// Stable code (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Cancelling => "cancelling",
            Self::Completed => "completed",
        }
    }
}

/// The `progress` query of a campaign, and its result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignProgress {
    /// Campaign id.
    pub campaign_id: String,
    /// Status.
    pub status: CampaignStatus,
    /// Leads started.
    pub started: u64,
    /// Leads in flight.
    pub in_flight: u64,
    /// Leads settled.
    pub settled: u64,
    /// Settled leads by outcome code.
    pub outcomes: BTreeMap<String, u64>,
}

/// An erasure to carry out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureRequest {
    /// The lead (already marked deleted).
    pub lead_id: String,
    /// The API key that asked (the audit row names it); none when the product asked itself (a
    /// recording announced after the lead was erased).
    pub api_key_id: Option<String>,
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Erased {
    /// Trial leads copied from the lead, erased with it.
    pub trials: u32,
    /// Workflow runs whose histories were deleted from Temporal.
    pub deleted_histories: u32,
    /// Recordings deleted at the telephony provider.
    pub deleted_recordings: u32,
    /// Transcript lines removed.
    pub deleted_transcript_turns: u64,
}

/// One change to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingChange {
    /// Meeting id.
    pub meeting_id: String,
    /// The SEQUENCE the change produced.
    pub sequence: i32,
    /// `REQUEST` for a move, `CANCEL` for a cancellation.
    pub method: InviteMethod,
}
