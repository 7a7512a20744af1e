//! Realtime calls (voice mode `relay`, Twilio ConversationRelay): the `<Connect>` document that
//! opens or reopens a session, and what the workflow answers when a session starts and ends.
//! Turns themselves are the same `turn` update as `<Gather>`'s, with the same numbering.

use super::{LeadWorkflow, LiveCall, Voicemail};
use callwright_contracts::messages::{RelayEnded, RelaySession, RelaySetup, TurnReply};
use callwright_domain::conversation::Conversation;
use callwright_domain::language::RelaySpeech;
use callwright_domain::twiml::{Relay, Twiml, Verb};
use callwright_domain::{CallSettings, Language};

/// Failed sessions in a row after which the call goes on over `<Gather>` instead: our socket is
/// refused or drops every time (a wrong public URL or token, an instance that cannot take it),
/// and the callee must not wait in silence for ever.
const MAX_FAILED_SESSIONS: u32 = 2;

/// How readily the callee's speech cuts the agent off: `low`, so a backchannel ("uh-huh",
/// "mm") does not stop it (Twilio's documented setting; docs/voice-modes.md).
const INTERRUPT_SENSITIVITY: &str = "low";

/// The `<Connect><ConversationRelay>` document for `call`, speaking `language`; the welcome
/// greeting is given only while no session of the call has started, so the callee hears the
/// disclosure exactly once.
pub(super) fn connect(
    workflow_id: &str,
    call: &LiveCall,
    url: &str,
    language: Language,
    greeting: Option<String>,
) -> Twiml {
    // A call is relayed only in a language with a relay row; a switch mid-call to one without
    // (Hebrew, Arabic) keeps the session's providers rather than naming ones Twilio may refuse.
    let speech = language
        .profile()
        .relay
        .unwrap_or(RelaySpeech::DEEPGRAM_ELEVENLABS);
    Twiml::new().push(Verb::ConversationRelay(Box::new(Relay {
        action: format!("relay-ended?wf={workflow_id}&attempt={}", call.attempt),
        url: url.to_owned(),
        welcome_greeting: greeting.filter(|_| call.relay_sessions == 0),
        language: language.profile().bcp47.to_owned(),
        tts_provider: speech.tts_provider.to_owned(),
        voice: speech.voice.to_owned(),
        transcription_provider: speech.transcription_provider.to_owned(),
        speech_model: speech.speech_model.to_owned(),
        interrupt_sensitivity: INTERRUPT_SENSITIVITY.to_owned(),
        dtmf_detection: true,
        parameters: Vec::new(),
    })))
}

impl LeadWorkflow {
    /// A session's socket said `setup`: count the session and say where the conversation is.
    pub(super) fn start_session(&mut self, req: &RelaySetup) -> RelaySession {
        let language = self.lead.language;
        let Some(call) = self.live_mut(req.attempt, &req.call_sid) else {
            return over(language);
        };
        call.relay_sessions += 1;
        let reconnected = call.relay_sessions > 1;
        let Some(conversation) = call.conversation.as_ref() else {
            return over(language);
        };
        RelaySession {
            next_turn: conversation.next_turn.saturating_sub(1),
            language: conversation.language,
            // The callee may not have heard the last line before the socket dropped.
            say: reconnected.then(|| conversation.last_agent_line()),
            ended: conversation.end.is_some() || call.status.is_final(),
        }
    }

    /// Twilio asked the `<Connect action>` what follows a session: the transfer or hang-up the
    /// agent ended with, nothing when the call is over, and a fresh session (no greeting once
    /// one has started) when the socket failed mid-conversation; after
    /// [`MAX_FAILED_SESSIONS`] failures in a row without a turn, `<Gather>` instead.
    pub(super) fn end_session(&mut self, req: &RelayEnded, settings: &CallSettings) -> TurnReply {
        let workflow_id = self.workflow_id.clone();
        let Some(call) = self.live(req.attempt, &req.call_sid) else {
            return TurnReply::hang_up();
        };
        let Some(conversation) = call.conversation.as_ref() else {
            return TurnReply::hang_up();
        };
        // The call is over, or a voicemail took it over (the REST redirect ended the session).
        if req.session_status == "completed"
            || call.status.is_final()
            || call.voicemail == Voicemail::Left
        {
            return TurnReply::hang_up();
        }
        if conversation.end.is_some() {
            return TurnReply {
                twiml: conversation.after_session(settings).render(),
                ended: true,
                ..TurnReply::default()
            };
        }
        let failed = req.session_status == "failed";
        let Some(call) = self.live_mut(req.attempt, &req.call_sid) else {
            return TurnReply::hang_up();
        };
        if failed {
            call.relay_failures += 1;
        }
        let Some(conversation) = call.conversation.as_mut() else {
            return TurnReply::hang_up();
        };
        // The socket failed too often, or the callee moved to a language ConversationRelay does
        // not speak here (the socket ended the session rather than say the reply): the call goes
        // on turn by turn, saying the last line again (the greeting, with the disclosure, when
        // no session ever started).
        if call.relay_failures >= MAX_FAILED_SESSIONS
            || conversation.language.profile().relay.is_none()
        {
            call.relay_url = None;
            let twiml = conversation.repeat_last();
            return TurnReply {
                twiml: twiml.render(),
                say: conversation.last_agent_line(),
                tools: Vec::new(),
                ended: false,
                language: Some(conversation.language),
            };
        }
        let call: &LiveCall = call;
        let Some(conversation) = call.conversation.as_ref() else {
            return TurnReply::hang_up();
        };
        let Some(url) = call.relay_url.as_deref() else {
            return TurnReply::hang_up();
        };
        let greeting = first_line(conversation);
        TurnReply {
            twiml: connect(&workflow_id, call, url, conversation.language, greeting).render(),
            say: String::new(),
            tools: Vec::new(),
            ended: false,
            language: Some(conversation.language),
        }
    }
}

/// The conversation's opening line (the greeting with the disclosure).
fn first_line(conversation: &Conversation) -> Option<String> {
    conversation.turns.first().map(|t| t.text.clone())
}

fn over(language: Language) -> RelaySession {
    RelaySession {
        next_turn: 0,
        language,
        say: None,
        ended: true,
    }
}
