//! `LeadWorkflow`: the life of one lead in one campaign.
//!
//! dial → (status signals, AMD signal) → voice update (greeting) → one `turn` update per
//! `<Gather>` result, each returning the next TwiML → call over → outcome → projection →
//! retry, callback or done. A turn costs one update and, when the model is asked, one local
//! activity: no extra server round trips on the hot path.

// `#[workflow_methods]` generates undocumented marker types for each handler.
#![allow(missing_docs)]

use crate::campaign::CampaignWorkflow;
use crate::{options, search};
use callwright_contracts::activities::{
    CallScript, ConverseInput, DialInput, DialOutput, FinishAttemptInput, LoadLeadInput,
    OpenChatInput, RedirectInput, SummarizeInput, TranscribeInput,
};
use callwright_contracts::activities::{InviteInput, ReleaseInput, ReleaseUnbookedInput};
use callwright_contracts::messages::{
    AmdEvent, AttemptRecord, Channel, LeadInput, LeadPhase, LeadResult, LeadSettled, LeadView,
    RelayEnded, RelayInterrupt, RelaySession, RelaySetup, StatusEvent, TurnReply, TurnRequest,
    VoiceRequest,
};
use callwright_contracts::{CallActivities, DialActivities, MeetingActivities};
use callwright_domain::conversation::{Conversation, Speaker, Step, ToolUse, speech};
use callwright_domain::invite::InviteMethod;
use callwright_domain::outcome::{NextStep, next_step};
use callwright_domain::phrases::phrases;
use callwright_domain::twiml::Twiml;
use callwright_domain::window::{next_common_opening, next_opening};
use callwright_domain::{
    AnsweredBy, AttemptOutcome, CallStatus, Language, LeadProfile, MeetingStatus, VoiceMode,
    classify_attempt,
};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::workflows::select;
use temporalio_sdk::{
    SignalWorkflowOptions, SyncWorkflowContext, WorkflowContext, WorkflowContextView,
    WorkflowResult,
};

mod after_call;
mod attempt;
mod relay;

/// Patch marker (docs/versioning.md): an answered call re-arms its follow timer with the
/// call's length instead of keeping the ringing timer.
const FOLLOW_ANSWERED_PATCH: &str = "follow-answered";

type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// Whether a voicemail is owed on the live call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Voicemail {
    NotNeeded,
    Due,
    Left,
}

/// The call of the current attempt.
#[derive(Debug, Clone)]
struct LiveCall {
    attempt: u32,
    call_id: Option<String>,
    call_sid: Option<String>,
    status: CallStatus,
    last_seq: Option<u32>,
    answered_by: Option<AnsweredBy>,
    duration_secs: Option<u32>,
    conversation: Option<Conversation>,
    /// Transcript turns already written to Postgres.
    persisted: usize,
    voicemail: Voicemail,
    turns_in_flight: u32,
    /// Synthesised audio of the call's fixed lines (from the dial): text → `<Play>` URL.
    audio: BTreeMap<String, String>,
    /// The agent's lines for this call, rendered when the call was opened.
    script: Option<CallScript>,
    /// The realtime socket's URL, when the call speaks over ConversationRelay.
    relay_url: Option<String>,
    /// Realtime sessions started on this call (a reconnect after a dropped socket adds one).
    relay_sessions: u32,
    /// Realtime sessions of this call that failed (refused, dropped) in a row, since the last
    /// one that took a turn.
    relay_failures: u32,
}

impl LiveCall {
    fn new(attempt: u32) -> Self {
        Self {
            attempt,
            call_id: None,
            call_sid: None,
            status: CallStatus::Queued,
            last_seq: None,
            answered_by: None,
            duration_secs: None,
            conversation: None,
            persisted: 0,
            voicemail: Voicemail::NotNeeded,
            turns_in_flight: 0,
            audio: BTreeMap::new(),
            script: None,
            relay_url: None,
            relay_sessions: 0,
            relay_failures: 0,
        }
    }

    fn is_over(&self) -> bool {
        self.status.is_final() && self.turns_in_flight == 0
    }
}

/// One lead's calls, from first dial to final outcome.
#[workflow]
pub struct LeadWorkflow {
    workflow_id: String,
    input: LeadInput,
    /// Who is called: the input's profile, or the one `load_lead` reads first.
    lead: LeadProfile,
    /// The input carried no profile and `load_lead` has not read it yet.
    needs_profile: bool,
    phase: LeadPhase,
    attempt: u32,
    callbacks: u32,
    call: Option<LiveCall>,
    attempts: Vec<AttemptRecord>,
    next_action_at: Option<DateTime<Utc>>,
    stop_requested: bool,
    outcome: Option<AttemptOutcome>,
    campaign_notified: bool,
}

/// Stands in for a profile not read yet: the run's first step replaces it, before anything
/// reads it (the window, the dial and every handler come after).
fn unloaded(lead_id: &str) -> LeadProfile {
    LeadProfile {
        lead_id: lead_id.to_owned(),
        name: String::new(),
        phone: None,
        language: Language::En,
        timezone: chrono_tz::UTC,
        window_timezones: Vec::new(),
        email: None,
        company: None,
        fields: BTreeMap::new(),
    }
}

fn utc(time: Option<SystemTime>) -> DateTime<Utc> {
    time.map(DateTime::<Utc>::from).unwrap_or_default()
}

#[workflow_methods]
impl LeadWorkflow {
    #[init]
    pub fn new(ctx: &WorkflowContextView, mut input: LeadInput) -> Self {
        let prior_attempts = input.prior_attempts;
        let needs_profile = input.lead.is_none();
        let lead = input
            .lead
            .take()
            .unwrap_or_else(|| unloaded(&input.lead_id));
        Self {
            workflow_id: ctx.workflow_id().to_owned(),
            input,
            lead,
            needs_profile,
            phase: LeadPhase::Pending,
            attempt: prior_attempts,
            callbacks: 0,
            call: None,
            attempts: Vec::new(),
            next_action_at: None,
            stop_requested: false,
            outcome: None,
            campaign_notified: false,
        }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<LeadResult> {
        // `stopped`: the lead ended on the operator's stop, not on an attempt's outcome.
        let (outcome, stopped) = if Self::load_lead(ctx).await? {
            Self::call_until_settled(ctx).await?
        } else {
            // Deleted between the campaign's page and this start: nobody to call, nothing of
            // the lead's to record.
            (AttemptOutcome::Canceled, false)
        };
        if stopped {
            Self::record_stop(ctx).await?;
        }
        Self::notify_campaign(ctx, &outcome).await;
        ctx.state_mut(|s| s.outcome = Some(outcome.clone()));
        Self::set_phase(ctx, LeadPhase::Done);
        Ok(ctx.state(|s| LeadResult {
            lead_id: s.input.lead_id.clone(),
            outcome: outcome.code().to_owned(),
            attempts: s.attempt,
        }))
    }

    /// A verified Twilio status callback. Stale, duplicate and out-of-order events are ignored:
    /// a status only ever moves forward, and a `SequenceNumber` at or below the last one applied
    /// changes nothing.
    #[signal]
    pub fn call_status(&mut self, _ctx: &mut SyncWorkflowContext<Self>, event: StatusEvent) {
        let Some(call) = self.live_mut(event.attempt, &event.call_sid) else {
            return;
        };
        if let (Some(seq), Some(last)) = (event.sequence, call.last_seq)
            && seq <= last
        {
            return;
        }
        if !call.status.advances_to(event.status) {
            return;
        }
        call.call_sid.get_or_insert(event.call_sid);
        call.status = event.status;
        call.last_seq = event.sequence.or(call.last_seq);
        call.duration_secs = event.duration_secs.or(call.duration_secs);
        call.answered_by = call.answered_by.or(event.answered_by);
    }

    /// A verified asynchronous AMD result. A machine that nobody has talked over gets a voicemail.
    #[signal]
    pub fn amd_result(&mut self, _ctx: &mut SyncWorkflowContext<Self>, event: AmdEvent) {
        let Some(call) = self.live_mut(event.attempt, &event.call_sid) else {
            return;
        };
        if call.answered_by.is_some_and(|a| a != AnsweredBy::Unknown) {
            return;
        }
        call.answered_by = Some(event.answered_by);
        let person_spoke = call
            .conversation
            .as_ref()
            .is_some_and(Conversation::callee_spoke);
        if event.answered_by.is_machine() && !person_spoke && !call.status.is_final() {
            call.voicemail = Voicemail::Due;
        }
    }

    /// The callee cut the agent off on a realtime call: the line records what was heard, and
    /// is written again with it (the model sees it on the next turn).
    #[signal]
    pub fn relay_interrupted(
        &mut self,
        _ctx: &mut SyncWorkflowContext<Self>,
        event: RelayInterrupt,
    ) {
        let Some(call) = self.live_mut(event.attempt, &event.call_sid) else {
            return;
        };
        let Some(index) = call
            .conversation
            .as_mut()
            .and_then(|c| c.interrupted(&event.heard))
        else {
            return;
        };
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        call.persisted = call.persisted.min(index);
    }

    /// Stop at the next safe point (between attempts); a live call is allowed to finish.
    #[signal]
    pub fn stop(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.stop_requested = true;
    }

    #[update_validator(voice)]
    fn validate_voice(
        &self,
        _ctx: &WorkflowContextView,
        req: &VoiceRequest,
    ) -> Result<(), HandlerError> {
        // A trial's chat is opened by the API right after it starts the workflow, maybe before
        // the workflow has opened the call: the handler waits for it.
        let chat_opening = self.input.channel == Channel::Chat && self.call.is_none();
        if chat_opening || self.live(req.attempt, &req.call_sid).is_some() {
            Ok(())
        } else {
            Err("no such live call".into())
        }
    }

    /// The call was answered: greet (business name, AI disclosure, recording notice) and listen.
    /// Spoken while AMD still runs, so a person never waits on silence.
    #[update]
    pub async fn voice(ctx: &mut WorkflowContext<Self>, req: VoiceRequest) -> TurnReply {
        // The call's script arrives with the dial's result; a provider that answers before
        // that result reaches the workflow waits for it here (milliseconds).
        let _ = ctx
            .wait_condition(|s: &Self| match s.live(req.attempt, &req.call_sid) {
                Some(c) => c.script.is_some() || c.status.is_final(),
                None => s.input.channel == Channel::Phone || s.outcome.is_some(),
            })
            .await;
        let now = utc(ctx.workflow_time());
        let reply = ctx.state_mut(|s| s.answer(&req, now));
        if ctx.state(|s| s.live(req.attempt, &req.call_sid).is_some()) {
            Self::set_phase(ctx, LeadPhase::InCall);
        }
        reply
    }

    #[update_validator(turn)]
    fn validate_turn(
        &self,
        _ctx: &WorkflowContextView,
        req: &TurnRequest,
    ) -> Result<(), HandlerError> {
        let call = self
            .live(req.attempt, &req.call_sid)
            .ok_or("no such live call")?;
        let conversation = call.conversation.as_ref().ok_or("call not answered yet")?;
        if conversation.end.is_some() || call.status.is_final() {
            return Err("the conversation is over".into());
        }
        if req.turn + 1 != conversation.next_turn {
            return Err(format!(
                "expected turn {}, got {}",
                conversation.next_turn.saturating_sub(1),
                req.turn
            )
            .into());
        }
        Ok(())
    }

    /// One callee turn in, the agent's TwiML out.
    #[update]
    pub async fn turn(ctx: &mut WorkflowContext<Self>, req: TurnRequest) -> TurnReply {
        let now = utc(ctx.workflow_time());
        // The callee answered in another of our languages: go over to it, visibly (the switch is
        // in the state query, the `Language` search attribute follows it).
        let heard = ctx.state(|s| {
            s.live(req.attempt, &req.call_sid)?
                .conversation
                .as_ref()?
                .other_language_heard(req.speech.as_deref())
        });
        if let Some(to) = heard {
            ctx.state_mut(|s| {
                if let Some(conversation) = s
                    .live_mut(req.attempt, &req.call_sid)
                    .and_then(|c| c.conversation.as_mut())
                {
                    conversation.switch_language(to, now);
                }
            });
            ctx.upsert_search_attributes([search::LANGUAGE.value_set(to.code().to_owned())]);
        }
        let step = ctx.state_mut(|s| {
            let settings = s.input.settings.clone();
            let call = s.live_mut(req.attempt, &req.call_sid)?;
            call.turns_in_flight += 1;
            call.relay_failures = 0;
            let conversation = call.conversation.as_mut()?;
            let p = phrases(conversation.language);
            Some(conversation.hear(req.speech.as_deref(), req.confidence, now, &settings, p))
        });
        let (twiml, tools) = match step {
            None => (Twiml::new().hangup(), Vec::new()),
            Some(Step::Reply(twiml)) => (twiml, Vec::new()),
            Some(Step::AskModel) => Self::ask_model(ctx, &req, now).await,
        };
        ctx.state_mut(|s| {
            let Some(call) = s.call.as_mut() else {
                return TurnReply::hang_up();
            };
            call.turns_in_flight = call.turns_in_flight.saturating_sub(1);
            let conversation = call.conversation.as_ref();
            TurnReply {
                twiml: twiml.render(),
                say: conversation
                    .map(Conversation::last_agent_line)
                    .unwrap_or_default(),
                tools,
                ended: conversation.is_none_or(|c| c.end.is_some()),
                language: conversation.map(|c| c.language),
            }
        })
    }

    #[update_validator(relay_setup)]
    fn validate_relay_setup(
        &self,
        _ctx: &WorkflowContextView,
        req: &RelaySetup,
    ) -> Result<(), HandlerError> {
        let call = self
            .live(req.attempt, &req.call_sid)
            .ok_or("no such live call")?;
        if call.relay_url.is_none() || call.conversation.is_none() {
            return Err("the call has no realtime session".into());
        }
        if call.status.is_final() {
            return Err("the call is over".into());
        }
        Ok(())
    }

    /// A realtime session of the call opened its socket: where the conversation stands. A turn
    /// still being answered (the socket dropped while the model wrote) is waited for, so the
    /// new session numbers its first turn after it.
    #[update]
    pub async fn relay_setup(ctx: &mut WorkflowContext<Self>, req: RelaySetup) -> RelaySession {
        let _ = ctx
            .wait_condition(|s: &Self| {
                s.live(req.attempt, &req.call_sid)
                    .is_none_or(|c| c.turns_in_flight == 0 || c.status.is_final())
            })
            .await;
        ctx.state_mut(|s| s.start_session(&req))
    }

    #[update_validator(relay_ended)]
    fn validate_relay_ended(
        &self,
        _ctx: &WorkflowContextView,
        req: &RelayEnded,
    ) -> Result<(), HandlerError> {
        let call = self
            .live(req.attempt, &req.call_sid)
            .ok_or("no such live call")?;
        if call.relay_url.is_none() {
            return Err("the call has no realtime session".into());
        }
        Ok(())
    }

    /// A realtime session ended (the `<Connect action>`): the TwiML that follows it.
    #[update]
    pub async fn relay_ended(ctx: &mut WorkflowContext<Self>, req: RelayEnded) -> TurnReply {
        let settings = ctx.state(|s| s.input.settings.clone());
        ctx.state_mut(|s| s.end_session(&req, &settings))
    }

    /// Where the lead stands, with the live transcript.
    #[query]
    pub fn state(&self, _ctx: &WorkflowContextView) -> LeadView {
        let call = self.call.as_ref();
        LeadView {
            lead_id: self.input.lead_id.clone(),
            phase: self.phase,
            attempt: self.attempt,
            call_sid: call.and_then(|c| c.call_sid.clone()),
            call_status: call.map(|c| c.status),
            transcript: call
                .and_then(|c| c.conversation.as_ref())
                .map(|c| c.turns.clone())
                .unwrap_or_default(),
            language_switches: call
                .and_then(|c| c.conversation.as_ref())
                .map(|c| c.switches.clone())
                .unwrap_or_default(),
            attempts: self.attempts.clone(),
            next_action_at: self.next_action_at,
            outcome: self.outcome.clone(),
            agent: self.input.agent.clone(),
        }
    }
}

impl LeadWorkflow {
    /// Reads the lead's profile when the starter gave only its id (a campaign): false when the
    /// lead was deleted first. Recorded once in this workflow's history, so replays and every
    /// later attempt use the profile as it was read here.
    async fn load_lead(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<bool> {
        let Some(lead_id) = ctx.state(|s| s.needs_profile.then(|| s.input.lead_id.clone())) else {
            return Ok(true);
        };
        let profile = ctx
            .execute_activity(
                CallActivities::load_lead,
                LoadLeadInput { lead_id },
                options::durable(),
            )
            .await?;
        Ok(ctx.state_mut(|s| {
            s.needs_profile = false;
            match profile {
                Some(profile) => {
                    s.lead = profile;
                    true
                }
                None => false,
            }
        }))
    }

    /// Calls (or chats) until an attempt settles the lead or the operator stops it: the
    /// outcome, and whether the stop ended it.
    async fn call_until_settled(
        ctx: &mut WorkflowContext<Self>,
    ) -> WorkflowResult<(AttemptOutcome, bool)> {
        let chat = ctx.state(|s| s.input.channel == Channel::Chat);
        loop {
            if !chat {
                Self::wait_for_window(ctx).await;
            }
            if ctx.state(|s| s.stop_requested) {
                return Ok((AttemptOutcome::Canceled, true));
            }
            let outcome = Self::run_attempt(ctx).await?;
            let (attempt, callbacks, settings) = ctx.state(|s| {
                (
                    s.attempt - s.input.prior_attempts,
                    s.callbacks,
                    s.input.settings.clone(),
                )
            });
            // A trial is one conversation: nothing is retried or called back.
            let next = if chat {
                NextStep::Finish
            } else {
                next_step(&outcome, attempt - callbacks, callbacks, &settings)
            };
            Self::record_attempt(ctx, &outcome, !matches!(next, NextStep::RetryAfter(_))).await?;
            if chat {
                // Nothing a trial books is real: its slot goes back now.
                Self::release_trial(ctx).await?;
            } else if let AttemptOutcome::Interested {
                meeting_id: Some(meeting_id),
                ..
            } = &outcome
            {
                Self::complete_booking(ctx, meeting_id.clone()).await?;
            } else if Self::callee_spoke(ctx) {
                Self::release_unbooked(ctx, &outcome).await?;
            }
            if Self::callee_spoke(ctx) {
                Self::summarize(ctx).await;
            }
            if Self::conversed(ctx) && !chat {
                Self::transcribe(ctx).await;
            }
            let now = utc(ctx.workflow_time());
            let wait = match next {
                NextStep::Finish => return Ok((outcome, false)),
                NextStep::RetryAfter(secs) => {
                    Self::set_phase(ctx, LeadPhase::WaitingRetry);
                    Duration::from_secs(secs)
                }
                NextStep::CallbackAt(at) => {
                    Self::set_phase(ctx, LeadPhase::WaitingCallback);
                    ctx.state_mut(|s| s.callbacks += 1);
                    // A time already past (the callee said "in five minutes" and the call ran
                    // long) calls back at once.
                    (at - now).to_std().unwrap_or_default()
                }
            };
            ctx.state_mut(|s| {
                s.next_action_at = chrono::Duration::from_std(wait).ok().map(|d| now + d)
            });
            select! {
                _ = ctx.timer(wait) => {}
                _ = ctx.wait_condition(|s: &Self| s.stop_requested) => {}
            };
            ctx.state_mut(|s| s.next_action_at = None);
            if ctx.state(|s| s.stop_requested) {
                // The last attempt's outcome stands, unless it was only a reason to retry.
                return Ok(match outcome {
                    AttemptOutcome::CallbackRequested { .. } => (outcome, false),
                    _ => (AttemptOutcome::Canceled, true),
                });
            }
        }
    }

    /// The answered call's first words: the voicemail when a machine answered, else the
    /// greeting (the disclosure, then the agent's own words), or the last line again when the
    /// provider asks twice.
    fn answer(&mut self, req: &VoiceRequest, now: DateTime<Utc>) -> TurnReply {
        let action_base = format!("turn?wf={}&attempt={}", self.workflow_id, req.attempt);
        let workflow_id = self.workflow_id.clone();
        let language = self.lead.language;
        let Some(call) = self.live_mut(req.attempt, &req.call_sid) else {
            return TurnReply::hang_up();
        };
        call.call_sid.get_or_insert(req.call_sid.clone());
        if call.status.advances_to(CallStatus::InProgress) {
            call.status = CallStatus::InProgress;
        }
        let script = call.script.clone().unwrap_or_default();
        if script.voice_mode == VoiceMode::Relay && call.relay_url.is_none() {
            call.relay_url.clone_from(&req.relay_url);
        }
        let say_voice = script.say_voices.get(&language).map(String::as_str);
        if call.answered_by.is_some_and(AnsweredBy::is_machine) && call.voicemail != Voicemail::Left
        {
            call.voicemail = Voicemail::Left;
            return TurnReply {
                twiml: Twiml::new()
                    .push(speech(&call.audio, &script.voicemail, language, say_voice))
                    .hangup()
                    .render(),
                say: script.voicemail,
                tools: Vec::new(),
                ended: true,
                language: Some(language),
            };
        }
        let (mut twiml, said) = match call.conversation.as_mut() {
            Some(conversation) => (conversation.repeat_last(), conversation.last_agent_line()),
            None => {
                let mut conversation = Conversation::new(language, action_base);
                conversation.audio = call.audio.clone();
                conversation.say_voices = script.say_voices.clone();
                let twiml = conversation.open(script.greeting.clone(), now);
                call.conversation = Some(conversation);
                (twiml, script.greeting.clone())
            }
        };
        let spoken = call.conversation.as_ref().map(|c| c.language);
        if let (Some(url), Some(spoken)) = (call.relay_url.as_deref(), spoken) {
            // Twilio speaks the greeting itself, then the socket carries the conversation; the
            // `<Gather>` document above only numbered the first turn.
            let greeting = Some(script.greeting.clone());
            twiml = relay::connect(&workflow_id, call, url, spoken, greeting);
        }
        TurnReply {
            twiml: twiml.render(),
            say: said,
            tools: Vec::new(),
            ended: false,
            language: spoken,
        }
    }

    fn live(&self, attempt: u32, call_sid: &str) -> Option<&LiveCall> {
        self.call.as_ref().filter(|c| {
            c.attempt == attempt && c.call_sid.as_deref().is_none_or(|sid| sid == call_sid)
        })
    }

    fn live_mut(&mut self, attempt: u32, call_sid: &str) -> Option<&mut LiveCall> {
        self.call.as_mut().filter(|c| {
            c.attempt == attempt && c.call_sid.as_deref().is_none_or(|sid| sid == call_sid)
        })
    }

    fn set_phase(ctx: &WorkflowContext<Self>, phase: LeadPhase) {
        if ctx.state(|s| s.phase) != phase {
            ctx.state_mut(|s| s.phase = phase);
            ctx.upsert_search_attributes([search::LEAD_PHASE.value_set(phase.code().to_owned())]);
        }
    }
}
