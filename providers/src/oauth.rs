//! Bearer tokens for OAuth-protected providers (Google, Zoom): cached until shortly before
//! they expire, refreshed once when the provider rejects one.

use crate::error::{ProviderError, check_status, retry_after};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A provider's answer: status, `Retry-After`, body text.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) text: String,
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A token endpoint's answer (RFC 6749, section 5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; optional in the RFC.
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Sends a token request and reads the token and its lifetime (an hour when the provider does
/// not say; a minute at least, so a tiny one does not refresh on every call).
pub(crate) async fn request_token(
    provider: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<(SecretString, Duration), ProviderError> {
    let resp = request
        .send()
        .await
        .map_err(|e| ProviderError::transport(provider, &e))?;
    let resp = check_status(provider, resp).await.map_err(|mut err| {
        err.message = format!("token request refused: {}", err.message);
        err
    })?;
    let token: TokenResponse = resp.json().await.map_err(|e| {
        ProviderError::protocol(provider, format!("unexpected token response: {e}"))
    })?;
    Ok((
        SecretString::from(token.access_token),
        Duration::from_secs(token.expires_in.unwrap_or(3600).max(60)),
    ))
}

/// Caches one bearer token until shortly before it expires.
pub(crate) struct TokenCache {
    token: Mutex<Option<(SecretString, Instant)>>,
}

impl TokenCache {
    pub(crate) fn new() -> Self {
        Self {
            token: Mutex::new(None),
        }
    }

    /// The cached token, or a fresh one from `fetch` (which returns the token and its lifetime).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<SecretString, ProviderError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(SecretString, Duration), ProviderError>>,
    {
        let mut slot = self.token.lock().await;
        if let Some((token, valid_until)) = slot.as_ref()
            && Instant::now() < *valid_until
        {
            return Ok(token.clone());
        }
        let (token, lifetime) = fetch().await?;
        let margin = Duration::from_secs(60).min(lifetime / 2);
        *slot = Some((token.clone(), Instant::now() + lifetime - margin));
        Ok(token)
    }

    /// Forgets the token (the provider said it is no longer valid).
    pub(crate) async fn clear(&self) {
        *self.token.lock().await = None;
    }

    /// Sends the request `build` makes with a bearer token from `fetch` (cached); on a 401
    /// forgets the token and tries once more with a fresh one.
    pub(crate) async fn send<F, Fut>(
        &self,
        provider: &'static str,
        http: &reqwest::Client,
        fetch: F,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, ProviderError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(SecretString, Duration), ProviderError>>,
    {
        let mut refreshed = false;
        loop {
            let token = self.get(&fetch).await?;
            let resp = build(http)
                .bearer_auth(token.expose_secret())
                .send()
                .await
                .map_err(|e| ProviderError::transport(provider, &e))?;
            let status = resp.status().as_u16();
            if status == 401 && !refreshed {
                tracing::info!(provider, "access token rejected; refreshing once");
                self.clear().await;
                refreshed = true;
                continue;
            }
            let retry_after = retry_after(resp.headers());
            let text = resp.text().await.unwrap_or_default();
            return Ok(Answer {
                status,
                retry_after,
                text,
            });
        }
    }
}
