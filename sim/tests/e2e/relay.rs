//! ConversationRelay against a tiny application on loopback: an axum server that serves the
//! `<Connect><ConversationRelay>` TwiML, checks the WebSocket upgrade's signature, answers
//! each final prompt with streamed `text` tokens, ends the session with `end`, and records
//! everything the simulator sent (socket messages, close codes, action requests).
//!
//! The voice URL's query string drives the application: `greet` (`none`/`speech`, the
//! greeting's interruptibility; `off` for no greeting), `sens` (`interruptSensitivity`, absent
//! for Twilio's default), `words` (length of each reply), `end` (send `end` on this final
//! prompt of the call), `bad` (send ten malformed frames after `setup`), `refuse` (answer the
//! upgrade 403), `reconnect` (answer a failed session with a new `<ConversationRelay>`
//! without greeting).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde_json::{Value, json};

use crate::stub::*;

const GREETING: &str = "Hi, this is an AI assistant calling from Acme, the call is recorded.";

/// Filler the booking callees take as "go on" (no cue, no question): they follow their script.
const FILLER: [&str; 16] = [
    "Thank", "you,", "I", "have", "noted", "that", "and", "will", "check", "our", "calendar",
    "for", "you", "right", "now", "then.",
];

#[derive(Debug, Default, Clone)]
struct SessionLog {
    signature_ok: bool,
    received: Vec<Value>,
    close_code: Option<u16>,
}

#[derive(Default)]
struct Log {
    sessions: Vec<SessionLog>,
    actions: Vec<Hit>,
    final_prompts: usize,
}

#[derive(Clone)]
struct App {
    base: String,
    log: Arc<Mutex<Log>>,
}

fn query(uri: &Uri) -> Vec<(String, String)> {
    serde_urlencoded::from_str(uri.query().unwrap_or_default()).unwrap_or_default()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;")
}

fn relay_twiml(host: &str, raw_query: &str, greeting: bool) -> String {
    let q: Vec<(String, String)> = serde_urlencoded::from_str(raw_query).unwrap_or_default();
    let greet = param(&q, "greet").unwrap_or("none");
    let greeting_attrs = if greeting && greet != "off" {
        format!(r#" welcomeGreeting="{GREETING}" welcomeGreetingInterruptible="{greet}""#)
    } else {
        String::new()
    };
    let sens = param(&q, "sens")
        .map(|s| format!(r#" interruptSensitivity="{s}""#))
        .unwrap_or_default();
    let (action, after) = if param(&q, "noaction").is_some() {
        (String::new(), "<Say>After the relay.</Say><Hangup/>")
    } else {
        (
            format!(r#" action="relay-action?{}""#, escape(raw_query)),
            "",
        )
    };
    let q = escape(raw_query);
    format!(
        r#"<Response><Connect{action}><ConversationRelay url="ws://{host}/relay?{q}"{greeting_attrs} language="en-US" ttsProvider="ElevenLabs" voice="v1" transcriptionProvider="Deepgram" speechModel="nova-3-general" interruptible="speech"{sens} dtmfDetection="true" debug="speaker-events"><Parameter name="wf" value="lead-1"/><Parameter name="attempt" value="1"/></ConversationRelay></Connect>{after}</Response>"#
    )
}

fn host(headers: &HeaderMap) -> String {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn voice(headers: HeaderMap, uri: Uri) -> Response {
    let xml = relay_twiml(&host(&headers), uri.query().unwrap_or_default(), true);
    ([("content-type", "text/xml")], xml).into_response()
}

async fn action(State(app): State<App>, headers: HeaderMap, uri: Uri, body: Bytes) -> Response {
    let host = host(&headers);
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let hit = Hit {
        path: uri.path().to_owned(),
        url: format!("http://{host}{uri}"),
        params,
        signature: headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let failed = hit.get("SessionStatus") == Some("failed");
    let failures = {
        let mut log = app.log.lock().unwrap();
        log.actions.push(hit);
        log.actions
            .iter()
            .filter(|h| h.get("SessionStatus") == Some("failed"))
            .count()
    };
    let q = query(&uri);
    let xml = if failed && param(&q, "reconnect").is_some() && failures < 3 {
        relay_twiml(&host, uri.query().unwrap_or_default(), false)
    } else {
        "<Response><Hangup/></Response>".to_owned()
    };
    ([("content-type", "text/xml")], xml).into_response()
}

async fn relay(State(app): State<App>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let url = format!("ws://{}{}", host(&parts.headers), parts.uri);
    let signature = parts
        .headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let signature_ok = signature_is_valid(&Hit {
        path: String::new(),
        url,
        params: Vec::new(),
        signature,
    });
    let q = query(&parts.uri);
    if param(&q, "refuse").is_some() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Ok(upgrade) = WebSocketUpgrade::from_request_parts(&mut parts, &()).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let index = {
        let mut log = app.log.lock().unwrap();
        log.sessions.push(SessionLog {
            signature_ok,
            ..SessionLog::default()
        });
        log.sessions.len() - 1
    };
    upgrade.on_upgrade(move |socket| converse(socket, app, index, q))
}

async fn send(socket: &mut WebSocket, v: Value) {
    let _ = socket.send(Message::Text(v.to_string().into())).await;
}

async fn converse(mut socket: WebSocket, app: App, index: usize, q: Vec<(String, String)>) {
    let words: usize = param(&q, "words").and_then(|w| w.parse().ok()).unwrap_or(6);
    let end_after: usize = param(&q, "end").and_then(|w| w.parse().ok()).unwrap_or(2);
    while let Some(Ok(message)) = socket.recv().await {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(frame) => {
                app.log.lock().unwrap().sessions[index].close_code = frame.map(|f| f.code);
                break;
            }
            _ => continue,
        };
        let v: Value = serde_json::from_str(text.as_str()).unwrap();
        app.log.lock().unwrap().sessions[index]
            .received
            .push(v.clone());
        if v["type"] == "setup" && param(&q, "bad").is_some() {
            for i in 0..10 {
                let bad = match i % 3 {
                    0 => Message::Text(format!("not json {i}").into()),
                    1 => Message::Text(json!({"type": "nope"}).to_string().into()),
                    _ => Message::Text(json!({"type": "text", "last": true}).to_string().into()),
                };
                let _ = socket.send(bad).await;
            }
        }
        if v["type"] == "prompt" && v["last"] == true {
            let n = {
                let mut log = app.log.lock().unwrap();
                log.final_prompts += 1;
                log.final_prompts
            };
            if n >= end_after {
                send(
                    &mut socket,
                    json!({"type": "end", "handoffData": "{\"reason\":\"done\"}"}),
                )
                .await;
                continue;
            }
            for (i, w) in FILLER.iter().cycle().take(words).enumerate() {
                // `split`: the answer comes as two talk cycles, the first ended mid-answer.
                let last = param(&q, "split").is_some() && i + 1 == words / 2;
                send(
                    &mut socket,
                    json!({"type": "text", "token": format!("{w} "), "last": last}),
                )
                .await;
            }
            send(
                &mut socket,
                json!({"type": "text", "token": "", "last": true}),
            )
            .await;
        }
    }
}

impl App {
    async fn start() -> App {
        let log = Arc::new(Mutex::new(Log::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = App { base, log };
        let router = Router::new()
            .route("/voice", post(voice))
            .route("/relay-action", post(action))
            .route("/relay", any(relay))
            .fallback(|| async { StatusCode::OK })
            .with_state(app.clone());
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        app
    }

    fn sessions(&self) -> Vec<SessionLog> {
        self.log.lock().unwrap().sessions.clone()
    }

    fn actions(&self) -> Vec<Hit> {
        self.log.lock().unwrap().actions.clone()
    }

    /// Places a call to `to` whose voice URL carries `query`, and waits until it is over.
    async fn call(&self, sim: &str, to: &str, query: &str) -> Value {
        let (status, created) = create_call(
            sim,
            &[
                ("To", to.to_owned()),
                ("From", "+15005550006".to_owned()),
                (
                    "Url",
                    format!("{}/voice?wf=lead-1&attempt=1&{query}", self.base),
                ),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let sid = created["sid"].as_str().unwrap().to_owned();
        let call = wait_final(sim, &sid).await;
        // The action request may still be on its way when the call is over (callee hang-up).
        tokio::time::sleep(Duration::from_millis(100)).await;
        call
    }
}

fn of_type<'a>(received: &'a [Value], kind: &str) -> Vec<&'a Value> {
    received.iter().filter(|v| v["type"] == kind).collect()
}

fn final_prompts(received: &[Value]) -> Vec<String> {
    received
        .iter()
        .filter(|v| v["type"] == "prompt" && v["last"] == true)
        .map(|v| v["voicePrompt"].as_str().unwrap().to_owned())
        .collect()
}

fn transcript(call: &Value) -> Vec<(String, String)> {
    call["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["speaker"].as_str().unwrap().to_owned(),
                l["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn filler(words: usize) -> String {
    FILLER
        .iter()
        .cycle()
        .take(words)
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn relay_session_signed_setup_prompts_latency_and_end() {
    // The replies carry no cue and ask nothing: the callee follows its script.
    for words in [6, 12] {
        let reply = filler(words);
        assert_eq!(
            callwright_sim::phrases::agent_cue(&reply),
            callwright_sim::phrases::AgentCue::Other
        );
        assert!(!callwright_sim::phrases::is_open_question(&reply));
    }
    let sim = start_sim().await;
    let app = App::start().await;
    let started = Instant::now();
    let call = app.call(&sim, "+15551230000", "end=3").await;
    assert_eq!(call["status"], "completed", "{call:#}");

    let sessions = app.sessions();
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert!(s.signature_ok, "X-Twilio-Signature over the URL as written");
    let setup = &s.received[0];
    assert_eq!(setup["type"], "setup");
    assert!(setup["sessionId"].as_str().unwrap().starts_with("VX"));
    assert_eq!(setup["callSid"], call["sid"]);
    assert_eq!(setup["accountSid"], ACCOUNT);
    assert_eq!(setup["from"], "+15005550006");
    assert_eq!(setup["to"], "+15551230000");
    assert_eq!(setup["direction"], "outbound-api");
    assert_eq!(setup["callType"], "PSTN");
    assert_eq!(setup["callStatus"], "IN-PROGRESS");
    assert_eq!(
        setup["customParameters"],
        json!({"wf": "lead-1", "attempt": "1"})
    );

    // Partials are cumulative and lead up to the final prompt; no confidence field.
    let prompts = of_type(&s.received, "prompt");
    let finals = final_prompts(&s.received);
    assert_eq!(finals.len(), 3, "{prompts:#?}");
    let first_final = prompts.iter().position(|p| p["last"] == true).unwrap();
    let partials: Vec<&str> = prompts[..first_final]
        .iter()
        .map(|p| p["voicePrompt"].as_str().unwrap())
        .collect();
    assert!(partials.len() > 1, "{partials:?}");
    for pair in partials.windows(2) {
        assert!(pair[1].starts_with(pair[0]), "{partials:?}");
    }
    assert_eq!(*partials.last().unwrap(), finals[0]);
    assert!(prompts.iter().all(|p| p.get("confidence").is_none()));
    assert!(prompts.iter().all(|p| p["lang"] == "en-US"));
    // The callee speaks after the greeting, and its first turn is its script's first line.
    assert_eq!(
        finals[0],
        "Yes, that sounds interesting. How about Thursday at 3 pm?"
    );

    // Speaker events around the greeting and each reply.
    let infos: Vec<(String, String)> = of_type(&s.received, "info")
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let agent_on = infos
        .iter()
        .filter(|(n, v)| n == "agentSpeaking" && v == "on")
        .count();
    assert_eq!(agent_on, 3, "greeting and two replies: {infos:?}");
    assert!(infos.contains(&("clientSpeaking".into(), "on".into())));
    assert!(of_type(&s.received, "interrupt").is_empty());
    assert_eq!(s.close_code, Some(1000));

    // The action: ended, with the session id, duration and handoff data; signed.
    let actions = app.actions();
    assert_eq!(actions.len(), 1);
    let a = &actions[0];
    assert!(signature_is_valid(a), "{a:?}");
    assert_eq!(a.get("SessionStatus"), Some("ended"));
    assert_eq!(a.get("SessionId"), setup["sessionId"].as_str());
    assert_eq!(a.get("HandoffData"), Some("{\"reason\":\"done\"}"));
    assert_eq!(a.get("CallStatus"), Some("in-progress"));
    assert_eq!(a.get("CallSid"), call["sid"].as_str());
    assert!(a.get("SessionDuration").unwrap().parse::<u64>().is_ok());
    assert!(a.url.contains("/relay-action?wf=lead-1&attempt=1"));

    // The call record: latencies for the two answered prompts, the session as it went.
    let latencies = call["reply_latencies_ms"].as_array().unwrap();
    assert_eq!(latencies.len(), 2, "{call:#}");
    let elapsed = started.elapsed().as_millis() as u64;
    assert!(latencies.iter().all(|l| l.as_u64().unwrap() <= elapsed));
    let rs = &call["relay_sessions"][0];
    assert_eq!(rs["session_id"], setup["sessionId"]);
    assert_eq!(rs["welcome_greeting"], true);
    assert_eq!(rs["status"], "ended");
    assert_eq!(rs["prompts"], 3);
    assert_eq!(rs["handoff_data"], "{\"reason\":\"done\"}");
    assert_eq!(rs["interrupts"], json!([]));
    let said = transcript(&call);
    assert_eq!(said[0], ("agent".to_owned(), GREETING.to_owned()));
    assert_eq!(said[1].0, "callee");
    assert_eq!(said[2], ("agent".to_owned(), filler(6)));
}

#[tokio::test]
async fn interrupt_carries_exactly_the_words_heard() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app
        .call(&sim, "+15551230017", "words=12&end=4&sens=low")
        .await;
    let s = &app.sessions()[0];
    let interrupts = of_type(&s.received, "interrupt");
    assert_eq!(interrupts.len(), 1, "{:#?}", s.received);
    let heard = filler(5);
    assert_eq!(interrupts[0]["utteranceUntilInterrupt"], heard.as_str());
    assert!(interrupts[0]["durationUntilInterruptMs"].as_u64().unwrap() >= 1000);
    // The interrupt comes before the callee's next final prompt, which the app answers.
    let at = s
        .received
        .iter()
        .position(|v| v["type"] == "interrupt")
        .unwrap();
    assert!(
        s.received[at..]
            .iter()
            .any(|v| v["type"] == "prompt" && v["last"] == true)
    );
    let rs = &call["relay_sessions"][0];
    assert_eq!(
        rs["interrupts"][0]["utterance_until_interrupt"],
        heard.as_str()
    );
    // The call log has the heard part, never the whole line, for that cycle.
    let said = transcript(&call);
    assert!(
        said.contains(&("agent".to_owned(), heard.clone())),
        "{said:#?}"
    );
    let whole = said
        .iter()
        .filter(|(who, t)| who == "agent" && *t == filler(12))
        .count();
    assert_eq!(whole, 2, "the other two replies are heard whole: {said:#?}");
}

#[tokio::test]
async fn backchannel_at_low_sensitivity_is_no_interrupt() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app
        .call(&sim, "+15551230019", "words=12&end=3&sens=low")
        .await;
    let s = &app.sessions()[0];
    assert!(of_type(&s.received, "interrupt").is_empty());
    assert!(final_prompts(&s.received).iter().all(|p| p != "Uh-huh."));
    let said = transcript(&call);
    assert!(said.contains(&("callee".to_owned(), "Uh-huh.".to_owned())));
    assert_eq!(call["relay_sessions"][0]["status"], "ended");
}

#[tokio::test]
async fn backchannel_at_default_sensitivity_interrupts() {
    let sim = start_sim().await;
    let app = App::start().await;
    app.call(&sim, "+15551230019", "words=12&end=3").await;
    let s = &app.sessions()[0];
    let interrupts = of_type(&s.received, "interrupt");
    assert!(!interrupts.is_empty());
    assert_eq!(interrupts[0]["utteranceUntilInterrupt"], filler(4).as_str());
    assert_eq!(final_prompts(&s.received)[1], "Uh-huh.");
}

#[tokio::test]
async fn talking_over_a_greeting_that_is_not_interruptible() {
    let sim = start_sim().await;
    let app = App::start().await;
    app.call(&sim, "+15551230018", "greet=none&end=1").await;
    let s = &app.sessions()[0];
    assert!(of_type(&s.received, "interrupt").is_empty());
    let greeting_off = s
        .received
        .iter()
        .position(|v| v["name"] == "agentSpeaking" && v["value"] == "off")
        .unwrap();
    let first_final = s
        .received
        .iter()
        .position(|v| v["type"] == "prompt" && v["last"] == true)
        .unwrap();
    assert!(greeting_off < first_final);

    let app = App::start().await;
    let call = app.call(&sim, "+15551230018", "greet=speech&end=1").await;
    let s = &app.sessions()[0];
    let interrupts = of_type(&s.received, "interrupt");
    assert_eq!(interrupts.len(), 1);
    assert_eq!(interrupts[0]["utteranceUntilInterrupt"], "Hi, this is");
    assert_eq!(
        call["relay_sessions"][0]["interrupts"][0]["utterance_until_interrupt"],
        "Hi, this is"
    );
}

#[tokio::test]
async fn dropped_socket_fails_the_session_and_the_call_goes_on_in_a_new_one() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app.call(&sim, "+15551230020", "end=3&reconnect=1").await;
    assert_eq!(call["status"], "completed");
    let sessions = app.sessions();
    assert_eq!(sessions.len(), 2, "{call:#}");
    assert!(sessions.iter().all(|s| s.signature_ok));
    assert_eq!(
        sessions[0].close_code, None,
        "dropped without a close frame"
    );
    assert_eq!(final_prompts(&sessions[0].received).len(), 2);
    let setups: Vec<&Value> = sessions.iter().map(|s| &s.received[0]).collect();
    assert_ne!(setups[0]["sessionId"], setups[1]["sessionId"]);
    assert_eq!(setups[0]["callSid"], setups[1]["callSid"]);
    // The new session has no greeting: the callee, owed an answer, speaks first.
    assert_eq!(final_prompts(&sessions[1].received).len(), 1);

    let actions = app.actions();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0].get("SessionStatus"), Some("failed"));
    assert_eq!(actions[0].get("ErrorCode"), Some("64105"));
    assert_eq!(actions[0].get("CallStatus"), Some("in-progress"));
    assert_eq!(actions[1].get("SessionStatus"), Some("ended"));

    let rs = call["relay_sessions"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    assert_eq!(rs[0]["status"], "failed");
    assert_eq!(rs[0]["error_code"], 64105);
    assert_eq!(rs[1]["welcome_greeting"], false);
    assert_eq!(rs[1]["status"], "ended");
    let greetings = transcript(&call)
        .iter()
        .filter(|(_, t)| t == GREETING)
        .count();
    assert_eq!(greetings, 1, "reconnected without a second greeting");
}

#[tokio::test]
async fn ten_malformed_frames_close_the_socket_with_1007() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app
        .call(&sim, "+15551230009", "bad=1&greet=off&end=99")
        .await;
    let s = &app.sessions()[0];
    let errors = of_type(&s.received, "error");
    assert_eq!(errors.len(), 10, "{:#?}", s.received);
    assert!(
        errors
            .iter()
            .all(|e| e["description"].as_str().unwrap().contains("64107"))
    );
    assert_eq!(s.close_code, Some(1007));
    let actions = app.actions();
    assert_eq!(actions[0].get("SessionStatus"), Some("failed"));
    assert_eq!(actions[0].get("ErrorCode"), Some("64107"));
    assert_eq!(call["relay_sessions"][0]["errors_sent"], 10);
}

#[tokio::test]
async fn refused_handshake_fails_the_session_with_64102() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app.call(&sim, "+15551230000", "refuse=1").await;
    assert!(app.sessions().is_empty());
    let actions = app.actions();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].get("SessionStatus"), Some("failed"));
    assert_eq!(actions[0].get("ErrorCode"), Some("64102"));
    assert_eq!(call["relay_sessions"][0]["status"], "failed");
    assert_eq!(call["status"], "completed");
}

#[tokio::test]
async fn callee_hang_up_completes_the_session() {
    let sim = start_sim().await;
    let app = App::start().await;
    // hangs_up: "Who is this?", then hangs up after the agent's next line.
    let call = app.call(&sim, "+15551230008", "end=99").await;
    let s = &app.sessions()[0];
    assert_eq!(final_prompts(&s.received), ["Who is this?"]);
    assert_eq!(s.close_code, Some(1000));
    let actions = app.actions();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0].get("SessionStatus"), Some("completed"));
    assert_eq!(actions[0].get("CallStatus"), Some("completed"));
    assert_eq!(call["relay_sessions"][0]["status"], "completed");
    assert_eq!(call["status"], "completed");
}

#[tokio::test]
async fn rest_modification_closes_the_socket_at_once() {
    let sim = start_sim().await;
    let app = App::start().await;
    // silent: the session stays open, nothing ends it but the REST request.
    let (_, created) = create_call(
        &sim,
        &[
            ("To", "+15551230009".to_owned()),
            ("From", "+15005550006".to_owned()),
            (
                "Url",
                format!("{}/voice?wf=lead-1&attempt=1&end=99", app.base),
            ),
        ],
    )
    .await;
    let sid = created["sid"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.sessions().is_empty() {
        assert!(Instant::now() < deadline, "no session");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let response = client()
        .post(format!(
            "{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/{sid}.json"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&[("Twiml", "<Response><Say>Bye now</Say><Hangup/></Response>")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let call = wait_final(&sim, &sid).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.sessions()[0].close_code, Some(1000));
    assert!(app.actions().is_empty(), "no action after a REST change");
    assert_eq!(call["relay_sessions"][0]["status"], "modified");
    assert_eq!(
        transcript(&call).last().unwrap(),
        &("agent".to_owned(), "Bye now".to_owned())
    );
}

#[tokio::test]
async fn gather_turns_have_latencies_too() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    let (_, created) = create_call(
        &sim,
        &[
            ("To", "+15551230000".to_owned()),
            ("From", "+15005550006".to_owned()),
            ("Url", format!("{}/voice", stub.base)),
        ],
    )
    .await;
    let call = wait_final(&sim, created["sid"].as_str().unwrap()).await;
    assert_eq!(call["reply_latencies_ms"].as_array().unwrap().len(), 1);
    assert_eq!(call["relay_sessions"], json!([]));
}

async fn set_chaos(sim: &str, config: Value) {
    let response = client()
        .post(format!("{sim}/sim/chaos"))
        .json(&config)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn chaos_counters(sim: &str) -> Value {
    let body: Value = client()
        .get(format!("{sim}/sim/chaos"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["counters"].clone()
}

#[tokio::test]
async fn chaos_duplicates_final_prompts() {
    let sim = start_sim().await;
    set_chaos(&sim, json!({"relay_duplicate_prompt": 1.0})).await;
    let app = App::start().await;
    app.call(&sim, "+15551230000", "end=2").await;
    let finals = final_prompts(&app.sessions()[0].received);
    assert_eq!(finals.len(), 2, "{finals:?}");
    assert_eq!(finals[0], finals[1]);
    assert_eq!(chaos_counters(&sim).await["relay_prompts_duplicated"], 1);
}

#[tokio::test]
async fn chaos_drops_sockets_and_the_action_decides() {
    let sim = start_sim().await;
    set_chaos(&sim, json!({"relay_drop": 1.0})).await;
    let app = App::start().await;
    let call = app.call(&sim, "+15551230000", "end=99&reconnect=1").await;
    assert_eq!(call["status"], "completed");
    let actions = app.actions();
    assert!(!actions.is_empty());
    assert_eq!(actions[0].get("SessionStatus"), Some("failed"));
    assert_eq!(actions[0].get("ErrorCode"), Some("64105"));
    let dropped = chaos_counters(&sim).await["relay_sockets_dropped"]
        .as_u64()
        .unwrap();
    assert!(dropped >= 1);
    assert!(app.sessions().iter().all(|s| s.close_code.is_none()));
}

#[tokio::test]
async fn the_callee_waits_for_the_agents_last_cycle() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app
        .call(&sim, "+15551230000", "words=12&end=3&split=1")
        .await;
    let said = transcript(&call);
    let halves = [filler(6), FILLER[6..12].join(" ")];
    let first = said.iter().position(|(_, t)| *t == halves[0]).unwrap();
    assert_eq!(
        said[first + 1],
        ("agent".to_owned(), halves[1].clone()),
        "{said:#?}"
    );
    assert_eq!(said[first + 2].0, "callee");
    // The callee (00) never starts talking while the agent talks.
    let mut agent_on = false;
    for v in of_type(&app.sessions()[0].received, "info") {
        match (v["name"].as_str().unwrap(), v["value"].as_str().unwrap()) {
            ("agentSpeaking", value) => agent_on = value == "on",
            ("clientSpeaking", "on") => assert!(!agent_on, "the callee talked over the agent"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn without_an_action_the_document_goes_on() {
    let sim = start_sim().await;
    let app = App::start().await;
    let call = app.call(&sim, "+15551230000", "end=1&noaction=1").await;
    assert!(app.actions().is_empty());
    assert_eq!(call["relay_sessions"][0]["status"], "ended");
    assert_eq!(
        transcript(&call).last().unwrap(),
        &("agent".to_owned(), "After the relay.".to_owned())
    );
}
