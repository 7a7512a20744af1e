//! The `Verified` extractor: a Twilio webhook whose `X-Twilio-Signature` matches the configured
//! public URL, with its routing target (`wf`, `attempt`, `turn` from the URL) and form fields.
//! A handler that takes one can only run on a verified request; anything else is a 403 before
//! any workflow is touched.

use crate::error::ApiError;
use crate::signature;
use crate::state::AppState;
use axum::extract::{FromRequest, OriginalUri, Request};
use secrecy::ExposeSecret;
use serde::Deserialize;

/// Twilio's form bodies are small; anything larger is not Twilio.
const MAX_BODY: usize = 64 * 1024;

/// Which lead workflow, attempt and turn a webhook URL names.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Target {
    /// Lead workflow id.
    pub wf: String,
    /// Attempt number.
    pub attempt: u32,
    /// Gather number (turn webhooks only).
    pub turn: Option<u32>,
}

/// A webhook that passed the signature check.
pub struct Verified {
    /// The routing part of its URL.
    pub target: Target,
    form: Vec<(String, String)>,
}

impl Verified {
    /// A form field, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A form field that must be present.
    pub fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::BadRequest(format!("missing form field {name}")))
    }

    /// A non-empty form field parsed into `T`.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        self.get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<T>()
                    .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))
            })
            .transpose()
    }
}

impl FromRequest<AppState> for Verified {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        // Nested routers see a trimmed URI; Twilio signed the full one.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |u| u.0.clone());
        let bytes = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|e| ApiError::BadRequest(format!("webhook body: {e}")))?;
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("malformed form body: {e}")))?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{}{path}", state.config.public_base_url);
        let given = parts
            .headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok());
        if !signature::verify(
            state.config.twilio_auth_token.expose_secret(),
            &url,
            &form,
            given,
        ) {
            tracing::warn!(%url, "rejected webhook with a bad signature");
            return Err(ApiError::Forbidden);
        }
        let query = uri.query().unwrap_or_default();
        let target: Target = serde_urlencoded::from_str(query)
            .map_err(|e| ApiError::BadRequest(format!("webhook URL: {e}")))?;
        Ok(Self { target, form })
    }
}
