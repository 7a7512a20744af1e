//! Twilio webhooks against a live lead workflow: a wrong or missing signature gets 403 and
//! changes nothing; duplicate and out-of-order status callbacks change nothing beyond the first.
//! The test plays Twilio itself (signing like Twilio does) against a Twilio account stub that
//! accepts the dial and never calls back on its own.

use crate::support::{Stack, StackOptions, lead_workflow, wait_for};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use callwright_api::signature::sign;
use callwright_sim::SimConfig;
use callwright_workflows::LeadWorkflow;
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use temporalio_client::WorkflowFetchHistoryOptions;
use temporalio_common::protos::temporal::api::enums::v1::EventType;

type Dialled = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A Twilio REST stub: records `Calls.json` creates and answers like Twilio.
async fn twilio_stub() -> (String, Dialled) {
    let dialled: Dialled = Arc::default();
    async fn create(
        State(d): State<Dialled>,
        Form(form): Form<Vec<(String, String)>>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        d.lock().unwrap().push(form);
        (
            axum::http::StatusCode::CREATED,
            Json(json!({"sid": "CAstub0000000000000000000000000001", "status": "queued"})),
        )
    }
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{sid}/Calls.json",
            post(create).get(|| async { Json(json!({"calls": []})) }),
        )
        .route(
            "/2010-04-01/Accounts/{sid}/Calls/{call}",
            get(|| async {
                Json(json!({"sid": "CAstub0000000000000000000000000001", "status": "in-progress"}))
            }),
        )
        .with_state(dialled.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, dialled)
}

const SID: &str = "CAstub0000000000000000000000000001";

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

async fn send(
    stack: &Stack,
    url: &str,
    params: &[(&str, &str)],
    signature: Option<String>,
) -> (u16, String) {
    let mut req = stack.http.post(url).form(params);
    if let Some(sig) = signature {
        req = req.header("X-Twilio-Signature", sig);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn signed(url: &str, params: &[(&str, &str)]) -> Option<String> {
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Some(sign(&SimConfig::default().auth_token, url, &owned))
}

fn status_params<'a>(status: &'a str, seq: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("AccountSid", "ACsimulator0000000000000000000000"),
        ("CallSid", SID),
        ("CallStatus", status),
        ("SequenceNumber", seq),
    ]
}

async fn signals_and_length(stack: &Stack, wf: &str) -> (usize, usize, bool) {
    let events: Vec<_> = stack
        .temporal
        .get_workflow_handle::<LeadWorkflow>(wf.to_owned())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .try_collect()
        .await
        .unwrap();
    let signals = events
        .iter()
        .filter(|e| e.event_type == EventType::WorkflowExecutionSignaled as i32)
        .count();
    // Settled: no workflow task is pending after the last event.
    let settled = events.last().is_some_and(|e| {
        e.event_type != EventType::WorkflowTaskScheduled as i32
            && e.event_type != EventType::WorkflowTaskStarted as i32
    });
    (signals, events.len(), settled)
}

async fn call_status(stack: &Stack, lead: &str) -> Value {
    stack.get(&format!("/api/leads/{lead}")).await["workflow"]["call_status"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signatures_are_enforced_and_callbacks_are_idempotent() {
    let (twilio, dialled) = twilio_stub().await;
    let mut stack = Stack::start(StackOptions {
        twilio_base_url: Some(twilio),
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    let leads = stack.create_leads(&[("Ann", "+14155552600")]).await;
    let campaign = stack.start_campaign(&leads, 1, 1).await;
    let wf = lead_workflow(&campaign, &leads[0]);
    let form = wait_for("the dial", Duration::from_secs(30), || async {
        dialled.lock().unwrap().first().cloned()
    })
    .await;
    let status_url = field(&form, "StatusCallback").to_owned();
    let voice_url = field(&form, "Url").to_owned();
    assert!(
        status_url.starts_with(&stack.api) && status_url.contains(&wf),
        "{status_url}"
    );
    assert_eq!(field(&form, "AsyncAmd"), "true");
    assert_eq!(field(&form, "Record"), "true");
    wait_for(
        "the dial to be recorded",
        Duration::from_secs(30),
        || async {
            (stack.get(&format!("/api/leads/{}", leads[0])).await["workflow"]["call_sid"] == SID)
                .then_some(())
        },
    )
    .await;
    let (signals_before, length_before, _) = signals_and_length(&stack, &wf).await;

    // Forged, unsigned, and signed-for-another-URL callbacks: 403, and the workflow is untouched.
    let completed = status_params("completed", "9");
    assert_eq!(
        send(
            &stack,
            &status_url,
            &completed,
            Some("bm90IGEgc2lnbmF0dXJl".into())
        )
        .await
        .0,
        403
    );
    assert_eq!(send(&stack, &status_url, &completed, None).await.0, 403);
    let other_url = status_url.replace("attempt=1", "attempt=2");
    assert_eq!(
        send(
            &stack,
            &status_url,
            &completed,
            signed(&other_url, &completed)
        )
        .await
        .0,
        403
    );
    let voice = [("CallSid", SID), ("CallStatus", "in-progress")];
    assert_eq!(send(&stack, &voice_url, &voice, None).await.0, 403);
    let (signals_after, length_after, _) = signals_and_length(&stack, &wf).await;
    assert_eq!(
        (signals_after, length_after),
        (signals_before, length_before),
        "a rejected webhook reached the workflow"
    );
    assert_eq!(call_status(&stack, &leads[0]).await, "queued");

    // Ringing, then a late "initiated" and a duplicate "ringing": only the first counts.
    let ringing = status_params("ringing", "1");
    assert_eq!(
        send(&stack, &status_url, &ringing, signed(&status_url, &ringing))
            .await
            .0,
        204
    );
    let initiated = status_params("initiated", "0");
    assert_eq!(
        send(
            &stack,
            &status_url,
            &initiated,
            signed(&status_url, &initiated)
        )
        .await
        .0,
        204
    );
    assert_eq!(
        send(&stack, &status_url, &ringing, signed(&status_url, &ringing))
            .await
            .0,
        204
    );
    let (signals, _) = wait_for(
        "the callbacks to be processed",
        Duration::from_secs(20),
        || async {
            let (signals, length, settled) = signals_and_length(&stack, &wf).await;
            (settled && signals >= signals_before + 2).then_some((signals, length))
        },
    )
    .await;
    assert_eq!(
        signals,
        signals_before + 2,
        "the duplicate callback was delivered twice"
    );
    assert_eq!(call_status(&stack, &leads[0]).await, "ringing");

    // Answered: the voice webhook returns the greeting and listens.
    let (code, twiml) = send(&stack, &voice_url, &voice, signed(&voice_url, &voice)).await;
    assert_eq!(code, 200);
    assert!(
        twiml.contains("<Gather") && twiml.contains("Acme Solar") && twiml.contains("AI assistant"),
        "{twiml}"
    );
    let answered = status_params("in-progress", "2");
    assert_eq!(
        send(
            &stack,
            &status_url,
            &answered,
            signed(&status_url, &answered)
        )
        .await
        .0,
        204
    );

    // Hung up before saying anything; a stale "in-progress" afterwards changes nothing.
    let mut hung_up = status_params("completed", "4");
    hung_up.push(("CallDuration", "42"));
    assert_eq!(
        send(&stack, &status_url, &hung_up, signed(&status_url, &hung_up))
            .await
            .0,
        204
    );
    let stale = status_params("in-progress", "3");
    let code = send(&stack, &status_url, &stale, signed(&status_url, &stale))
        .await
        .0;
    assert!(code == 204 || code == 404, "{code}");
    let outcome = wait_for("the lead's outcome", Duration::from_secs(30), || async {
        let lead = stack.get(&format!("/api/leads/{}", leads[0])).await;
        lead["last_outcome"]
            .as_str()
            .map(str::to_owned)
            .zip(lead["calls"][0]["duration_secs"].as_i64())
    })
    .await;
    assert_eq!(outcome, ("no_response".to_owned(), 42));
    assert_eq!(dialled.lock().unwrap().len(), 1, "dialled more than once");
}
