//! Shared application state handed to every HTTP handler and call driver.

use std::sync::Arc;
use std::time::Duration;

use crate::config::SimConfig;
use crate::google::Google;
use crate::smtp::Mailbox;
use crate::store::Store;
use crate::twilio::webhook::Webhooks;
use crate::zoom::Zoom;

/// Configuration, stores and webhook client, shared behind an [`Arc`].
pub struct AppState {
    /// Startup configuration.
    pub config: SimConfig,
    /// In-memory state.
    pub store: Store,
    /// Signed webhook client.
    pub webhooks: Webhooks,
    /// `http://127.0.0.1:PORT`, used for recording URLs and the Google token URI.
    pub base_url: String,
    /// Google OAuth tokens and calendars.
    pub google: Google,
    /// Zoom tokens and meetings.
    pub zoom: Zoom,
    /// Messages received by the SMTP sink.
    pub mail: Mailbox,
    /// ElevenLabs text-to-speech requests answered.
    pub tts: crate::tts::Speech,
    /// Deepgram transcription requests answered.
    pub deepgram: crate::deepgram::Transcriptions,
    /// The latest chat-completion and embeddings request bodies.
    pub llm_requests: crate::llm::requests::RequestLog,
}

/// The handle axum handlers receive.
pub type SharedState = Arc<AppState>;

impl AppState {
    /// Converts simulated seconds to real time using the configured speed.
    pub fn sim_time(&self, seconds: f64) -> Duration {
        let scaled = seconds * self.config.speed;
        if scaled.is_finite() && scaled > 0.0 {
            Duration::from_secs_f64(scaled)
        } else {
            Duration::ZERO
        }
    }

    /// Converts a real elapsed time back to simulated seconds.
    pub fn simulated_secs(&self, real: Duration) -> f64 {
        real.as_secs_f64() / self.config.speed
    }
}
