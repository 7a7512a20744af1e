//! `POST /api/leads/{id}/retry`: a lead whose workflow has ended gets a fresh run (a new call),
//! never while a run is live; every retry is audited with the key that asked for it.
//! `POST /api/leads/{id}/reset`: a broken run resumes from its last good point.

use crate::support::{Stack, StackOptions, lead_workflow, wait_for};
use callwright_workflows::LeadWorkflow;
use serde_json::json;
use std::time::Duration;
use temporalio_client::{
    WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowTerminateOptions,
};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_terminated_lead_is_reset_to_its_last_good_point_and_audited() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    // 03 asks to be called back tomorrow: the run parks on a durable timer. 07 is busy on its
    // only attempt: the run completes.
    let ids = stack
        .create_leads(&[
            ("Dana Levi", "+972527654303"),
            ("Noa Cohen", "+972527654307"),
        ])
        .await;
    let campaign = stack.start_campaign(&ids, 2, 1).await;
    let phase = |id: String| {
        let stack = &stack;
        async move { stack.get(&format!("/api/leads/{id}")).await["workflow"]["phase"].clone() }
    };
    wait_for(
        "Dana parked until her callback",
        Duration::from_secs(90),
        || async { (phase(ids[0].clone()).await == "waiting_callback").then_some(()) },
    )
    .await;
    let workflow = lead_workflow(&campaign, &ids[0]);
    let handle = stack
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow.clone());
    handle
        .terminate(
            WorkflowTerminateOptions::builder()
                .reason("operator mistake")
                .build(),
        )
        .await
        .unwrap();

    let (status, body) = stack
        .post(&format!("/api/leads/{}/reset", ids[0]), json!({}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["workflow_id"], workflow);
    assert_ne!(body["run_id"], body["from_run_id"]);
    assert!(body["reset_to_event_id"].as_i64().unwrap() > 0);
    let described = handle
        .describe(WorkflowDescribeOptions::default())
        .await
        .unwrap();
    assert_eq!(described.status(), WorkflowExecutionStatus::Running);
    assert_eq!(described.run_id(), body["run_id"].as_str().unwrap());
    wait_for(
        "the new run back on its callback timer",
        Duration::from_secs(30),
        || async { (phase(ids[0].clone()).await == "waiting_callback").then_some(()) },
    )
    .await;
    // Resuming did not call her again.
    let to_dana = stack
        .sim_calls()
        .await
        .iter()
        .filter(|c| c["to"] == "+972527654303")
        .count();
    assert_eq!(to_dana, 1);
    let audited: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE target = $1")
        .bind(&ids[0])
        .fetch_all(&stack.db)
        .await
        .unwrap();
    assert_eq!(audited, ["lead.reset"]);

    // A run that completed normally has nothing to resume.
    wait_for("Noa's run to complete", Duration::from_secs(60), || async {
        let d = stack
            .temporal
            .get_workflow_handle::<LeadWorkflow>(lead_workflow(&campaign, &ids[1]))
            .describe(WorkflowDescribeOptions::default())
            .await
            .ok()?;
        (d.status() == WorkflowExecutionStatus::Completed).then_some(())
    })
    .await;
    let (status, body) = stack
        .post(&format!("/api/leads/{}/reset", ids[1]), json!({}))
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("retry"),
        "{body}"
    );
}
