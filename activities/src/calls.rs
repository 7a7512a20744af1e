//! Activities of a call in progress and after it: the model's turn, voicemail, projections.
//!
//! Kept in one file: the SDK's `#[activities]` registers the methods of one `impl` block, and
//! every activity of `CallActivities` is one of them; what they share that is not an activity
//! lives beside it (`booking.rs`, `script.rs`, `speech.rs`, `failure.rs`).
// `#[activities]` generates undocumented marker constants for each activity.
#![allow(missing_docs)]

use crate::booking::{self, BookingDesk, TurnBooking};
use crate::failure::{IntoActivity as _, db_error};
use crate::script::call_script;
use crate::speech::Voice;
use callwright_agents::prompt;
use callwright_agents::{AgentBook, AgentError, AgentVersion};
use callwright_contracts::activities::{
    CallInfo, CampaignLead, ConverseInput, ConverseOutput, DialOutput, FinishAttemptInput,
    LeadPageInput, LoadLeadInput, Offer, OpenChatInput, RecordingTranscriptStatus, RedirectInput,
    SummarizeInput, TRANSCRIBE_ATTEMPTS, TranscribeInput, chat_sid,
};
use callwright_domain::LeadProfile;
use callwright_domain::agent::knowledge::{KnowledgeMode, SEARCH_RESULTS};
use callwright_domain::agent::{TemplateVars, render};
use callwright_domain::conversation::{Speaker, ToolUse, Turn};
use callwright_providers::ProviderError;
use callwright_providers::embeddings::Embedder;
use callwright_providers::llm::{ChatMessage, ChatModel, ChatParams, ToolCall};
use callwright_providers::stt::Transcriber;
use callwright_providers::telephony::Telephony;
use callwright_store::Store;
use serde_json::{Value, json};
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// Model rounds in one turn: look up slots, book, then speak.
const MAX_TOOL_ROUNDS: u32 = 3;

/// How far into a turn the reply's speech may still be waited for: the turn's local activity
/// has 6 s (`callwright_workflows::options::converse`), and a slow model plus a slow
/// synthesis must not time the turn out (the caller would hear the apology). Past it the
/// reply is said with `<Say>`.
const SPEECH_DEADLINE: std::time::Duration = std::time::Duration::from_millis(5_000);

/// The activities of the main task queue.
pub struct CallActivities {
    telephony: Arc<dyn Telephony>,
    llm: Arc<dyn ChatModel>,
    booking: Arc<BookingDesk>,
    store: Store,
    agents: Arc<AgentBook>,
    embedder: Option<Arc<dyn Embedder>>,
    voice: Option<Arc<Voice>>,
    stt: Option<Arc<dyn Transcriber>>,
}

impl CallActivities {
    /// Wires the ports.
    pub fn new(
        telephony: Arc<dyn Telephony>,
        llm: Arc<dyn ChatModel>,
        booking: Arc<BookingDesk>,
        store: Store,
        agents: Arc<AgentBook>,
    ) -> Self {
        Self {
            telephony,
            llm,
            booking,
            store,
            agents,
            embedder: None,
            voice: None,
            stt: None,
        }
    }

    /// Searches agents' large knowledge with `embedder` (the same model their passages were
    /// embedded with when saved).
    pub fn with_embedder(mut self, embedder: Option<Arc<dyn Embedder>>) -> Self {
        self.embedder = embedder;
        self
    }

    /// Transcribes recordings after the call with `stt` (speech to text).
    pub fn with_transcriber(mut self, stt: Option<Arc<dyn Transcriber>>) -> Self {
        self.stt = stt;
        self
    }

    /// Speaks the model's replies with `voice` (text-to-speech) instead of `<Say>`.
    pub fn with_voice(mut self, voice: Option<Arc<Voice>>) -> Self {
        self.voice = voice;
        self
    }
}

#[activities]
impl CallActivities {
    /// One agent turn: asks the model for a reply to the transcript and writes the new turns
    /// (including the reply) to the transcript projection. Runs as a local activity inside the
    /// turn update, so a turn costs no extra server round trip. A projection failure does not fail
    /// the turn: the caller is waiting, and the turns are written again when the attempt ends.
    #[activity(definition = callwright_contracts::definitions::markers::call::Converse)]
    pub async fn converse(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: ConverseInput,
    ) -> Result<ConverseOutput, ActivityError> {
        let started = std::time::Instant::now();
        let result = self.turn(input).await;
        let outcome = if result.is_ok() { "ok" } else { "error" };
        metrics::histogram!("callwright_converse_seconds", "result" => outcome)
            .record(started.elapsed().as_secs_f64());
        result
    }

    /// Replaces what a live call is doing (used to leave a voicemail once AMD hears a machine).
    #[activity(definition = callwright_contracts::definitions::markers::call::RedirectCall)]
    pub async fn redirect_call(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: RedirectInput,
    ) -> Result<(), ActivityError> {
        match self
            .telephony
            .redirect_call(&input.call_sid, &input.twiml)
            .await
        {
            // 4xx: the call is already over; nothing left to redirect.
            Err(err) if !err.retryable => {
                tracing::info!(error = %err, "call no longer redirectable");
                Ok(())
            }
            other => other.map_err(ProviderError::into_activity),
        }
    }

    /// Asks the provider how a call stands (when its final status never arrived).
    #[activity(definition = callwright_contracts::definitions::markers::call::FetchCall)]
    pub async fn fetch_call(
        self: Arc<Self>,
        _ctx: ActivityContext,
        call_sid: String,
    ) -> Result<CallInfo, ActivityError> {
        self.telephony
            .fetch_call(&call_sid)
            .await
            .map_err(ProviderError::into_activity)
    }

    /// Records a finished attempt in the projections (and the do-not-call list on opt-out).
    #[activity(definition = callwright_contracts::definitions::markers::call::FinishAttempt)]
    pub async fn finish_attempt(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: FinishAttemptInput,
    ) -> Result<(), ActivityError> {
        self.store.finish_attempt(&input).await.map_err(db_error)?;
        tracing::info!(lead_id = %input.lead_id, attempt = input.attempt, outcome = input.outcome.code(), "attempt recorded");
        metrics::counter!("callwright_attempts_recorded_total", "outcome" => input.outcome.code())
            .increment(1);
        Ok(())
    }

    /// Fills the post-call summary from the stored transcript (the model must call
    /// `record_summary`) and stores it with the call. Idempotent: a call keeps its first summary.
    ///
    /// The same model call extracts the answers to the agent's qualification questions, typed
    /// as each question says. The last try that fails settles the summary as `failed`, so the
    /// CRM's `call_ended` (which waits for it) still goes out.
    #[activity(definition = callwright_contracts::definitions::markers::call::SummarizeCall)]
    pub async fn summarize_call(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: SummarizeInput,
    ) -> Result<(), ActivityError> {
        let last_try = ctx.info().attempt >= callwright_contracts::SUMMARY_ATTEMPTS;
        let result = self.summarize(&input).await;
        let final_failure = result.as_ref().err().is_some_and(|e| {
            last_try || matches!(e, ActivityError::Application(f) if f.is_non_retryable())
        });
        if final_failure {
            self.store
                .summary_failed(&input.call_id)
                .await
                .map_err(db_error)?;
        }
        result
    }

    /// Settles a call's summary as failed when the workflow gave up on it, so the CRM's
    /// `call_ended` goes out without it. Idempotent (a written summary stays `done`).
    #[activity(definition = callwright_contracts::definitions::markers::call::SettleSummary)]
    pub async fn settle_summary(
        self: Arc<Self>,
        _ctx: ActivityContext,
        call_id: String,
    ) -> Result<(), ActivityError> {
        self.store.summary_failed(&call_id).await.map_err(db_error)
    }

    /// Opens a trial's text channel: claims the attempt's call row (live at once, no number
    /// dialled) and renders the agent's opening for the trial's lead.
    #[activity(definition = callwright_contracts::definitions::markers::call::OpenChat)]
    pub async fn open_chat(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: OpenChatInput,
    ) -> Result<DialOutput, ActivityError> {
        let agent = self
            .agents
            .get(&input.agent)
            .await
            .map_err(AgentError::into_activity)?;
        let chat_sid = chat_sid(&input.workflow_id);
        let claim = self
            .store
            .claim_chat(
                &input.workflow_id,
                input.attempt,
                &input.lead,
                &input.agent,
                &chat_sid,
            )
            .await
            .map_err(db_error)?;
        Ok(DialOutput::Placed {
            call_id: claim.call_id.to_string(),
            call_sid: claim.call_sid.unwrap_or(chat_sid),
            audio: Default::default(),
            script: call_script(&agent, &input.lead, chrono::Utc::now()),
        })
    }

    /// Transcribes the call's recording into a two-speaker, timestamped transcript stored with
    /// the call. Without a speech-to-text provider the status is `skipped`; until the provider
    /// announces the recording (its callback comes after the call) it retries, and its last try
    /// records `no_recording`. Idempotent: a settled status is kept.
    ///
    /// The worker downloads the recording with the account's credentials and posts the bytes
    /// to the transcriber, rather than handing it a signed link to our API: the transcription
    /// then depends on neither the API being up nor it being reachable from the provider when
    /// the provider gets round to fetching (a failed fetch on their side comes back as an opaque
    /// 4xx that no retry of ours could tell from a bad request), and no link to a recording is
    /// given to a third party. The cost is the recording passing through the worker once
    /// (about 1 MB a minute of call), after the call, off the hot path.
    #[activity(definition = callwright_contracts::definitions::markers::call::TranscribeRecording)]
    pub async fn transcribe_recording(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: TranscribeInput,
    ) -> Result<RecordingTranscriptStatus, ActivityError> {
        let last_try = ctx.info().attempt >= TRANSCRIBE_ATTEMPTS;
        let store = self.store.clone();
        let call_id = input.call_id.clone();
        let settle = |status| async move {
            store
                .save_recording_transcript(&call_id, status, None)
                .await
                .map_err(db_error)?;
            Ok::<_, ActivityError>(status)
        };
        let Some(stt) = self.stt.clone() else {
            return settle(RecordingTranscriptStatus::Skipped).await;
        };
        let Some((url, status)) = self
            .store
            .recording_for_transcript(&input.call_id)
            .await
            .map_err(db_error)?
        else {
            return Ok(RecordingTranscriptStatus::NoRecording);
        };
        if let Some(settled) = status
            .as_deref()
            .and_then(RecordingTranscriptStatus::from_code)
        {
            return Ok(settled);
        }
        let Some(url) = url else {
            if last_try {
                return settle(RecordingTranscriptStatus::NoRecording).await;
            }
            return Err(ProviderError::failed(
                "twilio",
                "the recording has not been announced yet",
                true,
            )
            .into_activity());
        };
        let transcribed = async {
            let audio = self.telephony.fetch_recording(&url).await?;
            stt.transcribe(audio, "audio/wav", input.language).await
        }
        .await;
        match transcribed {
            Ok(utterances) => {
                self.store
                    .save_recording_transcript(
                        &input.call_id,
                        RecordingTranscriptStatus::Done,
                        Some(&utterances),
                    )
                    .await
                    .map_err(db_error)?;
                tracing::info!(call_id = %input.call_id, utterances = utterances.len(), "recording transcribed");
                Ok(RecordingTranscriptStatus::Done)
            }
            Err(err) if !err.retryable || last_try => {
                tracing::warn!(error = %err, call_id = %input.call_id, "recording not transcribed");
                self.store
                    .save_recording_transcript(
                        &input.call_id,
                        RecordingTranscriptStatus::Failed,
                        None,
                    )
                    .await
                    .map_err(db_error)?;
                Err(err.into_activity())
            }
            Err(err) => Err(err.into_activity()),
        }
    }

    /// A page of a campaign's leads, in calling order.
    #[activity(definition = callwright_contracts::definitions::markers::call::CampaignLeads)]
    pub async fn campaign_leads(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: LeadPageInput,
    ) -> Result<Vec<CampaignLead>, ActivityError> {
        self.store
            .campaign_leads(
                &input.campaign_id,
                input.after_seq,
                input.limit,
                &input.plan,
            )
            .await
            .map_err(db_error)
    }

    /// The profile of a lead its workflow was started with by id.
    #[activity(definition = callwright_contracts::definitions::markers::call::LoadLead)]
    pub async fn load_lead(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: LoadLeadInput,
    ) -> Result<Option<LeadProfile>, ActivityError> {
        self.store
            .lead_profile(&input.lead_id)
            .await
            .map_err(db_error)
    }
}

/// Runs the tools the model may use inside a turn: the booking tools and the knowledge search.
fn is_turn_tool(call: &ToolCall) -> bool {
    booking::is_booking_tool(call) || call.name == "search_knowledge"
}

impl CallActivities {
    /// The agent version a turn speaks with.
    async fn agent(&self, input: &ConverseInput) -> Result<Arc<AgentVersion>, ActivityError> {
        self.agents
            .get(&input.agent)
            .await
            .map_err(AgentError::into_activity)
    }

    /// The passages of the agent's knowledge nearest to the model's query.
    async fn search_knowledge(&self, agent: &AgentVersion, call: &ToolCall) -> Value {
        let query = call
            .arguments
            .get("query")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default();
        let unavailable =
            || json!({"tool": "search_knowledge", "passages": [], "error": "search_unavailable"});
        let Some(embedder) = self.embedder.as_ref().filter(|_| !query.is_empty()) else {
            return unavailable();
        };
        // Vectors of another model than the passages' would compare nonsense.
        if agent.embedding_model.as_deref() != Some(embedder.model()) {
            tracing::warn!(agent = ?agent.agent, "the knowledge was embedded with another model");
            return unavailable();
        }
        match embedder.embed(&[query.to_owned()]).await {
            Ok(vectors) => {
                let passages: Vec<Value> = vectors
                    .first()
                    .map(|v| agent.nearest(v, SEARCH_RESULTS))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| json!({"source": p.source, "text": p.text}))
                    .collect();
                json!({"tool": "search_knowledge", "passages": passages})
            }
            Err(err) => {
                tracing::warn!(error = %err, "knowledge search failed");
                unavailable()
            }
        }
    }

    /// The body of [`CallActivities::summarize_call`].
    async fn summarize(&self, input: &SummarizeInput) -> Result<(), ActivityError> {
        let transcript = self
            .store
            .transcript_for_summary(&input.call_id)
            .await
            .map_err(db_error)?;
        let Some(transcript) = transcript else {
            // Summarised already, or nothing was said: nothing to wait for any more.
            self.store
                .summary_failed(&input.call_id)
                .await
                .map_err(db_error)?;
            return Ok(());
        };
        let agent = self
            .agents
            .get(&input.agent)
            .await
            .map_err(AgentError::into_activity)?;
        let questions = &agent.spec.questions;
        let messages = prompt::summary_messages(input.language, questions, &transcript);
        let params = ChatParams {
            model: agent.spec.model.as_deref(),
            temperature: Some(0.0),
        };
        let reply = self
            .llm
            .complete(&messages, &[prompt::summary_tool(questions)], &params)
            .await
            .map_err(ProviderError::into_activity)?;
        let (summary, answers) = reply
            .tool_calls
            .iter()
            .filter(|c| c.name == "record_summary")
            .find_map(|c| {
                let summary =
                    callwright_domain::summary::CallSummary::from_tool_args(&c.arguments)?;
                let answers =
                    callwright_domain::summary::answers_from_tool_args(&c.arguments, questions);
                Some((summary, answers))
            })
            .ok_or_else(|| {
                ProviderError::failed(
                    "llm",
                    "the model did not call record_summary with a valid summary",
                    true,
                )
                .into_activity()
            })?;
        self.store
            .save_summary(&input.call_id, &summary, &answers)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    /// The body of [`CallActivities::converse`].
    async fn turn(&self, input: ConverseInput) -> Result<ConverseOutput, ActivityError> {
        let started = std::time::Instant::now();
        let agent = self.agent(&input).await?;
        let tz = input.lead.timezone;
        let local_now = input.now.with_timezone(&tz).fixed_offset();
        let vars = TemplateVars::new(&agent.spec, &input.lead, input.lead.language, input.now);
        let system = prompt::system_prompt(
            &agent,
            &input.lead,
            &render(&agent.spec.instructions, &vars),
            local_now,
            &input.offered,
            input.heard_language,
        );
        let mut messages = prompt::messages(system, &input.turns);
        let tools = prompt::tools(input.can_transfer, agent.mode == KnowledgeMode::Search);
        let params = ChatParams {
            model: agent.spec.model.as_deref(),
            temperature: agent.spec.temperature,
        };
        let mut booking = TurnBooking {
            offered: input.offered.clone(),
            slots_offered: input.slots_offered,
            ..TurnBooking::default()
        };
        let mut used: Vec<ToolUse> = Vec::new();
        // The model may search its knowledge, look up slots or book one, read the results and
        // answer, within the turn.
        let mut rounds = 0;
        let reply = loop {
            rounds += 1;
            let reply = self
                .llm
                .complete(&messages, &tools, &params)
                .await
                .map_err(ProviderError::into_activity)?;
            let turn_calls: Vec<_> = reply
                .tool_calls
                .iter()
                .filter(|c| is_turn_tool(c))
                .cloned()
                .collect();
            if turn_calls.is_empty() || booking.booked.is_some() || rounds >= MAX_TOOL_ROUNDS {
                break reply;
            }
            messages.push(ChatMessage::assistant_calls(
                reply.content.clone(),
                turn_calls.clone(),
            ));
            for call in &turn_calls {
                let result = if call.name == "search_knowledge" {
                    self.search_knowledge(&agent, call).await
                } else {
                    // A calendar that is down must not leave the caller in silence: the model
                    // hears there is no time to offer and proposes a callback instead.
                    match self
                        .booking
                        .run_tool(call, &input, &agent.spec, &mut booking)
                        .await
                    {
                        Ok(result) => result,
                        Err(err) => {
                            tracing::warn!(error = %err, tool = %call.name, "booking tool unavailable");
                            booking::unavailable(call)
                        }
                    }
                };
                messages.push(ChatMessage::tool(&call.id, &result));
                used.push(ToolUse {
                    name: call.name.clone(),
                    arguments: call.arguments.clone(),
                    result: Some(result),
                });
            }
        };
        let action = booking
            .booked
            .clone()
            .or_else(|| prompt::parse_action(&reply.tool_calls, input.now));
        // The decision the model took, if any, after the tools it ran in the turn.
        used.extend(
            reply
                .tool_calls
                .iter()
                .filter(|c| !is_turn_tool(c))
                .map(|c| ToolUse {
                    name: c.name.clone(),
                    arguments: c.arguments.clone(),
                    result: None,
                }),
        );
        let text = reply.content.unwrap_or_default();
        let mut new_turns: Vec<Turn> = input
            .turns
            .get(input.persist_from..)
            .unwrap_or_default()
            .to_vec();
        new_turns.push(Turn {
            index: u32::try_from(input.turns.len()).unwrap_or(u32::MAX),
            speaker: Speaker::Agent,
            text: text.clone(),
            at: input.now,
            confidence: None,
            language: Some(input.lead.language),
            heard: None,
        });
        let intent = callwright_domain::outcome::turn_intent(action.as_ref(), booking.new_offer);
        // The reply's speech is synthesised while the transcript is written: the caller waits
        // for the longer of the two, not their sum.
        let budget = SPEECH_DEADLINE.saturating_sub(started.elapsed());
        let language = input.lead.language;
        let speak = async {
            match &self.voice {
                Some(voice) if !budget.is_zero() && !input.trial && !input.relay => {
                    tokio::time::timeout(
                        budget,
                        voice.audio_url(language, agent.spec.tts_voice(language), &text),
                    )
                    .await
                    .unwrap_or_else(|_| {
                        tracing::warn!("no time left in the turn for speech; saying the reply");
                        None
                    })
                }
                _ => None,
            }
        };
        let (written, audio_url) = tokio::join!(
            self.store
                .insert_turns(&input.call_id, &new_turns, Some(intent), &used),
            speak
        );
        let persisted = match written {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(error = %err, call_id = %input.call_id, "transcript write deferred");
                false
            }
        };
        Ok(ConverseOutput {
            reply: text,
            action,
            persisted,
            offer: booking.new_offer.then_some(Offer {
                slots: booking.offered,
                slots_offered: booking.slots_offered,
            }),
            audio_url,
            tools: used,
        })
    }
}
