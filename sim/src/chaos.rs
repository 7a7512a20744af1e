//! Chaos mode for the reliability suite (`make chaos`): provider faults at a *rate* (rather
//! than the one-shot counters of `/sim/faults`), slow chat completions, and a webhook mode that
//! duplicates, reorders, delays and forges the status callbacks the simulated Twilio sends
//! (the AMD callback too, reordering aside), and duplicates, delays and forges its document
//! requests (the voice URL, each
//! `<Gather>` action), and on ConversationRelay duplicates final prompts and drops sockets,
//! with counters of what it did and of how the receiving API answered.
//!
//! `POST /sim/chaos` replaces the settings (JSON [`ChaosConfig`], every field optional),
//! `GET /sim/chaos` returns `{"config": ..., "counters": ...}`, `DELETE /sim/chaos` turns chaos
//! off (counters are kept until `POST /sim/reset`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::state::SharedState;

/// Chaos settings: each rate is a probability in `0.0..=1.0` applied per request or callback.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ChaosConfig {
    /// Chat completions answered 429 `rate_limit_exceeded`.
    pub llm_429: f64,
    /// Chat completions answered 500.
    pub llm_500: f64,
    /// Chat completions held for [`ChaosConfig::llm_slow_ms`] before answering.
    pub llm_slow: f64,
    /// How long a slow chat completion takes (past the worker's `LLM_TIMEOUT_MS`).
    pub llm_slow_ms: u64,
    /// Chat completions answered 500 when they follow a successful `book_meeting` tool result:
    /// the model failing right after the agent reserved a slot.
    pub llm_500_after_booking: f64,
    /// Authenticated Google Calendar requests answered 500 `backendError`.
    pub calendar_500: f64,
    /// SMTP messages refused after DATA with `451 4.3.0`.
    pub smtp_451: f64,
    /// Status callbacks delivered twice.
    pub webhook_duplicate: f64,
    /// Status callbacks held back and delivered after the next one of the same call.
    pub webhook_reorder: f64,
    /// Status callbacks delivered late, by up to [`ChaosConfig::webhook_delay_ms`], while the
    /// call's later callbacks go on without them.
    pub webhook_delay: f64,
    /// Upper bound of a delayed callback's delay (at least half of it is always waited).
    pub webhook_delay_ms: u64,
    /// Status callbacks preceded by a forged copy with a corrupted `X-Twilio-Signature`.
    pub webhook_bad_signature: f64,
    /// Document requests (voice URL, `<Gather>` actions) sent a second time right after the
    /// first, as a retry would: both answers must be the same document.
    pub document_duplicate: f64,
    /// Document requests sent late, by up to [`ChaosConfig::webhook_delay_ms`] (the callee
    /// waits in silence, as behind a slow network).
    pub document_delay: f64,
    /// Document requests preceded by a forged copy with a corrupted signature.
    pub document_bad_signature: f64,
    /// ConversationRelay final prompts sent twice (the same message again right after).
    pub relay_duplicate_prompt: f64,
    /// ConversationRelay final prompts after which the socket is dropped without a close
    /// frame at a random point of the next 3 simulated seconds (usually during the answer).
    pub relay_drop: f64,
}

impl ChaosConfig {
    /// Rejects rates outside `0.0..=1.0`.
    pub fn validate(&self) -> Result<(), String> {
        let rates = [
            ("llm_429", self.llm_429),
            ("llm_500", self.llm_500),
            ("llm_slow", self.llm_slow),
            ("llm_500_after_booking", self.llm_500_after_booking),
            ("calendar_500", self.calendar_500),
            ("smtp_451", self.smtp_451),
            ("webhook_duplicate", self.webhook_duplicate),
            ("webhook_reorder", self.webhook_reorder),
            ("webhook_delay", self.webhook_delay),
            ("webhook_bad_signature", self.webhook_bad_signature),
            ("document_duplicate", self.document_duplicate),
            ("document_delay", self.document_delay),
            ("document_bad_signature", self.document_bad_signature),
            ("relay_duplicate_prompt", self.relay_duplicate_prompt),
            ("relay_drop", self.relay_drop),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be a rate between 0 and 1, got {rate}"));
            }
        }
        Ok(())
    }
}

/// What chaos mode did, and how the API answered the forged callbacks.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChaosCounters {
    /// Chat completions answered 429 by a rate.
    pub llm_429: u64,
    /// Chat completions answered 500 by a rate.
    pub llm_500: u64,
    /// Chat completions slowed down.
    pub llm_slow: u64,
    /// Chat completions answered 500 right after a booking.
    pub llm_500_after_booking: u64,
    /// Calendar requests answered 500 by a rate.
    pub calendar_500: u64,
    /// SMTP messages refused with 451 by a rate.
    pub smtp_451: u64,
    /// Genuine status callbacks delivered (duplicates included).
    pub webhooks_sent: u64,
    /// Callbacks delivered a second time.
    pub webhooks_duplicated: u64,
    /// Callbacks delivered after a later one.
    pub webhooks_reordered: u64,
    /// Callbacks delivered late.
    pub webhooks_delayed: u64,
    /// Forged callbacks (bad signature) sent.
    pub bad_signatures_sent: u64,
    /// Forged callbacks the receiver refused with 403.
    pub bad_signatures_rejected: u64,
    /// Forged callbacks the receiver accepted (2xx): must stay zero.
    pub bad_signatures_accepted: u64,
    /// Forged callbacks answered otherwise (another status or no answer).
    pub bad_signatures_other: u64,
    /// Genuine document requests sent (duplicates included).
    pub documents_sent: u64,
    /// Document requests sent a second time.
    pub documents_duplicated: u64,
    /// Duplicated document requests answered with a different document than the first:
    /// must stay zero (a repeat is answered once).
    pub documents_duplicate_differs: u64,
    /// Document requests sent late.
    pub documents_delayed: u64,
    /// ConversationRelay final prompts sent twice.
    pub relay_prompts_duplicated: u64,
    /// ConversationRelay sockets dropped by chaos.
    pub relay_sockets_dropped: u64,
}

/// What to do with one status callback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookPlan {
    /// Send a forged copy first.
    pub forge: bool,
    /// Deliver it late, after this many milliseconds.
    pub delay_ms: Option<u64>,
    /// Hold it until the next callback went out.
    pub reorder: bool,
    /// Deliver it twice.
    pub duplicate: bool,
}

/// What to do with one document request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentPlan {
    /// Send a forged copy first.
    pub forge: bool,
    /// Wait this many milliseconds before sending it.
    pub delay_ms: Option<u64>,
    /// Send it again once answered, and compare the answers.
    pub duplicate: bool,
}

impl DocumentPlan {
    /// Draws a plan from the settings.
    pub fn draw(config: &ChaosConfig) -> Self {
        Self {
            forge: roll(config.document_bad_signature),
            delay_ms: roll(config.document_delay).then(|| {
                let max = config.webhook_delay_ms.max(2);
                rand::thread_rng().gen_range(max / 2..=max)
            }),
            duplicate: roll(config.document_duplicate),
        }
    }
}

/// Draws true with probability `rate` (0 never draws).
pub fn roll(rate: f64) -> bool {
    rate > 0.0 && rand::thread_rng().gen_bool(rate.clamp(0.0, 1.0))
}

impl WebhookPlan {
    /// Draws a plan from the settings.
    pub fn draw(config: &ChaosConfig) -> Self {
        let delay_ms = roll(config.webhook_delay).then(|| {
            let max = config.webhook_delay_ms.max(2);
            rand::thread_rng().gen_range(max / 2..=max)
        });
        Self {
            forge: roll(config.webhook_bad_signature),
            delay_ms,
            reorder: delay_ms.is_none() && roll(config.webhook_reorder),
            duplicate: roll(config.webhook_duplicate),
        }
    }
}

/// Routes under `/sim/chaos`.
pub fn router() -> Router<SharedState> {
    Router::new().route("/sim/chaos", get(show).post(set).delete(clear))
}

async fn show(State(state): State<SharedState>) -> Response {
    Json(json!({"config": state.store.chaos(), "counters": state.store.chaos_counters()}))
        .into_response()
}

async fn set(State(state): State<SharedState>, body: axum::body::Bytes) -> Response {
    let config = match serde_json::from_slice::<ChaosConfig>(&body) {
        Ok(c) => c,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("expected a chaos config object: {e}")})),
            )
                .into_response();
        }
    };
    if let Err(e) = config.validate() {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response();
    }
    state.store.set_chaos(config);
    tracing::info!(?config, "chaos mode set");
    show(State(state)).await
}

async fn clear(State(state): State<SharedState>) -> Response {
    state.store.set_chaos(ChaosConfig::default());
    show(State(state)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_validated() {
        assert!(ChaosConfig::default().validate().is_ok());
        let bad = ChaosConfig {
            webhook_duplicate: 1.5,
            ..ChaosConfig::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn document_plans_follow_their_rates() {
        assert_eq!(
            DocumentPlan::draw(&ChaosConfig::default()),
            DocumentPlan::default()
        );
        let all = ChaosConfig {
            document_duplicate: 1.0,
            document_delay: 1.0,
            document_bad_signature: 1.0,
            webhook_delay_ms: 3000,
            ..ChaosConfig::default()
        };
        let plan = DocumentPlan::draw(&all);
        assert!(plan.forge && plan.duplicate);
        assert!(plan.delay_ms.is_some_and(|ms| (1500..=3000).contains(&ms)));
        let bad = ChaosConfig {
            document_delay: -0.1,
            ..ChaosConfig::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn certain_and_impossible_rates() {
        assert!(!roll(0.0));
        assert!(roll(1.0));
        let all = ChaosConfig {
            webhook_duplicate: 1.0,
            webhook_bad_signature: 1.0,
            webhook_reorder: 1.0,
            ..ChaosConfig::default()
        };
        let plan = WebhookPlan::draw(&all);
        assert!(plan.forge && plan.duplicate && plan.reorder && plan.delay_ms.is_none());
        let late = ChaosConfig {
            webhook_delay: 1.0,
            webhook_delay_ms: 3000,
            webhook_reorder: 1.0,
            ..ChaosConfig::default()
        };
        let plan = WebhookPlan::draw(&late);
        assert!(matches!(plan.delay_ms, Some(ms) if (1500..=3000).contains(&ms)));
        assert!(!plan.reorder, "a delayed callback is not also held back");
    }
}
