//! Transfer to a person: a callee who asks for one is put through (`<Dial>`) to the campaign's
//! transfer number, and the attempt ends `transferred`; a campaign without a transfer number
//! offers no transfer.

use crate::support::{Stack, StackOptions, always_open};
use serde_json::{Value, json};
use std::time::Duration;

async fn campaign(stack: &Stack, lead: &str, transfer: Option<&str>) -> (u16, Value) {
    let mut settings = json!({"max_attempts": 1, "calling_window": always_open()});
    if let Some(number) = transfer {
        settings["transfer_number"] = json!(number);
    }
    stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": [lead], "agent": stack.agent(), "settings": settings}),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_callee_who_asks_for_a_person_is_put_through() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    // Persona 16 asks for a real person.
    let ids = stack
        .create_leads(&[
            ("Grace Hopper", "+14155550116"),
            ("Alan Kay", "+14155550216"),
        ])
        .await;

    let (status, body) = campaign(&stack, &ids[0], Some("+1 (415) 555-0100")).await;
    assert_eq!(status, 201, "{body}");
    let with_transfer = body["campaign_id"].as_str().unwrap().to_owned();
    let detail = stack
        .wait_campaign_done(&with_transfer, Duration::from_secs(120))
        .await;
    assert_eq!(detail.outcomes.get("transferred"), Some(&1), "{detail:?}");
    let calls = stack.sim_calls().await;
    let call = calls.iter().find(|c| c["to"] == "+14155550116").unwrap();
    assert_eq!(call["transferred_to"], "+14155550100", "{call}");
    let lead = stack.get(&format!("/api/leads/{}", ids[0])).await;
    assert_eq!(lead["last_outcome"], "transferred", "{lead}");
    let call_id = lead["calls"][0]["id"].as_str().unwrap();
    let detail = stack.get(&format!("/api/calls/{call_id}")).await;
    let asked = detail["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["speaker"] == "callee")
        .unwrap();
    assert_eq!(asked["intent"], "wants_a_person", "{detail}");
    let kpi = stack
        .get(&format!(
            "/api/analytics/overview?campaign_id={with_transfer}"
        ))
        .await;
    assert_eq!(
        kpi["conversations"], 1,
        "a transfer is a conversation: {kpi}"
    );

    // No transfer number: the agent cannot put anyone through.
    let (status, body) = campaign(&stack, &ids[1], None).await;
    assert_eq!(status, 201, "{body}");
    let without = body["campaign_id"].as_str().unwrap().to_owned();
    let detail = stack
        .wait_campaign_done(&without, Duration::from_secs(120))
        .await;
    assert!(!detail.outcomes.contains_key("transferred"), "{detail:?}");
    let calls = stack.sim_calls().await;
    let call = calls.iter().find(|c| c["to"] == "+14155550216").unwrap();
    assert!(call["transferred_to"].is_null(), "{call}");

    // A transfer number must be a phone number.
    let (status, body) = campaign(&stack, &ids[1], Some("front desk")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "settings.transfer_number", "{body}");
}
