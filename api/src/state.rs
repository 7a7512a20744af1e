//! Shared handler state: connections and settings, nothing mutable.

use crate::ApiConfig;
use crate::auth::KeyCache;
use crate::events::EventHub;
use sqlx::PgPool;
use temporalio_client::Client;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Postgres projections.
    pub db: PgPool,
    /// Temporal.
    pub temporal: Client,
    /// Settings.
    pub config: ApiConfig,
    /// API keys recently found valid.
    pub keys: KeyCache,
    /// Live events for SSE clients.
    pub events: EventHub,
    /// Twilio, for playing recordings (none without `TWILIO_ACCOUNT_SID`: Twilio serves
    /// recording media only to the account).
    pub telephony: Option<std::sync::Arc<dyn callwright_providers::telephony::Telephony>>,
    /// Embeds agents' large knowledge at save (none without `LLM_API_KEY`).
    pub embedder: Option<std::sync::Arc<dyn callwright_providers::embeddings::Embedder>>,
}
