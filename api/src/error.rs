//! API errors: a clear reason for the client on 4xx, details only in the log on 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The body of every error response (4xx and 5xx), as documented in the OpenAPI schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
    /// On a 409 caused by an existing resource (a lead with the same phone number): its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
}

/// The `error` object of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code: `bad_request`, `invalid`, `unauthorized`, `bad_signature`,
    /// `link_rejected`, `not_found`, `conflict`, `too_large`, `timeout`, `method_not_allowed`,
    /// `unsupported_media_type`, `unavailable` or `internal`.
    #[schema(example = "invalid")]
    pub code: String,
    /// For a person: what to change. On a 5xx, no internal detail.
    #[schema(example = "phone: '12' is not a phone number")]
    pub message: String,
    /// The request field the message is about, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "phone")]
    pub field: Option<String>,
}

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
    /// A signed link (a recording's) that is malformed, forged or expired.
    #[error("{0}")]
    LinkRejected(String),
    /// No API key, or one that is not (or no longer) valid.
    #[error("a valid API key is required: Authorization: Bearer cwk_...")]
    Unauthorized,
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// A body over its size limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A body in a media type the route does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
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
            // Data exceptions only the request's own values can cause: Postgres text cannot
            // hold a NUL character, and its timestamps span 4713 BC to 294276 AD.
            sqlx::Error::Database(db) => match db.code().as_deref() {
                Some("22021" | "22P05") => {
                    ApiError::BadRequest("text must not contain NUL (\\u0000) characters".into())
                }
                Some("22008") => ApiError::BadRequest(
                    "a date is out of the supported range (4713 BC to 294276 AD)".into(),
                ),
                _ => ApiError::Internal(err.into()),
            },
            _ => ApiError::Internal(err.into()),
        }
    }
}

/// The field a validation message names (`"phone: not a number"` → `phone`).
fn field_of(message: &str) -> Option<&str> {
    let (field, _) = message.split_once(": ")?;
    field
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
        .then_some(field)
        .filter(|f| !f.is_empty())
}

impl ApiError {
    /// Status and machine-readable code.
    fn kind(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "bad_signature"),
            ApiError::LinkRejected(_) => (StatusCode::FORBIDDEN, "link_rejected"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// Every error body: `{"error": {"code", "message", "field"?}}`, plus `existing_id` on a
/// conflict with an existing resource.
pub fn body(code: &str, message: &str) -> serde_json::Value {
    let mut error = json!({"code": code, "message": message});
    if let Some(field) = field_of(message) {
        error["field"] = json!(field);
    }
    json!({ "error": error })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.kind();
        let message = match &self {
            ApiError::Unavailable(m) => {
                tracing::warn!(error = %m, "dependency unavailable");
                m.clone()
            }
            // Details go to the log, never to the client.
            ApiError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "internal error".to_owned()
            }
            other => other.to_string(),
        };
        let mut out = body(code, &message);
        if let ApiError::Conflict {
            existing_id: Some(id),
            ..
        } = &self
        {
            out["existing_id"] = json!(id);
        }
        let mut response = (status, Json(out)).into_response();
        if status == StatusCode::UNAUTHORIZED
            && let Ok(v) = axum::http::HeaderValue::from_str("Bearer")
        {
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_their_field() {
        assert_eq!(field_of("phone: '12' is not a number"), Some("phone"));
        assert_eq!(
            field_of("settings.max_attempts: too high"),
            Some("settings.max_attempts")
        );
        assert_eq!(field_of("no lead 5"), None);
        assert_eq!(field_of("the change was not made: x"), None);
        let b = body("invalid", "email: not an address");
        assert_eq!(b["error"]["field"], "email");
        assert_eq!(b["error"]["code"], "invalid");
    }

    #[test]
    fn error_bodies_match_the_documented_schema() {
        let plain: ErrorBody = serde_json::from_value(body("not_found", "no lead 5")).unwrap();
        assert_eq!(plain.error.field, None);
        assert_eq!(plain.existing_id, None);
        let named: ErrorBody = serde_json::from_value(body("invalid", "phone: bad")).unwrap();
        assert_eq!(named.error.field.as_deref(), Some("phone"));
    }
}
