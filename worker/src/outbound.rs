//! Outbound webhooks: events from the `webhook_outbox` table (filled by triggers in the
//! transaction of each projection write) are POSTed to the configured URL, signed, and retried
//! with backoff until the receiver answers 2xx, so a CRM sees every call outcome and meeting
//! even across restarts of either side.
//!
//! Body: `{"id", "type", "created_at", "data"}`. Headers: `X-Callwright-Event-Id` (the `id`,
//! for de-duplication: an event may be delivered more than once) and
//! `X-Callwright-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.
//! Several workers may run: rows are leased with `FOR UPDATE SKIP LOCKED`.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use sqlx::PgPool;
use std::fmt::Write as _;
use std::time::Duration;

/// Where events go and the key they are signed with.
#[derive(Clone)]
pub struct OutboundConfig {
    /// Receiver URL (`OUTBOUND_WEBHOOK_URL`).
    pub url: String,
    /// Signing secret (`OUTBOUND_WEBHOOK_SECRET`).
    pub secret: SecretString,
}

impl std::fmt::Debug for OutboundConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Deliveries tried per event before it is marked failed (about four hours of backoff).
const MAX_ATTEMPTS: i32 = 16;
/// Events leased per round.
const BATCH: i64 = 20;

/// Records (or clears) the endpoint, which switches the outbox triggers on (or off).
pub async fn register(db: &PgPool, config: Option<&OutboundConfig>) -> Result<(), sqlx::Error> {
    callwright_store::outbox::set_endpoint(db, config.map(|c| c.url.as_str())).await?;
    Ok(())
}

/// The signature header value for `body` at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this cannot happen.
        Err(_) => return String::new(),
    };
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    format!("t={timestamp},v1={hex}")
}

/// Seconds to wait after the `attempts`-th failure: 2, 4, 8, ... up to 2048 (34 minutes).
fn backoff(attempts: i32) -> i64 {
    2_i64.pow(attempts.clamp(1, 11).unsigned_abs())
}

/// Delivers due events until `shutdown` resolves.
pub async fn run(db: PgPool, config: OutboundConfig, shutdown: tokio::sync::watch::Receiver<bool>) {
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(http) => http,
        Err(err) => {
            tracing::error!(error = %err, "outbound webhooks disabled: no HTTP client");
            return;
        }
    };
    while !*shutdown.borrow() {
        let delivered = match round(&db, &http, &config).await {
            Ok(n) => n,
            Err(err) => {
                tracing::warn!(error = %err, "outbound webhook round failed");
                0
            }
        };
        if delivered == 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Leases a batch of due events and tries each once; returns how many were tried.
async fn round(
    db: &PgPool,
    http: &reqwest::Client,
    config: &OutboundConfig,
) -> Result<usize, sqlx::Error> {
    let due = callwright_store::outbox::claim_due(db, BATCH).await?;
    for event in &due {
        let (id, attempts) = (&event.id, &event.attempts);
        let body = serde_json::json!({
            "id": id,
            "type": event.event_type,
            "created_at": event.created_at,
            "data": event.payload,
        })
        .to_string();
        let sig = signature(
            config.secret.expose_secret(),
            chrono::Utc::now().timestamp(),
            &body,
        );
        let sent = http
            .post(&config.url)
            .header("content-type", "application/json")
            .header("x-callwright-event-id", id.to_string())
            .header("x-callwright-signature", sig)
            .body(body)
            .send()
            .await;
        let error = match sent {
            Ok(resp) if resp.status().is_success() => None,
            Ok(resp) => Some(format!("HTTP {}", resp.status())),
            Err(err) => Some(err.to_string()),
        };
        match error {
            None => {
                callwright_store::outbox::delivered(db, *id).await?;
                metrics::counter!("callwright_webhooks_delivered_total").increment(1);
            }
            Some(error) => {
                tracing::info!(%id, attempts, %error, "webhook delivery failed; will retry");
                callwright_store::outbox::failed(
                    db,
                    *id,
                    &error,
                    backoff(*attempts) as f64,
                    MAX_ATTEMPTS,
                )
                .await?;
                metrics::counter!("callwright_webhooks_failed_attempts_total").increment(1);
            }
        }
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_and_body() {
        // Computed independently: Python's hmac.new(b"secret", b"1700000000.{}", sha256).
        let sig = signature("secret", 1700000000, "{}");
        assert_eq!(
            sig,
            "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163"
        );
        assert_ne!(sig, signature("other", 1700000000, "{}"));
        assert_ne!(sig, signature("secret", 1700000001, "{}"));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), 2);
        assert_eq!(backoff(3), 8);
        assert_eq!(backoff(50), 2048);
    }
}
