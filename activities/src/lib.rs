//! Callwright's activities: every piece of I/O a workflow needs, behind provider ports.
//!
//! - [`telephony`]: the [`Telephony`](telephony::Telephony) port and its Twilio REST adapter.
//! - [`llm`]: the [`ChatModel`](llm::ChatModel) port and its OpenAI-compatible adapter.
//! - [`calendar`]: the [`Calendar`](calendar::Calendar) port and its Google Calendar adapter.
//! - [`video`]: the [`VideoMeetings`](video::VideoMeetings) port and its Zoom adapter.
//! - [`tts`]: the [`SpeechSynthesizer`](tts::SpeechSynthesizer) port, its ElevenLabs adapter and
//!   the shared speech cache behind signed links ([`links`]).
//! - [`stt`]: the [`Transcriber`](stt::Transcriber) port and its Deepgram adapter (recordings
//!   transcribed after the call).
//! - [`mail`]: the [`Mailer`](mail::Mailer) port and its SMTP adapter.
//! - [`store`] and [`meeting_store`]: Postgres projections (leads, calls, turns, do-not-call,
//!   meetings and their reservations, invite receipts).
//! - [`booking`]: the booking tools the model calls during a turn.
//! - [`agents`], [`prompt`] and [`script`]: agent versions (saved by the API, cached by the
//!   worker), the system prompt and tools built from them, and the lines said without the model.
//! - [`embeddings`]: the [`Embedder`](embeddings::Embedder) port and its OpenAI-compatible
//!   adapter, for agents' knowledge past the inline budget.
//! - [`calls`], [`dial`] and [`meetings`]: the `#[activities]` the workflows schedule.
//!
//! Errors from providers are classified once, in [`error`]: retryable (5xx, 408, 429 with the
//! provider's `Retry-After`, timeouts) or not (other 4xx).

pub mod agents;
pub mod booking;
pub mod calendar;
pub mod calls;
pub mod dial;
pub mod embeddings;
pub mod error;
pub mod links;
pub mod llm;
pub mod mail;
pub mod meeting_store;
pub mod meetings;
mod oauth;
pub mod prompt;
pub mod script;
pub mod settings;
pub mod store;
pub mod stt;
pub mod telemetry;
pub mod telephony;
pub mod tts;
pub mod video;

pub use calls::CallActivities;
pub use dial::DialActivities;
pub use error::ProviderError;
pub use meetings::MeetingActivities;
