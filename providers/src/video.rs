//! The video-meeting port and its Zoom adapter (server-to-server OAuth).

use crate::error::ProviderError;
use crate::oauth::TokenCache;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use std::time::Duration;

const PROVIDER: &str = "zoom";

/// A scheduled video meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoMeeting {
    /// Provider's meeting id.
    pub id: String,
    /// Link for the attendee.
    pub join_url: String,
}

/// What to schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoRequest {
    /// Title.
    pub topic: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// Length in minutes.
    pub minutes: u32,
    /// Zone shown to the host.
    pub timezone: String,
}

/// A provider of scheduled video meetings.
#[async_trait]
pub trait VideoMeetings: Send + Sync {
    /// Short provider name stored with the meeting (`zoom`).
    fn provider(&self) -> &'static str;
    /// Schedules a meeting.
    async fn create(&self, req: &VideoRequest) -> Result<VideoMeeting, ProviderError>;
    /// Moves a meeting.
    async fn reschedule(&self, id: &str, req: &VideoRequest) -> Result<(), ProviderError>;
    /// Deletes a meeting (one already gone counts as deleted).
    async fn delete(&self, id: &str) -> Result<(), ProviderError>;
}

/// Zoom server-to-server OAuth app credentials and endpoints.
#[derive(Clone)]
pub struct ZoomConfig {
    /// OAuth base, `https://zoom.us`.
    pub oauth_base_url: String,
    /// API base, `https://api.zoom.us/v2`.
    pub api_base_url: String,
    /// Account id of the app.
    pub account_id: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: SecretString,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Zoom over REST.
pub struct ZoomClient {
    http: reqwest::Client,
    config: ZoomConfig,
    tokens: TokenCache,
}

impl ZoomClient {
    /// A client for this app.
    pub fn new(config: ZoomConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self {
            http,
            config,
            tokens: TokenCache::new(),
        })
    }

    async fn fetch_token(&self) -> Result<(SecretString, Duration), ProviderError> {
        let url = format!(
            "{}/oauth/token",
            self.config.oauth_base_url.trim_end_matches('/')
        );
        let request = self
            .http
            .post(url)
            .query(&[
                ("grant_type", "account_credentials"),
                ("account_id", self.config.account_id.as_str()),
            ])
            .basic_auth(
                &self.config.client_id,
                Some(self.config.client_secret.expose_secret()),
            );
        crate::oauth::request_token(PROVIDER, request).await
    }

    async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(u16, Value), ProviderError> {
        let answer = self
            .tokens
            .send(PROVIDER, &self.http, || self.fetch_token(), build)
            .await?;
        if !answer.is_success() {
            return Err(ProviderError::from_status(
                PROVIDER,
                answer.status,
                answer.retry_after,
                &answer.text,
            ));
        }
        Ok((
            answer.status,
            serde_json::from_str(&answer.text).unwrap_or(Value::Null),
        ))
    }

    fn api(&self, path: &str) -> String {
        format!("{}{path}", self.config.api_base_url.trim_end_matches('/'))
    }
}

fn body(req: &VideoRequest) -> Value {
    json!({
        "topic": req.topic,
        "type": 2,
        "start_time": req.start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "duration": req.minutes,
        "timezone": req.timezone,
        "settings": {"join_before_host": true, "waiting_room": false},
    })
}

#[async_trait]
impl VideoMeetings for ZoomClient {
    fn provider(&self) -> &'static str {
        PROVIDER
    }

    #[tracing::instrument(skip_all, err)]
    async fn create(&self, req: &VideoRequest) -> Result<VideoMeeting, ProviderError> {
        let url = self.api("/users/me/meetings");
        let payload = body(req);
        let (_, v) = self.send(|http| http.post(&url).json(&payload)).await?;
        let id = match v.get("id") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => return Err(ProviderError::protocol(PROVIDER, "meeting without id")),
        };
        let join_url = v
            .get("join_url")
            .and_then(Value::as_str)
            .ok_or_else(|| ProviderError::protocol(PROVIDER, "meeting without join_url"))?
            .to_owned();
        Ok(VideoMeeting { id, join_url })
    }

    #[tracing::instrument(skip(self, req), err)]
    async fn reschedule(&self, id: &str, req: &VideoRequest) -> Result<(), ProviderError> {
        let url = self.api(&format!("/meetings/{id}"));
        let payload = body(req);
        self.send(|http| http.patch(&url).json(&payload)).await?;
        Ok(())
    }

    #[tracing::instrument(skip(self), err)]
    async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        let url = self.api(&format!("/meetings/{id}"));
        match self.send(|http| http.delete(&url)).await {
            Ok(_) => Ok(()),
            Err(err) if err.status == Some(404) => Ok(()),
            Err(err) => Err(err),
        }
    }
}
