//! Liveness and readiness.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use std::time::Duration;

/// How long `/readyz` waits for each dependency. A stopped Postgres makes the pool wait for its
/// acquire timeout (30 s) rather than fail: a probe must say "not ready" well before a load
/// balancer's own timeout, so no answer in time counts as unreachable.
const READY_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "health",
    responses((status = 200, description = "Up", body = String, content_type = "text/plain", example = "ok"))
)]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Postgres and Temporal answer.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "health",
    responses(
        (status = 200, description = "Postgres and Temporal answer", body = String, content_type = "text/plain", example = "ready"),
        (status = 503, description = "Postgres or Temporal does not answer", body = callwright_contracts::api::error::ErrorBody),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let db = callwright_store::calls::ping(&state.db);
    let temporal = state
        .temporal
        .count_workflows("WorkflowType = 'CampaignWorkflow'", Default::default());
    let (db, temporal) = tokio::join!(
        tokio::time::timeout(READY_CHECK_TIMEOUT, db),
        tokio::time::timeout(READY_CHECK_TIMEOUT, temporal)
    );
    let (db, temporal) = (matches!(db, Ok(Ok(_))), matches!(temporal, Ok(Ok(_))));
    match (db, temporal) {
        (true, true) => (StatusCode::OK, "ready"),
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "postgres unreachable"),
        (_, false) => (StatusCode::SERVICE_UNAVAILABLE, "temporal unreachable"),
    }
}
