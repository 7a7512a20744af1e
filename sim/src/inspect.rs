//! Inspection and control API for tests and demos: health, call records,
//! reset and fault injection, all under `/sim`. (Google, Zoom and mail
//! inspection live in their own modules.)

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::state::SharedState;
use crate::store::Faults;

/// Routes under `/sim`.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/sim/health", get(|| async { "ok" }))
        .route("/sim/calls", get(list))
        .route("/sim/calls/{sid}", get(one))
        .route("/sim/reset", post(reset))
        .route(
            "/sim/faults",
            get(faults).post(add_faults).delete(clear_faults),
        )
}

async fn list(State(state): State<SharedState>) -> Response {
    Json(state.store.list()).into_response()
}

async fn one(State(state): State<SharedState>, Path(sid): Path<String>) -> Response {
    match state.store.get(&sid) {
        Some(call) => Json(call).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("call {sid} not found")})),
        )
            .into_response(),
    }
}

async fn reset(State(state): State<SharedState>) -> Response {
    state.store.reset();
    state.google.reset();
    state.zoom.reset();
    state.mail.reset();
    state.tts.reset();
    state.deepgram.reset();
    state.llm_requests.reset();
    tracing::info!("simulator state reset");
    Json(json!({"reset": true})).into_response()
}

async fn faults(State(state): State<SharedState>) -> Response {
    Json(state.store.faults()).into_response()
}

async fn clear_faults(State(state): State<SharedState>) -> Response {
    Json(state.store.clear_faults()).into_response()
}

async fn add_faults(State(state): State<SharedState>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Faults>(&body) {
        Ok(add) => Json(state.store.add_faults(add)).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": format!("expected {{\"twilio_create_429\"|\"llm_500\"|\"llm_429\"|\"calendar_500\"|\"calendar_429\"|\"calendar_401\"|\"calendar_insert_403\"|\"zoom_500\"|\"smtp_451\": n}}: {e}")})),
        )
            .into_response(),
    }
}
