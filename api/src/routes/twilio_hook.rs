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
            .ok_or_else(|| ApiError::bad_field(name, "missing form field"))
    }

    /// A non-empty form field parsed into `T`.
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        self.get(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.parse::<T>().map_err(|e| ApiError::bad_field(name, e)))
            .transpose()
    }
}

impl Verified {
    /// Checks one webhook without any I/O: `body` is the form Twilio posted, `path_and_query`
    /// the request's full path and query, `signature` its `X-Twilio-Signature` header. The
    /// signature must match `public_base_url` + `path_and_query` and the form (403 otherwise);
    /// a body that is not a form, or a URL without `wf` and `attempt`, is a 400.
    pub fn check(
        public_base_url: &str,
        auth_token: &str,
        path_and_query: &str,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<Self, ApiError> {
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| ApiError::bad_request(format!("malformed form body: {e}")))?;
        let url = format!("{public_base_url}{path_and_query}");
        if !signature::verify(auth_token, &url, &form, signature) {
            tracing::warn!(%url, "rejected webhook with a bad signature");
            return Err(ApiError::Forbidden);
        }
        let query = path_and_query
            .split_once('?')
            .map_or("", |(_, query)| query);
        let target: Target = serde_urlencoded::from_str(query)
            .map_err(|e| ApiError::bad_request(format!("webhook URL: {e}")))?;
        Ok(Self { target, form })
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
            .map_err(|e| ApiError::bad_request(format!("webhook body: {e}")))?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let given = parts
            .headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok());
        Self::check(
            &state.config.public_base_url,
            state.config.twilio_auth_token.expose_secret(),
            path,
            &bytes,
            given,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASE: &str = "https://calls.example.com";

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_requests_never_panic(
            path in any::<String>(),
            body in proptest::collection::vec(any::<u8>(), 0..256),
            signature in proptest::option::of(any::<String>()),
        ) {
            let _ = Verified::check(BASE, "token", &path, &body, signature.as_deref());
        }

        #[test]
        fn a_signed_form_comes_back_field_for_field(
            params in proptest::collection::vec((any::<String>(), any::<String>()), 0..6),
            wf in any::<String>(),
            attempt in any::<u32>(),
        ) {
            let body = serde_urlencoded::to_string(&params).expect("encodes");
            let query = serde_urlencoded::to_string([("wf", wf.clone()), ("attempt", attempt.to_string())]).expect("encodes");
            let path = format!("/twilio/status?{query}");
            let signature = signature::sign("token", &format!("{BASE}{path}"), &params);
            let hook = Verified::check(BASE, "token", &path, body.as_bytes(), Some(&signature))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&hook.form, &params);
            prop_assert_eq!(&hook.target.wf, &wf);
            prop_assert_eq!(hook.target.attempt, attempt);
            for (name, value) in &params {
                prop_assert!(hook.get(name).is_some());
                if params.iter().find(|(n, _)| n == name).map(|(_, v)| v) == Some(value) {
                    prop_assert_eq!(hook.require(name).ok(), Some(value.as_str()));
                }
            }
            // Another token, or the form signed for another URL: refused.
            prop_assert!(matches!(
                Verified::check(BASE, "other", &path, body.as_bytes(), Some(&signature)),
                Err(ApiError::Forbidden)
            ));
            prop_assert!(matches!(
                Verified::check(BASE, "token", "/twilio/amd", body.as_bytes(), Some(&signature)),
                Err(ApiError::Forbidden)
            ));
        }
    }
}
