//! Recordings transcribed after the call: with Deepgram configured (the simulator's), an
//! answered call's recording becomes a timestamped agent/callee transcript returned by
//! `GET /api/calls/{id}`; without it the transcript is `skipped`, not failed.

use crate::support::{Stack, StackOptions, lead_workflow, wait_for};
use serde_json::{Value, json};
use std::time::Duration;

/// The lead's first call, once its recording transcript has settled.
async fn call_of(stack: &Stack, lead: &str) -> Value {
    let detail = stack.get(&format!("/api/leads/{lead}")).await;
    let call_id = detail["calls"][0]["id"].as_str().unwrap().to_owned();
    wait_for(
        "the recording transcript to settle",
        Duration::from_secs(90),
        || {
            let path = format!("/api/calls/{call_id}");
            async move {
                let call = stack.get(&path).await;
                (!call["recording_transcript_status"].is_null()).then_some(call)
            }
        },
    )
    .await
}

async fn run(stack: &Stack, leads: &[String]) -> String {
    let campaign = stack.start_campaign(leads, 2, 1).await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(180))
        .await;
    campaign
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answered_call_is_transcribed_into_two_timed_speakers() {
    let mut stack = Stack::start(StackOptions {
        stt: true,
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    let ids = stack
        .create_leads(&[
            ("Grace Hopper", "+14155550100"),
            ("Dana Levi", "+972527654300"),
        ])
        .await;
    let campaign = run(&stack, &ids).await;

    for (lead, language) in [(&ids[0], "en-US"), (&ids[1], "he")] {
        let call = call_of(&stack, lead).await;
        assert_eq!(call["recording_transcript_status"], "done", "{call}");
        let utterances = call["recording_transcript"].as_array().unwrap();
        assert!(utterances.len() >= 4, "{call}");
        assert_eq!(utterances[0]["speaker"], "agent", "{call}");
        assert!(
            utterances[0]["text"]
                .as_str()
                .unwrap()
                .contains("Acme Solar"),
            "{call}"
        );
        assert!(
            utterances.iter().any(|u| u["speaker"] == "callee"),
            "{call}"
        );
        let mut last_start = -1.0;
        for u in utterances {
            let (start, end) = (
                u["start_secs"].as_f64().unwrap(),
                u["end_secs"].as_f64().unwrap(),
            );
            assert!(start >= last_start && end > start, "{call}");
            last_start = start;
        }
        // What the recording says is what the live transcript says, line for line.
        let live: Vec<(&str, &str)> = call["transcript"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| !t["text"].as_str().unwrap().is_empty())
            .map(|t| (t["speaker"].as_str().unwrap(), t["text"].as_str().unwrap()))
            .collect();
        let heard: Vec<(&str, &str)> = utterances
            .iter()
            .map(|u| (u["speaker"].as_str().unwrap(), u["text"].as_str().unwrap()))
            .collect();
        assert_eq!(heard, live, "{language}");
    }
    let requests: Vec<Value> =
        serde_json::from_value(stack.sim_get("/sim/deepgram").await).unwrap();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    for r in &requests {
        let p = &r["params"];
        assert_eq!(p["model"], "nova-3", "{r}");
        assert_eq!(p["diarize"], "true", "{r}");
        assert_eq!(p["utterances"], "true", "{r}");
        assert_eq!(p["punctuate"], "true", "{r}");
        assert!(
            r["recording_sid"].as_str().unwrap().starts_with("RE"),
            "{r}"
        );
    }
    let languages: Vec<&str> = requests
        .iter()
        .filter_map(|r| r["params"]["language"].as_str())
        .collect();
    assert!(
        languages.contains(&"en-US") && languages.contains(&"he"),
        "{languages:?}"
    );

    crate::lifecycle::record_fixture(
        &stack,
        &lead_workflow(&campaign, &ids[0]),
        "transcribed_call",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_a_transcriber_the_transcript_is_skipped() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let ids = stack.create_leads(&[("Alan Kay", "+14155550202")]).await;
    run(&stack, &ids).await;
    let call = call_of(&stack, &ids[0]).await;
    assert_eq!(call["recording_transcript_status"], "skipped", "{call}");
    assert_eq!(call["recording_transcript"], json!([]), "{call}");
}
