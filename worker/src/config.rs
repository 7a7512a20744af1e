//! Worker settings, read once from the environment and validated with a message that names the
//! missing or malformed variable.

use crate::booking_config::BookingConfig;
pub use callwright_runtime::settings::ConfigError;
use callwright_runtime::settings::{number, var};
use secrecy::SecretString;
use std::time::Duration;

/// Everything the worker needs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Temporal frontend (`TEMPORAL_ADDRESS`).
    pub temporal_address: String,
    /// Namespace (`TEMPORAL_NAMESPACE`).
    pub temporal_namespace: String,
    /// Workflows and call activities (`TASK_QUEUE`).
    pub task_queue: String,
    /// Dialling (`DIAL_TASK_QUEUE`).
    pub dial_task_queue: String,
    /// Calls per second across all workers (`DIAL_CALLS_PER_SECOND`, default 1: Twilio's default).
    pub dial_calls_per_second: f64,
    /// Postgres (`DATABASE_URL`).
    pub database_url: String,
    /// Where Twilio reaches our webhooks (`PUBLIC_BASE_URL`).
    pub public_base_url: String,
    /// Twilio REST base (`TWILIO_BASE_URL`, default `https://api.twilio.com`).
    pub twilio_base_url: String,
    /// `TWILIO_ACCOUNT_SID`.
    pub twilio_account_sid: String,
    /// `TWILIO_AUTH_TOKEN`.
    pub twilio_auth_token: SecretString,
    /// Caller id (`TWILIO_FROM_NUMBER`).
    pub twilio_from_number: String,
    /// OpenAI-compatible base URL with `/v1` (`LLM_BASE_URL`, default OpenAI's).
    pub llm_base_url: String,
    /// `LLM_API_KEY`.
    pub llm_api_key: SecretString,
    /// `LLM_MODEL` (default `gpt-4o-mini`).
    pub llm_model: String,
    /// Per-request model timeout (`LLM_TIMEOUT_MS`, default 5000).
    pub llm_timeout: Duration,
    /// Embeddings model of the same endpoint, for agents' large knowledge (`EMBEDDING_MODEL`,
    /// default `text-embedding-3-small`; the API embeds with the same one).
    pub embedding_model: String,
    /// Workflows kept in the worker's cache (`MAX_CACHED_WORKFLOWS`, default 2000). The cache is
    /// least-recently-used: live calls, touched on every turn, stay in it, while leads parked
    /// until a callback or a retry (about 150 KiB each) are evicted and replayed from their
    /// history when their timer fires. Keep it above the live calls a worker carries.
    pub max_cached_workflows: usize,
    /// Calendar, video, mail and slot rules.
    pub booking: BookingConfig,
    /// Outbound webhooks (`OUTBOUND_WEBHOOK_URL` with `OUTBOUND_WEBHOOK_SECRET`; unset: none).
    pub outbound: Option<crate::outbound::OutboundConfig>,
    /// Where to serve Prometheus metrics (`METRICS_BIND`, e.g. `0.0.0.0:9464`; unset: none).
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// Text to speech (ElevenLabs); `None`: lines are spoken with `<Say>`.
    pub speech: Option<crate::voice_config::SpeechConfig>,
    /// Speech to text of recordings (Deepgram); `None`: transcripts are `skipped`.
    pub deepgram: Option<callwright_providers::stt::DeepgramConfig>,
}

impl WorkerConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// From any key lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let l = &lookup;
        let dial_calls_per_second: f64 = number(l, "DIAL_CALLS_PER_SECOND", "1")?;
        if dial_calls_per_second <= 0.0 {
            return Err(ConfigError("DIAL_CALLS_PER_SECOND must be above 0".into()));
        }
        Ok(Self {
            temporal_address: var(l, "TEMPORAL_ADDRESS", Some("http://127.0.0.1:7233"))?,
            temporal_namespace: var(l, "TEMPORAL_NAMESPACE", Some("default"))?,
            task_queue: var(
                l,
                "TASK_QUEUE",
                Some(callwright_workflows::options::TASK_QUEUE),
            )?,
            dial_task_queue: var(
                l,
                "DIAL_TASK_QUEUE",
                Some(callwright_workflows::options::DIAL_TASK_QUEUE),
            )?,
            dial_calls_per_second,
            database_url: var(l, "DATABASE_URL", None)?,
            public_base_url: var(l, "PUBLIC_BASE_URL", None)?,
            twilio_base_url: var(l, "TWILIO_BASE_URL", Some("https://api.twilio.com"))?,
            twilio_account_sid: var(l, "TWILIO_ACCOUNT_SID", None)?,
            twilio_auth_token: SecretString::from(var(l, "TWILIO_AUTH_TOKEN", None)?),
            twilio_from_number: var(l, "TWILIO_FROM_NUMBER", None)?,
            llm_base_url: var(l, "LLM_BASE_URL", Some("https://api.openai.com/v1"))?,
            llm_api_key: SecretString::from(var(l, "LLM_API_KEY", None)?),
            llm_model: var(l, "LLM_MODEL", Some("gpt-4o-mini"))?,
            llm_timeout: Duration::from_millis(number(l, "LLM_TIMEOUT_MS", "5000")?),
            embedding_model: var(
                l,
                "EMBEDDING_MODEL",
                Some(callwright_providers::embeddings::DEFAULT_MODEL),
            )?,
            max_cached_workflows: number(l, "MAX_CACHED_WORKFLOWS", "2000")?,
            booking: BookingConfig::from_lookup(l)?,
            outbound: match l("OUTBOUND_WEBHOOK_URL").filter(|v| !v.trim().is_empty()) {
                Some(url) => {
                    url::Url::parse(&url).map_err(|e| {
                        ConfigError(format!("OUTBOUND_WEBHOOK_URL '{url}' is not a URL: {e}"))
                    })?;
                    Some(crate::outbound::OutboundConfig {
                        url,
                        secret: SecretString::from(var(l, "OUTBOUND_WEBHOOK_SECRET", None)?),
                    })
                }
                None => None,
            },
            speech: crate::voice_config::SpeechConfig::from_lookup(l)?,
            deepgram: crate::voice_config::deepgram_from_lookup(l)?,
            metrics_bind: match l("METRICS_BIND").filter(|v| !v.trim().is_empty()) {
                Some(v) => Some(
                    v.parse()
                        .map_err(|e| ConfigError(format!("METRICS_BIND '{v}': {e}")))?,
                ),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_variable() {
        let err =
            WorkerConfig::from_lookup(|k| (k == "DATABASE_URL").then(|| "postgres://x".to_owned()))
                .unwrap_err();
        assert!(err.to_string().contains("PUBLIC_BASE_URL"), "{err}");
    }

    #[test]
    fn rejects_a_zero_call_rate() {
        let err =
            WorkerConfig::from_lookup(|k| (k == "DIAL_CALLS_PER_SECOND").then(|| "0".to_owned()))
                .unwrap_err();
        assert!(err.to_string().contains("DIAL_CALLS_PER_SECOND"), "{err}");
    }
}
