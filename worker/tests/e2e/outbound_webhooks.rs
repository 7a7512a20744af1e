//! Outbound webhooks: a CRM endpoint receives every call start, outcome and meeting, signed
//! with the shared secret, and a receiver that fails at first still gets them all (retried).

use crate::support::{Stack, StackOptions, wait_for};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Seen = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A CRM that answers 500 to its first two requests, then 200.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push((headers, body));
                if log.len() <= 2 {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crm_receives_every_outcome_and_meeting_signed_and_retried() {
    let (url, seen) = receiver().await;
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.worker_env.push(("OUTBOUND_WEBHOOK_URL".into(), url));
    stack
        .worker_env
        .push(("OUTBOUND_WEBHOOK_SECRET".into(), "crm-secret".into()));
    stack.start_worker();
    // The endpoint row is written at worker start; events after it are queued.
    wait_for(
        "the endpoint registration",
        Duration::from_secs(30),
        || async {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
                .fetch_one(&stack.db)
                .await
                .unwrap();
            (n == 1).then_some(())
        },
    )
    .await;
    let (status, lead) = stack
        .post(
            "/api/leads",
            json!({"name": "Dana Levi", "phone": "+972527654300", "email": "dana@example.com"}),
        )
        .await;
    assert_eq!(status, 201);
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    // An agent with a qualification question: the CRM's `call_ended` carries its answer.
    let mut spec = crate::support::default_agent();
    spec["questions"] = json!([{"id": "employees", "text": "How many people work at your company?", "type": "number"}]);
    stack.agent_id = stack.create_agent(spec).await.0;
    stack
        .start_campaign(std::slice::from_ref(&lead_id), 1, 1)
        .await;

    let wanted = [
        "call_started",
        "call_ended",
        "meeting_booked",
        "meeting_changed",
    ];
    let events = wait_for(
        "the CRM to hear everything",
        Duration::from_secs(120),
        || async {
            let log = seen.lock().unwrap().clone();
            let delivered: Vec<Value> = log
                .iter()
                .skip(2) // the two the CRM refused
                .map(|(_, body)| serde_json::from_str(body).unwrap())
                .collect();
            wanted
                .iter()
                .all(|w| delivered.iter().any(|e| e["type"] == *w))
                .then_some(log)
        },
    )
    .await;

    for (headers, body) in &events {
        let sig = headers["x-callwright-signature"].to_str().unwrap();
        let t: i64 = sig
            .split(',')
            .find_map(|p| p.strip_prefix("t="))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            sig,
            callwright_worker::outbound::signature("crm-secret", t, body),
            "signature of {body}"
        );
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            headers["x-callwright-event-id"].to_str().unwrap(),
            event["id"]
        );
        assert_eq!(event["data"]["lead_id"], lead_id.as_str());
    }
    // The refused deliveries were tried again: every event id was delivered.
    let refused: Vec<String> = events[..2]
        .iter()
        .map(|(h, _)| h["x-callwright-event-id"].to_str().unwrap().to_owned())
        .collect();
    for id in refused {
        assert!(
            events[2..]
                .iter()
                .any(|(h, _)| h["x-callwright-event-id"].to_str().unwrap() == id),
            "event {id} was not retried"
        );
    }
    let ended: Value = events
        .iter()
        .map(|(_, b)| serde_json::from_str::<Value>(b).unwrap())
        .find(|e| e["type"] == "call_ended")
        .unwrap();
    assert_eq!(ended["data"]["outcome"], "interested");
    // Sent once the post-call summary was written: with it, the agent version and the answer.
    assert!(
        ended["data"]["answers"]["employees"].is_number(),
        "{ended:#}"
    );
    assert!(
        ended["data"]["summary"]["interest_level"].is_number(),
        "{ended:#}"
    );
    assert_eq!(ended["data"]["agent_version"], 1, "{ended:#}");
    let ended_count = events
        .iter()
        .filter(|(_, b)| serde_json::from_str::<Value>(b).unwrap()["type"] == "call_ended")
        .map(|(h, _)| h["x-callwright-event-id"].to_str().unwrap().to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(ended_count, 1, "one call_ended per call");
}
