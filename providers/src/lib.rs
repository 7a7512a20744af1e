//! The providers Callwright calls, each behind a port (a trait) with its real adapter: Twilio
//! (`telephony`), an OpenAI-compatible chat model (`llm`) and embeddings (`embeddings`), Google
//! Calendar (`calendar`), Zoom (`video`), SMTP (`mail`), ElevenLabs (`tts`) and Deepgram
//! (`stt`). Every failure is a [`ProviderError`] classified for retries, with the provider's
//! own reason read from its typed error body. Nothing here touches Postgres or Temporal: the
//! activities decide what a failure means for a workflow.

pub mod calendar;
pub mod embeddings;
pub mod error;
pub mod links;
pub mod llm;
pub mod mail;
mod oauth;
pub mod stt;
pub mod telephony;
pub mod tts;
pub mod video;

pub use error::ProviderError;
