//! Google: the OAuth 2.0 token endpoint (service-account JWT bearer grant and
//! refresh-token grant) and the parts of Calendar API v3 the product uses
//! (`freeBusy`, event insert / get / patch / delete / list), with Google's
//! error JSON and the simulator's own test service account.
//!
//! Routes (all on the simulator's HTTP listener):
//!
//! - `POST /token`: token endpoint, advertised as `{base}/token` in the
//!   service-account key file served at `GET /sim/google/service-account.json`.
//! - `POST /calendar/v3/freeBusy`, `GET|POST /calendar/v3/calendars/{calendarId}/events`,
//!   `GET|PATCH|DELETE /calendar/v3/calendars/{calendarId}/events/{eventId}`.
//! - Inspection: `GET /sim/calendar/events`, `GET|PUT /sim/calendar/busy`,
//!   `GET /sim/google/tokens`.

pub mod calendar;
pub mod oauth;

use std::sync::{Mutex, MutexGuard};

use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::SharedState;

pub use oauth::{
    CALENDAR_SCOPE, JWT_BEARER_GRANT_TYPE, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET,
    OAUTH_REFRESH_TOKEN, PRIVATE_KEY_ID, PROJECT_ID, SERVICE_ACCOUNT_CLIENT_ID,
    SERVICE_ACCOUNT_EMAIL, SERVICE_ACCOUNT_KEY_PEM, service_account_json,
};

/// Everything the Google side of the simulator remembers.
pub struct Google {
    /// Verifies service-account assertions.
    verifier: oauth::AssertionVerifier,
    /// Issued access tokens.
    tokens: Mutex<oauth::TokenBook>,
    /// Events and configured busy blocks.
    calendars: Mutex<calendar::Calendars>,
}

impl Google {
    /// Loads the simulator's service-account key; fails only if the committed
    /// key file is unusable.
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self {
            verifier: oauth::AssertionVerifier::from_pem(SERVICE_ACCOUNT_KEY_PEM)?,
            tokens: Mutex::new(oauth::TokenBook::default()),
            calendars: Mutex::new(calendar::Calendars::default()),
        })
    }

    fn tokens(&self) -> MutexGuard<'_, oauth::TokenBook> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn calendars(&self) -> MutexGuard<'_, calendar::Calendars> {
        self.calendars
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets issued tokens, events and busy blocks.
    pub fn reset(&self) {
        *self.tokens() = oauth::TokenBook::default();
        *self.calendars() = calendar::Calendars::default();
    }
}

/// Google routes: token endpoint, Calendar API and `/sim/calendar/*`, `/sim/google/*`.
pub fn router() -> Router<SharedState> {
    Router::new()
        .merge(oauth::router())
        .merge(calendar::router())
}

/// Google's canonical status name for an HTTP status.
fn status_name(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 | 410 => "NOT_FOUND",
        409 => "ALREADY_EXISTS",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => "INTERNAL",
    }
}

/// A Google API error, rendered in the JSON shape Google APIs answer with:
/// `{"error":{"code","message","errors":[{"domain","reason","message",...}],"status"}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    detail: Value,
    retry_after: Option<&'static str>,
}

impl ApiError {
    /// An error with one `errors[]` entry of this domain and reason.
    pub fn new(status: StatusCode, domain: &str, reason: &str, message: &str) -> Self {
        Self {
            status,
            message: message.to_owned(),
            detail: json!({"domain": domain, "reason": reason, "message": message}),
            retry_after: None,
        }
    }

    /// 401 for an unknown, expired or revoked access token.
    pub fn invalid_credentials() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.".to_owned(),
            detail: json!({
                "domain": "global",
                "reason": "authError",
                "message": "Invalid Credentials",
                "locationType": "header",
                "location": "Authorization",
            }),
            retry_after: None,
        }
    }

    /// 401 when no `Authorization` header was sent.
    pub fn login_required() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            message: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.".to_owned(),
            detail: json!({
                "domain": "global",
                "reason": "required",
                "message": "Login Required.",
                "locationType": "header",
                "location": "Authorization",
            }),
            retry_after: None,
        }
    }

    /// Adds a `Retry-After` header (seconds).
    pub fn retry_after(mut self, seconds: &'static str) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(json!({
            "error": {
                "code": self.status.as_u16(),
                "message": self.message,
                "errors": [self.detail],
                "status": status_name(self.status),
            }
        }));
        match self.retry_after {
            Some(seconds) => (
                self.status,
                [(header::RETRY_AFTER, HeaderValue::from_static(seconds))],
                body,
            )
                .into_response(),
            None => (self.status, body).into_response(),
        }
    }
}

/// An OAuth token-endpoint error: `{"error","error_description"}`.
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}
