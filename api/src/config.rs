//! Typed settings, read once from the environment at start and validated with a message that
//! names the missing or malformed variable.

use callwright_providers::embeddings::EmbeddingsConfig;
pub use callwright_runtime::settings::ConfigError;
use callwright_runtime::settings::{number, var};
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the API needs.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Where to listen (`API_BIND`, default `127.0.0.1:8080`; port 0 picks a free one).
    pub bind: SocketAddr,
    /// Postgres URL (`DATABASE_URL`).
    pub database_url: String,
    /// Temporal frontend (`TEMPORAL_ADDRESS`, default `http://127.0.0.1:7233`).
    pub temporal_address: String,
    /// Temporal namespace (`TEMPORAL_NAMESPACE`, default `default`).
    pub temporal_namespace: String,
    /// Task queue of workflows (`TASK_QUEUE`, default `callwright`).
    pub task_queue: String,
    /// Task queue of dialling (`DIAL_TASK_QUEUE`, default `callwright-dial`).
    pub dial_task_queue: String,
    /// The URL Twilio uses to reach this API (`PUBLIC_BASE_URL`); signatures are checked
    /// against it, never against the Host header.
    pub public_base_url: String,
    /// Twilio auth token, the webhook signing key (`TWILIO_AUTH_TOKEN`). It is also the
    /// password for fetching and deleting recordings, and the key signed recording links are
    /// derived from, so every API replica accepts every other's links.
    pub twilio_auth_token: SecretString,
    /// Twilio account SID (`TWILIO_ACCOUNT_SID`): the user name for fetching recordings (Twilio
    /// protects recording media with HTTP Basic auth); unset, recordings do not play.
    pub twilio_account_sid: Option<String>,
    /// Twilio REST base (`TWILIO_BASE_URL`, default `https://api.twilio.com`): recordings are
    /// fetched only from under it.
    pub twilio_base_url: String,
    /// How long a signed recording link stays valid (`RECORDING_LINK_TTL_SECS`, default 300).
    pub recording_link_ttl: std::time::Duration,
    /// The embeddings endpoint agents' large knowledge is embedded with at save:
    /// `LLM_BASE_URL` (default OpenAI's), `LLM_API_KEY` and `EMBEDDING_MODEL` (default
    /// `text-embedding-3-small`), as the worker's; unset without `LLM_API_KEY` (agents must then
    /// keep their knowledge within the inline budget).
    pub embeddings: Option<EmbeddingsConfig>,
    /// Largest lead upload accepted, in bytes (`UPLOAD_MAX_BYTES`, default 200 MiB); over it the
    /// upload is refused with a 413 as soon as the limit is crossed.
    pub upload_max_bytes: u64,
    /// Most data rows one lead upload may have (`UPLOAD_MAX_ROWS`, default 2,000,000); over it
    /// the upload is refused with a 422.
    pub upload_max_rows: u64,
    /// The built dashboard served at `/` (`DASHBOARD_DIR`, default `dashboard/dist` when that
    /// directory exists; `None`: `/` says how to build it).
    pub dashboard_dir: Option<PathBuf>,
    /// Temporal Web UI base URL the dashboard links workflows to (`TEMPORAL_UI_URL`, unset: no
    /// links).
    pub temporal_ui_url: Option<String>,
}

/// Default of `UPLOAD_MAX_BYTES`: 200 MiB.
pub const DEFAULT_UPLOAD_MAX_BYTES: u64 = 200 * 1024 * 1024;
/// Default of `DASHBOARD_DIR`, relative to the working directory (the repository in
/// development).
pub const DEFAULT_DASHBOARD_DIR: &str = "dashboard/dist";
/// Default of `UPLOAD_MAX_ROWS`.
pub const DEFAULT_UPLOAD_MAX_ROWS: u64 = 2_000_000;

impl ApiConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// From any key lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind = var(&lookup, "API_BIND", Some("127.0.0.1:8080"))?;
        let public_base_url = var(&lookup, "PUBLIC_BASE_URL", None)?;
        url::Url::parse(&public_base_url).map_err(|e| {
            ConfigError(format!(
                "PUBLIC_BASE_URL '{public_base_url}' is not a URL: {e}"
            ))
        })?;
        Ok(Self {
            bind: bind
                .parse()
                .map_err(|e| ConfigError(format!("API_BIND '{bind}': {e}")))?,
            database_url: var(&lookup, "DATABASE_URL", None)?,
            temporal_address: var(&lookup, "TEMPORAL_ADDRESS", Some("http://127.0.0.1:7233"))?,
            temporal_namespace: var(&lookup, "TEMPORAL_NAMESPACE", Some("default"))?,
            task_queue: var(
                &lookup,
                "TASK_QUEUE",
                Some(callwright_workflows::options::TASK_QUEUE),
            )?,
            dial_task_queue: var(
                &lookup,
                "DIAL_TASK_QUEUE",
                Some(callwright_workflows::options::DIAL_TASK_QUEUE),
            )?,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            twilio_auth_token: SecretString::from(var(&lookup, "TWILIO_AUTH_TOKEN", None)?),
            twilio_account_sid: lookup("TWILIO_ACCOUNT_SID").filter(|v| !v.trim().is_empty()),
            twilio_base_url: var(&lookup, "TWILIO_BASE_URL", Some("https://api.twilio.com"))?,
            recording_link_ttl: std::time::Duration::from_secs(number(
                &lookup,
                "RECORDING_LINK_TTL_SECS",
                "300",
            )?),
            embeddings: match lookup("LLM_API_KEY").filter(|k| !k.trim().is_empty()) {
                Some(key) => Some(EmbeddingsConfig {
                    base_url: var(&lookup, "LLM_BASE_URL", Some("https://api.openai.com/v1"))?,
                    api_key: SecretString::from(key),
                    model: var(
                        &lookup,
                        "EMBEDDING_MODEL",
                        Some(callwright_providers::embeddings::DEFAULT_MODEL),
                    )?,
                    timeout: std::time::Duration::from_secs(60),
                }),
                None => None,
            },
            upload_max_bytes: number(
                &lookup,
                "UPLOAD_MAX_BYTES",
                &DEFAULT_UPLOAD_MAX_BYTES.to_string(),
            )?,
            upload_max_rows: number(
                &lookup,
                "UPLOAD_MAX_ROWS",
                &DEFAULT_UPLOAD_MAX_ROWS.to_string(),
            )?,
            dashboard_dir: match lookup("DASHBOARD_DIR") {
                Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
                _ => Some(PathBuf::from(DEFAULT_DASHBOARD_DIR)).filter(|d| d.is_dir()),
            },
            temporal_ui_url: match lookup("TEMPORAL_UI_URL").filter(|u| !u.is_empty()) {
                Some(u) => {
                    url::Url::parse(&u).map_err(|e| {
                        ConfigError(format!("TEMPORAL_UI_URL '{u}' is not a URL: {e}"))
                    })?;
                    Some(u.trim_end_matches('/').to_owned())
                }
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn names_the_missing_variable() {
        let env: HashMap<&str, &str> =
            HashMap::from([("PUBLIC_BASE_URL", "https://calls.example.com")]);
        let err = ApiConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(err.to_string().contains("DATABASE_URL"), "{err}");
    }

    #[test]
    fn upload_limits_default_and_override() {
        let mut env: HashMap<&str, &str> = HashMap::from([
            ("PUBLIC_BASE_URL", "https://calls.example.com"),
            ("DATABASE_URL", "postgres://localhost/x"),
            ("TWILIO_AUTH_TOKEN", "t"),
        ]);
        let config = ApiConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(config.upload_max_bytes, 200 * 1024 * 1024);
        assert_eq!(config.upload_max_rows, 2_000_000);
        env.insert("UPLOAD_MAX_ROWS", "10");
        let config = ApiConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(config.upload_max_rows, 10);
        env.insert("UPLOAD_MAX_BYTES", "lots");
        let err = ApiConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(err.to_string().contains("UPLOAD_MAX_BYTES"), "{err}");
    }

    #[test]
    fn rejects_a_bad_public_url() {
        let env: HashMap<&str, &str> = HashMap::from([("PUBLIC_BASE_URL", "not a url")]);
        let err = ApiConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(err.to_string().contains("PUBLIC_BASE_URL"), "{err}");
    }
}
