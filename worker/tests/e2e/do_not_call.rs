//! The do-not-call list through the API: a listed number (added one by one, in bulk, or from a
//! CSV file) is never dialled (the lead ends as `do_not_call`), and a number can be checked and
//! removed again.

use crate::support::{Stack, StackOptions};
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn listed_numbers_are_never_dialled() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let (status, body) = stack
        .post(
            "/api/dnc",
            json!({"phone": "+1 415-555-2600", "reason": "asked by email"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["phone"], "+14155552600");
    assert_eq!(
        stack
            .post("/api/dnc", json!({"phone": "+14155552600"}))
            .await
            .0,
        200,
        "adding twice is idempotent"
    );
    assert_eq!(stack.post("/api/dnc", json!({"phone": "12"})).await.0, 422);
    assert_eq!(
        stack.get("/api/dnc/+14155552600").await["reason"],
        "asked by email"
    );

    // A suppression list imported in bulk: national numbers with a region, a bad entry reported
    // by position, a repeat and an already-listed number counted, not added twice.
    let (status, report) = stack
        .post(
            "/api/dnc/bulk",
            json!({"phones": ["(415) 555-2800", "not a number", "+14155552800", "+14155552600"],
                   "region": "US", "reason": "national list"}),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(report["already_listed"], 2, "{report}");
    assert_eq!(report["rejected"][0]["index"], 1, "{report}");
    assert_eq!(
        stack.get("/api/dnc/+14155552800").await["reason"],
        "national list"
    );
    assert_eq!(
        stack.post("/api/dnc/bulk", json!({"phones": []})).await.0,
        422
    );

    // A suppression list exported as CSV: other columns ignored, a row-level report by line,
    // national numbers with a region column, one transaction.
    let csv = "Name,Phone,Region,Reason\n\
               Dee,(415) 555-2900,US,asked in a letter\n\
               Eve,call me maybe,,\n\
               Cy,+14155552800,,\n";
    let (status, report) = stack.post_bytes("/api/dnc/import", "text/csv", csv).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["rows"], 3, "{report}");
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(report["already_listed"], 1, "{report}");
    assert_eq!(report["rejected_rows"][0]["line"], 3, "{report}");
    assert_eq!(report["ignored_columns"], json!(["Name"]), "{report}");
    assert_eq!(
        stack.get("/api/dnc/+14155552900").await["reason"],
        "asked in a letter"
    );
    let (status, refused) = stack
        .post_bytes(
            "/api/dnc/import",
            "text/csv",
            "name,email\nAnn,a@example.com\n",
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        stack
            .post_bytes("/api/dnc/import", "application/json", "{}")
            .await
            .0,
        415
    );

    let ids = stack
        .create_leads(&[
            ("Ann", "+14155552600"),
            ("Bob", "+14155552700"),
            ("Cy", "+14155552800"),
            ("Dee", "+14155552900"),
        ])
        .await;
    let campaign = stack.start_campaign(&ids, 4, 1).await;
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(60))
        .await;
    assert_eq!(
        detail.outcomes.get("do_not_call"),
        Some(&3),
        "{:?}",
        detail.outcomes
    );
    assert_eq!(
        detail.outcomes.get("interested"),
        Some(&1),
        "{:?}",
        detail.outcomes
    );
    let dialled: Vec<String> = stack
        .sim_calls()
        .await
        .iter()
        .map(|c| c["to"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(dialled, vec!["+14155552700".to_owned()]);

    let removed = stack
        .http
        .delete(format!("{}/api/dnc/+14155552600", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status().as_u16(), 204);
    let again = stack
        .http
        .delete(format!("{}/api/dnc/+14155552600", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 404);
}
