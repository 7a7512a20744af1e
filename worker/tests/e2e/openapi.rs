//! The running API serves its OpenAPI document at `/openapi.json` and Swagger UI at `/docs`
//! (assets from the binary, no key needed), and the requests that used to end in a 5xx or a
//! dropped connection (found fuzzing the document with `make fuzz-api` and probing around it)
//! are now 4xx with the API's error body.

use crate::support::{Stack, StackOptions};
use serde_json::{Value, json};

fn assert_error(status: u16, body: &Value, want: u16, what: &str) {
    assert_eq!(status, want, "{what}: {body}");
    assert!(
        body["error"]["code"].is_string() && body["error"]["message"].is_string(),
        "{what}: {body}"
    );
}

async fn get(stack: &Stack, path: &str) -> (u16, Value) {
    let resp = stack
        .http
        .get(format!("{}{path}", stack.api))
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_serves_its_openapi_document_and_docs_and_fuzz_findings_stay_fixed() {
    let stack = Stack::start(StackOptions::default()).await;
    let bare = reqwest::Client::new();

    // The document, without a key: OpenAPI 3.1, the one generated from the code (whose unit
    // tests check it lists every route of the router).
    let resp = bare
        .get(format!("{}/openapi.json", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let spec: Value = resp.json().await.unwrap();
    assert!(
        spec["openapi"].as_str().unwrap().starts_with("3.1."),
        "{spec}"
    );
    let generated = serde_json::to_value(callwright_api::routes::openapi::document()).unwrap();
    assert_eq!(spec, generated);
    for path in [
        "/api/leads",
        "/api/meetings/{id}/status",
        "/twilio/turn",
        "/healthz",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} missing");
    }

    // Swagger UI and its script, from the binary, without a key.
    let resp = bare
        .get(format!("{}/docs/", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("swagger-ui-bundle.js"), "{html}");
    let resp = bare
        .get(format!("{}/docs/swagger-ui-bundle.js", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.unwrap().len() > 100_000);

    // NUL characters: Postgres text cannot hold them (was a 500). A lead's fields are parsed
    // first, which names the field.
    let (status, body) = stack
        .post(
            "/api/leads",
            json!({"name": "Nul\u{0}Name", "phone": "+14155550111"}),
        )
        .await;
    assert_error(status, &body, 422, "NUL in a lead's name");
    assert_eq!(body["error"]["field"], "name", "{body}");
    let (status, body) = stack
        .post(
            "/api/dnc",
            json!({"phone": "+14155550112", "reason": "nul\u{0}"}),
        )
        .await;
    assert_error(status, &body, 400, "NUL in a do-not-call reason");
    let (status, body) = get(&stack, "/api/leads?q=%00").await;
    assert_error(status, &body, 400, "NUL in a lead search");

    // Dates Postgres cannot store (was a 500), and a window end whose default start would
    // be before the first representable date (was a panic: the connection dropped).
    let (status, body) = get(&stack, "/api/calls?from=-5000-01-01T00:00:00Z").await;
    assert_error(status, &body, 400, "a call filter before 4713 BC");
    let (status, body) = get(&stack, "/api/analytics/overview?to=-262143-01-01T00:00:00Z").await;
    assert_error(status, &body, 400, "an analytics window at the first date");
    assert_eq!(body["error"]["field"], "to", "{body}");

    // A language filter in another spelling finds the leads stored under its code.
    let ids = stack.create_leads(&[("Lang Case", "+14155550113")]).await;
    let (status, body) = get(&stack, "/api/leads?language=EN-us").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["leads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == ids[0].as_str()),
        "{body}"
    );

    // A move of a confirmed meeting to a start whose end chrono cannot represent (was a panic),
    // or past RFC 3339's four-digit years.
    let meeting = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO meetings (id, lead_id, workflow_id, calendar_id, starts_at, ends_at, blocks,
                title, timezone, language, attendee_name, attendee_email, status, calendar_event_id)
         VALUES ($1, $2::uuid, 'wf-openapi', 'cal-openapi', now() + interval '1 day',
                 now() + interval '1 day 30 min',
                 tstzrange(now() + interval '1 day', now() + interval '1 day 45 min'),
                 'Intro', 'UTC', 'en', 'Lang Case', 'lang@example.com', 'confirmed', 'ev')",
    )
    .bind(meeting)
    .bind(&ids[0])
    .execute(&stack.db)
    .await
    .unwrap();
    for start in ["+262142-12-31T23:50:00Z", "+20000-01-01T00:00:00Z"] {
        let resp = stack
            .http
            .patch(format!("{}/api/meetings/{meeting}/status", stack.api))
            .json(&json!({"status": "rescheduled", "start": start}))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        assert_error(status, &body, 422, start);
        assert_eq!(body["error"]["field"], "start", "{body}");
    }
}
