//! The telephony port and its Twilio adapter (a thin REST client: no maintained Twilio crate
//! exists).

use crate::error::{ProviderError, check_status};
use async_trait::async_trait;
use bytes::Bytes;
use callwright_domain::call::CallInfo;
use chrono::{DateTime, Utc};
use futures::stream::{BoxStream, StreamExt as _, TryStreamExt as _};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

/// What to dial and where the provider reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceCall {
    /// E.164 number to call.
    pub to: String,
    /// Where to fetch the first TwiML when answered.
    pub voice_url: String,
    /// Where call progress events go.
    pub status_callback: String,
    /// Where the asynchronous answering-machine result goes.
    pub amd_callback: String,
    /// Where the recording is announced.
    pub recording_callback: String,
    /// Seconds to ring.
    pub ring_timeout_secs: u32,
}

/// A recording's audio as the provider serves it, streamed (never held whole in memory).
pub struct RecordingAudio {
    /// The media type the provider gave (`audio/x-wav`).
    pub content_type: Option<String>,
    /// Its length in bytes, when the provider said.
    pub length: Option<u64>,
    /// The bytes as they arrive.
    pub body: BoxStream<'static, Result<Bytes, ProviderError>>,
}

/// Places and controls phone calls.
#[async_trait]
pub trait Telephony: Send + Sync {
    /// Starts an outbound call; returns the provider's call id.
    async fn place_call(&self, call: &PlaceCall) -> Result<String, ProviderError>;
    /// Calls to `to` created at or after `since` (to reconcile a dial whose answer was lost).
    async fn calls_to(
        &self,
        to: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<CallInfo>, ProviderError>;
    /// The current state of a call.
    async fn fetch_call(&self, sid: &str) -> Result<CallInfo, ProviderError>;
    /// Replaces what a live call is doing with this TwiML.
    async fn redirect_call(&self, sid: &str, twiml: &str) -> Result<(), ProviderError>;
    /// Downloads a call recording (the `RecordingUrl` the provider announced) as WAV bytes.
    async fn fetch_recording(&self, recording_url: &str) -> Result<Vec<u8>, ProviderError>;
    /// Streams a call recording's audio (WAV), for a player.
    async fn stream_recording(&self, recording_url: &str) -> Result<RecordingAudio, ProviderError>;
    /// Deletes a call recording at the provider (by the `RecordingUrl` it announced); one that
    /// is gone already counts as deleted.
    async fn delete_recording(&self, recording_url: &str) -> Result<(), ProviderError>;
}

/// Twilio credentials and endpoint.
#[derive(Debug, Clone)]
pub struct TwilioConfig {
    /// `https://api.twilio.com` in production.
    pub base_url: String,
    /// Account SID (`AC...`).
    pub account_sid: String,
    /// Auth token (also the webhook signing key).
    pub auth_token: SecretString,
    /// Caller id.
    pub from_number: String,
}

/// Twilio REST adapter.
pub struct TwilioClient {
    http: reqwest::Client,
    config: TwilioConfig,
}

#[derive(Deserialize)]
struct CallResource {
    sid: String,
    status: String,
    duration: Option<String>,
    answered_by: Option<String>,
    date_created: Option<String>,
}

impl From<CallResource> for CallInfo {
    fn from(r: CallResource) -> Self {
        CallInfo {
            sid: r.sid,
            status: r.status,
            duration_secs: r.duration.and_then(|d| d.parse().ok()),
            answered_by: r.answered_by,
            created_at: r
                .date_created
                .and_then(|d| DateTime::parse_from_rfc2822(&d).ok())
                .map(|d| d.with_timezone(&Utc)),
        }
    }
}

#[derive(Deserialize)]
struct CallList {
    calls: Vec<CallResource>,
}

impl TwilioClient {
    /// A client with a 10 s request timeout.
    pub fn new(config: TwilioConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self { http, config })
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/2010-04-01/Accounts/{}/{path}",
            self.config.base_url.trim_end_matches('/'),
            self.config.account_sid
        )
    }

    /// Every request of the account goes with its SID and auth token (HTTP Basic).
    fn authed(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        request.basic_auth(
            &self.config.account_sid,
            Some(self.config.auth_token.expose_secret()),
        )
    }

    /// The announced `RecordingUrl`, refused unless it names a recording of this account on
    /// the configured API host: every request to it carries the account's credentials, so a
    /// link anywhere else (a row not written from Twilio's signed callback) must not get them.
    fn recording_resource<'a>(&self, recording_url: &'a str) -> Result<&'a str, ProviderError> {
        let prefix = self.url("Recordings/");
        match recording_url.strip_prefix(&prefix) {
            Some(sid) if !sid.is_empty() && sid.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                Ok(recording_url)
            }
            _ => Err(ProviderError::failed(
                "twilio",
                format!("{recording_url} is not a recording under {prefix}: refused"),
                false,
            )),
        }
    }

    /// `GET` of the recording's media (the resource URL plus the format), behind the account's
    /// Basic auth (Twilio's default for recordings); an error status is classified.
    async fn recording_media(
        &self,
        recording_url: &str,
        timeout: Duration,
    ) -> Result<reqwest::Response, ProviderError> {
        let resource = self.recording_resource(recording_url)?;
        let resp = self
            .authed(self.http.get(format!("{resource}.wav")))
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| ProviderError::transport("twilio", &e))?;
        check_status("twilio", resp).await
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, ProviderError> {
        let resp = self
            .authed(req)
            .send()
            .await
            .map_err(|e| ProviderError::transport("twilio", &e))?;
        let resp = check_status("twilio", resp).await?;
        resp.json::<T>()
            .await
            .map_err(|e| ProviderError::protocol("twilio", format!("unexpected response: {e}")))
    }
}

#[async_trait]
impl Telephony for TwilioClient {
    #[tracing::instrument(skip_all, fields(to = %call.to), err)]
    async fn place_call(&self, call: &PlaceCall) -> Result<String, ProviderError> {
        let ring = call.ring_timeout_secs.to_string();
        let form = [
            ("To", call.to.as_str()),
            ("From", self.config.from_number.as_str()),
            ("Url", call.voice_url.as_str()),
            ("Method", "POST"),
            ("StatusCallback", call.status_callback.as_str()),
            ("StatusCallbackMethod", "POST"),
            // Each callback is a signal, a workflow task and history events on the Temporal
            // server, which bounds leads per hour. `initiated` says no more than the dial's own
            // reply, and the answer already reaches the workflow as the `voice` webhook (its
            // update moves the call to in-progress), so only `ringing` (shown live) and the
            // final status are asked for.
            ("StatusCallbackEvent", "ringing"),
            ("StatusCallbackEvent", "completed"),
            ("MachineDetection", "DetectMessageEnd"),
            ("AsyncAmd", "true"),
            ("AsyncAmdStatusCallback", call.amd_callback.as_str()),
            ("AsyncAmdStatusCallbackMethod", "POST"),
            ("Record", "true"),
            ("RecordingStatusCallback", call.recording_callback.as_str()),
            ("Timeout", ring.as_str()),
        ];
        let created: CallResource = self
            .send(self.http.post(self.url("Calls.json")).form(&form))
            .await?;
        Ok(created.sid)
    }

    async fn calls_to(
        &self,
        to: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<CallInfo>, ProviderError> {
        let day = since.format("%Y-%m-%d").to_string();
        let query = [("To", to), ("StartTime>", day.as_str()), ("PageSize", "50")];
        let list: CallList = self
            .send(self.http.get(self.url("Calls.json")).query(&query))
            .await?;
        Ok(list
            .calls
            .into_iter()
            .map(CallInfo::from)
            .filter(|c| c.created_at.is_none_or(|at| at >= since))
            .collect())
    }

    async fn fetch_call(&self, sid: &str) -> Result<CallInfo, ProviderError> {
        let r: CallResource = self
            .send(self.http.get(self.url(&format!("Calls/{sid}.json"))))
            .await?;
        Ok(r.into())
    }

    #[tracing::instrument(skip(self), err)]
    async fn fetch_recording(&self, recording_url: &str) -> Result<Vec<u8>, ProviderError> {
        let resp = self
            .recording_media(recording_url, Duration::from_secs(120))
            .await?;
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ProviderError::transport("twilio", &e))?;
        Ok(bytes.to_vec())
    }

    /// The same media, passed on as it arrives; the deadline covers the whole transfer, so it
    /// is long enough for an hour's call to a slow player.
    #[tracing::instrument(skip(self), err)]
    async fn stream_recording(&self, recording_url: &str) -> Result<RecordingAudio, ProviderError> {
        let resp = self
            .recording_media(recording_url, Duration::from_secs(30 * 60))
            .await?;
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(RecordingAudio {
            content_type,
            length: resp.content_length(),
            body: resp
                .bytes_stream()
                .map_err(|e| ProviderError::transport("twilio", &e))
                .boxed(),
        })
    }

    /// `DELETE` on the recording resource (its URL plus `.json`), behind the account's Basic
    /// auth; a 404 means an earlier try (or someone else) deleted it.
    #[tracing::instrument(skip(self), err)]
    async fn delete_recording(&self, recording_url: &str) -> Result<(), ProviderError> {
        let resource = self.recording_resource(recording_url)?;
        let resp = self
            .authed(self.http.delete(format!("{resource}.json")))
            .send()
            .await
            .map_err(|e| ProviderError::transport("twilio", &e))?;
        match check_status("twilio", resp).await {
            Err(e) if e.status == Some(404) => Ok(()),
            answer => answer.map(drop),
        }
    }

    #[tracing::instrument(skip(self, twiml), err)]
    async fn redirect_call(&self, sid: &str, twiml: &str) -> Result<(), ProviderError> {
        let url = self.url(&format!("Calls/{sid}.json"));
        let _: CallResource = self
            .send(self.http.post(url).form(&[("Twiml", twiml)]))
            .await?;
        Ok(())
    }
}
