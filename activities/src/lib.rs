//! Callwright's activities: every piece of I/O a workflow needs, behind provider ports.
//!
//! - [`telephony`]: the [`Telephony`](telephony::Telephony) port and its Twilio REST adapter.
//! - [`llm`]: the [`ChatModel`](llm::ChatModel) port and its OpenAI-compatible adapter.
//! - [`store`]: Postgres projections (leads, calls, turns, do-not-call).
//! - [`calls`] and [`dial`]: the `#[activities]` the workflows schedule.
//!
//! Errors from providers are classified once, in [`error`]: retryable (5xx, 408, 429 with the
//! provider's `Retry-After`, timeouts) or not (other 4xx).

pub mod calls;
pub mod dial;
pub mod error;
pub mod llm;
pub mod prompt;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod telephony;
pub mod types;

pub use calls::CallActivities;
pub use dial::DialActivities;
pub use error::ProviderError;
