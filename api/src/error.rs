//! API errors: a clear reason for the client on 4xx, details only in the log on 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::{ErrorBody, ErrorDetail};
use callwright_domain::FieldError;
use serde_json::json;

/// A refusal's words and, when it is about one, the request field it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The field (`phone`, `settings.max_attempts`, `fields.plan`), when there is one.
    pub field: Option<String>,
    /// What is wrong, for a person (without the field's name).
    pub detail: String,
}

impl std::fmt::Display for Reason {
    /// The message clients read: the field first when there is one (`phone: …`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.detail),
            None => f.write_str(&self.detail),
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or invalid.
    #[error("{0}")]
    BadRequest(Reason),
    /// Well-formed but not acceptable (validation of content).
    #[error("{0}")]
    Unprocessable(Reason),
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
    #[error("{message}")]
    PayloadTooLarge {
        /// What was too large.
        message: String,
        /// The limit, in bytes.
        limit_bytes: u64,
    },
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
                    ApiError::bad_request("text must not contain NUL (\\u0000) characters")
                }
                Some("22008") => ApiError::bad_request(
                    "a date is out of the supported range (4713 BC to 294276 AD)",
                ),
                _ => ApiError::Internal(err.into()),
            },
            _ => ApiError::Internal(err.into()),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(refused: FieldError) -> Self {
        ApiError::invalid(refused.field, refused.message)
    }
}

impl ApiError {
    /// A 400 about the request as a whole.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest(Reason {
            field: None,
            detail: message.into(),
        })
    }

    /// A 400 about one field (a query parameter, a path segment, a form field).
    pub fn bad_field(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        ApiError::BadRequest(Reason {
            field: Some(field.into()),
            detail: message.to_string(),
        })
    }

    /// A 422 about the content as a whole.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::Unprocessable(Reason {
            field: None,
            detail: message.into(),
        })
    }

    /// A 422 about one field of the body.
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        ApiError::Unprocessable(Reason {
            field: Some(field.into()),
            detail: message.to_string(),
        })
    }

    /// The field the error is about, if any.
    fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest(reason) | ApiError::Unprocessable(reason) => {
                reason.field.as_deref()
            }
            _ => None,
        }
    }

    /// Status and machine-readable code.
    fn kind(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "bad_signature"),
            ApiError::LinkRejected(_) => (StatusCode::FORBIDDEN, "link_rejected"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            ApiError::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// An error body with no field: `{"error": {"code", "message"}}`.
pub fn body(code: &str, message: &str) -> serde_json::Value {
    json!({ "error": { "code": code, "message": message } })
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
        let out = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                field: self.field().map(str::to_owned),
                limit_bytes: match &self {
                    ApiError::PayloadTooLarge { limit_bytes, .. } => Some(*limit_bytes),
                    _ => None,
                },
            },
            existing_id: match &self {
                ApiError::Conflict { existing_id, .. } => existing_id.clone(),
                _ => None,
            },
        };
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

    async fn sent(err: ApiError) -> (StatusCode, ErrorBody) {
        let response = err.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_refusal_names_its_field_beside_the_message() {
        let (status, body) = sent(ApiError::invalid("settings.max_attempts", "too high")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body.error.code, "invalid");
        assert_eq!(body.error.field.as_deref(), Some("settings.max_attempts"));
        assert_eq!(body.error.message, "settings.max_attempts: too high");
        let (status, body) = sent(FieldError::new("fields.plan", "too long").into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body.error.field.as_deref(), Some("fields.plan"));
    }

    #[tokio::test]
    async fn a_message_that_looks_like_a_field_is_not_taken_for_one() {
        let (status, body) = sent(ApiError::unprocessable("nothing was listed: x")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body.error.field, None);
        let (_, body) = sent(ApiError::NotFound("no lead 5".into())).await;
        assert_eq!(body.error.field, None);
        assert_eq!(body.existing_id, None);
    }

    #[tokio::test]
    async fn conflicts_and_limits_carry_their_extra_facts() {
        let (status, body) = sent(ApiError::Conflict {
            message: "taken".into(),
            existing_id: Some("42".into()),
        })
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body.existing_id.as_deref(), Some("42"));
        let (status, body) = sent(ApiError::PayloadTooLarge {
            message: "too big".into(),
            limit_bytes: 10,
        })
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body.error.code, "too_large");
        assert_eq!(body.error.limit_bytes, Some(10));
    }
}
