//! The API's front door: every `/api/*` route needs a live API key; health checks and Twilio's
//! (signature-checked) webhooks do not; every error, whoever produced it, has one JSON shape
//! with a machine-readable code, and validation errors name the field.

use crate::support::{Stack, StackOptions};
use serde_json::{Value, json};

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    key: Option<&str>,
    body: Option<&str>,
) -> (u16, Value) {
    let mut req = client
        .request(method, url)
        .header("content-type", "application/json");
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    if let Some(body) = body {
        req = req.body(body.to_owned());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_guard_the_api_and_errors_share_one_shape() {
    let stack = Stack::start(StackOptions::default()).await;
    let bare = reqwest::Client::new();
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let meetings = format!("{}/api/meetings", stack.api);

    // No key, a made-up key, a revoked key: 401 with the same shape.
    let (status, body) = call(&bare, get.clone(), meetings.clone(), None, None).await;
    assert_eq!(status, 401);
    assert_error(&body, "unauthorized");
    let fake = "cwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(
        call(&bare, get.clone(), meetings.clone(), Some(fake), None)
            .await
            .0,
        401
    );
    let revoked = callwright_api::auth::create_key(&stack.db, "old")
        .await
        .unwrap();
    assert!(
        callwright_api::auth::revoke_key(&stack.db, revoked.id)
            .await
            .unwrap()
    );
    assert_eq!(
        call(
            &bare,
            get.clone(),
            meetings.clone(),
            Some(&revoked.key),
            None
        )
        .await
        .0,
        401
    );
    // Keys are stored only as hashes.
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM api_keys WHERE key_hash = convert_to($1, 'UTF8') OR key_prefix = $1",
    )
    .bind(&stack.api_key)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(stored, 0);

    // A live key opens the API; health needs none.
    let key = Some(stack.api_key.as_str());
    assert_eq!(
        call(&bare, get.clone(), meetings.clone(), key, None)
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            &bare,
            get.clone(),
            format!("{}/healthz", stack.api),
            None,
            None
        )
        .await
        .0,
        200
    );

    // Validation names the field.
    let leads = format!("{}/api/leads", stack.api);
    let (status, body) = call(
        &bare,
        post.clone(),
        leads.clone(),
        key,
        Some(r#"{"name": "X", "phone": "12"}"#),
    )
    .await;
    assert_eq!(status, 422);
    assert_error(&body, "invalid");
    assert_eq!(body["error"]["field"], "phone");
    // Malformed JSON, a missing field, a bad path parameter: 4xx in the same shape.
    let (status, body) = call(&bare, post.clone(), leads.clone(), key, Some("{not json")).await;
    assert_eq!(status, 400);
    assert_error(&body, "bad_request");
    let (status, body) = call(
        &bare,
        post.clone(),
        leads.clone(),
        key,
        Some(r#"{"name": "X"}"#),
    )
    .await;
    assert!(status == 422 || status == 400, "{status}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("phone"),
        "{body}"
    );
    let (status, body) = call(
        &bare,
        get.clone(),
        format!("{}/api/meetings/not-a-uuid", stack.api),
        key,
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_error(&body, "bad_request");
    // Too big, unknown route, wrong method.
    let huge = json!({"name": "x".repeat(2 * 1024 * 1024), "phone": "+14155550100"}).to_string();
    // On its own client: the server answers 413 without reading the rest of the body and
    // closes that connection, which a shared pool could hand to the next request.
    let once = reqwest::Client::new();
    let (status, body) = call(&once, post.clone(), leads.clone(), key, Some(&huge)).await;
    assert_eq!(status, 413);
    assert_error(&body, "too_large");
    let (status, body) = call(
        &bare,
        get.clone(),
        format!("{}/api/nothing-here", stack.api),
        key,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_error(&body, "not_found");
    let (status, body) = call(&bare, reqwest::Method::PUT, leads, key, Some("{}")).await;
    assert_eq!(status, 405);
    assert_error(&body, "method_not_allowed");

    // Twilio's webhooks are not behind keys but behind signatures.
    let (status, body) = call(
        &bare,
        post,
        format!("{}/twilio/status?wf=x&attempt=1", stack.api),
        None,
        Some(""),
    )
    .await;
    assert_eq!(status, 403);
    assert_error(&body, "bad_signature");
}
