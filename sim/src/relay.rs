//! Twilio ConversationRelay: `<Connect action><ConversationRelay url …>` hands the call to the
//! application's WebSocket as text, the way Twilio does.
//!
//! - **Handshake**: a WebSocket upgrade to `url` (`ws://` or `wss://`; the simulator is built
//!   without TLS, so only `ws://` connects) carrying `X-Twilio-Signature`, the usual webhook
//!   signature over the URL exactly as written in the TwiML with no body parameters. A refused
//!   upgrade fails the session (error 64102).
//! - **Twilio → app**: `setup` first (a new `sessionId` per session, the call's `callSid`, the
//!   `<Parameter>`s as `customParameters`); the callee's speech as `prompt`s, word by word at
//!   speaking pace with the cumulative text (`last: false`), then the whole turn
//!   (`last: true`); `interrupt` with exactly the words of the agent's line the callee heard
//!   when its speech cuts an interruptible line; `info` `agentSpeaking`/`clientSpeaking`
//!   `on`/`off` when `debug` contains `speaker-events`; `error` (64107) for each malformed or
//!   unknown frame, the tenth of which closes the socket with code 1007.
//! - **App → Twilio**: `text` tokens are spoken as they come: a talk cycle starts with its
//!   first token and plays at 2.5 words per simulated second; `last: true` ends it, and the
//!   whole line is then in the call log and heard by the persona. `play` speaks simulated
//!   speech audio (from the simulator's text to speech) like `<Play>`; `sendDigits` and
//!   `language` are logged (`language` changes the `lang` of later prompts); `end` closes the
//!   socket (1000), cutting whatever is still playing.
//! - **Action**: after `end`, the `<Connect action>` is requested with `SessionStatus=ended`
//!   (plus `SessionId`, `SessionDuration`, `HandoffData`) and its TwiML runs next. A socket the
//!   app closes or drops without `end`, or a refused handshake, gives `SessionStatus=failed`
//!   with `ErrorCode` 64105 (64102, 64107); Twilio does not reconnect by itself, the action's
//!   answer decides. When the callee hangs up the socket is closed, the action gets
//!   `SessionStatus=completed` and `CallStatus=completed`, and its answer is not executed.
//!   Without an action the document goes on after `<Connect>`.
//! - A REST modification closes the socket and takes effect at once, as for any other verb.
//!
//! The callee is the call's [`Persona`](crate::personas::Persona): it takes its turn once it
//! heard an agent line ([`Persona::reply`](crate::personas::Persona::reply)), may talk over
//! the agent ([`Persona::talk_over`](crate::personas::Persona::talk_over)), which interrupts
//! only a line that is interruptible by speech (`interruptible`, or the `text` message's own
//! `interruptible`; `welcomeGreetingInterruptible` for the greeting; Twilio's default is
//! `any`) and, at `interruptSensitivity="low"`, not with a backchannel of two words or fewer.
//! A silent callee sends nothing: reprompting is the application's job. A callee whose turn
//! got no answer (lost with a dropped socket, say) says it again after 8 s of dead air, at
//! most twice in a row. Chaos mode can send a final prompt twice or drop the socket
//! ([`crate::chaos::ChaosConfig`]). For each final prompt
//! the real time to the first `text` token is kept ([`crate::store::CallRecord`]'s
//! `reply_latencies_ms`), and every session is described in `relay_sessions`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures::{SinkExt as _, StreamExt as _};
use rand::Rng as _;
use serde_json::{Map, Value, json};
use tokio::net::TcpStream;
use tokio::time::Instant as Clock;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::call_driver::{CallCtx, guard};
use crate::chaos::roll;
use crate::personas::{Reply, TalkOver};
use crate::store::{Control, RelayInterrupt, RelaySession, new_sid};
use crate::twilio::signature;
use crate::twilio::twiml::{Connect, ConversationRelay};
use crate::twilio::webhook;
use crate::twiml_exec::{End, Flow, Source, WORDS_PER_SEC, app_error, interrupt};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Real time allowed for the WebSocket upgrade.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Malformed frames tolerated: the tenth closes the socket (1007).
const MAX_BAD_FRAMES: u32 = 10;

/// Silence after the callee's last word before the turn is final (Twilio's end of speech).
const END_OF_SPEECH_SECS: f64 = 0.5;

/// The callee's pause before answering a line it heard to the end.
const REPLY_PAUSE_SECS: f64 = 0.3;

/// On a new session without a greeting, the callee who was owed an answer waits this long
/// for the agent, then speaks (as a person says "hello?" when the line went quiet).
const RECONNECT_PAUSE_SECS: f64 = 1.0;

/// Dead air after the callee's turn before it says it again, as a person whose question went
/// unanswered does (e.g. the answer was lost with a dropped socket).
const DEAD_AIR_SECS: f64 = 8.0;

/// Times in a row the callee repeats an unanswered turn before it just waits.
const MAX_REPEATS: u32 = 2;

/// Error codes Twilio reports for a failed session.
const ERR_HANDSHAKE: u32 = 64102;
const ERR_CLOSED: u32 = 64105;
const ERR_INVALID_MESSAGE: u32 = 64107;

/// ConversationRelay state of a call that outlives one session.
#[derive(Debug, Default)]
pub struct CallRelay {
    /// The callee heard an agent line it has not answered yet.
    callee_owes_reply: bool,
    /// Agent lines that answered a callee's final prompt and were heard to the end.
    answered_turns: u32,
    /// The `drops_socket` persona's drop already happened.
    dropped: bool,
    /// The callee's last final prompt, said again after dead air.
    last_turn: Option<String>,
    /// Repeats of `last_turn` since the agent last spoke.
    repeats: u32,
}

/// How a session ended.
#[derive(Debug)]
enum SessionEnd {
    /// The app sent `end`.
    Ended { handoff: Option<String> },
    /// Handshake refused, socket closed or dropped without `end`, or too many bad frames.
    Failed { code: u32, why: String },
    /// The callee hung up.
    CalleeHungUp,
    /// A REST modification took over.
    Rest(Control),
}

/// Executes `<Connect>`: one ConversationRelay session, then the action.
pub(crate) async fn run(ctx: &mut CallCtx, connect: &Connect, base: &str) -> Flow {
    let Some(cr) = &connect.relay else {
        ctx.state.store.event(
            &ctx.sid,
            "verb",
            "skipped <Connect> without <ConversationRelay>",
        );
        return Flow::Next;
    };
    let action = match connect
        .action
        .as_deref()
        .map(|a| webhook::resolve(base, a))
        .transpose()
    {
        Ok(action) => action,
        Err(e) => return Flow::Stop(app_error(ctx, format!("Connect action: {e}"))),
    };
    let session_id = new_sid("VX");
    let started = Instant::now();
    let record = RelaySession {
        session_id: session_id.clone(),
        url: cr.url.clone(),
        welcome_greeting: cr.welcome_greeting.is_some(),
        started_at: chrono::Utc::now(),
        prompts: 0,
        interrupts: Vec::new(),
        errors_sent: 0,
        status: None,
        error_code: None,
        error: None,
        handoff_data: None,
        duration_secs: None,
    };
    ctx.state
        .store
        .update(&ctx.sid, |c| c.relay_sessions.push(record));
    ctx.state.store.event(
        &ctx.sid,
        "verb",
        format!(
            "Connect ConversationRelay {} (session {session_id}, {})",
            cr.url,
            if cr.welcome_greeting.is_some() {
                "with a welcome greeting"
            } else {
                "no welcome greeting"
            }
        ),
    );

    let end = session(ctx, cr, &session_id).await;

    let secs = ctx.state.simulated_secs(started.elapsed()).ceil().max(0.0) as u64;
    let status = match &end {
        SessionEnd::Ended { .. } => "ended",
        SessionEnd::Failed { .. } => "failed",
        SessionEnd::CalleeHungUp => "completed",
        SessionEnd::Rest(_) => "modified",
    };
    update_session(ctx, &session_id, |s| {
        s.status = Some(status.to_owned());
        s.duration_secs = Some(secs);
        match &end {
            SessionEnd::Ended { handoff } => s.handoff_data.clone_from(handoff),
            SessionEnd::Failed { code, why } => {
                s.error_code = Some(*code);
                s.error = Some(why.clone());
            }
            _ => {}
        }
    });
    let detail = match &end {
        SessionEnd::Failed { code, why } => format!("session {session_id} failed ({code}): {why}"),
        _ => format!("session {session_id} {status} after {secs} s"),
    };
    ctx.state.store.event(&ctx.sid, "relay", detail);

    let mut extra = vec![
        ("SessionId".to_owned(), session_id),
        ("SessionStatus".to_owned(), status.to_owned()),
        ("SessionDuration".to_owned(), secs.to_string()),
    ];
    match end {
        SessionEnd::Rest(control) => interrupt(ctx, control),
        SessionEnd::CalleeHungUp => {
            if let Some(url) = action {
                // Twilio tells the application, but the call is over: the answer is not run.
                let mut params = ctx.params("completed");
                params.extend(extra);
                let detail = match ctx
                    .state
                    .webhooks
                    .send(&connect.method, &url, &params)
                    .await
                {
                    Ok(r) => format!(
                        "{} {url} -> HTTP {} (session completed, TwiML not executed)",
                        connect.method, r.status
                    ),
                    Err(e) => format!("{} {url}: {e}", connect.method),
                };
                ctx.state.store.event(&ctx.sid, "webhook", detail);
            }
            Flow::Stop(End::CalleeHungUp)
        }
        SessionEnd::Ended { handoff } => {
            if let Some(handoff) = handoff {
                extra.push(("HandoffData".to_owned(), handoff));
            }
            next(action, &connect.method, extra)
        }
        SessionEnd::Failed { code, why } => {
            extra.push(("ErrorCode".to_owned(), code.to_string()));
            extra.push(("ErrorMessage".to_owned(), why));
            next(action, &connect.method, extra)
        }
    }
}

/// The action's document, or the next verb when `<Connect>` has no action.
fn next(action: Option<String>, method: &str, extra: Vec<(String, String)>) -> Flow {
    match action {
        Some(url) => Flow::Goto(Source::Fetch {
            url,
            method: method.to_owned(),
            extra,
        }),
        None => Flow::Next,
    }
}

fn update_session(ctx: &CallCtx, id: &str, f: impl FnOnce(&mut RelaySession)) {
    ctx.state.store.update(&ctx.sid, |c| {
        if let Some(s) = c
            .relay_sessions
            .iter_mut()
            .rev()
            .find(|s| s.session_id == id)
        {
            f(s);
        }
    });
}

/// Opens the socket with the signed upgrade request.
async fn handshake(ctx: &mut CallCtx, cr: &ConversationRelay) -> Result<Socket, SessionEnd> {
    let refused = |why: String| SessionEnd::Failed {
        code: ERR_HANDSHAKE,
        why,
    };
    if !(cr.url.starts_with("ws://") || cr.url.starts_with("wss://")) {
        return Err(refused(format!("url {:?} is not ws:// or wss://", cr.url)));
    }
    let mut request = cr
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| refused(format!("url {:?}: {e}", cr.url)))?;
    // Signed over the URL as written in the TwiML, query string included, with no parameters.
    let signature = signature::sign(&ctx.state.config.auth_token, &cr.url, &[]);
    let value = HeaderValue::from_str(&signature).map_err(|e| refused(e.to_string()))?;
    request.headers_mut().insert("X-Twilio-Signature", value);
    let connecting =
        tokio::time::timeout(HANDSHAKE_TIMEOUT, tokio_tungstenite::connect_async(request));
    match guard(&mut ctx.rx, connecting).await {
        Err(control) => Err(SessionEnd::Rest(control)),
        Ok(Err(_)) => Err(refused("the upgrade timed out".to_owned())),
        Ok(Ok(Err(e))) => Err(refused(format!("the upgrade failed: {e}"))),
        Ok(Ok(Ok((ws, _)))) => Ok(ws),
    }
}

async fn session(ctx: &mut CallCtx, cr: &ConversationRelay, id: &str) -> SessionEnd {
    let mut ws = match handshake(ctx, cr).await {
        Ok(ws) => ws,
        Err(end) => return end,
    };
    let mut s = Session::new(cr, id);
    match s.run(ctx, &mut ws).await {
        Ok(never) => match never {},
        // A drop or a dead socket ends here: `ws` goes away without a close frame.
        Err(end) => end,
    }
}

/// Whether speech may cut a line under this `interruptible` setting (Twilio's default: any).
fn speech_interrupts(setting: Option<&str>) -> bool {
    setting.is_none_or(|s| {
        matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "any" | "speech" | "true"
        )
    })
}

/// Whether an utterance of `words` words is too short to interrupt at this sensitivity
/// (Twilio's default is high: everything interrupts).
fn too_short_to_interrupt(sensitivity: Option<&str>, words: usize) -> bool {
    match sensitivity
        .unwrap_or("high")
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "low" => words <= 2,
        "medium" => words <= 1,
        _ => false,
    }
}

/// One talk cycle of the agent.
#[derive(Debug)]
struct Line {
    /// Tokens received so far.
    text: String,
    /// `last: true` was received.
    last: bool,
    /// Words played so far.
    spoken: usize,
    /// When the word being played is over; `None` when waiting for tokens.
    next_word: Option<Clock>,
    /// When its first word started playing.
    started: Option<Clock>,
    /// Speech may cut it.
    interruptible: bool,
    /// The welcome greeting.
    greeting: bool,
    /// The callee spoke during it but could not cut it: it answers right after.
    talked_over: bool,
    /// It is the agent's answer to a final prompt.
    answers_turn: bool,
}

impl Line {
    fn new(interruptible: bool) -> Self {
        Self {
            text: String::new(),
            last: false,
            spoken: 0,
            next_word: None,
            started: None,
            interruptible,
            greeting: false,
            talked_over: false,
            answers_turn: false,
        }
    }

    /// Words that can be played: a token may end inside a word, so the last one counts only
    /// once whitespace follows it or the cycle is over.
    fn available(&self) -> usize {
        let n = self.text.split_whitespace().count();
        if self.last || n == 0 || self.text.ends_with(char::is_whitespace) {
            n
        } else {
            n - 1
        }
    }

    fn words(&self, n: usize) -> String {
        self.text
            .split_whitespace()
            .take(n)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn done(&self) -> bool {
        self.last && self.spoken >= self.available()
    }
}

/// The callee speaking.
#[derive(Debug)]
struct CalleeTalk {
    text: String,
    words: Vec<String>,
    sent: usize,
    next_at: Clock,
}

enum Event {
    Rest(Control),
    Tick,
    Frame(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
}

/// Uninhabited: a session only ever ends with a [`SessionEnd`].
enum Never {}

struct Session<'a> {
    cr: &'a ConversationRelay,
    id: &'a str,
    speaker_events: bool,
    lang: String,
    default_interruptible: bool,
    lines: VecDeque<Line>,
    callee: Option<CalleeTalk>,
    reply_at: Option<Clock>,
    /// Tokens of a cut cycle still arriving are dropped until the next final prompt.
    discard: bool,
    /// When the last final prompt was sent, until the first token of the answer.
    awaiting: Option<Instant>,
    /// The next agent line answers a final prompt.
    answer_pending: bool,
    bad_frames: u32,
    /// Chaos mode: when the socket is dropped.
    drop_at: Option<Clock>,
    /// When the callee says its unanswered turn again.
    dead_air_at: Option<Clock>,
}

impl<'a> Session<'a> {
    fn new(cr: &'a ConversationRelay, id: &'a str) -> Self {
        Self {
            cr,
            id,
            speaker_events: cr.debug.as_deref().is_some_and(|d| {
                d.split([' ', ','])
                    .any(|o| o.trim().eq_ignore_ascii_case("speaker-events"))
            }),
            lang: cr.language.clone().unwrap_or_else(|| "en-US".to_owned()),
            default_interruptible: speech_interrupts(cr.interruptible.as_deref()),
            lines: VecDeque::new(),
            callee: None,
            reply_at: None,
            discard: false,
            awaiting: None,
            answer_pending: false,
            bad_frames: 0,
            drop_at: None,
            dead_air_at: None,
        }
    }

    fn word_time(ctx: &CallCtx) -> Duration {
        ctx.state.sim_time(1.0 / WORDS_PER_SEC)
    }

    async fn run(&mut self, ctx: &mut CallCtx, ws: &mut Socket) -> Result<Never, SessionEnd> {
        self.setup(ctx, ws).await?;
        let now = Clock::now();
        if let Some(greeting) = &self.cr.welcome_greeting {
            let mut line = Line::new(speech_interrupts(
                self.cr.welcome_greeting_interruptible.as_deref(),
            ));
            line.text = greeting.clone();
            line.last = true;
            line.greeting = true;
            self.lines.push_back(line);
            self.resume(ctx, ws, now).await?;
        } else if ctx.relay.callee_owes_reply {
            self.reply_at = Some(now + ctx.state.sim_time(RECONNECT_PAUSE_SECS));
        } else if ctx.relay.last_turn.is_some() {
            // The answer to the callee's last turn was lost with the previous session.
            self.dead_air_at = Some(now + ctx.state.sim_time(DEAD_AIR_SECS));
        }
        loop {
            let deadline = self.deadline();
            let sleep = async move {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let event = tokio::select! {
                biased;
                Some(control) = ctx.rx.recv() => Event::Rest(control),
                () = sleep => Event::Tick,
                frame = ws.next() => Event::Frame(frame),
            };
            match event {
                Event::Rest(control) => {
                    close(ws, CloseCode::Normal, "call modified").await;
                    return Err(SessionEnd::Rest(control));
                }
                Event::Tick => self.tick(ctx, ws).await?,
                Event::Frame(frame) => self.frame(ctx, ws, frame).await?,
            }
        }
    }

    fn deadline(&self) -> Option<Clock> {
        [
            self.lines.front().and_then(|l| l.next_word),
            self.callee.as_ref().map(|c| c.next_at),
            self.reply_at,
            self.drop_at,
            self.dead_air_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    async fn setup(&self, ctx: &CallCtx, ws: &mut Socket) -> Result<(), SessionEnd> {
        let params: Map<String, Value> = self
            .cr
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        send(
            ws,
            json!({
                "type": "setup",
                "sessionId": self.id,
                "callSid": ctx.sid,
                "parentCallSid": "",
                "accountSid": ctx.state.config.account_sid,
                "from": ctx.req.from,
                "to": ctx.req.to,
                "forwardedFrom": "",
                "callerName": "",
                "direction": "outbound-api",
                "callType": "PSTN",
                "callStatus": "IN-PROGRESS",
                "customParameters": params,
            }),
        )
        .await
    }

    async fn info(&self, ws: &mut Socket, name: &str, on: bool) -> Result<(), SessionEnd> {
        if !self.speaker_events {
            return Ok(());
        }
        let value = if on { "on" } else { "off" };
        send(ws, json!({"type": "info", "name": name, "value": value})).await
    }

    async fn tick(&mut self, ctx: &mut CallCtx, ws: &mut Socket) -> Result<(), SessionEnd> {
        let now = Clock::now();
        if self.drop_at.is_some_and(|at| at <= now) {
            ctx.state
                .store
                .count_chaos(|c| c.relay_sockets_dropped += 1);
            ctx.state.store.event(
                &ctx.sid,
                "chaos",
                "the relay socket is dropped without a close frame",
            );
            return Err(SessionEnd::Failed {
                code: ERR_CLOSED,
                why: "the WebSocket connection dropped".to_owned(),
            });
        }
        if self
            .lines
            .front()
            .and_then(|l| l.next_word)
            .is_some_and(|at| at <= now)
        {
            self.agent_word(ctx, ws, now).await?;
        }
        if self.callee.as_ref().is_some_and(|c| c.next_at <= now) {
            self.callee_word(ctx, ws, now).await?;
        }
        if self.reply_at.is_some_and(|at| at <= now) {
            self.reply_at = None;
            // While the agent is still talking (a next cycle queued) the callee listens on;
            // the end of that line gives it its turn again.
            if self.lines.is_empty() {
                self.callee_turn(ctx, ws, now).await?;
            }
        }
        if self.dead_air_at.is_some_and(|at| at <= now) {
            self.dead_air_at = None;
            if let Some(turn) = ctx.relay.last_turn.clone()
                && self.callee.is_none()
                && self.lines.is_empty()
                && ctx.relay.repeats < MAX_REPEATS
            {
                ctx.relay.repeats += 1;
                ctx.state.store.event(
                    &ctx.sid,
                    "relay",
                    "dead air after the callee's turn: it says it again",
                );
                self.start_callee(ctx, ws, turn, now).await?;
            }
        }
        Ok(())
    }

    /// One more word of the agent's line has been played.
    async fn agent_word(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let Some(line) = self.lines.front_mut() else {
            return Ok(());
        };
        line.spoken += 1;
        line.next_word = None;
        let (greeting, heard, known, interruptible) = (
            line.greeting,
            line.spoken,
            line.available(),
            line.interruptible,
        );
        let over = if self.callee.is_none() {
            ctx.persona.talk_over(greeting, heard, known)
        } else {
            None
        };
        match over {
            Some(TalkOver::Turn) if interruptible => {
                self.cut(ctx, ws, now).await?;
                return self.callee_turn(ctx, ws, now).await;
            }
            Some(TalkOver::Turn) => {
                line.talked_over = true;
                ctx.state.store.event(
                    &ctx.sid,
                    "relay",
                    "the callee talks over a line that speech cannot interrupt: no interrupt, \
                     its words come as a prompt after the line",
                );
            }
            Some(TalkOver::Backchannel(text)) => {
                let words = text.split_whitespace().count();
                ctx.state.store.say(&ctx.sid, "callee", &text);
                let sensitivity = self.cr.interrupt_sensitivity.as_deref();
                if !interruptible || too_short_to_interrupt(sensitivity, words) {
                    ctx.state.store.event(
                        &ctx.sid,
                        "relay",
                        format!(
                            "backchannel {text:?} not an interruption (interruptSensitivity {})",
                            sensitivity.unwrap_or("high (default)")
                        ),
                    );
                } else {
                    self.cut(ctx, ws, now).await?;
                    return self.start_callee(ctx, ws, text, now).await;
                }
            }
            None => {}
        }
        self.resume(ctx, ws, now).await
    }

    /// Keeps the agent's lines playing: starts the front line, schedules its next word,
    /// finishes it when fully played, then goes on with the next one.
    async fn resume(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let word = Self::word_time(ctx);
        loop {
            let Some(line) = self.lines.front_mut() else {
                return Ok(());
            };
            if line.done() {
                self.finish_line(ctx, ws, now).await?;
                continue;
            }
            if line.next_word.is_none() && line.spoken < line.available() {
                line.next_word = Some(now + word);
                if line.started.is_none() {
                    // Speech starts with the first token that makes a word.
                    line.started = Some(now);
                    self.info(ws, "agentSpeaking", true).await?;
                }
            }
            return Ok(());
        }
    }

    /// The front line was played to its end.
    async fn finish_line(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let Some(line) = self.lines.pop_front() else {
            return Ok(());
        };
        if line.started.is_some() {
            self.info(ws, "agentSpeaking", false).await?;
        }
        let text = line.words(usize::MAX);
        if text.is_empty() {
            return Ok(());
        }
        ctx.state.store.say(&ctx.sid, "agent", &text);
        if line.answers_turn {
            ctx.relay.answered_turns += 1;
        }
        if ctx.persona.hear(&text) {
            return Err(self.hang_up(ctx, ws).await);
        }
        ctx.relay.callee_owes_reply = true;
        if let Some(after) = ctx.persona.drops_socket_after()
            && !ctx.relay.dropped
            && ctx.relay.answered_turns >= after
        {
            ctx.relay.dropped = true;
            ctx.state.store.event(
                &ctx.sid,
                "relay",
                "persona drops_socket: the socket is dropped without a close frame",
            );
            return Err(SessionEnd::Failed {
                code: ERR_CLOSED,
                why: "the WebSocket connection dropped".to_owned(),
            });
        }
        let pause = if line.talked_over {
            0.0
        } else {
            REPLY_PAUSE_SECS
        };
        self.reply_at = Some(now + ctx.state.sim_time(pause));
        Ok(())
    }

    /// The callee's speech cuts the front line: `interrupt` with what was heard, the rest of
    /// the cycle and anything queued after it is not played.
    async fn cut(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let Some(line) = self.lines.pop_front() else {
            return Ok(());
        };
        let heard = line.words(line.spoken);
        let played = line
            .started
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
        let ms = (ctx.state.simulated_secs(played) * 1000.0).round().max(0.0) as u64;
        send(
            ws,
            json!({
                "type": "interrupt",
                "utteranceUntilInterrupt": heard,
                "durationUntilInterruptMs": ms,
            }),
        )
        .await?;
        self.info(ws, "agentSpeaking", false).await?;
        let dropped = self.lines.len();
        self.lines.clear();
        self.discard = !line.done() || dropped > 0;
        update_session(ctx, self.id, |s| {
            s.interrupts.push(RelayInterrupt {
                utterance_until_interrupt: heard.clone(),
                duration_until_interrupt_ms: ms,
            });
        });
        ctx.state.store.event(
            &ctx.sid,
            "relay",
            format!("interrupt after {ms} ms; the callee heard {heard:?}"),
        );
        ctx.state.store.say(&ctx.sid, "agent", &heard);
        if ctx.persona.hear(&heard) {
            return Err(self.hang_up(ctx, ws).await);
        }
        Ok(())
    }

    /// The callee's turn: it says what it has to say, or nothing, or hangs up.
    async fn callee_turn(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        if self.callee.is_some() {
            return Ok(());
        }
        ctx.relay.callee_owes_reply = false;
        match ctx.persona.reply() {
            Reply::Speak { text, .. } => self.start_callee(ctx, ws, text, now).await,
            Reply::Silent => {
                // Nothing is sent: reprompting on silence is the application's job.
                self.discard = false;
                ctx.state
                    .store
                    .event(&ctx.sid, "relay", "the callee says nothing");
                Ok(())
            }
            Reply::HangUp => Err(self.hang_up(ctx, ws).await),
        }
    }

    async fn start_callee(
        &mut self,
        ctx: &CallCtx,
        ws: &mut Socket,
        text: String,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
        if words.is_empty() {
            return Ok(());
        }
        self.info(ws, "clientSpeaking", true).await?;
        self.callee = Some(CalleeTalk {
            text,
            words,
            sent: 0,
            next_at: now + Self::word_time(ctx),
        });
        Ok(())
    }

    /// One more word of the callee's speech: a partial prompt, or after the last word and the
    /// end-of-speech silence, the final one.
    async fn callee_word(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        now: Clock,
    ) -> Result<(), SessionEnd> {
        let Some(talk) = self.callee.as_mut() else {
            return Ok(());
        };
        if talk.sent < talk.words.len() {
            talk.sent += 1;
            let partial = talk.words[..talk.sent].join(" ");
            talk.next_at = now
                + if talk.sent < talk.words.len() {
                    Self::word_time(ctx)
                } else {
                    ctx.state.sim_time(END_OF_SPEECH_SECS)
                };
            let lang = self.lang.clone();
            return send(
                ws,
                json!({"type": "prompt", "voicePrompt": partial, "lang": lang, "last": false}),
            )
            .await;
        }
        let Some(talk) = self.callee.take() else {
            return Ok(());
        };
        self.info(ws, "clientSpeaking", false).await?;
        ctx.state.store.say(&ctx.sid, "callee", &talk.text);
        self.discard = false;
        let prompt =
            json!({"type": "prompt", "voicePrompt": talk.text, "lang": self.lang, "last": true});
        send(ws, prompt.clone()).await?;
        self.awaiting = Some(Instant::now());
        self.dead_air_at = Some(now + ctx.state.sim_time(DEAD_AIR_SECS));
        ctx.relay.last_turn = Some(talk.text.clone());
        let chaos = ctx.state.store.chaos();
        if roll(chaos.relay_duplicate_prompt) {
            ctx.state
                .store
                .count_chaos(|c| c.relay_prompts_duplicated += 1);
            ctx.state
                .store
                .event(&ctx.sid, "chaos", "final prompt sent twice");
            send(ws, prompt).await?;
        }
        if self.drop_at.is_none() && roll(chaos.relay_drop) {
            let secs = rand::thread_rng().gen_range(0.0..3.0);
            self.drop_at = Some(now + ctx.state.sim_time(secs));
        }
        self.answer_pending = true;
        update_session(ctx, self.id, |s| s.prompts += 1);
        Ok(())
    }

    async fn hang_up(&mut self, ctx: &CallCtx, ws: &mut Socket) -> SessionEnd {
        ctx.state.store.event(&ctx.sid, "callee", "callee hung up");
        close(ws, CloseCode::Normal, "call ended").await;
        SessionEnd::CalleeHungUp
    }

    async fn frame(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Result<(), SessionEnd> {
        let closed = |why: String| SessionEnd::Failed {
            code: ERR_CLOSED,
            why,
        };
        let text = match frame {
            None => return Err(closed("the socket closed without a close frame".to_owned())),
            Some(Err(e)) => return Err(closed(format!("the socket failed: {e}"))),
            Some(Ok(Message::Close(frame))) => {
                let code =
                    frame.map_or_else(|| "no code".to_owned(), |f| u16::from(f.code).to_string());
                return Err(closed(format!(
                    "the application closed the socket ({code}) without end"
                )));
            }
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => return self.bad_frame(ctx, ws, "a binary frame").await,
            Some(Ok(_)) => return Ok(()),
        };
        let Ok(message) = serde_json::from_str::<Value>(text.as_str()) else {
            return self.bad_frame(ctx, ws, "not JSON").await;
        };
        let kind = message.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "text" => self.text(ctx, ws, &message).await,
            "play" => self.play(ctx, ws, &message).await,
            "sendDigits" => match message.get("digits").and_then(Value::as_str) {
                Some(digits) => {
                    ctx.state
                        .store
                        .event(&ctx.sid, "relay", format!("sendDigits {digits}"));
                    Ok(())
                }
                None => self.bad_frame(ctx, ws, "sendDigits without digits").await,
            },
            "language" => {
                let tts = message.get("ttsLanguage").and_then(Value::as_str);
                let stt = message.get("transcriptionLanguage").and_then(Value::as_str);
                if tts.is_none() && stt.is_none() {
                    return self.bad_frame(ctx, ws, "language without a language").await;
                }
                if let Some(stt) = stt {
                    self.lang = stt.to_owned();
                }
                ctx.state.store.event(
                    &ctx.sid,
                    "relay",
                    format!("language tts {tts:?}, transcription {stt:?}"),
                );
                Ok(())
            }
            "end" => {
                let handoff = match message.get("handoffData") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                // `end` closes the session at once: a line still playing is cut where it is.
                if let Some(line) = self.lines.front()
                    && line.spoken > 0
                    && !line.done()
                {
                    let heard = line.words(line.spoken);
                    ctx.state.store.event(
                        &ctx.sid,
                        "relay",
                        format!("end while the agent was speaking; heard {heard:?}"),
                    );
                    ctx.state.store.say(&ctx.sid, "agent", &heard);
                    ctx.persona.hear(&heard);
                }
                close(ws, CloseCode::Normal, "session ended").await;
                Err(SessionEnd::Ended { handoff })
            }
            "" => self.bad_frame(ctx, ws, "no type").await,
            other => {
                let why = format!("unknown type {other:?}");
                self.bad_frame(ctx, ws, &why).await
            }
        }
    }

    async fn text(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        message: &Value,
    ) -> Result<(), SessionEnd> {
        let Some(token) = message.get("token").and_then(Value::as_str) else {
            return self.bad_frame(ctx, ws, "text without a token").await;
        };
        let last = message
            .get("last")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if self.discard {
            return Ok(());
        }
        self.agent_answers(ctx);
        let interruptible = message
            .get("interruptible")
            .and_then(Value::as_bool)
            .unwrap_or(self.default_interruptible);
        if self.lines.back().is_none_or(|l| l.last) {
            let mut line = Line::new(interruptible);
            line.answers_turn = std::mem::take(&mut self.answer_pending);
            self.lines.push_back(line);
            // The agent talks again before the callee took its turn (a reprompt, or the first
            // words of a new session): the callee listens, and answers once this line is heard.
            self.reply_at = None;
        }
        if let Some(line) = self.lines.back_mut() {
            line.text.push_str(token);
            line.last = last;
        }
        self.resume(ctx, ws, Clock::now()).await
    }

    /// The agent answers (text or audio): the callee's turn is not lost, and its reply time is
    /// taken at the first answer.
    fn agent_answers(&mut self, ctx: &mut CallCtx) {
        self.dead_air_at = None;
        ctx.relay.repeats = 0;
        if let Some(sent) = self.awaiting.take() {
            let ms = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX);
            ctx.state
                .store
                .update(&ctx.sid, |c| c.reply_latencies_ms.push(ms));
        }
    }

    async fn play(
        &mut self,
        ctx: &mut CallCtx,
        ws: &mut Socket,
        message: &Value,
    ) -> Result<(), SessionEnd> {
        let Some(source) = message.get("source").and_then(Value::as_str) else {
            return self.bad_frame(ctx, ws, "play without a source").await;
        };
        if self.discard {
            return Ok(());
        }
        self.agent_answers(ctx);
        let speech = match ctx.state.webhooks.fetch_media(source).await {
            Ok(bytes) => crate::tts::decode(&bytes),
            Err(e) => {
                ctx.state
                    .store
                    .event(&ctx.sid, "relay", format!("play {source}: {e}"));
                None
            }
        };
        ctx.state
            .store
            .event(&ctx.sid, "relay", format!("play {source}: {speech:?}"));
        if let Some(text) = speech {
            let interruptible = message
                .get("interruptible")
                .and_then(Value::as_bool)
                .unwrap_or(self.default_interruptible);
            let mut line = Line::new(interruptible);
            line.text = text;
            line.last = true;
            line.answers_turn = std::mem::take(&mut self.answer_pending);
            self.lines.push_back(line);
        }
        self.resume(ctx, ws, Clock::now()).await
    }

    /// A frame Twilio cannot use: `error` 64107; the tenth closes the socket (1007).
    async fn bad_frame(
        &mut self,
        ctx: &CallCtx,
        ws: &mut Socket,
        why: &str,
    ) -> Result<(), SessionEnd> {
        self.bad_frames += 1;
        update_session(ctx, self.id, |s| s.errors_sent += 1);
        ctx.state.store.event(
            &ctx.sid,
            "relay",
            format!("invalid message ({}): {why}", self.bad_frames),
        );
        send(
            ws,
            json!({
                "type": "error",
                "description": format!("Invalid message received ({ERR_INVALID_MESSAGE}): {why}"),
            }),
        )
        .await?;
        if self.bad_frames >= MAX_BAD_FRAMES {
            close(ws, CloseCode::Invalid, "too many invalid messages").await;
            return Err(SessionEnd::Failed {
                code: ERR_INVALID_MESSAGE,
                why: format!("{MAX_BAD_FRAMES} invalid messages"),
            });
        }
        Ok(())
    }
}

async fn send(ws: &mut Socket, message: Value) -> Result<(), SessionEnd> {
    ws.send(Message::text(message.to_string()))
        .await
        .map_err(|e| SessionEnd::Failed {
            code: ERR_CLOSED,
            why: format!("the socket failed: {e}"),
        })
}

/// Sends a close frame and waits briefly for the peer's, so the closing handshake completes.
async fn close(ws: &mut Socket, code: CloseCode, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if ws.close(Some(frame)).await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = ws.next().await {} };
    let _ = tokio::time::timeout(Duration::from_millis(250), drain).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interruptible_settings() {
        assert!(speech_interrupts(None));
        assert!(speech_interrupts(Some("any")));
        assert!(speech_interrupts(Some("Speech")));
        assert!(speech_interrupts(Some("true")));
        assert!(!speech_interrupts(Some("none")));
        assert!(!speech_interrupts(Some("dtmf")));
        assert!(!speech_interrupts(Some("false")));
    }

    #[test]
    fn sensitivity_keeps_short_backchannels_out() {
        assert!(too_short_to_interrupt(Some("low"), 2));
        assert!(!too_short_to_interrupt(Some("low"), 3));
        assert!(too_short_to_interrupt(Some("medium"), 1));
        assert!(!too_short_to_interrupt(Some("medium"), 2));
        assert!(!too_short_to_interrupt(Some("high"), 1));
        assert!(!too_short_to_interrupt(None, 1));
    }

    #[test]
    fn a_word_cut_by_a_token_waits_for_the_rest() {
        let mut line = Line::new(true);
        line.text = "Hello the".to_owned();
        assert_eq!(line.available(), 1);
        line.text.push_str("re ");
        assert_eq!(line.available(), 2);
        line.text.push_str("friend");
        assert_eq!(line.available(), 2);
        line.last = true;
        assert_eq!(line.available(), 3);
        assert_eq!(line.words(2), "Hello there");
    }
}
