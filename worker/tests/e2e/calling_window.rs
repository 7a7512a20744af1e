//! A lead outside its calling window is never dialled: its workflow waits on a durable timer
//! until the window opens (08:00 in the lead's own time zone, from its area code), and the wait is visible in the
//! API. Stopping the campaign meanwhile ends the lead without a call.

use crate::support::{Stack, StackOptions, wait_for};
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_wait_for_their_local_calling_window() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let ids = stack.create_leads(&[("Ann", "+14155552600")]).await;
    // A San Francisco number: its zone comes from the area code. Allow only the weekday three
    // days from now.
    let los_angeles = chrono_tz::America::Los_Angeles;
    let lead = stack.get(&format!("/api/leads/{}", ids[0])).await;
    assert_eq!(lead["timezone"], "America/Los_Angeles");
    let today = Utc::now()
        .with_timezone(&los_angeles)
        .weekday()
        .number_from_monday();
    let allowed = (today - 1 + 3) % 7 + 1;
    let settings = |days: serde_json::Value| json!({"max_attempts": 1, "calling_window": {"start_minute": 480, "end_minute": 1260, "days": days}});

    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "agent": stack.agent(), "settings": settings(json!([]))}),
        )
        .await;
    assert_eq!(status, 422, "a window that never opens is refused: {body}");
    assert_eq!(
        body["error"]["field"], "settings.calling_window",
        "the refusal names the window: {body}"
    );

    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "agent": stack.agent(), "settings": settings(json!([allowed]))}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let campaign = body["campaign_id"].as_str().unwrap().to_owned();

    let lead = wait_for(
        "the lead to wait for its window",
        Duration::from_secs(30),
        || async {
            let lead = stack.get(&format!("/api/leads/{}", ids[0])).await;
            (lead["workflow"]["phase"] == "waiting_window").then_some(lead)
        },
    )
    .await;
    let opens: DateTime<Utc> = lead["workflow"]["next_action_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = opens.with_timezone(&los_angeles);
    assert_eq!((local.hour(), local.minute()), (8, 0), "opens at {local}");
    assert_eq!(
        local.weekday().number_from_monday(),
        allowed,
        "opens at {local}"
    );
    assert!(opens > Utc::now() + chrono::Duration::days(2));
    assert!(
        stack.sim_calls().await.is_empty(),
        "dialled outside the calling window"
    );

    assert_eq!(
        stack
            .post(&format!("/api/campaigns/{campaign}/cancel"), json!({}))
            .await
            .0,
        202
    );
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(30))
        .await;
    assert_eq!(
        detail.outcomes.get("canceled"),
        Some(&1),
        "{:?}",
        detail.outcomes
    );
    assert!(
        stack.sim_calls().await.is_empty(),
        "dialled after being stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_country_window_holds_that_countrys_leads_only() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    // Persona 02 declines: the US call ends quickly.
    let ids = stack
        .create_leads(&[("Emily", "+14155550102"), ("Jean", "+33612345602")])
        .await;
    let paris = chrono_tz::Europe::Paris;
    let today = Utc::now()
        .with_timezone(&paris)
        .weekday()
        .number_from_monday();
    let allowed = (today - 1 + 3) % 7 + 1;
    let mut window = crate::support::always_open();
    window["countries"] =
        json!({"FR": {"start_minute": 600, "end_minute": 1200, "days": [allowed]}});
    let settings = json!({"max_attempts": 1, "calling_window": window});
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "agent": stack.agent(), "settings": settings, "max_concurrent": 2}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let campaign = body["campaign_id"].as_str().unwrap().to_owned();

    wait_for("the US lead's call", Duration::from_secs(60), || async {
        let calls = stack.sim_calls().await;
        calls
            .iter()
            .any(|c| c["to"] == "+14155550102")
            .then_some(())
    })
    .await;
    let jean = wait_for(
        "the French lead to wait",
        Duration::from_secs(30),
        || async {
            let lead = stack.get(&format!("/api/leads/{}", ids[1])).await;
            (lead["workflow"]["phase"] == "waiting_window").then_some(lead)
        },
    )
    .await;
    let opens: DateTime<Utc> = jean["workflow"]["next_action_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = opens.with_timezone(&paris);
    assert_eq!((local.hour(), local.minute()), (10, 0), "opens at {local}");
    assert_eq!(
        local.weekday().number_from_monday(),
        allowed,
        "opens at {local}"
    );
    assert!(
        stack
            .sim_calls()
            .await
            .iter()
            .all(|c| c["to"] != "+33612345602"),
        "dialled outside France's window"
    );

    // A lowercase country code is refused with the field named.
    let mut bad = crate::support::always_open();
    bad["countries"] = json!({"fr": {"start_minute": 600, "end_minute": 1200}});
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "agent": stack.agent(), "settings": {"calling_window": bad}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("countries.fr"),
        "{body}"
    );
    stack
        .post(&format!("/api/campaigns/{campaign}/cancel"), json!({}))
        .await;
}
