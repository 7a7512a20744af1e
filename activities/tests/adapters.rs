//! The provider adapters over real HTTP, against the simulator: request shape and auth, and the
//! retry classification of what comes back (4xx permanent, 429/5xx/timeouts retryable with the
//! provider's `Retry-After`).

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use callwright_agents::prompt::tools;
use callwright_providers::embeddings::{Embedder, EmbeddingsConfig, OpenAiEmbeddings};
use callwright_providers::llm::{ChatMessage, ChatModel, ChatParams, OpenAiChat, OpenAiConfig};
use callwright_providers::telephony::{PlaceCall, Telephony, TwilioClient, TwilioConfig};
use callwright_sim::{Sim, SimConfig};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::Duration;

async fn sim(llm_delay_ms: u64) -> String {
    paced_sim(llm_delay_ms, 0.0).await
}

/// A simulator whose model takes `llm_delay_ms` to its first token and writes
/// `tokens_per_sec` after it.
async fn paced_sim(llm_delay_ms: u64, tokens_per_sec: f64) -> String {
    let config = SimConfig {
        llm_delay_ms,
        llm_tokens_per_sec: tokens_per_sec,
        ..SimConfig::for_tests(0.01)
    };
    let sim = Sim::build(config).await.unwrap();
    let url = sim.base_url();
    sim.spawn();
    url
}

fn twilio(base_url: &str, auth_token: &str) -> TwilioClient {
    TwilioClient::new(TwilioConfig {
        base_url: base_url.to_owned(),
        account_sid: SimConfig::default().account_sid,
        auth_token: SecretString::from(auth_token.to_owned()),
        from_number: "+15005550006".to_owned(),
    })
    .unwrap()
}

fn llm(base_url: &str, timeout: Duration) -> OpenAiChat {
    OpenAiChat::new(OpenAiConfig {
        base_url: format!("{base_url}/v1"),
        api_key: SecretString::from("key".to_owned()),
        model: "scripted".to_owned(),
        timeout,
    })
    .unwrap()
}

fn call_to(to: &str) -> PlaceCall {
    PlaceCall {
        to: to.to_owned(),
        voice_url: "http://127.0.0.1:9/twilio/voice?wf=w&attempt=1".to_owned(),
        status_callback: "http://127.0.0.1:9/twilio/status?wf=w&attempt=1".to_owned(),
        amd_callback: "http://127.0.0.1:9/twilio/amd?wf=w&attempt=1".to_owned(),
        recording_callback: "http://127.0.0.1:9/twilio/recording?wf=w&attempt=1".to_owned(),
        ring_timeout_secs: 20,
    }
}

async fn fault(base: &str, body: Value) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/sim/faults"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
}

#[tokio::test]
async fn twilio_places_a_call_with_callbacks_amd_and_recording() {
    let base = sim(0).await;
    let sid = twilio(&base, &SimConfig::default().auth_token)
        .place_call(&call_to("+14155552606"))
        .await
        .unwrap();
    assert!(sid.starts_with("CA") && sid.len() == 34, "{sid}");
    let calls: Vec<Value> = reqwest::get(format!("{base}/sim/calls"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["sid"], sid.as_str());
    assert_eq!(
        calls[0]["status_callback"],
        "http://127.0.0.1:9/twilio/status?wf=w&attempt=1"
    );
    let found = twilio(&base, &SimConfig::default().auth_token)
        .calls_to(
            "+14155552606",
            chrono::Utc::now() - chrono::Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|c| c.sid.as_str()).collect::<Vec<_>>(),
        vec![sid.as_str()]
    );
}

#[tokio::test]
async fn twilio_client_errors_are_permanent() {
    let base = sim(0).await;
    let bad_number = twilio(&base, &SimConfig::default().auth_token)
        .place_call(&call_to("+12"))
        .await
        .unwrap_err();
    assert_eq!(
        (bad_number.status, bad_number.retryable),
        (Some(400), false),
        "{bad_number}"
    );
    let bad_auth = twilio(&base, "wrong-token")
        .place_call(&call_to("+14155552606"))
        .await
        .unwrap_err();
    assert_eq!(
        (bad_auth.status, bad_auth.retryable),
        (Some(401), false),
        "{bad_auth}"
    );
}

#[tokio::test]
async fn twilio_rate_limit_is_retryable_after_its_delay() {
    let base = sim(0).await;
    fault(&base, json!({"twilio_create_429": 1})).await;
    let err = twilio(&base, &SimConfig::default().auth_token)
        .place_call(&call_to("+14155552606"))
        .await
        .unwrap_err();
    assert_eq!(
        (err.status, err.retryable, err.retry_after),
        (Some(429), true, Some(Duration::from_secs(1))),
        "{err}"
    );
}

#[tokio::test]
async fn unreachable_provider_is_retryable() {
    let err = twilio("http://127.0.0.1:9", "t")
        .place_call(&call_to("+14155552606"))
        .await
        .unwrap_err();
    assert!(err.retryable && err.status.is_none(), "{err}");
}

fn french_booking() -> Vec<ChatMessage> {
    vec![
        ChatMessage::new(
            "system",
            "You are an assistant.\nConversation language: fr-FR\nCurrent local time for the callee: 2026-11-24T10:00:00+01:00 (Tuesday)",
        ),
        ChatMessage::new(
            "assistant",
            "Bonjour, seriez-vous d'accord pour un rendez-vous ?",
        ),
        ChatMessage::new("user", "Oui, que diriez-vous de jeudi à 15h ?"),
    ]
}

#[tokio::test]
async fn llm_tool_calls_come_back_parsed() {
    let base = sim(0).await;
    let reply = llm(&base, Duration::from_secs(5))
        .complete(
            &french_booking(),
            &tools(false, false),
            &ChatParams::default(),
        )
        .await
        .unwrap();
    assert_eq!(reply.tool_calls.len(), 1, "{reply:?}");
    let call = &reply.tool_calls[0];
    assert_eq!(call.name, "check_availability");
    assert_eq!(call.arguments["day"], "2026-11-26");
    assert_eq!(call.arguments["time"], "15:00");
    assert!(!call.id.is_empty());

    // The tool result goes back on the wire as OpenAI expects (assistant tool_calls, then a
    // `tool` message answering the call's id), and the model offers what it was given.
    let mut messages = french_booking();
    messages.push(ChatMessage::assistant_calls(
        reply.content.clone(),
        reply.tool_calls.clone(),
    ));
    let slots = json!({"tool": "check_availability", "slots": [
        {"id": "s1", "start": "2026-11-26T15:00:00+01:00", "label": "jeudi 26 novembre à 15h00"},
        {"id": "s2", "start": "2026-11-27T10:00:00+01:00", "label": "vendredi 27 novembre à 10h00"}
    ]});
    messages.push(ChatMessage::tool(&call.id, &slots));
    let offer = llm(&base, Duration::from_secs(5))
        .complete(&messages, &tools(false, false), &ChatParams::default())
        .await
        .unwrap();
    let text = offer.content.unwrap_or_default();
    assert!(
        text.contains("jeudi 26 novembre à 15h00") && text.contains("vendredi 27 novembre à 10h00"),
        "{text}"
    );
}

/// A streamed answer is handed over piece by piece while the model writes it, and comes out
/// the same as the whole answer: the same text, the same tool call with its arguments joined
/// from their fragments.
#[tokio::test]
async fn llm_streams_text_as_it_is_written_and_reassembles_tool_calls() {
    // 40 tokens a second: a sentence of a dozen tokens takes a quarter of a second to write.
    let base = paced_sim(0, 40.0).await;
    let model = llm(&base, Duration::from_secs(10));
    let greeting = vec![
        ChatMessage::new(
            "system",
            "You are calling on behalf of Acme.\nConversation language: en",
        ),
        ChatMessage::new("user", "Hello? Who is this? What is this call about?"),
    ];
    for (messages, tools, spoken) in [
        (greeting, tools(false, false), true),
        (french_booking(), tools(false, false), false),
    ] {
        let whole = model
            .complete(&messages, &tools, &ChatParams::default())
            .await
            .unwrap();
        let mut pieces: Vec<(std::time::Instant, String)> = Vec::new();
        let streamed = model
            .stream(&messages, &tools, &ChatParams::default(), &mut |text| {
                pieces.push((std::time::Instant::now(), text.to_owned()))
            })
            .await
            .unwrap();
        let heard: String = pieces.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(streamed.content, whole.content);
        assert_eq!(
            Some(heard.as_str()).filter(|h| !h.is_empty()),
            whole.content.as_deref()
        );
        let calls = |r: &callwright_providers::llm::ChatReply| {
            r.tool_calls
                .iter()
                .map(|c| (c.name.clone(), c.arguments.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(calls(&streamed), calls(&whole));
        if spoken {
            let words = whole
                .content
                .as_deref()
                .map_or(0, |t| t.split_whitespace().count());
            assert!(words > 8, "the greeting is a sentence: {whole:?}");
            let (first, last) = (pieces[0].0, pieces[pieces.len() - 1].0);
            assert!(
                pieces.len() > 8 && last - first >= Duration::from_millis(150),
                "the text came in {} pieces over {:?}: not as it was written",
                pieces.len(),
                last - first
            );
        }
    }
}

#[tokio::test]
async fn llm_server_errors_and_timeouts_are_retryable() {
    let base = sim(0).await;
    fault(&base, json!({"llm_500": 1})).await;
    let err = llm(&base, Duration::from_secs(5))
        .complete(
            &french_booking(),
            &tools(false, false),
            &ChatParams::default(),
        )
        .await
        .unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(500), true), "{err}");
    let slow = sim(1500).await;
    let err = llm(&slow, Duration::from_millis(200))
        .complete(
            &french_booking(),
            &tools(false, false),
            &ChatParams::default(),
        )
        .await
        .unwrap_err();
    assert!(err.retryable && err.status.is_none(), "{err}");
}

fn embeddings(base_url: &str) -> OpenAiEmbeddings {
    OpenAiEmbeddings::new(EmbeddingsConfig {
        base_url: format!("{base_url}/v1"),
        api_key: SecretString::from("key".to_owned()),
        model: "sim-embed".to_owned(),
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

/// The agent's model and temperature go on the wire; without them, the deployment's model and
/// the default temperature.
#[tokio::test]
async fn llm_requests_carry_the_agents_model_and_temperature() {
    let base = sim(0).await;
    let params = ChatParams {
        model: Some("gpt-4.1"),
        temperature: Some(0.9),
    };
    llm(&base, Duration::from_secs(5))
        .complete(&french_booking(), &tools(false, true), &params)
        .await
        .unwrap();
    llm(&base, Duration::from_secs(5))
        .complete(
            &french_booking(),
            &tools(false, false),
            &ChatParams::default(),
        )
        .await
        .unwrap();
    let log: Value = reqwest::get(format!("{base}/sim/llm/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let chats: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["endpoint"] == "chat")
        .collect();
    assert_eq!(chats.len(), 2, "{log}");
    assert_eq!(chats[0]["body"]["model"], "gpt-4.1");
    assert!((chats[0]["body"]["temperature"].as_f64().unwrap() - 0.9).abs() < 1e-6);
    let names: Vec<&str> = chats[0]["body"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"search_knowledge"), "{names:?}");
    assert_eq!(chats[1]["body"]["model"], "scripted");
    assert!((chats[1]["body"]["temperature"].as_f64().unwrap() - 0.3).abs() < 1e-6);
}

/// Embeddings: one vector per text in order, batched; similar texts are near; a 5xx is
/// retryable and a 401 is not.
#[tokio::test]
async fn embeddings_come_back_in_order_and_errors_are_classified() {
    let base = sim(0).await;
    let texts: Vec<String> = (0..300)
        .map(|i| format!("passage number {i} about solar panel warranties"))
        .chain(["the weather in Paris".to_owned()])
        .collect();
    let vectors = embeddings(&base).embed(&texts).await.unwrap();
    assert_eq!(vectors.len(), texts.len());
    let query = &embeddings(&base)
        .embed(&["how long is the warranty on solar panels".to_owned()])
        .await
        .unwrap()[0];
    let near = callwright_domain::agent::knowledge::cosine(query, &vectors[0]);
    let far = callwright_domain::agent::knowledge::cosine(query, &vectors[300]);
    assert!(near > far, "{near} <= {far}");
    fault(&base, json!({"llm_500": 1})).await;
    let err = embeddings(&base).embed(&texts[..1]).await.unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(500), true), "{err}");
    let mut config = SimConfig::for_tests(0.05);
    config.llm_api_key = Some("right".to_owned());
    let strict = Sim::build(config).await.unwrap();
    let strict_url = strict.base_url();
    strict.spawn();
    let err = embeddings(&strict_url)
        .embed(&texts[..1])
        .await
        .unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(401), false), "{err}");
}

/// The account's credentials go only to the account's own recordings: a recording URL on
/// another host, of another account or outside the recordings is refused before any request,
/// and not retried (the same link gets the same refusal).
#[tokio::test]
async fn twilio_sends_its_credentials_only_to_the_accounts_recordings() {
    let base = sim(0).await;
    let sid = SimConfig::default().account_sid;
    let twilio = twilio(&base, &SimConfig::default().auth_token);
    let trap = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trap_at = trap.local_addr().unwrap();
    for url in [
        format!("http://{trap_at}/2010-04-01/Accounts/{sid}/Recordings/RE1"),
        format!("{base}/2010-04-01/Accounts/ACother/Recordings/RE1"),
        format!("{base}/2010-04-01/Accounts/{sid}/Recordings/RE1/../../Calls"),
        format!("{base}.evil.example/2010-04-01/Accounts/{sid}/Recordings/RE1"),
    ] {
        let fetched = twilio.fetch_recording(&url).await.unwrap_err();
        let streamed = twilio.stream_recording(&url).await.err().unwrap();
        let deleted = twilio.delete_recording(&url).await.unwrap_err();
        for err in [fetched, streamed, deleted] {
            assert!(!err.retryable && err.status.is_none(), "{url}: {err}");
            assert!(err.message.contains("refused"), "{url}: {err}");
        }
    }
    let connected = tokio::time::timeout(Duration::from_millis(200), trap.accept()).await;
    assert!(connected.is_err(), "a request reached the other host");
    // One of the account's recordings that Twilio no longer has: its 404 is classified.
    let gone =
        format!("{base}/2010-04-01/Accounts/{sid}/Recordings/RE00000000000000000000000000000000");
    let err = twilio.stream_recording(&gone).await.err().unwrap();
    assert_eq!((err.status, err.retryable), (Some(404), false), "{err}");
}
