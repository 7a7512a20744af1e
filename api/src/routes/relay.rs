//! Twilio ConversationRelay, for calls in voice mode `relay`: the call's realtime socket and the
//! `<Connect action>` webhook that says what follows a session.
//!
//! The socket's handshake is verified like a webhook (`X-Twilio-Signature` over the exact
//! `wss://` URL, query included) before it is accepted: a forged one is a 403 and touches no
//! workflow. The URL names the lead workflow and attempt, and the `setup` message's call must be
//! that workflow's live call (the workflow checks), so one call's socket cannot address another.
//! Each final prompt is the workflow's `turn` update, numbered as `<Gather>`s are, with the update
//! id `<CallSid>:turn:<n>`, so the turn is in the workflow's history whichever instance holds the
//! socket, and a retried update is applied once. A final prompt that repeats the previous one
//! with nothing heard between them (no partial prompt, no `clientSpeaking on`) is a repeat, not
//! a turn, and is dropped. A malformed or out-of-order frame is logged and dropped without
//! reaching the workflow.

use super::twilio_hook::{Target, Verified};
use super::webhooks::{HookRefusals, execute_lead_update, signal_lead, update_response};
use crate::error::ApiError;
use crate::signature;
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{OriginalUri, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use callwright_contracts::messages::{
    RelayEnded, RelayInterrupt, RelaySession, RelaySetup, TurnRequest,
};
use callwright_domain::Language;
use callwright_domain::relay::{self, Inbound, Outbound};
use callwright_workflows::LeadWorkflow;
use secrecy::ExposeSecret;
use std::time::Duration;
use temporalio_client::errors::WorkflowUpdateError;
use tokio::time::Instant;

/// How long a socket may stay silent before its `setup`.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The callee's silence after the agent stops speaking that counts as an empty turn (the
/// reprompt, then the goodbye), as `<Gather timeout>` does in gather mode.
const SILENCE: Duration = Duration::from_secs(6);

/// Speaking time per word, for the wait on Twilio's `agentSpeaking off` when it does not come
/// (a slow speaker says about 2.5 words a second).
const PER_WORD: Duration = Duration::from_millis(400);

/// How long the agent or the callee may be reported speaking before the silence is counted
/// anyway (Twilio's `off` event was lost): longer than any line either says.
const SPEAKING_AT_MOST: Duration = Duration::from_secs(60);

/// Before the first prompt of a call's first session, Twilio speaks the welcome greeting (the
/// disclosure, up to about 60 words): the callee's silence is counted after this at the latest.
const GREETING_AT_MOST: Duration = Duration::from_secs(30);

/// Twilio's payloads are small; a frame over this is not Twilio.
const MAX_FRAME: usize = relay::MAX_FRAME_BYTES;

/// Times an update is tried while Temporal is unreachable (the update id makes a retry safe).
const UPDATE_TRIES: u32 = 3;

/// The socket URL for a call: the public base URL with `ws`/`wss` for `http`/`https`.
pub fn socket_url(public_base_url: &str, wf: &str, attempt: u32) -> String {
    let query = serde_urlencoded::to_string([("wf", wf), ("attempt", &attempt.to_string())])
        .unwrap_or_default();
    format!("{}/twilio/relay?{query}", socket_base(public_base_url))
}

fn socket_base(public_base_url: &str) -> String {
    if let Some(rest) = public_base_url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = public_base_url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        public_base_url.to_owned()
    }
}

/// Checks a socket handshake without any I/O: the signature must match the socket URL Twilio
/// was given (`public_base_url` with its WebSocket scheme, then `path_and_query`), with no
/// parameters (403 otherwise); the URL must name `wf` and `attempt` (400 otherwise).
pub fn check_handshake(
    public_base_url: &str,
    auth_token: &str,
    path_and_query: &str,
    given: Option<&str>,
) -> Result<Target, ApiError> {
    let url = format!("{}{path_and_query}", socket_base(public_base_url));
    if !signature::verify(auth_token, &url, &[], given) {
        tracing::warn!(%url, "rejected a relay socket with a bad signature");
        return Err(ApiError::Forbidden);
    }
    let query = path_and_query
        .split_once('?')
        .map_or("", |(_, query)| query);
    serde_urlencoded::from_str(query).map_err(|e| ApiError::bad_request(format!("socket URL: {e}")))
}

/// The realtime socket of one call session.
#[utoipa::path(
    get,
    path = "/twilio/relay",
    operation_id = "twilioRelay",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(Target),
    responses(
        (status = 101, description = "WebSocket accepted: ConversationRelay messages (setup, prompt, interrupt, dtmf, info) in, text/language/end out"),
        (status = 400, description = "The URL does not name `wf` and `attempt`, or the request is not a WebSocket upgrade", body = callwright_contracts::api::error::ErrorBody),
        (status = 403, description = "The handshake's signature does not verify against the socket URL", body = callwright_contracts::api::error::ErrorBody),
    )
)]
pub async fn socket(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    // The signature comes first: nothing about a forged request is looked at further.
    let given = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let target = check_handshake(
        &state.config.public_base_url,
        state.config.twilio_auth_token.expose_secret(),
        path,
        given,
    )?;
    let upgrade =
        upgrade.map_err(|e| ApiError::bad_request(format!("not a WebSocket upgrade: {e}")))?;
    Ok(upgrade
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| async move {
            let wf = target.wf.clone();
            if let Err(error) = Session::new(state, target, socket).run().await {
                tracing::warn!(%wf, %error, "relay session ended with an error");
            }
        })
        .into_response())
}

/// A realtime session ended: Twilio asks what follows (`SessionStatus`, `HandoffData`).
#[utoipa::path(
    post,
    path = "/twilio/relay-ended",
    operation_id = "twilioRelayEnded",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(Target),
    request_body(content = super::openapi::RelayEndedForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML for the call: the transfer or hang-up the agent ended with, or a new session (without the greeting) after a failed one", body = String, content_type = "text/xml"),
        HookRefusals,
    )
)]
#[tracing::instrument(skip_all, fields(wf = %hook.target.wf, attempt = hook.target.attempt), err)]
pub async fn ended(State(state): State<AppState>, hook: Verified) -> Result<Response, ApiError> {
    let call_sid = hook.require("CallSid")?.to_owned();
    // A session refused at its handshake may come without an id: it is still answered, as its
    // own request (a repeat of it is not recognised).
    let session_id = hook
        .get("SessionId")
        .filter(|id| !id.is_empty())
        .map_or_else(
            || format!("unnamed-{}", uuid::Uuid::new_v4()),
            str::to_owned,
        );
    let session_status = hook.require("SessionStatus")?.to_owned();
    let update_id = format!("{call_sid}:relay-ended:{session_id}");
    let request = RelayEnded {
        attempt: hook.target.attempt,
        call_sid,
        session_id,
        session_status,
        handoff_data: hook.get("HandoffData").map(str::to_owned),
        error_code: hook.get("ErrorCode").map(str::to_owned),
    };
    let wf = hook.target.wf;
    update_response(
        execute_lead_update(&state, wf, LeadWorkflow::relay_ended, request, update_id).await,
    )
}

/// Why a session stopped early.
#[derive(Debug, thiserror::Error)]
enum SessionError {
    #[error("socket: {0}")]
    Socket(#[from] axum::Error),
    #[error("no setup within {0:?}")]
    NoSetup(Duration),
    #[error("{0}")]
    Refused(String),
    #[error("temporal: {0}")]
    Update(#[from] WorkflowUpdateError),
}

/// One session's state: which call, which turn comes next, what the agent is doing.
struct Session {
    state: AppState,
    target: Target,
    socket: WebSocket,
    call_sid: String,
    next_turn: u32,
    language: Language,
    /// When the callee's silence becomes an empty turn (`None`: someone is speaking, or a turn
    /// is being answered).
    silence_at: Option<Instant>,
    /// The conversation is over: `end` goes when the agent's last line has been spoken, or at
    /// this time if Twilio never says so.
    end_at: Option<Instant>,
    ending: bool,
    /// `end` went out: nothing more is sent.
    end_sent: bool,
    /// The last final prompt, until the callee is heard again (a repeat of it is dropped).
    last_prompt: Option<String>,
}

impl Session {
    fn new(state: AppState, target: Target, socket: WebSocket) -> Self {
        Self {
            state,
            target,
            socket,
            call_sid: String::new(),
            next_turn: 0,
            language: Language::En,
            silence_at: None,
            end_at: None,
            ending: false,
            end_sent: false,
            last_prompt: None,
        }
    }

    async fn run(mut self) -> Result<(), SessionError> {
        let session = match tokio::time::timeout(SETUP_TIMEOUT, self.setup()).await {
            Ok(session) => session?,
            Err(_) => {
                self.close(close_code::POLICY, "no setup").await;
                return Err(SessionError::NoSetup(SETUP_TIMEOUT));
            }
        };
        self.next_turn = session.next_turn;
        self.language = session.language;
        if session.ended {
            self.end().await?;
        } else if let Some(line) = session.say.filter(|l| !l.trim().is_empty()) {
            self.speak(&line).await?;
        } else {
            // Twilio is speaking the welcome greeting; `agentSpeaking off` starts the count.
            self.silence_at = Some(Instant::now() + GREETING_AT_MOST + SILENCE);
        }
        loop {
            let deadline = match (self.silence_at, self.end_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let wake = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                message = self.socket.recv() => match message {
                    None | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Err(e)) => return Err(e.into()),
                    Some(Ok(Message::Text(text))) => self.on_frame(text.as_str()).await?,
                    Some(Ok(Message::Binary(_))) => {
                        tracing::warn!(call = %self.call_sid, "binary frame on a relay socket: dropped");
                    }
                    Some(Ok(_)) => {}
                },
                () = wake => {
                    if self.end_at.is_some_and(|at| at <= Instant::now()) {
                        self.end().await?;
                    } else {
                        self.silence_at = None;
                        self.take_turn(None).await?;
                    }
                }
            }
        }
    }

    /// Waits for `setup`, checks it is this account's call and tells the workflow.
    async fn setup(&mut self) -> Result<RelaySession, SessionError> {
        loop {
            let text = match self.socket.recv().await {
                None | Some(Ok(Message::Close(_))) => {
                    return Err(SessionError::Refused("closed before setup".into()));
                }
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(_)) => continue,
            };
            let (session_id, call_sid, account_sid) = match relay::parse(text.as_str()) {
                Ok(Inbound::Setup {
                    session_id,
                    call_sid,
                    account_sid,
                    ..
                }) => (session_id, call_sid, account_sid),
                Ok(other) => {
                    tracing::warn!(wf = %self.target.wf, ?other, "relay frame before setup: dropped");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(wf = %self.target.wf, error = %e, "malformed relay frame: dropped");
                    continue;
                }
            };
            if let Some(expected) = &self.state.config.twilio_account_sid
                && account_sid != *expected
            {
                self.close(close_code::POLICY, "another account").await;
                return Err(SessionError::Refused(format!(
                    "setup for account {account_sid}"
                )));
            }
            self.call_sid = call_sid.clone();
            let update_id = format!("{call_sid}:relay:{session_id}");
            let request = RelaySetup {
                attempt: self.target.attempt,
                call_sid,
                session_id,
            };
            let wf = self.target.wf.clone();
            let state = self.state.clone();
            let result = with_retries(|| {
                execute_lead_update(
                    &state,
                    wf.clone(),
                    LeadWorkflow::relay_setup,
                    request.clone(),
                    update_id.clone(),
                )
            })
            .await;
            return match result {
                Ok(session) => Ok(session),
                Err(e) => {
                    // Not this workflow's live call, or the call is over.
                    self.close(close_code::POLICY, "no such call").await;
                    Err(e.into())
                }
            };
        }
    }

    async fn on_frame(&mut self, text: &str) -> Result<(), SessionError> {
        let frame = match relay::parse(text) {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!(call = %self.call_sid, error = %e, "malformed relay frame: dropped");
                return Ok(());
            }
        };
        match frame {
            Inbound::Prompt {
                voice_prompt, last, ..
            } => {
                self.silence_at = None;
                if !last {
                    self.last_prompt = None;
                } else if self.last_prompt.as_deref() == Some(voice_prompt.as_str()) {
                    tracing::warn!(call = %self.call_sid, "the same final prompt twice: dropped");
                } else if !self.ending {
                    self.last_prompt = Some(voice_prompt.clone());
                    self.take_turn(Some(voice_prompt)).await?;
                }
            }
            Inbound::Info { name, value } => match (name.as_str(), value.as_str()) {
                ("agentSpeaking", Some("off")) if self.ending => self.end().await?,
                // The callee's silence counts from the end of the agent's line, or of their own
                // words when no prompt followed them (a cough, noise).
                ("agentSpeaking" | "clientSpeaking", Some("off")) if !self.ending => {
                    self.silence_at = Some(Instant::now() + SILENCE);
                }
                ("agentSpeaking" | "clientSpeaking", Some("on")) if !self.ending => {
                    if name == "clientSpeaking" {
                        self.last_prompt = None;
                    }
                    self.silence_at = Some(Instant::now() + SPEAKING_AT_MOST + SILENCE);
                }
                _ => {}
            },
            Inbound::Interrupt {
                utterance_until_interrupt,
                duration_until_interrupt_ms,
            } => {
                self.interrupted(utterance_until_interrupt, duration_until_interrupt_ms)
                    .await
            }
            Inbound::Dtmf { digit } => {
                tracing::info!(call = %self.call_sid, %digit, "keypad digit on a relay call");
            }
            Inbound::Error { description } => {
                tracing::warn!(call = %self.call_sid, %description, "ConversationRelay reported an error");
            }
            Inbound::Setup { .. } => {
                tracing::warn!(call = %self.call_sid, "second setup on one socket: dropped");
            }
        }
        Ok(())
    }

    /// The callee cut the agent off: the workflow records what they heard of the line (one
    /// interrupt per line: the request id names the turn the line answered). Twilio has already
    /// stopped speaking and dropped what was queued; the callee's words follow as a prompt.
    async fn interrupted(&mut self, heard: String, spoken_ms: u64) {
        let request_id = format!("{}:interrupt:{}", self.call_sid, self.next_turn);
        let event = RelayInterrupt {
            attempt: self.target.attempt,
            call_sid: self.call_sid.clone(),
            heard,
            spoken_ms,
        };
        let sent = signal_lead(
            &self.state,
            self.target.wf.clone(),
            LeadWorkflow::relay_interrupted,
            event,
            request_id,
        )
        .await;
        if let Err(error) = sent {
            // The conversation goes on; only the transcript's mark is lost.
            tracing::warn!(call = %self.call_sid, %error, "interrupt not recorded");
        }
    }

    /// One callee turn (`None`: silence) through the workflow's `turn` update, and the agent's
    /// reply into the socket.
    async fn take_turn(&mut self, speech: Option<String>) -> Result<(), SessionError> {
        let turn = self.next_turn;
        let update_id = format!("{}:turn:{turn}", self.call_sid);
        let request = TurnRequest {
            attempt: self.target.attempt,
            call_sid: self.call_sid.clone(),
            turn,
            speech,
            confidence: None,
        };
        let wf = self.target.wf.clone();
        let state = self.state.clone();
        let result = with_retries(|| {
            execute_lead_update(
                &state,
                wf.clone(),
                LeadWorkflow::turn,
                request.clone(),
                update_id.clone(),
            )
        })
        .await;
        let reply = match result {
            Ok(reply) => reply,
            Err(error) => {
                // Out of order, or the conversation is over: the `<Connect action>` asks the
                // workflow what follows.
                tracing::warn!(call = %self.call_sid, turn, %error, "turn not taken; ending the session");
                return self.end().await;
            }
        };
        self.next_turn = turn + 1;
        if reply
            .language
            .is_some_and(|l| l.profile().relay.is_none() && !reply.ended)
        {
            // The callee moved to a language ConversationRelay does not speak here (Hebrew,
            // Arabic): the `<Connect action>` says the reply over `<Gather>` and goes on there.
            tracing::info!(call = %self.call_sid, "language without realtime voice: going over to gather");
            return self.end().await;
        }
        if let Some(language) = reply.language.filter(|l| *l != self.language) {
            let tag = language.profile().bcp47.to_owned();
            self.send(Outbound::Language {
                tts_language: Some(tag.clone()),
                transcription_language: Some(tag),
            })
            .await?;
            self.language = language;
        }
        if !reply.say.trim().is_empty() {
            self.speak(&reply.say).await?;
        }
        if reply.ended {
            self.ending = true;
            self.silence_at = None;
            self.end_at = Some(Instant::now() + speaking_time(&reply.say) + SILENCE);
        }
        Ok(())
    }

    /// Sends a whole line; the callee's silence is counted from its estimated end until Twilio
    /// says the agent stopped speaking.
    async fn speak(&mut self, line: &str) -> Result<(), SessionError> {
        self.send(Outbound::Text {
            token: line.to_owned(),
            last: true,
            interruptible: None,
            lang: None,
        })
        .await?;
        self.silence_at = Some(Instant::now() + speaking_time(line) + SILENCE);
        Ok(())
    }

    /// Ends the session (once); Twilio then asks the `<Connect action>` what follows.
    async fn end(&mut self) -> Result<(), SessionError> {
        self.end_at = None;
        self.silence_at = None;
        self.ending = true;
        if std::mem::replace(&mut self.end_sent, true) {
            return Ok(());
        }
        let handoff = serde_json::json!({ "reason": "conversation_over" }).to_string();
        self.send(Outbound::End {
            handoff_data: handoff,
        })
        .await
    }

    async fn send(&mut self, message: Outbound) -> Result<(), SessionError> {
        self.socket
            .send(Message::Text(message.to_frame().into()))
            .await?;
        Ok(())
    }

    async fn close(&mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.to_owned().into(),
        };
        let _ = self.socket.send(Message::Close(Some(frame))).await;
    }
}

fn speaking_time(line: &str) -> Duration {
    PER_WORD * u32::try_from(line.split_whitespace().count()).unwrap_or(u32::MAX)
}

/// Runs `call` again while Temporal is unavailable (a few times, briefly).
async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, WorkflowUpdateError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, WorkflowUpdateError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match call().await {
            Err(WorkflowUpdateError::Rpc(status))
                if status.code() == temporalio_client::tonic::Code::Unavailable
                    && tries < UPDATE_TRIES =>
            {
                tracing::warn!(%status, "temporal unavailable; trying the update again");
                tokio::time::sleep(Duration::from_millis(250 * u64::from(tries))).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://calls.example.com";

    #[test]
    fn the_socket_url_is_the_public_url_with_its_websocket_scheme() {
        assert_eq!(
            socket_url(BASE, "lead-1 a&b", 2),
            "wss://calls.example.com/twilio/relay?wf=lead-1+a%26b&attempt=2"
        );
        assert_eq!(
            socket_url("http://127.0.0.1:8080", "lead-1", 1),
            "ws://127.0.0.1:8080/twilio/relay?wf=lead-1&attempt=1"
        );
    }

    #[test]
    fn a_handshake_signed_over_the_socket_url_names_its_call() {
        let url = socket_url(BASE, "lead-7", 3);
        let path = url.trim_start_matches("wss://calls.example.com");
        let signed = signature::sign("token", &url, &[]);
        let target = check_handshake(BASE, "token", path, Some(&signed)).expect("verified");
        assert_eq!((target.wf.as_str(), target.attempt), ("lead-7", 3));
    }

    #[test]
    fn a_forged_or_redirected_handshake_is_refused() {
        let url = socket_url(BASE, "lead-7", 3);
        let path = url.trim_start_matches("wss://calls.example.com");
        let forbidden = |r: Result<Target, ApiError>| matches!(r, Err(ApiError::Forbidden));
        assert!(forbidden(check_handshake(BASE, "token", path, None)));
        let wrong_key = signature::sign("other", &url, &[]);
        assert!(forbidden(check_handshake(
            BASE,
            "token",
            path,
            Some(&wrong_key)
        )));
        // A signature for one call does not open another call's socket.
        let signed = signature::sign("token", &url, &[]);
        let other = socket_url(BASE, "lead-8", 3);
        let other_path = other.trim_start_matches("wss://calls.example.com");
        assert!(forbidden(check_handshake(
            BASE,
            "token",
            other_path,
            Some(&signed)
        )));
        // Signed over the https URL (a webhook's) instead of the socket's.
        let https = format!("{BASE}{path}");
        let as_webhook = signature::sign("token", &https, &[]);
        assert!(forbidden(check_handshake(
            BASE,
            "token",
            path,
            Some(&as_webhook)
        )));
    }
}
