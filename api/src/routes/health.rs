//! Liveness and readiness.

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

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
        (status = 503, description = "Postgres or Temporal does not answer", body = crate::error::ErrorBody),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    let db = sqlx::query("SELECT 1").execute(&state.db).await.is_ok();
    let temporal = state
        .temporal
        .count_workflows("WorkflowType = 'CampaignWorkflow'", Default::default())
        .await
        .is_ok();
    match (db, temporal) {
        (true, true) => (StatusCode::OK, "ready"),
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "postgres unreachable"),
        (_, false) => (StatusCode::SERVICE_UNAVAILABLE, "temporal unreachable"),
    }
}
