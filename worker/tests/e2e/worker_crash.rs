//! Killing the worker (`kill -9`) twice in the middle of a campaign with live calls loses no
//! lead: every lead still reaches an outcome, and no attempt is ever dialled twice.

use crate::support::{Stack, StackOptions, wait_for};
use std::collections::BTreeSet;
use std::time::Duration;

const LEADS: [(&str, &str); 16] = [
    ("Dana", "+972527654300"),
    ("Yossi", "+972527654301"),
    ("Noa", "+972527654313"),
    ("Claire", "+33612345600"),
    ("Louis", "+33612345601"),
    ("Emma", "+33612345602"),
    ("Klaus", "+4915123456700"),
    ("Greta", "+4915123456703"),
    ("Jonas", "+4915123456708"),
    ("Lucia", "+34612345600"),
    ("Pablo", "+34612345604"),
    ("Carmen", "+34612345612"),
    ("Ann", "+14155552600"),
    ("Bob", "+14155552601"),
    ("Cat", "+14155552606"),
    ("Dan", "+14155552613"),
];

async fn live_calls(stack: &Stack) -> usize {
    stack
        .sim_calls()
        .await
        .iter()
        .filter(|c| c["status"] == "in-progress")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_worker_mid_campaign_loses_no_lead() {
    let mut stack = Stack::start(StackOptions {
        sim_speed: 0.25,
        ..StackOptions::default()
    })
    .await;
    stack.start_worker();
    let ids = stack.create_leads(&LEADS).await;
    let campaign = stack.start_campaign(&ids, 16, 2).await;

    for round in 1..=2 {
        wait_for(
            &format!("live calls before kill {round}"),
            Duration::from_secs(90),
            || async { (live_calls(&stack).await >= 3).then_some(()) },
        )
        .await;
        stack.kill_worker();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        stack.start_worker();
    }

    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(300))
        .await;
    assert_eq!(detail.leads.len(), LEADS.len());
    for lead in &detail.leads {
        assert!(
            lead.outcome.is_some() && lead.settled_at.is_some(),
            "lead without an outcome: {lead:?}"
        );
    }
    assert_eq!(
        detail.progress.as_ref().map(|p| p.settled),
        Some(LEADS.len() as u64)
    );

    // Every lead workflow finishes (a booked lead still puts its meeting on the calendar and
    // sends its invite after the campaign has counted it), or waits (durably) for the callback
    // its lead asked for.
    stack
        .client
        .wait_leads_finished(&ids, Duration::from_secs(120))
        .await
        .expect("every lead finishes");

    // No meeting double-booked, one calendar event and exactly one invite per booked meeting.
    let confirmed: Vec<(String, String)> = sqlx::query_as(
        "SELECT calendar_event_id, attendee_email FROM meetings WHERE status = 'confirmed'",
    )
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert!(!confirmed.is_empty(), "the campaign booked no meeting");
    let events = stack.sim_get("/sim/calendar/events").await;
    assert_eq!(
        events.as_array().map(Vec::len),
        Some(confirmed.len()),
        "calendar events per meeting"
    );
    let mail = stack.sim_get("/sim/mail").await;
    assert_eq!(
        mail.as_array().map(Vec::len),
        Some(confirmed.len()),
        "invites per meeting"
    );

    // No attempt was dialled twice: one simulator call per (workflow, attempt), and the
    // projection knows every call that was placed.
    let calls = stack.assert_no_double_dial().await;
    let projected: BTreeSet<String> =
        sqlx::query_scalar("SELECT call_sid FROM calls WHERE call_sid IS NOT NULL")
            .fetch_all(&stack.db)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let placed: BTreeSet<String> = calls
        .iter()
        .filter_map(|c| c["sid"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(projected, placed);
    let unfinished: i64 = sqlx::query_scalar("SELECT count(*) FROM calls WHERE outcome IS NULL")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(unfinished, 0, "calls without an outcome in the projection");
}
