//! `POST /v1/embeddings` and `GET /sim/llm/requests` over HTTP.

use crate::stub::*;
use base64::Engine as _;
use serde_json::{Value, json};

async fn embed(sim: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!("{sim}/v1/embeddings"))
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn vector(item: &Value) -> Vec<f64> {
    item["embedding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[tokio::test]
async fn embeddings_are_deterministic_unit_vectors_of_256() {
    let sim = start_sim().await;
    let (status, body) = embed(
        &sim,
        &json!({"model": "text-embedding-3-small", "input": "How long is the warranty?"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "list");
    assert_eq!(body["model"], "text-embedding-3-small");
    assert_eq!(body["data"][0]["object"], "embedding");
    assert_eq!(body["data"][0]["index"], 0);
    let query = vector(&body["data"][0]);
    assert_eq!(query.len(), 256);
    assert!((cosine(&query, &query) - 1.0).abs() < 1e-4);
    let tokens = body["usage"]["prompt_tokens"].as_u64().unwrap();
    assert!(tokens > 0);
    assert_eq!(body["usage"]["total_tokens"].as_u64(), Some(tokens));

    let (status, body) = embed(
        &sim,
        &json!({"model": "m", "input": [
            "Every installation carries a 25-year warranty.",
            "Panels start at 49 euros a month.",
            "How long is the warranty?"
        ]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data[2]["index"], 2);
    assert_eq!(vector(&data[2]), query, "the same text, the same vector");
    assert!(cosine(&query, &vector(&data[0])) > cosine(&query, &vector(&data[1])));

    let (status, body) = embed(
        &sim,
        &json!({"model": "m", "input": "warranty", "encoding_format": "base64"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body["data"][0]["embedding"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes.len(), 256 * 4);
}

#[tokio::test]
async fn embeddings_refuse_empty_input_and_share_the_faults_and_key() {
    let sim = start_sim().await;
    for input in [json!(""), json!([]), json!(["a", ""]), json!(42)] {
        let (status, body) = embed(&sim, &json!({"model": "m", "input": input})).await;
        assert_eq!(status, 400, "{input}: {body}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["param"], "input");
        assert!(body["error"]["message"].as_str().unwrap().contains("input"));
    }
    let response = client()
        .post(format!("{sim}/v1/embeddings"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    client()
        .post(format!("{sim}/sim/faults"))
        .json(&json!({"llm_500": 1, "llm_429": 1}))
        .send()
        .await
        .unwrap();
    let ok = json!({"model": "m", "input": "hello"});
    assert_eq!(embed(&sim, &ok).await.0, 500);
    let response = client()
        .post(format!("{sim}/v1/embeddings"))
        .json(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(embed(&sim, &ok).await.0, 200);

    let mut config = callwright_sim::SimConfig::for_tests(0.01);
    config.llm_api_key = Some("sk-test".into());
    let keyed = callwright_sim::Sim::build(config).await.unwrap();
    let base = keyed.base_url();
    keyed.spawn();
    let url = format!("{base}/v1/embeddings");
    let denied = client().post(&url).json(&ok).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let allowed = client()
        .post(&url)
        .bearer_auth("sk-test")
        .json(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
}

async fn requests(sim: &str) -> Vec<Value> {
    client()
        .get(format!("{sim}/sim/llm/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_requests_the_model_received_are_listed_until_reset() {
    let sim = start_sim().await;
    assert!(requests(&sim).await.is_empty());
    let system = "You are the AI phone assistant of Acme Solar, on a live outbound phone call.\n\
                  ## Instructions\nAsk Dana about the Haifa office.\n\
                  ## This call\nCallee: Dana Levi of Acme Ltd\nConversation language: en-US";
    let search = json!({"type": "function", "function": {"name": "search_knowledge",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}}}}});
    let chat = |messages: Value| {
        let sim = sim.clone();
        let search = search.clone();
        async move {
            let response = client()
                .post(format!("{sim}/v1/chat/completions"))
                .json(&json!({"model": "my-model", "temperature": 0.7, "messages": messages, "tools": [search]}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()["choices"][0]["message"].clone()
        }
    };
    // The callee asks; the model searches the knowledge with their words.
    let asked = json!([
        {"role": "system", "content": system},
        {"role": "user", "content": "How long is the warranty?"}
    ]);
    let reply = chat(asked.clone()).await;
    let call = &reply["tool_calls"][0];
    assert_eq!(call["function"]["name"], "search_knowledge");
    let query: Value =
        serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(query, json!({"query": "How long is the warranty?"}));
    embed(&sim, &json!({"model": "e", "input": query["query"]})).await;
    // The product answers the tool call with what it found; the model quotes it.
    let passage = "Every installation carries a 25-year warranty.";
    let mut answered = asked.as_array().unwrap().clone();
    answered.push(reply.clone());
    answered.push(json!({"role": "tool", "tool_call_id": call["id"], "content": json!({
        "tool": "search_knowledge", "passages": [{"source": "Warranty", "text": passage}]}).to_string()}));
    let reply = chat(Value::Array(answered)).await;
    assert!(
        reply["content"].as_str().unwrap().contains(passage),
        "{reply}"
    );

    let seen = requests(&sim).await;
    let endpoints: Vec<&str> = seen
        .iter()
        .map(|r| r["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints, ["chat", "embeddings", "chat"]);
    assert!(seen.iter().all(|r| r["at"].as_str().is_some()));
    let first = &seen[0]["body"];
    assert_eq!(first["model"], "my-model");
    assert!(
        first["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Dana Levi of Acme Ltd")
    );
    assert!(
        first["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Haifa office")
    );
    assert_eq!(seen[1]["body"]["input"], "How long is the warranty?");
    let last = seen[2]["body"]["messages"].as_array().unwrap();
    assert!(
        last.iter()
            .any(|m| m["role"] == "tool" && m["content"].as_str().unwrap().contains(passage))
    );

    client()
        .post(format!("{sim}/sim/reset"))
        .send()
        .await
        .unwrap();
    assert!(requests(&sim).await.is_empty());
}
