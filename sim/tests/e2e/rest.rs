//! Twilio REST validation, auth, listing, faults and the inspection API.

use crate::stub::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn valid(stub_base: &str, to: &str) -> Vec<(&'static str, String)> {
    vec![
        ("To", to.to_owned()),
        ("From", "+15005550006".to_owned()),
        ("Url", format!("{stub_base}/voice")),
    ]
}

#[tokio::test]
async fn bad_auth_is_401() {
    let sim = start_sim().await;
    let response = client()
        .post(calls_url(&sim))
        .basic_auth(ACCOUNT, Some("wrong"))
        .form(&valid("http://127.0.0.1:9", "+15551230000"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
    );
    let anonymous = client().get(calls_url(&sim)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let other_account = client()
        .get(format!("{sim}/2010-04-01/Accounts/ACother/Calls.json"))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(other_account.status(), 404);
}

#[tokio::test]
async fn bad_to_and_missing_url_are_400() {
    let sim = start_sim().await;
    let (status, body) = create_call(&sim, &valid("http://127.0.0.1:9", "5551234")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], 21211);
    assert_eq!(body["status"], 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid 'To' Phone Number")
    );
    assert_eq!(
        body["more_info"],
        "https://www.twilio.com/docs/errors/21211"
    );

    let (status, body) = create_call(
        &sim,
        &[
            ("To", "+15551230000".into()),
            ("From", "+15005550006".into()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], 21205);
    let (status, _) = create_call(&sim, &valid("http://127.0.0.1:9", "+1555123000012345678")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn list_filters_by_to_and_unknown_call_is_404() {
    let sim = start_sim().await;
    let stub = Stub::start().await;
    for to in ["+15551230007", "+15551230007", "+15551230011"] {
        let (status, _) = create_call(&sim, &valid(&stub.base, to)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let list: Value = client()
        .get(calls_url(&sim))
        .query(&[("To", "+15551230007")])
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let calls = list["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(list["page"], 0);
    assert_eq!(list["page_size"], 50);
    let first = calls[0]["date_created"].as_str().unwrap();
    assert!(first.contains("+0000"), "RFC 2822: {first}");

    let missing = client()
        .get(format!(
            "{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls/CA00000000000000000000000000000000.json"
        ))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], 20404);

    let failed = calls_to_final(&sim, "+15551230011").await;
    assert_eq!(failed, "failed");

    let reset = client()
        .post(format!("{sim}/sim/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    let all: Value = client()
        .get(format!("{sim}/sim/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all, json!([]));
}

async fn calls_to_final(sim: &str, to: &str) -> String {
    let all: Value = client()
        .get(format!("{sim}/sim/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sid = all
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["to"] == to)
        .unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_final(sim, &sid).await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn create_fault_answers_429_then_recovers() {
    let sim = start_sim().await;
    let health = client()
        .get(format!("{sim}/sim/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let set = client()
        .post(format!("{sim}/sim/faults"))
        .json(&json!({"twilio_create_429": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let response = client()
        .post(calls_url(&sim))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(&valid("http://127.0.0.1:9", "+15551230007"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.json::<Value>().await.unwrap()["code"], 20429);
    let (status, _) = create_call(&sim, &valid("http://127.0.0.1:9", "+15551230007")).await;
    assert_eq!(status, StatusCode::CREATED);
    let bad = client()
        .post(format!("{sim}/sim/faults"))
        .json(&json!({"nope": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
