//! `GET /api/events`: a client subscribed to a lead hears its call start, every turn of the
//! conversation as it happens, the outcome and the meeting booked, as Server-Sent Events; and
//! the call shows in the API's and the worker's Prometheus metrics.

use crate::support;

use crate::support::{Stack, StackOptions};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_subscriber_hears_the_call_as_it_happens() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let (status, lead) = stack
        .post(
            "/api/leads",
            json!({"name": "Dana Levi", "phone": "+972527654300", "email": "dana@example.com"}),
        )
        .await;
    assert_eq!(status, 201);
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    let resp = stack
        .http
        .get(format!("{}/api/events?lead_id={lead_id}", stack.api))
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut resp = resp;
    stack
        .start_campaign(std::slice::from_ref(&lead_id), 1, 1)
        .await;

    let mut buffer = String::new();
    let mut events: Vec<(String, Value)> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while !events.iter().any(|(name, _)| name == "meeting_booked")
        || !events.iter().any(|(name, _)| name == "call_ended")
    {
        let chunk = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .unwrap_or_else(|_| panic!("events before the deadline; got {events:?} and {buffer:?}"))
            .unwrap()
            .expect("stream open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let name = frame
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .map(str::to_owned);
            let data = frame.lines().find_map(|l| l.strip_prefix("data: "));
            if let (Some(name), Some(data)) = (name, data) {
                events.push((name, serde_json::from_str(data).unwrap()));
            }
        }
    }
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[0], "call_started", "{names:?}");
    let turns: Vec<&Value> = events
        .iter()
        .filter(|(n, _)| n == "turn")
        .map(|(_, v)| v)
        .collect();
    assert!(turns.iter().any(|t| t["speaker"] == "callee"), "{names:?}");
    // Each callee line arrives with what it meant: this caller books a slot.
    assert!(
        turns
            .iter()
            .any(|t| t["speaker"] == "callee" && t["intent"] == "book_meeting"),
        "{turns:?}"
    );
    assert!(
        turns[0]["text"].as_str().unwrap().starts_with("שלום"),
        "{:?}",
        turns[0]
    );
    assert!(events.iter().all(|(_, v)| v["lead_id"] == lead_id.as_str()));
    let ended = events.iter().find(|(n, _)| n == "call_ended").unwrap();
    assert_eq!(ended.1["outcome"], "interested");
    // After the call the model summarises it: a booked meeting is the highest interest.
    let call_id = ended.1["call_id"].as_str().unwrap().to_owned();
    let summary =
        crate::support::wait_for("the post-call summary", Duration::from_secs(30), || {
            let call_id = call_id.clone();
            let stack = &stack;
            async move {
                let call = stack.get(&format!("/api/calls/{call_id}")).await;
                (!call["summary"].is_null()).then(|| call["summary"].clone())
            }
        })
        .await;
    assert_eq!(summary["interest_level"], 5, "{summary}");
    assert_eq!(summary["next_step"], "meeting booked", "{summary}");

    // The same call in the metrics: the API's (no key needed, like any scrape target) and the
    // worker's.
    let api_metrics = reqwest::get(format!("{}/metrics", stack.api))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        api_metrics.contains("callwright_calls_total{outcome=\"interested\"} 1"),
        "{api_metrics}"
    );
    assert!(
        api_metrics.contains("callwright_calls_in_progress 0"),
        "{api_metrics}"
    );
    assert!(
        api_metrics.contains("route=\"/twilio/turn\""),
        "{api_metrics}"
    );
    assert!(api_metrics.contains("callwright_http_request_duration_seconds_bucket"));
    let worker_metrics = support::wait_for(
        "the invite in the worker's metrics",
        Duration::from_secs(30),
        || async {
            let text = reqwest::get(&stack.worker_metrics)
                .await
                .ok()?
                .text()
                .await
                .ok()?;
            text.contains("callwright_invites_sent_total")
                .then_some(text)
        },
    )
    .await;
    assert!(
        worker_metrics.contains("callwright_converse_seconds_count"),
        "{worker_metrics}"
    );
    assert!(
        worker_metrics.contains("callwright_attempts_recorded_total{outcome=\"interested\"} 1"),
        "{worker_metrics}"
    );
}
