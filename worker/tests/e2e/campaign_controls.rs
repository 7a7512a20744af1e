//! Operating a campaign: pause holds back new leads, resume continues, cancel stops starting
//! leads and lets the ones in flight finish; a long campaign continues as new (bounded history)
//! without losing or repeating a lead.

use crate::support::{Stack, StackOptions, always_open, wait_for};
use serde_json::{Value, json};
use std::time::Duration;

async fn start(stack: &Stack, ids: &[String], max_concurrent: u32, starts_per_run: u32) -> String {
    let retry = json!({"no_answer_secs": 1, "busy_secs": 1, "voicemail_secs": 1, "failed_secs": 1, "incomplete_secs": 1});
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "max_concurrent": max_concurrent, "starts_per_run": starts_per_run,
                   "agent": stack.agent(), "settings": {"max_attempts": 1, "retry": retry, "calling_window": always_open()}}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["campaign_id"].as_str().unwrap().to_owned()
}

/// `count` leads on +1 415 555 numbers `<block+i><persona>`.
async fn us_leads(stack: &Stack, block: u32, count: u32, persona: &str) -> Vec<String> {
    let phones: Vec<String> = (0..count)
        .map(|i| format!("+1415555{:02}{persona}", block + i))
        .collect();
    let names: Vec<String> = phones.iter().map(|p| format!("Lead {p}")).collect();
    let leads: Vec<(&str, &str)> = names
        .iter()
        .zip(&phones)
        .map(|(n, p)| (n.as_str(), p.as_str()))
        .collect();
    stack.create_leads(&leads).await
}

async fn progress(stack: &Stack, campaign: &str) -> Value {
    stack.get(&format!("/api/campaigns/{campaign}")).await["progress"].clone()
}

async fn control(stack: &Stack, campaign: &str, action: &str) -> u16 {
    stack
        .post(&format!("/api/campaigns/{campaign}/{action}"), json!({}))
        .await
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pause_resume_and_continue_as_new() {
    // The sales team works Los Angeles hours, like its leads: eight bookers then share a full
    // day of slots, not the hour where UTC office hours meet their mornings (where two of them
    // could run out of slots and ask for a callback).
    let mut stack = Stack::start(StackOptions {
        worker_env: vec![("BOOKING_TIMEZONE", "America/Los_Angeles")],
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    // Persona 00 (books a meeting) on eight US numbers.
    let ids = us_leads(&stack, 20, 8, "00").await;
    let campaign = start(&stack, &ids, 2, 3).await;
    assert_eq!(control(&stack, &campaign, "pause").await, 202);
    let paused = wait_for("the campaign to pause", Duration::from_secs(20), || async {
        let p = progress(&stack, &campaign).await;
        (p["status"] == "paused").then_some(p)
    })
    .await;
    let started_when_paused = paused["started"].as_u64().unwrap();
    assert!(started_when_paused <= 2, "{paused}");
    // While paused, in-flight leads finish and no new lead starts.
    wait_for(
        "in-flight leads to settle",
        Duration::from_secs(30),
        || async {
            let p = progress(&stack, &campaign).await;
            (p["in_flight"] == 0).then_some(())
        },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        progress(&stack, &campaign).await["started"]
            .as_u64()
            .unwrap(),
        started_when_paused
    );

    assert_eq!(control(&stack, &campaign, "resume").await, 202);
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;
    let progress = detail.progress.as_ref().expect("progress");
    assert_eq!((progress.started, progress.settled), (8, 8));
    assert_eq!(
        detail.outcomes.get("interested"),
        Some(&8),
        "{:?}",
        detail.outcomes
    );
    // Each lead was dialled once, across all runs of the campaign.
    assert_eq!(stack.sim_calls().await.len(), 8);
    // 8 starts at 3 per run: the campaign continued as new at least twice.
    let query = format!("WorkflowId = '{}'", detail.workflow_id);
    let runs = wait_for(
        "campaign runs in visibility",
        Duration::from_secs(20),
        || async {
            let runs = stack
                .temporal
                .count_workflows(query.clone(), Default::default())
                .await
                .unwrap()
                .count();
            (runs >= 3).then_some(runs)
        },
    )
    .await;
    assert!(runs >= 3);
    // A finished campaign cannot be controlled any more.
    assert_eq!(control(&stack, &campaign, "pause").await, 409);
    assert_eq!(control(&stack, &campaign, "explode").await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_stops_starting_leads() {
    let mut stack = Stack::start(StackOptions {
        sim_speed: 0.2,
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    // Persona 01 (asks questions, then books): calls long enough to cancel mid-campaign.
    let ids = us_leads(&stack, 40, 6, "01").await;
    let campaign = start(&stack, &ids, 2, 500).await;
    wait_for("two live calls", Duration::from_secs(30), || async {
        (stack.sim_calls().await.len() >= 2).then_some(())
    })
    .await;
    assert_eq!(control(&stack, &campaign, "cancel").await, 202);
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(90))
        .await;
    let progress = detail.progress.as_ref().expect("progress");
    let started = progress.started;
    assert!((2..6).contains(&started), "{progress:?}");
    assert_eq!(progress.settled, started);
    assert_eq!(
        stack.sim_calls().await.len() as u64,
        started,
        "a lead was dialled after the cancel"
    );
}
