//! `POST /api/leads/{id}/retry`: a lead whose workflow has ended gets a fresh run (a new call),
//! never while a run is live; every retry is audited with the key that asked for it.

use crate::support::{Stack, StackOptions, lead_workflow, wait_for};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_ended_lead_is_called_again_once_and_audited() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    // Busy on the one attempt allowed: the lead ends with `busy`.
    let ids = stack
        .create_leads(&[
            ("Noa Cohen", "+972527654307"),
            ("Idle Lead", "+972527654399"),
        ])
        .await;
    let campaign = stack.start_campaign(&ids[..1], 1, 1).await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;
    let calls_to = |n: &'static str| {
        let stack = &stack;
        async move {
            stack
                .sim_calls()
                .await
                .iter()
                .filter(|c| c["to"] == n)
                .count()
        }
    };
    assert_eq!(calls_to("+972527654307").await, 1);

    let (status, body) = stack
        .post(&format!("/api/leads/{}/retry", ids[0]), json!({}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["workflow_id"], lead_workflow(&campaign, &ids[0]));
    assert!(body["run_id"].as_str().is_some_and(|r| !r.is_empty()));
    // While that run is live, a second retry is refused.
    let (status, body) = stack
        .post(&format!("/api/leads/{}/retry", ids[0]), json!({}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");

    wait_for("the second call", Duration::from_secs(60), || async {
        (calls_to("+972527654307").await == 2).then_some(())
    })
    .await;
    let audited: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.action, k.name FROM audit_log a JOIN api_keys k ON k.id = a.api_key_id
         WHERE a.target = $1",
    )
    .bind(&ids[0])
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(audited, vec![("lead.retry".to_owned(), "tests".to_owned())]);

    // Never in a campaign: nothing to retry. Unknown lead: 404.
    let (status, _) = stack
        .post(&format!("/api/leads/{}/retry", ids[1]), json!({}))
        .await;
    assert_eq!(status, 409);
    let (status, _) = stack
        .post(
            &format!("/api/leads/{}/retry", uuid::Uuid::new_v4()),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
}
