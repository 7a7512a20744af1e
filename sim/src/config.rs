//! Simulator configuration, read from the environment by the binary and
//! built directly by tests.

use std::net::SocketAddr;

/// Errors raised while reading the configuration from the environment.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable holds a value that cannot be used.
    #[error("invalid value {value:?} for {name}: {reason}")]
    Invalid {
        /// Name of the environment variable.
        name: &'static str,
        /// The offending value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
}

/// Everything the simulator needs to start.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// HTTP address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// SMTP sink address to listen on; port 0 picks a free port.
    pub smtp_bind: SocketAddr,
    /// The only Twilio account SID the simulator accepts.
    pub account_sid: String,
    /// Twilio auth token: HTTP Basic password and webhook signing key.
    pub auth_token: String,
    /// Time scale: every simulated duration is multiplied by it
    /// (0.05 runs calls 20 times faster than real time).
    pub speed: f64,
    /// Extra latency added before every chat completion response: the model's time to first
    /// token.
    pub llm_delay_ms: u64,
    /// The model's writing speed after its first token; 0 writes instantly. A streamed
    /// completion sends a token every `1 / rate` seconds, an unstreamed one waits for them all.
    pub llm_tokens_per_sec: f64,
    /// When set, the LLM endpoint requires `Authorization: Bearer <key>`.
    pub llm_api_key: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8090)),
            smtp_bind: SocketAddr::from(([127, 0, 0, 1], 2525)),
            account_sid: "ACsimulator0000000000000000000000".to_owned(),
            auth_token: "sim-auth-token".to_owned(),
            speed: 1.0,
            llm_delay_ms: 0,
            llm_tokens_per_sec: 0.0,
            llm_api_key: None,
        }
    }
}

impl SimConfig {
    /// A configuration for in-process tests: loopback, free ports (HTTP and
    /// SMTP), the given speed.
    pub fn for_tests(speed: f64) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            smtp_bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            speed,
            ..Self::default()
        }
    }

    /// Reads the environment, using defaults for unset variables:
    ///
    /// | variable | default | meaning |
    /// |---|---|---|
    /// | `SIM_BIND` | `127.0.0.1:8090` | HTTP listener (Twilio, LLM, Google, Zoom, `/sim/*`) |
    /// | `SIM_SMTP_BIND` | `127.0.0.1:2525` | SMTP sink listener (plaintext, no STARTTLS) |
    /// | `SIM_ACCOUNT_SID` | `ACsimulator0000000000000000000000` | the only Twilio account |
    /// | `SIM_AUTH_TOKEN` | `sim-auth-token` | Twilio auth token / webhook signing key |
    /// | `SIM_SPEED` | `1.0` | time scale (0.05 = 20 times faster) |
    /// | `SIM_LLM_DELAY_MS` | `0` | extra latency per chat completion (time to first token) |
    /// | `SIM_LLM_TOKENS_PER_SEC` | `0` | the model's token rate after the first; 0 = instant |
    /// | `SIM_LLM_API_KEY` | unset | when set, the LLM endpoint requires this bearer key |
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`SimConfig::from_env`] but reads variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut cfg = Self::default();
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("SIM_BIND") {
            cfg.bind = v.trim().parse().map_err(|e| invalid("SIM_BIND", &v, e))?;
        }
        if let Some(v) = get("SIM_SMTP_BIND") {
            cfg.smtp_bind = v
                .trim()
                .parse()
                .map_err(|e| invalid("SIM_SMTP_BIND", &v, e))?;
        }
        if let Some(v) = get("SIM_ACCOUNT_SID") {
            cfg.account_sid = v.trim().to_owned();
        }
        if let Some(v) = get("SIM_AUTH_TOKEN") {
            cfg.auth_token = v.trim().to_owned();
        }
        if let Some(v) = get("SIM_SPEED") {
            let speed: f64 = v.trim().parse().map_err(|e| invalid("SIM_SPEED", &v, e))?;
            if !(speed.is_finite() && speed > 0.0) {
                return Err(invalid("SIM_SPEED", &v, "must be a positive number"));
            }
            cfg.speed = speed;
        }
        if let Some(v) = get("SIM_LLM_DELAY_MS") {
            cfg.llm_delay_ms = v
                .trim()
                .parse()
                .map_err(|e| invalid("SIM_LLM_DELAY_MS", &v, e))?;
        }
        if let Some(v) = get("SIM_LLM_TOKENS_PER_SEC") {
            let rate: f64 = v
                .trim()
                .parse()
                .map_err(|e| invalid("SIM_LLM_TOKENS_PER_SEC", &v, e))?;
            if !(rate.is_finite() && rate >= 0.0) {
                return Err(invalid(
                    "SIM_LLM_TOKENS_PER_SEC",
                    &v,
                    "must be zero or a positive number",
                ));
            }
            cfg.llm_tokens_per_sec = rate;
        }
        cfg.llm_api_key = get("SIM_LLM_API_KEY").map(|v| v.trim().to_owned());
        Ok(cfg)
    }
}

fn invalid(name: &'static str, value: &str, reason: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid {
        name,
        value: value.to_owned(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_unset() {
        let cfg = SimConfig::from_lookup(|_| None).expect("config");
        assert_eq!(cfg.bind.port(), 8090);
        assert_eq!(cfg.smtp_bind.port(), 2525);
        assert_eq!(cfg.account_sid, "ACsimulator0000000000000000000000");
        assert_eq!(cfg.auth_token, "sim-auth-token");
        assert!((cfg.speed - 1.0).abs() < f64::EPSILON);
        assert!(cfg.llm_api_key.is_none());
    }

    #[test]
    fn reads_values_and_rejects_bad_speed() {
        let cfg = SimConfig::from_lookup(|n| match n {
            "SIM_SPEED" => Some("0.05".into()),
            "SIM_LLM_API_KEY" => Some("k".into()),
            "SIM_BIND" => Some("0.0.0.0:9000".into()),
            "SIM_SMTP_BIND" => Some("127.0.0.1:2526".into()),
            _ => None,
        })
        .expect("config");
        assert!((cfg.speed - 0.05).abs() < 1e-9);
        assert_eq!(cfg.llm_api_key.as_deref(), Some("k"));
        assert_eq!(cfg.bind.port(), 9000);
        assert_eq!(cfg.smtp_bind.port(), 2526);
        let bad = SimConfig::from_lookup(|n| (n == "SIM_SMTP_BIND").then(|| "nope".to_owned()));
        assert!(bad.is_err());
        let bad = SimConfig::from_lookup(|n| (n == "SIM_SPEED").then(|| "0".to_owned()));
        assert!(bad.is_err());
    }
}
