//! Deepgram pre-recorded transcription as the simulator speaks it: `POST /v1/listen` with
//! `Authorization: Token …`, the audio as the body and the options as query parameters
//! (`model`, `language`, `diarize`, `utterances`, `punctuate`, ...). The answer has Deepgram's
//! shape (`metadata`, `results.channels`, `results.utterances` with `start`, `end`,
//! `transcript`, `speaker`, `channel`, `confidence`).
//!
//! The simulator "hears" a recording by the recording sid its own media carries
//! ([`crate::recording::recording_sid`]) and answers with what was said on that call: every
//! transcript line, timed in simulated seconds from the answer, the agent as speaker 0 and the
//! callee as speaker 1. Audio it did not record comes back with no utterances, like silence.
//! Every request is recorded (`GET /sim/deepgram`).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

use crate::state::SharedState;
use crate::store::FaultKind;

/// One transcription request the simulator answered.
#[derive(Debug, Clone, Serialize)]
pub struct Listen {
    /// The query parameters.
    pub params: HashMap<String, String>,
    /// The recording the audio carried, if it was one of ours.
    pub recording_sid: Option<String>,
}

/// Requests answered so far.
#[derive(Default)]
pub struct Transcriptions {
    done: Mutex<Vec<Listen>>,
}

impl Transcriptions {
    /// Every request so far, in order.
    pub fn list(&self) -> Vec<Listen> {
        self.done.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// Forgets every request (`POST /sim/reset`).
    pub fn reset(&self) {
        if let Ok(mut done) = self.done.lock() {
            done.clear();
        }
    }
}

/// Routes of the listen endpoint and its inspection.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/v1/listen", post(listen))
        .route("/sim/deepgram", get(list))
}

fn words_secs(text: &str) -> f64 {
    text.split_whitespace().count() as f64 / 2.5
}

async fn listen(
    State(state): State<SharedState>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Token "))
        .is_some_and(|key| !key.trim().is_empty());
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."})),
        )
            .into_response();
    }
    if state.store.take_fault(FaultKind::Deepgram500) {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"err_code": "INTERNAL_SERVER_ERROR", "err_msg": "injected fault"})),
        )
            .into_response();
    }
    if body.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"err_code": "Bad Request", "err_msg": "Bad Request: failed to process audio: empty body"})),
        )
            .into_response();
    }
    let recording_sid = crate::recording::recording_sid(&body);
    let call = recording_sid.as_ref().and_then(|sid| {
        state
            .store
            .list()
            .into_iter()
            .find(|c| c.recording_sid.as_deref() == Some(sid.as_str()))
    });
    let mut utterances: Vec<Value> = Vec::new();
    if let Some(call) = &call {
        let start = call.answered_at.unwrap_or(call.created_at);
        for line in &call.transcript {
            let real = (line.at - start).to_std().unwrap_or_default();
            let at = state.simulated_secs(real);
            let speaker = if line.speaker == "agent" { 0 } else { 1 };
            utterances.push(json!({
                "start": at,
                "end": at + words_secs(&line.text),
                "confidence": 0.93,
                "channel": 0,
                "transcript": line.text,
                "speaker": speaker,
                "id": format!("{}-{}", call.sid, utterances.len()),
            }));
        }
    }
    let full: Vec<&str> = utterances
        .iter()
        .filter_map(|u| u["transcript"].as_str())
        .collect();
    if let Ok(mut done) = state.deepgram.done.lock() {
        done.push(Listen {
            params: params.clone(),
            recording_sid,
        });
    }
    let model = params
        .get("model")
        .cloned()
        .unwrap_or_else(|| "base".into());
    Json(json!({
        "metadata": {
            "request_id": uuid::Uuid::new_v4().to_string(),
            "duration": utterances.last().and_then(|u| u["end"].as_f64()).unwrap_or(1.0),
            "channels": 1,
            "models": [model],
        },
        "results": {
            "channels": [{"alternatives": [{"transcript": full.join(" "), "confidence": 0.93}]}],
            "utterances": utterances,
        },
    }))
    .into_response()
}

async fn list(State(state): State<SharedState>) -> Response {
    Json(state.deepgram.list()).into_response()
}
