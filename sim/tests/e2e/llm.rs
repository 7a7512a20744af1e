//! The OpenAI-compatible scripted model.

use crate::stub::*;
use serde_json::{Value, json};

fn tools() -> Value {
    let tool = |name: &str| json!({"type": "function", "function": {"name": name, "description": name, "parameters": {"type": "object", "properties": {}}}});
    json!([tool("schedule_callback"), tool("opt_out"), tool("end_call")])
}

fn system(lang: &str) -> String {
    format!(
        "You are Alex, calling on behalf of Callwright.\nConversation language: {lang}\nCurrent local time for the callee: 2026-11-24T10:15:00+01:00\nBe brief."
    )
}

async fn chat(sim: &str, body: Value) -> (u16, Value) {
    let response = client()
        .post(format!("{sim}/v1/chat/completions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn hebrew_opt_out() {
    let sim = start_sim().await;
    let (status, body) = chat(
        &sim,
        json!({
            "model": "m",
            "messages": [
                {"role": "system", "content": system("he-IL")},
                {"role": "user", "content": "בבקשה הפסיקו להתקשר אליי ומחקו את המספר שלי"}
            ],
            "tools": tools()
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "m");
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert!(body["usage"]["total_tokens"].as_u64().unwrap() > 0);
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    let message = &choice["message"];
    let call = &message["tool_calls"][0];
    assert_eq!(call["type"], "function");
    assert!(call["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(call["function"]["name"], "opt_out");
    assert_eq!(call["function"]["arguments"], "{}");
    assert!(message["content"].as_str().unwrap().contains("להתראות"));
}

#[tokio::test]
async fn callback_question_tool_result_and_errors() {
    let sim = start_sim().await;
    let (_, body) = chat(
        &sim,
        json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": system("en-US")},
            {"role": "user", "content": "I'm busy right now, call me back tomorrow at 5 pm."}
        ]}),
    )
    .await;
    let call = &body["choices"][0]["message"]["tool_calls"][0]["function"];
    assert_eq!(call["name"], "schedule_callback");
    let args: Value = serde_json::from_str(call["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(args["callback_at"], "2026-11-25T17:00:00+01:00");

    // No tools offered: content only.
    let (_, body) = chat(
        &sim,
        json!({"model": "m", "messages": [
            {"role": "system", "content": system("en-US")},
            {"role": "user", "content": "No thanks, I'm not interested."}
        ]}),
    )
    .await;
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert!(body["choices"][0]["message"].get("tool_calls").is_none());

    let (_, body) = chat(
        &sim,
        json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": system("de-DE")},
            {"role": "user", "content": "Was kostet das?"}
        ]}),
    )
    .await;
    let content = body["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.contains("Termin"), "{content}");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");

    let (_, body) = chat(
        &sim,
        json!({"model": "m", "tools": tools(), "messages": [
            {"role": "system", "content": system("es-ES")},
            {"role": "user", "content": "No gracias, no me interesa."},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "end_call", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "ok"}
        ]}),
    )
    .await;
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert!(
        body["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
            .contains("Adiós")
    );

    let response = client()
        .post(format!("{sim}/v1/chat/completions"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");

    client()
        .post(format!("{sim}/sim/faults"))
        .json(&json!({"llm_500": 1, "llm_429": 1}))
        .send()
        .await
        .unwrap();
    let ok_body = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    let (status, _) = chat(&sim, ok_body.clone()).await;
    assert_eq!(status, 500);
    let (status, _) = chat(&sim, ok_body.clone()).await;
    assert_eq!(status, 429);
    let (status, _) = chat(&sim, ok_body).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn api_key_is_enforced_when_configured() {
    let mut config = callwright_sim::SimConfig::for_tests(0.01);
    config.llm_api_key = Some("sk-test".into());
    let sim = callwright_sim::Sim::build(config).await.unwrap();
    let base = sim.base_url();
    sim.spawn();
    let body = json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]});
    let url = format!("{base}/v1/chat/completions");
    let denied = client().post(&url).json(&body).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let allowed = client()
        .post(&url)
        .bearer_auth("sk-test")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
}
