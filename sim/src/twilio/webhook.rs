//! Outgoing webhook client: signed, form-encoded requests with Twilio's 15 s
//! timeout, used for voice URLs, Gather actions, status and AMD callbacks.

use std::time::Duration;

use reqwest::Url;

use super::signature;

/// Twilio gives up on a webhook after this long.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a webhook could not be delivered or used.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The URL is not absolute http(s).
    #[error("invalid URL {0:?}")]
    InvalidUrl(String),
    /// Connection error, timeout, or unreadable body.
    #[error("request failed: {0}")]
    Transport(String),
    /// The server answered with a non-2xx status.
    #[error("HTTP {status}")]
    Status {
        /// The status code returned.
        status: u16,
    },
}

/// A completed webhook exchange.
#[derive(Debug, Clone)]
pub struct WebhookResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response body as text.
    pub body: String,
}

/// Sends signed webhooks.
#[derive(Clone)]
pub struct Webhooks {
    client: reqwest::Client,
    auth_token: String,
}

impl Webhooks {
    /// A client signing with `auth_token`.
    pub fn new(auth_token: &str) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .user_agent("TwilioProxy/1.1")
            .build()?;
        Ok(Self {
            client,
            auth_token: auth_token.to_owned(),
        })
    }

    /// Sends `params` to `url` with `method` (`GET` puts them in the query
    /// string). Non-2xx answers are returned as [`WebhookError::Status`].
    pub async fn send(
        &self,
        method: &str,
        url: &str,
        params: &[(String, String)],
    ) -> Result<WebhookResponse, WebhookError> {
        self.send_signed(method, url, params, false).await
    }

    /// Like [`Webhooks::send`] but with a corrupted `X-Twilio-Signature` (signed with another
    /// key), as a forger would: the receiver must refuse it. Returns the HTTP status it got.
    pub async fn send_forged(
        &self,
        method: &str,
        url: &str,
        params: &[(String, String)],
    ) -> Result<u16, WebhookError> {
        match self.send_signed(method, url, params, true).await {
            Ok(r) => Ok(r.status),
            Err(WebhookError::Status { status }) => Ok(status),
            Err(e) => Err(e),
        }
    }

    async fn send_signed(
        &self,
        method: &str,
        url: &str,
        params: &[(String, String)],
        forge: bool,
    ) -> Result<WebhookResponse, WebhookError> {
        let key = if forge {
            format!("forged-{}", self.auth_token)
        } else {
            self.auth_token.clone()
        };
        let mut parsed = parse_url(url)?;
        let request = if method.eq_ignore_ascii_case("GET") {
            parsed
                .query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let full = parsed.to_string();
            let sig = signature::sign(&key, &full, &[]);
            self.client.get(full).header("X-Twilio-Signature", sig)
        } else {
            let full = parsed.to_string();
            let sig = signature::sign(&key, &full, params);
            let body = serde_urlencoded::to_string(params)
                .map_err(|e| WebhookError::Transport(e.to_string()))?;
            self.client
                .post(full)
                .header("X-Twilio-Signature", sig)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body)
        };
        let response = request
            .send()
            .await
            .map_err(|e| WebhookError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| WebhookError::Transport(e.to_string()))?;
        if !(200..300).contains(&status) {
            return Err(WebhookError::Status { status });
        }
        Ok(WebhookResponse { status, body })
    }

    /// Downloads a media file (for `<Play>`) and returns its bytes. Like Twilio (error 13420),
    /// a response that is not audio is refused.
    pub async fn fetch_media(&self, url: &str) -> Result<Vec<u8>, WebhookError> {
        let parsed = parse_url(url)?;
        let response = self
            .client
            .get(parsed)
            .send()
            .await
            .map_err(|e| WebhookError::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(WebhookError::Status { status });
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !content_type.starts_with("audio/") {
            return Err(WebhookError::Transport(format!(
                "Play: invalid Content-Type '{content_type}' (13420)"
            )));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| WebhookError::Transport(e.to_string()))?;
        Ok(bytes.to_vec())
    }
}

/// Parses an absolute http(s) URL.
pub fn parse_url(url: &str) -> Result<Url, WebhookError> {
    match Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(u),
        _ => Err(WebhookError::InvalidUrl(url.to_owned())),
    }
}

/// Resolves a possibly relative `target` against the document at `base`.
pub fn resolve(base: &str, target: &str) -> Result<String, WebhookError> {
    let target = target.trim();
    if let Ok(absolute) = parse_url(target) {
        return Ok(absolute.to_string());
    }
    let base = parse_url(base)?;
    base.join(target)
        .map(|u| u.to_string())
        .map_err(|_| WebhookError::InvalidUrl(target.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_urls() {
        let base = "http://127.0.0.1:9/twiml/voice?lead=1";
        assert_eq!(
            resolve(base, "/gather?turn=2").expect("resolve"),
            "http://127.0.0.1:9/gather?turn=2"
        );
        assert_eq!(
            resolve(base, "next").expect("resolve"),
            "http://127.0.0.1:9/twiml/next"
        );
        assert_eq!(
            resolve(base, "https://example.com/x").expect("resolve"),
            "https://example.com/x"
        );
        assert!(resolve("not a url", "x").is_err());
    }
}
