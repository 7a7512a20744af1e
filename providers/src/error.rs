//! Provider errors, classified for retries (what a Temporal activity then does with them is
//! the activities' concern: `callwright_activities::failure`).

use std::time::Duration;

/// A failed call to a provider, classified for retries.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {message}")]
pub struct ProviderError {
    /// Which provider (twilio, llm, ...).
    pub provider: &'static str,
    /// What happened, including the provider's own error text.
    pub message: String,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// Whether trying again may succeed.
    pub retryable: bool,
    /// How long the provider asked us to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The provider's own machine-readable reason, read from its typed error body by the
    /// adapter (Google's `errors[0].reason`): adapters branch on it, never on message text.
    pub code: Option<String>,
}

impl ProviderError {
    /// Classifies an HTTP error response: 408, 429 and 5xx are retryable, other 4xx are not.
    pub fn from_status(
        provider: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        body: &str,
    ) -> Self {
        let retryable = status == 408 || status == 429 || status >= 500;
        let body: String = body.chars().take(500).collect();
        Self {
            provider,
            message: format!("HTTP {status}: {body}"),
            status: Some(status),
            retryable,
            retry_after,
            code: None,
        }
    }

    /// A transport failure (connect error, timeout): always retryable.
    pub fn transport(provider: &'static str, err: &reqwest::Error) -> Self {
        Self {
            provider,
            message: format!("request failed: {err}"),
            status: None,
            retryable: true,
            retry_after: None,
            code: None,
        }
    }

    /// A response we could not understand: not retryable (the same request gets the same answer).
    pub fn protocol(provider: &'static str, message: impl Into<String>) -> Self {
        Self::failed(provider, message, false)
    }

    /// A failure with no HTTP response to classify (a timeout of our own, a missing
    /// announcement, a refusal we make): the caller says whether a retry may succeed.
    pub fn failed(provider: &'static str, message: impl Into<String>, retryable: bool) -> Self {
        Self {
            provider,
            message: message.into(),
            status: None,
            retryable,
            retry_after: None,
            code: None,
        }
    }
}

/// Passes a response with a success status; classifies any other from its status, its
/// `Retry-After` and the start of its body (the one place adapters turn an HTTP refusal into a
/// [`ProviderError`]).
pub async fn check_status(
    provider: &'static str,
    resp: reqwest::Response,
) -> Result<reqwest::Response, ProviderError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let wait = retry_after(resp.headers());
    let body = resp.text().await.unwrap_or_default();
    Err(ProviderError::from_status(
        provider,
        status.as_u16(),
        wait,
        &body,
    ))
}

/// Reads a `Retry-After` header given in seconds.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_statuses() {
        for (status, retryable) in [
            (400, false),
            (401, false),
            (404, false),
            (408, true),
            (429, true),
            (500, true),
            (503, true),
        ] {
            assert_eq!(
                ProviderError::from_status("twilio", status, None, "").retryable,
                retryable,
                "{status}"
            );
        }
    }
}
