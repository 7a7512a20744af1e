//! Realtime calls (voice mode `relay`, Twilio ConversationRelay through the simulator's real
//! WebSockets): every persona reaches the outcome it reaches over `<Gather>`, each final prompt is
//! one `turn` update in the lead's history, languages without a relay row stay on `<Gather>`, a
//! forged handshake is refused before any workflow is touched, and a dropped socket reconnects
//! without a second greeting.

use crate::lifecycle::{history, record_fixture};
use crate::support::{Stack, StackOptions, default_agent, lead_workflow};
use callwright_api::signature;
use callwright_sim::config::SimConfig;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

/// (persona, phone, expected outcome); the persona is the number's last two digits.
const PERSONAS: [(&str, &str, &str); 12] = [
    ("books (en)", "+14155553300", "interested"),
    (
        "asks questions then books (fr)",
        "+33612343301",
        "interested",
    ),
    ("not interested (de)", "+4915123433302", "not_interested"),
    ("callback (es)", "+34612343303", "callback_requested"),
    ("opts out (en)", "+14155553304", "opted_out"),
    ("voicemail (en)", "+14155553305", "voicemail"),
    ("hangs up mid-call (de)", "+4915123433308", "hung_up"),
    ("silent (es)", "+34612343309", "no_response"),
    ("books (he), on gather", "+972527653300", "interested"),
    ("interrupts (en)", "+14155553317", "interested"),
    ("talks over the greeting (en)", "+14155553318", "interested"),
    ("backchannels (en)", "+14155553319", "interested"),
];

/// The default agent, speaking in realtime.
async fn relay_agent(stack: &Stack) -> String {
    let mut spec = default_agent();
    spec["voice_mode"] = "relay".into();
    stack.create_agent(spec).await.0
}

/// Every `interrupt` the simulator sent on a call, across its sessions.
fn interrupts(call: &Value) -> Vec<Value> {
    call["relay_sessions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["interrupts"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn call_to<'a>(calls: &'a [Value], phone: &str) -> &'a Value {
    calls
        .iter()
        .find(|c| c["to"] == phone)
        .unwrap_or_else(|| panic!("no call to {phone}"))
}

/// Updates named `name` accepted in a workflow's history.
fn updates(
    events: &[temporalio_common::protos::temporal::api::history::v1::HistoryEvent],
    name: &str,
) -> usize {
    events
        .iter()
        .filter(|e| {
            matches!(&e.attributes,
                Some(Attributes::WorkflowExecutionUpdateAcceptedEventAttributes(a))
                    if a.accepted_request.as_ref()
                        .and_then(|r| r.input.as_ref())
                        .is_some_and(|i| i.name == name))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_persona_reaches_its_outcome_over_the_realtime_socket() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.agent_id = relay_agent(&stack).await;
    stack.start_worker();
    let leads: Vec<(&str, &str)> = PERSONAS.iter().map(|(n, p, _)| (*n, *p)).collect();
    let ids = stack.create_leads(&leads).await;
    let campaign = stack.start_campaign(&ids, 12, 1).await;
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(180))
        .await;
    let by_phone: HashMap<&str, &str> = detail
        .leads
        .iter()
        .map(|l| {
            (
                l.phone.as_deref().unwrap_or_default(),
                l.outcome.as_deref().unwrap_or("<none>"),
            )
        })
        .collect();
    for (persona, phone, expected) in PERSONAS {
        assert_eq!(
            by_phone.get(phone).copied(),
            Some(expected),
            "{persona} ({phone})"
        );
    }

    let calls = stack.sim_calls().await;
    // English, French, German and Spanish speak over the socket, with the greeting (and its
    // disclosure) said once by Twilio; Hebrew has no relay row and stays on <Gather>.
    for phone in [
        "+14155553300",
        "+33612343301",
        "+4915123433302",
        "+34612343303",
    ] {
        let call = call_to(&calls, phone);
        let sessions = call["relay_sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 1, "{phone}: {call}");
        assert_eq!(sessions[0]["welcome_greeting"], true, "{phone}: {call}");
        assert!(
            !call["reply_latencies_ms"].as_array().unwrap().is_empty(),
            "{phone}: the simulator timed no reply: {call}"
        );
    }
    let hebrew = call_to(&calls, "+972527653300");
    assert!(
        hebrew["relay_sessions"].as_array().unwrap().is_empty(),
        "{hebrew}"
    );

    // Every final prompt the simulator sent is one `turn` update and one callee line, in order:
    // nothing lost, nothing taken twice.
    let lead = &ids[0];
    let workflow = lead_workflow(&campaign, lead);
    let events = history(&stack, &workflow).await;
    let turns: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.speaker, t.text FROM call_turns t JOIN calls c ON c.id = t.call_id
         WHERE c.lead_id = $1::uuid ORDER BY t.idx",
    )
    .bind(lead)
    .fetch_all(&stack.db)
    .await
    .unwrap();
    let booker = call_to(&calls, "+14155553300");
    let said = |who: &str| -> Vec<String> {
        booker["transcript"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["speaker"] == who)
            .map(|l| l["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let ours: Vec<String> = turns
        .iter()
        .filter(|t| t.0 == "callee")
        .map(|t| t.1.clone())
        .collect();
    assert!(ours.len() >= 2, "{turns:?}");
    assert_eq!(ours, said("callee"), "{booker}");
    let prompts: u64 = booker["relay_sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["prompts"].as_u64().unwrap())
        .sum();
    assert_eq!(updates(&events, "turn") as u64, prompts, "{booker}");
    assert_eq!(updates(&events, "relay_setup"), 1);
    assert_eq!(updates(&events, "relay_ended"), 1);
    // The callee heard the disclosure once, first, and the transcript opens with it.
    assert_eq!(turns[0].0, "agent");
    assert!(turns[0].1.contains("Acme Solar"), "{turns:?}");
    let heard = said("agent");
    assert_eq!(heard.first(), Some(&turns[0].1), "{booker}");
    assert_eq!(
        heard.iter().filter(|l| **l == turns[0].1).count(),
        1,
        "{booker}"
    );
    record_fixture(&stack, &workflow, "relay_interested_call").await;

    // The interrupter cut the agent off: the line it cut keeps what the agent said and records
    // exactly what the simulator says the callee heard.
    let interrupter = call_to(&calls, "+14155553317");
    let heard_by_sim: Vec<String> = interrupts(interrupter)
        .iter()
        .map(|i| i["utterance_until_interrupt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(heard_by_sim.len(), 1, "{interrupter}");
    let cut: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.text, t.heard FROM call_turns t JOIN calls c ON c.id = t.call_id
         JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 AND t.heard IS NOT NULL",
    )
    .bind("+14155553317")
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(cut.len(), 1, "{cut:?}");
    assert_eq!(cut[0].1, heard_by_sim[0]);
    assert!(
        cut[0].0.starts_with(&cut[0].1) && cut[0].0.len() > cut[0].1.len(),
        "{cut:?}"
    );
    let interrupted = PERSONAS
        .iter()
        .position(|(_, phone, _)| *phone == "+14155553317")
        .map(|i| lead_workflow(&campaign, &ids[i]))
        .unwrap();
    record_fixture(&stack, &interrupted, "relay_interrupted_call").await;
    // The backchanneller's "uh-huh" did not stop the agent (low interrupt sensitivity).
    let backchanneller = call_to(&calls, "+14155553319");
    assert!(interrupts(backchanneller).is_empty(), "{backchanneller}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dropped_socket_reconnects_without_a_second_greeting() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.agent_id = relay_agent(&stack).await;
    stack.start_worker();
    let ids = stack
        .create_leads(&[("Drops the line", "+14155553320")])
        .await;
    let campaign = stack.start_campaign(&ids, 1, 1).await;
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;
    assert_eq!(
        detail.leads[0].outcome.as_deref(),
        Some("interested"),
        "{detail:?}"
    );
    let calls = stack.sim_calls().await;
    let call = call_to(&calls, "+14155553320");
    let sessions = call["relay_sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{call}");
    assert_eq!(sessions[0]["welcome_greeting"], true, "{call}");
    assert_eq!(sessions[1]["welcome_greeting"], false, "{call}");
    let events = history(&stack, &lead_workflow(&campaign, &ids[0])).await;
    assert_eq!(updates(&events, "relay_setup"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_forged_handshake_is_refused_before_any_workflow_is_touched() {
    let stack = Stack::start(StackOptions::default()).await;
    let socket = format!(
        "{}/twilio/relay?wf=lead-x&attempt=1",
        stack.api.replacen("http://", "ws://", 1)
    );
    let status = |result: Result<_, tungstenite::Error>| match result {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("{other}"),
        Ok(_) => 101,
    };
    // No signature, then one made with another key.
    let refused = tokio_tungstenite::connect_async(socket.as_str()).await;
    assert_eq!(status(refused.map(|_| ())), 403);
    let mut request = socket.as_str().into_client_request().unwrap();
    let forged = signature::sign("not-the-token", &socket, &[]);
    request
        .headers_mut()
        .insert("X-Twilio-Signature", forged.parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    assert_eq!(status(refused.map(|_| ())), 403);
    // Signed for another call's socket.
    let token = SimConfig::default().auth_token;
    let other = socket.replace("lead-x", "lead-y");
    let mut request = socket.as_str().into_client_request().unwrap();
    let signed_other = signature::sign(&token, &other, &[]);
    request
        .headers_mut()
        .insert("X-Twilio-Signature", signed_other.parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await;
    assert_eq!(status(refused.map(|_| ())), 403);

    // A genuine handshake for a workflow that has no such call is accepted, and the socket is
    // closed at its setup: the workflow refuses a call that is not its own.
    let mut request = socket.as_str().into_client_request().unwrap();
    let signed = signature::sign(&token, &socket, &[]);
    request
        .headers_mut()
        .insert("X-Twilio-Signature", signed.parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    use futures::{SinkExt as _, StreamExt as _};
    let setup = serde_json::json!({
        "type": "setup", "sessionId": "VX1", "callSid": "CA-not-a-call",
        "accountSid": SimConfig::default().account_sid, "customParameters": {}
    });
    ws.send(tungstenite::Message::Text(setup.to_string().into()))
        .await
        .unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(message) = ws.next().await {
            match message {
                Ok(tungstenite::Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the socket is closed");
    assert_eq!(closed, Some(1008));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_person_asked_for_on_a_realtime_call_is_put_through_after_the_session() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.agent_id = relay_agent(&stack).await;
    stack.start_worker();
    // Persona 16 asks for a real person.
    let ids = stack
        .create_leads(&[("Grace Hopper", "+14155553316")])
        .await;
    let settings = serde_json::json!({
        "max_attempts": 1,
        "calling_window": crate::support::always_open(),
        "transfer_number": "+1 (415) 555-0100",
    });
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            serde_json::json!({"lead_ids": ids, "agent": stack.agent(), "settings": settings}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let campaign = body["campaign_id"].as_str().unwrap().to_owned();
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;
    assert_eq!(detail.outcomes.get("transferred"), Some(&1), "{detail:?}");
    let calls = stack.sim_calls().await;
    let call = call_to(&calls, "+14155553316");
    // The agent said its line over the socket, ended the session, and the `<Connect action>`
    // answered the `<Dial>`.
    assert_eq!(call["transferred_to"], "+14155550100", "{call}");
    let sessions = call["relay_sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{call}");
    assert_eq!(sessions[0]["status"], "ended", "{call}");
}
