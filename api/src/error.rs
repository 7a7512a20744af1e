//! API errors: a clear reason for the client on 4xx, details only in the log on 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or invalid.
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed but not acceptable (validation of content).
    #[error("{0}")]
    Unprocessable(String),
    /// A webhook whose signature does not verify.
    #[error("invalid Twilio signature")]
    Forbidden,
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// Conflicts with existing data.
    #[error("{message}")]
    Conflict {
        /// Why.
        message: String,
        /// The existing resource's id, when there is one.
        existing_id: Option<String>,
    },
    /// A dependency (Temporal, Postgres) is unreachable.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an unexpected failure.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => {
                ApiError::Unavailable("database unavailable".into())
            }
            _ => ApiError::Internal(err.into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, json!({"error": m})),
            ApiError::Unprocessable(m) => (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": m})),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, json!({"error": self.to_string()})),
            ApiError::NotFound(m) => (StatusCode::NOT_FOUND, json!({"error": m})),
            ApiError::Conflict {
                message,
                existing_id,
            } => (
                StatusCode::CONFLICT,
                json!({"error": message, "existing_id": existing_id}),
            ),
            ApiError::Unavailable(m) => {
                tracing::warn!(error = %m, "dependency unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, json!({"error": m}))
            }
            ApiError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "internal error"}),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
