//! Speech to text after the call: the [`Transcriber`] port and its Deepgram adapter
//! (pre-recorded `POST /v1/listen`), which turn a call's recording into a timestamped
//! two-speaker transcript stored with the call (`calls.recording_transcript`).
//!
//! Twilio records the call in one (mixed) channel, so the adapter asks Deepgram to tell the
//! voices apart (`diarize=true`) and to group words into utterances (`utterances=true`). The
//! speaker heard first is the agent: our agent always opens the call with the greeting before
//! the callee says anything worth a transcript.

use crate::error::{ProviderError, check_status};
use async_trait::async_trait;
use callwright_domain::Language;
pub use callwright_domain::conversation::RecordedUtterance;
use callwright_domain::conversation::Speaker;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

/// Transcribes recorded calls.
#[async_trait]
pub trait Transcriber: Send + Sync {
    /// The utterances of `audio` (a file of `content_type`), spoken in `language`.
    async fn transcribe(
        &self,
        audio: Vec<u8>,
        content_type: &str,
        language: Language,
    ) -> Result<Vec<RecordedUtterance>, ProviderError>;
}

/// Deepgram credentials and endpoint.
#[derive(Debug, Clone)]
pub struct DeepgramConfig {
    /// `https://api.deepgram.com` in production.
    pub base_url: String,
    /// `Authorization: Token …`.
    pub api_key: SecretString,
    /// `nova-3` unless set.
    pub model: String,
    /// Per request (a recording of several minutes takes seconds to transcribe).
    pub timeout: Duration,
}

/// Deepgram pre-recorded transcription adapter.
pub struct Deepgram {
    http: reqwest::Client,
    config: DeepgramConfig,
}

impl Deepgram {
    /// A client with the configured timeout.
    pub fn new(config: DeepgramConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(5))
            .build()?;
        Ok(Self { http, config })
    }
}

#[derive(Deserialize)]
struct ListenResponse {
    results: ListenResults,
}

#[derive(Deserialize)]
struct ListenResults {
    #[serde(default)]
    utterances: Vec<Utterance>,
}

#[derive(Deserialize)]
struct Utterance {
    start: f64,
    end: f64,
    transcript: String,
    #[serde(default)]
    speaker: Option<u32>,
}

/// Deepgram's utterances as ours: the first speaker heard is the agent, anyone else the callee.
fn two_speakers(utterances: Vec<Utterance>) -> Vec<RecordedUtterance> {
    let agent = utterances.first().and_then(|u| u.speaker);
    utterances
        .into_iter()
        .filter(|u| !u.transcript.trim().is_empty())
        .map(|u| RecordedUtterance {
            speaker: if u.speaker == agent {
                Speaker::Agent
            } else {
                Speaker::Callee
            },
            start_secs: u.start,
            end_secs: u.end,
            text: u.transcript.trim().to_owned(),
        })
        .collect()
}

#[async_trait]
impl Transcriber for Deepgram {
    #[tracing::instrument(skip_all, fields(bytes = audio.len(), language = %language), err)]
    async fn transcribe(
        &self,
        audio: Vec<u8>,
        content_type: &str,
        language: Language,
    ) -> Result<Vec<RecordedUtterance>, ProviderError> {
        let url = format!("{}/v1/listen", self.config.base_url.trim_end_matches('/'));
        let response = self
            .http
            .post(url)
            .query(&[
                ("model", self.config.model.as_str()),
                ("language", language.profile().deepgram_language),
                ("diarize", "true"),
                ("utterances", "true"),
                ("punctuate", "true"),
                ("smart_format", "true"),
            ])
            .header(
                reqwest::header::AUTHORIZATION,
                format!("Token {}", self.config.api_key.expose_secret()),
            )
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(audio)
            .send()
            .await
            .map_err(|e| ProviderError::transport("deepgram", &e))?;
        let response = check_status("deepgram", response).await?;
        let parsed: ListenResponse = response.json().await.map_err(|e| {
            ProviderError::protocol("deepgram", format!("unexpected response: {e}"))
        })?;
        Ok(two_speakers(parsed.results.utterances))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_voice_is_the_agent_and_empty_utterances_are_dropped() {
        let parsed: ListenResponse = serde_json::from_value(serde_json::json!({
            "metadata": {"request_id": "r"},
            "results": {"channels": [], "utterances": [
                {"start": 0.0, "end": 2.5, "transcript": "Hello, this is Acme.", "speaker": 1, "channel": 0, "confidence": 0.9},
                {"start": 2.8, "end": 3.4, "transcript": "Hi.", "speaker": 0, "channel": 0, "confidence": 0.8},
                {"start": 3.5, "end": 3.6, "transcript": " ", "speaker": 0, "channel": 0, "confidence": 0.1},
                {"start": 3.9, "end": 5.0, "transcript": "Would Thursday suit you?", "speaker": 1, "channel": 0, "confidence": 0.9}
            ]}
        }))
        .unwrap();
        let out = two_speakers(parsed.results.utterances);
        let speakers: Vec<Speaker> = out.iter().map(|u| u.speaker).collect();
        assert_eq!(speakers, [Speaker::Agent, Speaker::Callee, Speaker::Agent]);
        assert_eq!(out[1].text, "Hi.");
        assert!((out[2].start_secs - 3.9).abs() < 1e-9);
    }
}
