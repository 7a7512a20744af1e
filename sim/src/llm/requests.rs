//! What the model received: the bodies of the latest chat-completion and embeddings requests,
//! for tests to check what reached the prompt (`GET /sim/llm/requests`, cleared by
//! `POST /sim/reset`).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::state::SharedState;

/// How many requests are kept (the oldest go first).
pub const KEPT: usize = 500;

/// Which endpoint a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/chat/completions`.
    Chat,
    /// `POST /v1/embeddings`.
    Embeddings,
}

impl Endpoint {
    fn name(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Embeddings => "embeddings",
        }
    }
}

struct Entry {
    endpoint: Endpoint,
    at: DateTime<Utc>,
    // Kept as received and parsed only when listed, so busy runs pay for a copy-free clone.
    body: Bytes,
}

/// A ring buffer of the last [`KEPT`] request bodies.
#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps one request body.
    pub fn record(&self, endpoint: Endpoint, body: &Bytes) {
        let mut entries = self.lock();
        if entries.len() >= KEPT {
            entries.pop_front();
        }
        entries.push_back(Entry {
            endpoint,
            at: Utc::now(),
            body: body.clone(),
        });
    }

    /// `[{"endpoint": "chat"|"embeddings", "at", "body"}]`, oldest first; a body that is not
    /// JSON is listed as a string.
    pub fn list(&self) -> Vec<Value> {
        self.lock()
            .iter()
            .map(|e| {
                let body = serde_json::from_slice::<Value>(&e.body)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&e.body).into()));
                json!({
                    "endpoint": e.endpoint.name(),
                    "at": e.at.to_rfc3339_opts(SecondsFormat::Millis, true),
                    "body": body,
                })
            })
            .collect()
    }

    /// Forgets every request.
    pub fn reset(&self) {
        self.lock().clear();
    }
}

/// `GET /sim/llm/requests`.
pub async fn list(State(state): State<SharedState>) -> Response {
    Json(state.llm_requests.list()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_latest_in_order() {
        let log = RequestLog::default();
        for i in 0..KEPT + 3 {
            log.record(Endpoint::Chat, &Bytes::from(format!("{{\"n\":{i}}}")));
        }
        log.record(Endpoint::Embeddings, &Bytes::from_static(b"not json"));
        let listed = log.list();
        assert_eq!(listed.len(), KEPT);
        assert_eq!(listed[0]["body"]["n"], 4);
        assert_eq!(listed[KEPT - 1]["endpoint"], "embeddings");
        assert_eq!(listed[KEPT - 1]["body"], "not json");
        assert!(listed[0]["at"].as_str().is_some_and(|a| a.ends_with('Z')));
        log.reset();
        assert!(log.list().is_empty());
    }
}
