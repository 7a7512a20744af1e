//! Twilio-style error bodies and HTTP Basic authentication of REST requests.

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::state::AppState;

/// An error answered in Twilio's JSON error format.
#[derive(Debug, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct TwilioError {
    /// HTTP status.
    pub status: StatusCode,
    /// Twilio error code (e.g. 21211).
    pub code: u32,
    /// Human-readable message.
    pub message: String,
    /// Seconds for a `Retry-After` header (429 only).
    pub retry_after: Option<u32>,
}

impl TwilioError {
    /// A new error without `Retry-After`.
    pub fn new(status: StatusCode, code: u32, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 401 code 20003.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 20003, "Authenticate")
    }

    /// 404 code 20404.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            20404,
            format!("The requested resource {what} was not found"),
        )
    }

    /// 400 with the given code.
    pub fn bad_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 429 code 20429 with `Retry-After: 1`.
    pub fn too_many_requests() -> Self {
        Self {
            retry_after: Some(1),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, 20429, "Too Many Requests")
        }
    }
}

impl IntoResponse for TwilioError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status.as_u16(),
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Twilio API\""),
            );
        }
        response
    }
}

/// Checks HTTP Basic credentials and the account SID in the path.
pub fn authorize(
    headers: &HeaderMap,
    state: &AppState,
    path_account: &str,
) -> Result<(), TwilioError> {
    let (user, password) = basic_credentials(headers).ok_or_else(TwilioError::unauthorized)?;
    let cfg = &state.config;
    if user != cfg.account_sid || password != cfg.auth_token {
        return Err(TwilioError::unauthorized());
    }
    if path_account != cfg.account_sid {
        return Err(TwilioError::not_found(&format!(
            "/2010-04-01/Accounts/{path_account}"
        )));
    }
    Ok(())
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
