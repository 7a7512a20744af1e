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
    /// Outbound HTTP (recordings at Twilio).
    pub http: reqwest::Client,
    /// Embeds agents' large knowledge at save (none without `LLM_API_KEY`).
    pub embedder: Option<std::sync::Arc<dyn callwright_providers::embeddings::Embedder>>,
}
