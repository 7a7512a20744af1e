//! The dial activity: runs on its own task queue, whose server-side rate limit paces calls
//! across all workers.
// `#[activities]` generates undocumented marker constants for each activity.
#![allow(missing_docs)]

use crate::failure::{IntoActivity as _, db_error};
use crate::script::{call_script, fixed_lines};
use crate::speech::Voice;
use callwright_agents::{AgentBook, AgentVersion};
use callwright_contracts::activities::{CallScript, DialInput, DialOutput};
use callwright_providers::ProviderError;
use callwright_providers::telephony::{PlaceCall, Telephony};
use callwright_store::Store;
use chrono::Duration;
use std::collections::BTreeMap;
use std::sync::Arc;
use temporalio_macros::activities;
use temporalio_sdk::activities::{ActivityContext, ActivityError};

/// Places calls. Holds only what dialling needs.
pub struct DialActivities {
    telephony: Arc<dyn Telephony>,
    store: Store,
    agents: Arc<AgentBook>,
    public_base_url: String,
    voice: Option<Arc<Voice>>,
}

impl DialActivities {
    /// `public_base_url` is where the provider reaches our webhooks (the API's public URL).
    pub fn new(
        telephony: Arc<dyn Telephony>,
        store: Store,
        agents: Arc<AgentBook>,
        public_base_url: String,
    ) -> Self {
        Self {
            telephony,
            store,
            agents,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            voice: None,
        }
    }

    /// Synthesises each call's fixed lines (`DialInput::speech`) with `voice` before dialling.
    pub fn with_voice(mut self, voice: Option<Arc<Voice>>) -> Self {
        self.voice = voice;
        self
    }

    /// Signed audio links for the call's fixed lines, in the agent's voice for the language;
    /// empty without text-to-speech. Cache hits cost one indexed lookup each; misses go to the
    /// provider concurrently.
    async fn speech(
        &self,
        input: &DialInput,
        agent: &AgentVersion,
        script: &CallScript,
    ) -> BTreeMap<String, String> {
        let language = input.lead.language;
        match &self.voice {
            Some(voice) => {
                voice
                    .audio_urls(
                        language,
                        agent.spec.tts_voice(language),
                        &fixed_lines(script, &input.lead),
                    )
                    .await
            }
            None => BTreeMap::new(),
        }
    }

    fn webhook(&self, kind: &str, input: &DialInput) -> String {
        format!(
            "{}/twilio/{kind}?wf={}&attempt={}",
            self.public_base_url, input.workflow_id, input.attempt
        )
    }
}

#[activities]
impl DialActivities {
    /// Dials one attempt, at most once: the `calls` row of (workflow, attempt) is claimed first,
    /// and a retried execution that finds no provider id on it asks the provider whether the
    /// earlier execution's call went out before dialling again. The do-not-call list is checked
    /// right before dialling.
    #[activity(definition = callwright_contracts::definitions::markers::dial::Dial)]
    pub async fn dial(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: DialInput,
    ) -> Result<DialOutput, ActivityError> {
        let Some(phone) = input.lead.phone.as_ref().map(|p| p.as_str()) else {
            // A lead without a number (a trial's) is never dialled; the workflow does not ask.
            return Err(
                ProviderError::failed("twilio", "the lead has no number to dial", false)
                    .into_activity(),
            );
        };
        if self.store.is_dnc(phone).await.map_err(db_error)? {
            tracing::info!(lead_id = %input.lead.lead_id, "not dialling: number is on the do-not-call list");
            return Ok(DialOutput::DoNotCall);
        }
        if self
            .store
            .is_deleted(&input.lead.lead_id)
            .await
            .map_err(db_error)?
        {
            tracing::info!(lead_id = %input.lead.lead_id, "not dialling: the lead was deleted");
            return Ok(DialOutput::LeadDeleted);
        }
        let agent = self
            .agents
            .get(&input.agent)
            .await
            .map_err(callwright_agents::AgentError::into_activity)?;
        let script = call_script(&agent, &input.lead, chrono::Utc::now());
        let claim = self
            .store
            .claim_dial(
                &input.workflow_id,
                input.attempt,
                &input.lead,
                input.campaign_id.as_deref(),
                &input.agent,
            )
            .await
            .map_err(db_error)?;
        let call_id = claim.call_id.to_string();
        if let Some(call_sid) = claim.call_sid {
            let audio = self.speech(&input, &agent, &script).await;
            return Ok(DialOutput::Placed {
                call_id,
                call_sid,
                audio,
                script,
            });
        }
        if ctx.info().attempt > 1 {
            // An earlier execution may have dialled and died before recording the answer: adopt
            // a call to this number created since the claim that no attempt owns yet. (Twilio's
            // timestamps have whole seconds, hence the slack.)
            let since = claim.dialed_at - Duration::seconds(2);
            let candidates = self
                .telephony
                .calls_to(phone, since)
                .await
                .map_err(ProviderError::into_activity)?;
            for call in candidates {
                if !self
                    .store
                    .is_known_call(&call.sid)
                    .await
                    .map_err(db_error)?
                {
                    tracing::warn!(call_sid = %call.sid, "adopting the call an earlier dial execution placed");
                    self.store
                        .set_call_sid(claim.call_id, &call.sid)
                        .await
                        .map_err(db_error)?;
                    let audio = self.speech(&input, &agent, &script).await;
                    return Ok(DialOutput::Placed {
                        call_id,
                        call_sid: call.sid,
                        audio,
                        script,
                    });
                }
            }
        }
        let place = PlaceCall {
            to: phone.to_owned(),
            voice_url: self.webhook("voice", &input),
            status_callback: self.webhook("status", &input),
            amd_callback: self.webhook("amd", &input),
            recording_callback: self.webhook("recording", &input),
            ring_timeout_secs: input.ring_timeout_secs,
        };
        // Speech first, then the call: the greeting's audio must be in the workflow before the
        // callee answers (a voice webhook that comes first gets the greeting with <Say>). Cache
        // hits cost milliseconds; a miss delays the dial, not anyone on the line.
        let audio = self.speech(&input, &agent, &script).await;
        let call_sid = self
            .telephony
            .place_call(&place)
            .await
            .map_err(ProviderError::into_activity)?;
        self.store
            .set_call_sid(claim.call_id, &call_sid)
            .await
            .map_err(db_error)?;
        tracing::info!(%call_sid, lead_id = %input.lead.lead_id, attempt = input.attempt, "dialled");
        Ok(DialOutput::Placed {
            call_id,
            call_sid,
            audio,
            script,
        })
    }
}
