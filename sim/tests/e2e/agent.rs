//! A toy agent (voice webhook + LLM loop, without the booking tools) driving the talking
//! personas that end a call without a meeting, in several languages, checking the outcome
//! tool the scripted model picks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use crate::stub::*;

#[derive(Default)]
struct Memory {
    history: HashMap<String, Vec<Value>>,
    tools: HashMap<String, Vec<String>>,
}

#[derive(Clone)]
struct Agent {
    sim: String,
    memory: Arc<Mutex<Memory>>,
}

fn lang_tag(to: &str) -> &'static str {
    for (prefix, tag) in [
        ("+972", "he-IL"),
        ("+33", "fr-FR"),
        ("+49", "de-DE"),
        ("+34", "es-ES"),
        ("+39", "it-IT"),
        ("+966", "ar-SA"),
        ("+55", "pt-BR"),
        ("+31", "nl-NL"),
        ("+7", "ru-RU"),
        ("+48", "pl-PL"),
        ("+90", "tr-TR"),
        ("+81", "ja-JP"),
        ("+91", "hi-IN"),
        ("+86", "zh-CN"),
    ] {
        if to.starts_with(prefix) {
            return tag;
        }
    }
    "en-US"
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn turn(State(agent): State<Agent>, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap();
    let sid = form["CallSid"].clone();
    let tag = lang_tag(&form["To"]);
    let system = format!(
        "You are Alex.\nConversation language: {tag}\nCurrent local time for the callee: 2026-11-24T10:15:00+02:00"
    );
    let mut messages = {
        let memory = agent.memory.lock().unwrap();
        memory
            .history
            .get(&sid)
            .cloned()
            .unwrap_or_else(|| vec![json!({"role": "system", "content": system})])
    };
    if let Some(speech) = form.get("SpeechResult") {
        messages.push(json!({"role": "user", "content": speech}));
    }
    let tools: Vec<Value> = ["schedule_callback", "opt_out", "end_call"]
        .iter()
    .map(|n| json!({"type": "function", "function": {"name": n, "parameters": {"type": "object"}}}))
    .collect();
    let reply: Value = client()
        .post(format!("{}/v1/chat/completions", agent.sim))
        .json(&json!({"model": "test", "messages": messages, "tools": tools}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = reply["choices"][0]["message"].clone();
    let content = escape(message["content"].as_str().unwrap_or_default());
    messages.push(message.clone());
    let tool = message["tool_calls"][0]["function"]["name"]
        .as_str()
        .map(str::to_owned);
    {
        let mut memory = agent.memory.lock().unwrap();
        memory.history.insert(sid.clone(), messages);
        if let Some(tool) = &tool {
            memory.tools.entry(sid).or_default().push(tool.clone());
        }
    }
    let twiml = if tool.is_some() {
        format!("<Response><Say language=\"{tag}\">{content}</Say><Hangup/></Response>")
    } else {
        format!(
            "<Response><Gather input=\"speech\" action=\"/turn\" actionOnEmptyResult=\"true\" timeout=\"5\" language=\"{tag}\"><Say language=\"{tag}\">{content}</Say></Gather></Response>"
        )
    };
    ([("content-type", "text/xml")], twiml).into_response()
}

#[tokio::test]
async fn personas_reach_their_outcomes_in_several_languages() {
    let sim = start_sim().await;
    let agent = Agent {
        sim: sim.clone(),
        memory: Arc::new(Mutex::new(Memory::default())),
    };
    let app = Router::new()
        .route("/turn", post(turn))
        .with_state(agent.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let expectations = [
        ("02", Some("end_call")),
        ("03", Some("schedule_callback")),
        ("04", Some("opt_out")),
        ("08", None),
        ("10", None),
    ];
    let prefixes = [
        "+1555123",
        "+97250123",
        "+3361234",
        "+4915112",
        "+3461234",
        "+3931234",
        "+96650123",
        "+55119123",
        "+3161234",
        "+7912345",
        "+4851234",
        "+9053212",
        "+8190123",
        "+9198123",
        "+8613812",
    ];
    let mut pending = Vec::new();
    for prefix in prefixes {
        for (suffix, expected) in expectations {
            let to = format!("{prefix}45{suffix}");
            let params = [
                ("To", to.clone()),
                ("From", "+15005550006".to_owned()),
                ("Url", format!("{base}/turn")),
            ];
            let (status, created) = create_call(&sim, &params).await;
            assert_eq!(status, 201, "{created}");
            pending.push((to, created["sid"].as_str().unwrap().to_owned(), expected));
        }
    }
    for (to, sid, expected) in pending {
        let call = wait_final(&sim, &sid).await;
        assert_eq!(call["status"], "completed", "{to}: {call:#}");
        let tools = agent
            .memory
            .lock()
            .unwrap()
            .tools
            .get(&sid)
            .cloned()
            .unwrap_or_default();
        let expected: Vec<String> = expected.iter().map(|t| (*t).to_owned()).collect();
        assert_eq!(
            tools, expected,
            "{to} ({}): {:#}",
            call["persona"], call["transcript"]
        );
    }
}
