//! `LeadWorkflow`: the life of one lead in one campaign.
//!
//! dial → (status signals, AMD signal) → voice update (greeting) → one `turn` update per
//! `<Gather>` result, each returning the next TwiML → call over → outcome → projection →
//! retry, callback or done. A turn costs one update and, when the model is asked, one local
//! activity: no extra server round trips on the hot path.

// `#[workflow_methods]` generates undocumented marker types for each handler.
#![allow(missing_docs)]

use crate::campaign::CampaignWorkflow;
use crate::messages::{
    AmdEvent, AttemptRecord, Channel, LeadInput, LeadPhase, LeadResult, LeadSettled, LeadView,
    StatusEvent, TurnReply, TurnRequest, VoiceRequest,
};
use crate::{options, search};
use callwright_contracts::activities::{
    CallScript, ConverseInput, DialInput, DialOutput, FinishAttemptInput, OpenChatInput,
    RedirectInput, SummarizeInput, TranscribeInput,
};
use callwright_contracts::activities::{InviteInput, ReleaseInput, ReleaseUnbookedInput};
use callwright_contracts::{CallActivities, DialActivities, MeetingActivities};
use callwright_domain::conversation::{Conversation, Speaker, Step, ToolUse, speech};
use callwright_domain::invite::InviteMethod;
use callwright_domain::outcome::{NextStep, next_step};
use callwright_domain::phrases::phrases;
use callwright_domain::twiml::Twiml;
use callwright_domain::window::{next_common_opening, next_opening};
use callwright_domain::{AnsweredBy, AttemptOutcome, CallStatus, MeetingStatus, classify_attempt};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::workflows::select;
use temporalio_sdk::{
    SignalWorkflowOptions, SyncWorkflowContext, WorkflowContext, WorkflowContextView,
    WorkflowResult,
};

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

fn utc(time: Option<SystemTime>) -> DateTime<Utc> {
    time.map(DateTime::<Utc>::from).unwrap_or_default()
}

#[workflow_methods]
impl LeadWorkflow {
    #[init]
    pub fn new(ctx: &WorkflowContextView, input: LeadInput) -> Self {
        let prior_attempts = input.prior_attempts;
        Self {
            workflow_id: ctx.workflow_id().to_owned(),
            input,
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
        let chat = ctx.state(|s| s.input.channel == Channel::Chat);
        let (outcome, stopped) = loop {
            if !chat {
                Self::wait_for_window(ctx).await;
            }
            if ctx.state(|s| s.stop_requested) {
                break (AttemptOutcome::Canceled, true);
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
                NextStep::Finish => break (outcome, false),
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
                break match outcome {
                    AttemptOutcome::CallbackRequested { .. } => (outcome, false),
                    _ => (AttemptOutcome::Canceled, true),
                };
            }
        };
        if stopped {
            Self::record_stop(ctx).await?;
        }
        Self::notify_campaign(ctx, &outcome).await;
        ctx.state_mut(|s| s.outcome = Some(outcome.clone()));
        Self::set_phase(ctx, LeadPhase::Done);
        Ok(ctx.state(|s| LeadResult {
            lead_id: s.input.lead.lead_id.clone(),
            outcome,
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
            }
        })
    }

    /// Where the lead stands, with the live transcript.
    #[query]
    pub fn state(&self, _ctx: &WorkflowContextView) -> LeadView {
        let call = self.call.as_ref();
        LeadView {
            lead_id: self.input.lead.lead_id.clone(),
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
    /// The answered call's first words: the voicemail when a machine answered, else the
    /// greeting (the disclosure, then the agent's own words), or the last line again when the
    /// provider asks twice.
    fn answer(&mut self, req: &VoiceRequest, now: DateTime<Utc>) -> TurnReply {
        let action_base = format!("turn?wf={}&attempt={}", self.workflow_id, req.attempt);
        let language = self.input.lead.language;
        let Some(call) = self.live_mut(req.attempt, &req.call_sid) else {
            return TurnReply::hang_up();
        };
        call.call_sid.get_or_insert(req.call_sid.clone());
        if call.status.advances_to(CallStatus::InProgress) {
            call.status = CallStatus::InProgress;
        }
        let script = call.script.clone().unwrap_or_default();
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
            };
        }
        let (twiml, said) = match call.conversation.as_mut() {
            Some(conversation) => (conversation.repeat_last(), conversation.last_agent_line()),
            None => {
                let mut conversation = Conversation::new(language, action_base);
                conversation.audio = call.audio.clone();
                conversation.say_voices = script.say_voices.clone();
                let twiml = conversation.open(script.greeting.clone(), now);
                call.conversation = Some(conversation);
                (twiml, script.greeting)
            }
        };
        TurnReply {
            twiml: twiml.render(),
            say: said,
            tools: Vec::new(),
            ended: false,
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

    /// Waits, durably and visibly (phase `waiting_window`, `next_action_at`), until the lead's
    /// calling window is open, or until the lead is stopped.
    async fn wait_for_window(ctx: &WorkflowContext<Self>) {
        loop {
            let now = utc(ctx.workflow_time());
            let (primary, zones, window) = ctx.state(|s| {
                let lead = &s.input.lead;
                let primary = lead.timezone;
                let zones = lead.window_timezones.clone();
                let window = s
                    .input
                    .settings
                    .calling_window
                    .for_region(lead.phone.as_ref().and_then(|p| p.region()))
                    .clone();
                (primary, zones, window)
            });
            let opening = if zones.is_empty() {
                next_opening(now, primary, &window)
            } else {
                // Never open in all candidate zones at once: fall back to the lead's main zone.
                next_common_opening(now, &zones, &window)
                    .unwrap_or_else(|_| next_opening(now, primary, &window))
            };
            let Some(opens) = opening else { return };
            Self::set_phase(ctx, LeadPhase::WaitingWindow);
            ctx.state_mut(|s| s.next_action_at = Some(opens));
            let wait = (opens - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_secs(1));
            select! {
                _ = ctx.timer(wait) => {}
                _ = ctx.wait_condition(|s: &Self| s.stop_requested) => {}
            };
            ctx.state_mut(|s| s.next_action_at = None);
            if ctx.state(|s| s.stop_requested) {
                return;
            }
        }
    }

    /// Asks the model (local activity) and folds its answer into the conversation.
    async fn ask_model(
        ctx: &WorkflowContext<Self>,
        req: &TurnRequest,
        now: DateTime<Utc>,
    ) -> (Twiml, Vec<ToolUse>) {
        let input = ctx.state(|s| {
            let call = s.call.as_ref()?;
            let conversation = call.conversation.as_ref()?;
            // The agent speaks the conversation's language (the lead's, unless the callee
            // switched), and the model is told what it heard.
            let mut lead = s.input.lead.clone();
            lead.language = conversation.language;
            Some(ConverseInput {
                call_id: call.call_id.clone()?,
                heard_language: conversation.last_heard_language(),
                lead,
                agent: s.input.agent.clone(),
                trial: s.input.channel == Channel::Chat,
                now,
                turns: conversation.turns.clone(),
                persist_from: call.persisted,
                workflow_id: s.workflow_id.clone(),
                campaign_id: s.input.campaign_id.clone(),
                offered: conversation.offered.clone(),
                slots_offered: conversation.slots_offered,
                can_transfer: s.input.settings.transfer_number.is_some(),
            })
        });
        let Some(input) = input else {
            return (Twiml::new().hangup(), Vec::new());
        };
        let reply = ctx
            .execute_local_activity(CallActivities::converse, input, options::converse())
            .await;
        ctx.state_mut(|s| {
            let settings = s.input.settings.clone();
            let Some(call) = s.live_mut(req.attempt, &req.call_sid) else {
                return (Twiml::new().hangup(), Vec::new());
            };
            let Some(conversation) = call.conversation.as_mut() else {
                return (Twiml::new().hangup(), Vec::new());
            };
            let p = phrases(conversation.language);
            match reply {
                Ok(out) => {
                    if let Some(url) = out.audio_url {
                        conversation.audio.insert(out.reply.trim().to_owned(), url);
                    }
                    if let Some(offer) = out.offer {
                        conversation.offered = offer.slots;
                        conversation.slots_offered = offer.slots_offered;
                    }
                    let twiml = conversation.answer(&out.reply, out.action, now, &settings, p);
                    if out.persisted {
                        call.persisted = conversation.turns.len();
                    }
                    (twiml, out.tools)
                }
                Err(_) => (conversation.fail(now, p), Vec::new()),
            }
        })
    }

    /// Dials and follows one call to its end; returns what came of it.
    async fn run_attempt(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<AttemptOutcome> {
        let chat = ctx.state(|s| s.input.channel == Channel::Chat);
        let attempt = ctx.state_mut(|s| {
            s.attempt += 1;
            s.call = Some(LiveCall::new(s.attempt));
            s.attempt
        });
        ctx.upsert_search_attributes([search::ATTEMPT.value_set(i64::from(attempt))]);
        Self::set_phase(ctx, LeadPhase::Dialing);
        let placed = if chat {
            let input = ctx.state(|s| OpenChatInput {
                workflow_id: s.workflow_id.clone(),
                attempt,
                lead: s.input.lead.clone(),
                agent: s.input.agent.clone(),
            });
            ctx.execute_activity(CallActivities::open_chat, input, options::live_call())
                .await
        } else {
            let (input, queue) = ctx.state(|s| {
                let input = DialInput {
                    workflow_id: s.workflow_id.clone(),
                    attempt,
                    lead: s.input.lead.clone(),
                    campaign_id: s.input.campaign_id.clone(),
                    ring_timeout_secs: s.input.settings.ring_timeout_secs,
                    agent: s.input.agent.clone(),
                };
                (input, s.input.dial_task_queue.clone())
            });
            ctx.execute_activity(DialActivities::dial, input, options::dial(&queue))
                .await
        };
        let (call_id, call_sid, audio, script) = match placed {
            Ok(DialOutput::Placed {
                call_id,
                call_sid,
                audio,
                script,
            }) => (call_id, call_sid, audio, script),
            Ok(DialOutput::DoNotCall) => return Ok(AttemptOutcome::DoNotCall),
            Ok(DialOutput::LeadDeleted) => return Ok(AttemptOutcome::Canceled),
            Err(_) => return Ok(AttemptOutcome::Failed),
        };
        ctx.state_mut(|s| {
            if let Some(call) = s.call.as_mut() {
                call.call_id = Some(call_id);
                call.call_sid.get_or_insert(call_sid);
                call.audio = audio;
                call.script = Some(script);
                if chat {
                    // A chat is answered by the operator who opened it.
                    call.status = CallStatus::InProgress;
                    call.answered_by = Some(AnsweredBy::Human);
                }
            }
        });
        if chat {
            Self::follow_chat(ctx).await;
        } else {
            Self::follow_call(ctx).await?;
        }
        Ok(ctx.state(|s| {
            let Some(call) = s.call.as_ref() else {
                return AttemptOutcome::Failed;
            };
            let conversation = call.conversation.as_ref();
            classify_attempt(
                call.status,
                call.answered_by,
                conversation.and_then(|c| c.end.as_ref()),
                conversation.is_some_and(Conversation::callee_spoke),
            )
        }))
    }

    /// Waits until a trial's chat is over: the agent ended the conversation, the operator
    /// ended the trial (a `completed` status), or it sat idle past the call's limit.
    async fn follow_chat(ctx: &mut WorkflowContext<Self>) {
        let idle = ctx.state(|s| s.input.settings.max_call_secs);
        // The idle clock restarts with every line said.
        let lines = |s: &Self| {
            s.call
                .as_ref()
                .and_then(|c| c.conversation.as_ref())
                .map_or(0, |v| v.turns.len())
        };
        loop {
            let said = ctx.state(lines);
            let woke = select! {
                _ = ctx.wait_condition(move |s: &Self| {
                    s.stop_requested
                        || lines(s) != said
                        || s.call.as_ref().is_none_or(|c| {
                            c.is_over()
                                || (c.turns_in_flight == 0
                                    && c.conversation.as_ref().is_some_and(|v| v.end.is_some()))
                        })
                }) => true,
                _ = ctx.timer(Duration::from_secs(idle)) => false,
            };
            let over = ctx.state(|s| {
                s.stop_requested
                    || s.call.as_ref().is_none_or(|c| {
                        c.status.is_final()
                            || c.conversation.as_ref().is_some_and(|v| v.end.is_some())
                    })
            });
            if over || !woke {
                break;
            }
        }
        // No turn may still be booking when the trial's meetings are released: the call is over
        // for new turns from here (the turn validator refuses them), and a running one finishes.
        ctx.state_mut(|s| {
            if let Some(call) = s.call.as_mut() {
                call.status = CallStatus::Completed;
            }
        });
        let _ = ctx
            .wait_condition(|s: &Self| s.call.as_ref().is_none_or(|c| c.turns_in_flight == 0))
            .await;
    }

    /// Waits until the call is over, leaving a voicemail when AMD asks for one. If the final
    /// status never arrives, asks the provider.
    async fn follow_call(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        loop {
            let (answered, settings) = ctx.state(|s| {
                (
                    s.call
                        .as_ref()
                        .is_some_and(|c| c.status == CallStatus::InProgress),
                    s.input.settings.clone(),
                )
            });
            let patience = if answered {
                settings.max_call_secs
            } else {
                u64::from(settings.ring_timeout_secs) + 120
            };
            let woke_by_state = select! {
                _ = ctx.wait_condition(|s: &Self| {
                    s.call.as_ref().is_none_or(|c| c.is_over() || c.voicemail == Voicemail::Due)
                }) => true,
                _ = ctx.timer(Duration::from_secs(patience)) => false,
            };
            if woke_by_state {
                let voicemail = ctx.state_mut(|s| {
                    let lead = &s.input.lead;
                    let call = s
                        .call
                        .as_mut()
                        .filter(|c| c.voicemail == Voicemail::Due && !c.status.is_final())?;
                    call.voicemail = Voicemail::Left;
                    let script = call.script.as_ref()?;
                    let voice = script.say_voices.get(&lead.language).map(String::as_str);
                    Some(RedirectInput {
                        call_sid: call.call_sid.clone()?,
                        twiml: Twiml::new()
                            .push(speech(&call.audio, &script.voicemail, lead.language, voice))
                            .hangup()
                            .render(),
                    })
                });
                match voicemail {
                    Some(input) => {
                        // Best effort: if the call is gone, the final status settles it.
                        let _ = ctx
                            .execute_activity(
                                CallActivities::redirect_call,
                                input,
                                options::live_call(),
                            )
                            .await;
                    }
                    None => return Ok(()),
                }
            } else {
                let Some(sid) = ctx.state(|s| s.call.as_ref().and_then(|c| c.call_sid.clone()))
                else {
                    return Ok(());
                };
                let fetched = ctx
                    .execute_activity(CallActivities::fetch_call, sid, options::durable())
                    .await;
                // A provider that no longer knows the call (a permanent error) cannot have it
                // live: the attempt failed, and the lead is retried rather than lost.
                let (status, duration, answered_by) = match fetched {
                    Ok(info) => (
                        info.status
                            .parse::<CallStatus>()
                            .ok()
                            .filter(|st| st.is_final()),
                        info.duration_secs,
                        info.answered_by.and_then(|a| a.parse().ok()),
                    ),
                    Err(_) => (Some(CallStatus::Failed), None, None),
                };
                if let Some(status) = status {
                    ctx.state_mut(|s| {
                        if let Some(call) = s.call.as_mut() {
                            call.status = status;
                            call.duration_secs = duration.or(call.duration_secs);
                            call.answered_by = call.answered_by.or(answered_by);
                            call.turns_in_flight = 0;
                        }
                    });
                    return Ok(());
                }
            }
        }
    }

    /// Whether the callee said anything on the attempt's call (a summary has something to read).
    fn callee_spoke(ctx: &WorkflowContext<Self>) -> bool {
        ctx.state(|s| {
            s.call
                .as_ref()
                .and_then(|c| c.conversation.as_ref())
                .is_some_and(|c| {
                    c.turns
                        .iter()
                        .any(|t| t.speaker == Speaker::Callee && !t.text.trim().is_empty())
                })
        })
    }

    /// Whether the attempt's call was answered by a person (a conversation was opened).
    fn conversed(ctx: &WorkflowContext<Self>) -> bool {
        ctx.state(|s| s.call.as_ref().is_some_and(|c| c.conversation.is_some()))
    }

    /// The recording's transcript (speech to text). Like the summary, it never costs the lead:
    /// the activity settles its own status (`skipped` without a provider) and the workflow
    /// goes on whatever happens.
    async fn transcribe(ctx: &mut WorkflowContext<Self>) {
        let input = ctx.state(|s| {
            let call_id = s.call.as_ref()?.call_id.clone()?;
            Some(TranscribeInput {
                call_id,
                language: s.input.lead.language,
            })
        });
        let Some(input) = input else { return };
        if let Err(err) = ctx
            .execute_activity(
                CallActivities::transcribe_recording,
                input,
                options::transcription(),
            )
            .await
        {
            tracing::warn!(error = ?err, "no recording transcript");
        }
    }

    /// The post-call summary. A model that keeps failing costs the summary, never the lead: the
    /// activity retries a few times and the workflow goes on either way.
    async fn summarize(ctx: &mut WorkflowContext<Self>) {
        let input = ctx.state(|s| {
            let call_id = s.call.as_ref()?.call_id.clone()?;
            let spoken = s.call.as_ref()?.conversation.as_ref().map(|c| c.language);
            Some(SummarizeInput {
                call_id,
                language: spoken.unwrap_or(s.input.lead.language),
                agent: s.input.agent.clone(),
            })
        });
        let Some(input) = input else { return };
        let call_id = input.call_id.clone();
        if let Err(err) = ctx
            .execute_activity(CallActivities::summarize_call, input, options::summary())
            .await
        {
            tracing::warn!(error = ?err, "no post-call summary");
            // However the summary failed (a refusal, a timeout, a worker gone on the last try),
            // the CRM's `call_ended` waits for it no longer.
            let _ = ctx
                .execute_activity(CallActivities::settle_summary, call_id, options::durable())
                .await;
        }
    }

    /// Writes the attempt to the projections and to the workflow's own record.
    async fn record_attempt(
        ctx: &mut WorkflowContext<Self>,
        outcome: &AttemptOutcome,
        settled: bool,
    ) -> WorkflowResult<()> {
        let ended_at = utc(ctx.workflow_time());
        // The summary runs exactly when the callee spoke (see `run`): the CRM's `call_ended`
        // waits for it then.
        let summary_expected = Self::callee_spoke(ctx);
        let input = ctx.state(|s| {
            let call = s.call.as_ref();
            let turns = call
                .and_then(|c| Some(c.conversation.as_ref()?.turns.get(c.persisted..)?.to_vec()))
                .unwrap_or_default();
            FinishAttemptInput {
                lead_id: s.input.lead.lead_id.clone(),
                campaign_id: s.input.campaign_id.clone(),
                phone: s.input.lead.phone.as_ref().map(|p| p.as_str().to_owned()),
                attempt: s.attempt,
                call_id: call.and_then(|c| c.call_id.clone()),
                status: call.filter(|c| c.call_id.is_some()).map(|c| c.status),
                answered_by: call.and_then(|c| c.answered_by),
                duration_secs: call.and_then(|c| c.duration_secs),
                outcome: outcome.clone(),
                turns,
                ended_at,
                settled,
                summary_expected,
            }
        });
        ctx.execute_activity(CallActivities::finish_attempt, input, options::durable())
            .await?;
        ctx.state_mut(|s| {
            let call_sid = s.call.as_ref().and_then(|c| c.call_sid.clone());
            if let Some(call) = s.call.as_mut() {
                call.persisted = call.conversation.as_ref().map_or(0, |c| c.turns.len());
            }
            s.attempts.push(AttemptRecord {
                attempt: s.attempt,
                call_sid,
                outcome: outcome.clone(),
                ended_at,
            });
        });
        ctx.upsert_search_attributes([search::OUTCOME.value_set(outcome.code().to_owned())]);
        if settled {
            Self::notify_campaign(ctx, outcome).await;
        }
        Ok(())
    }

    /// Turns the slot reserved on the call into a meeting: calendar event with a video link, then
    /// the invite email. An event that cannot be created for good releases the slot, and the
    /// meeting records why.
    async fn complete_booking(
        ctx: &mut WorkflowContext<Self>,
        meeting_id: String,
    ) -> WorkflowResult<()> {
        Self::set_phase(ctx, LeadPhase::Booking);
        let confirmed = ctx
            .execute_activity(
                MeetingActivities::confirm_meeting,
                meeting_id.clone(),
                options::booking(),
            )
            .await;
        match confirmed {
            Ok(meeting) if meeting.status == MeetingStatus::Confirmed => {
                let invite = InviteInput {
                    meeting_id,
                    sequence: 0,
                    method: InviteMethod::Request,
                };
                // A refused address fails only this step (visible in the Temporal UI); the
                // meeting stands on the calendar.
                let _ = ctx
                    .execute_activity(MeetingActivities::send_invite, invite, options::booking())
                    .await;
            }
            // The operator cancelled it before it was confirmed.
            Ok(_) => {}
            Err(err) => {
                let release = ReleaseInput {
                    meeting_id,
                    reason: options::failure_reason(&err),
                };
                ctx.execute_activity(
                    MeetingActivities::release_meeting,
                    release,
                    options::durable(),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A trial is over: whatever it booked is given back.
    async fn release_trial(ctx: &WorkflowContext<Self>) -> WorkflowResult<()> {
        let workflow_id = ctx.state(|s| s.workflow_id.clone());
        ctx.execute_activity(
            MeetingActivities::release_trial_meetings,
            workflow_id,
            options::durable(),
        )
        .await?;
        Ok(())
    }

    /// A call the callee spoke on ended without a booking: give back any slot reserved on it.
    async fn release_unbooked(
        ctx: &WorkflowContext<Self>,
        outcome: &AttemptOutcome,
    ) -> WorkflowResult<()> {
        let input = ctx.state(|s| ReleaseUnbookedInput {
            workflow_id: s.workflow_id.clone(),
            reason: format!(
                "the call on attempt {} ended {} before the booking was confirmed to the lead",
                s.attempt,
                outcome.code()
            ),
        });
        ctx.execute_activity(
            MeetingActivities::release_unbooked,
            input,
            options::durable(),
        )
        .await?;
        Ok(())
    }

    /// Writes a stop (no call placed) to the projections, so the lead and its campaign show it.
    async fn record_stop(ctx: &WorkflowContext<Self>) -> WorkflowResult<()> {
        let ended_at = utc(ctx.workflow_time());
        let input = ctx.state(|s| FinishAttemptInput {
            lead_id: s.input.lead.lead_id.clone(),
            campaign_id: s.input.campaign_id.clone(),
            phone: s.input.lead.phone.as_ref().map(|p| p.as_str().to_owned()),
            attempt: s.attempt,
            call_id: None,
            status: None,
            answered_by: None,
            duration_secs: None,
            outcome: AttemptOutcome::Canceled,
            turns: Vec::new(),
            ended_at,
            settled: true,
            summary_expected: false,
        });
        ctx.execute_activity(CallActivities::finish_attempt, input, options::durable())
            .await?;
        ctx.upsert_search_attributes([
            search::OUTCOME.value_set(AttemptOutcome::Canceled.code().to_owned())
        ]);
        Ok(())
    }

    /// Tells the campaign (once) that this lead no longer occupies a slot.
    async fn notify_campaign(ctx: &WorkflowContext<Self>, outcome: &AttemptOutcome) {
        let target = ctx.state_mut(|s| {
            if s.campaign_notified {
                return None;
            }
            s.campaign_notified = true;
            s.input.campaign_workflow_id.clone()
        });
        let Some(campaign) = target else { return };
        let settled = LeadSettled {
            lead_id: ctx.state(|s| s.input.lead.lead_id.clone()),
            outcome: outcome.code().to_owned(),
        };
        // A campaign that has already ended has nobody left to tell.
        let _ = ctx
            .external_workflow(campaign, None)
            .signal(
                CampaignWorkflow::lead_settled,
                settled,
                SignalWorkflowOptions::default(),
            )
            .await;
    }
}
