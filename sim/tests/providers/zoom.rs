//! Zoom Server-to-Server OAuth and meetings.

use crate::{add_faults, client, json, start};
use callwright_sim::zoom::{ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET};
use serde_json::{Value, json};

async fn token(base: &str) -> String {
    let (status, body) = json(
        client()
            .post(format!(
                "{base}/oauth/token?grant_type=account_credentials&account_id={ACCOUNT_ID}"
            ))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["scope"], "meeting:write:meeting:admin");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn token_checks_credentials() {
    let sim = start().await;
    token(&sim.base).await;
    let (status, body) = json(
        client()
            .post(format!(
                "{}/oauth/token?grant_type=account_credentials&account_id={ACCOUNT_ID}",
                sim.base
            ))
            .basic_auth(CLIENT_ID, Some("nope"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
    );
    let (status, body) = json(
        client()
            .post(format!(
                "{}/oauth/token?grant_type=account_credentials&account_id=other",
                sim.base
            ))
            .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn meeting_lifecycle_and_faults() {
    let sim = start().await;
    let bearer = token(&sim.base).await;
    let create = format!("{}/v2/users/me/meetings", sim.base);
    let meeting = json!({
        "topic": "Callwright demo",
        "type": 2,
        "start_time": "2030-05-02T15:00:00Z",
        "duration": 30,
        "timezone": "UTC",
        "agenda": "Intro call",
        "settings": {"join_before_host": true},
    });

    let (status, body) = json(client().post(&create).json(&meeting).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], 124);

    let (status, created) = json(
        client()
            .post(&create)
            .bearer_auth(&bearer)
            .json(&meeting)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["topic"], "Callwright demo");
    assert_eq!(created["type"], 2);
    assert_eq!(created["start_time"], "2030-05-02T15:00:00Z");
    assert_eq!(created["duration"], 30);
    assert_eq!(created["timezone"], "UTC");
    assert_eq!(created["settings"]["join_before_host"], true);
    assert!(created["uuid"].is_string() && created["host_id"].is_string());
    assert!(created["password"].is_string());
    assert!(
        created["start_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://zoom.us/s/{id}"))
    );
    assert!(
        created["join_url"]
            .as_str()
            .unwrap()
            .starts_with(&format!("https://zoom.us/j/{id}?pwd="))
    );

    let one = format!("{}/v2/meetings/{id}", sim.base);
    let response = client()
        .patch(&one)
        .bearer_auth(&bearer)
        .json(&json!({"start_time": "2030-05-03T09:00:00", "timezone": "Europe/Paris", "duration": 45}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, got) = json(
        client()
            .get(&one)
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["start_time"], "2030-05-03T07:00:00Z");
    assert_eq!(got["duration"], 45);
    assert_eq!(got["join_url"], created["join_url"]);

    let (status, bad) = json(
        client()
            .post(&create)
            .bearer_auth(&bearer)
            .json(&json!({"topic": "x", "duration": "long"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(bad["code"], 300);

    add_faults(&sim.base, json!({"zoom_500": 1})).await;
    let response = client()
        .delete(&one)
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let response = client()
        .delete(&one)
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = json(
        client()
            .delete(&one)
            .bearer_auth(&bearer)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 3001);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Meeting does not exist")
    );

    let (_, listed) = json(
        client()
            .get(format!("{}/sim/zoom/meetings", sim.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let listed: &Vec<Value> = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["deleted"], true);
}
