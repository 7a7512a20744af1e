//! Agents as the product runs them: versions saved by the API (validated, knowledge past the
//! inline budget cut into passages and embedded) and read by every call's activities, cached
//! in the worker ([`AgentBook`]); the system prompt and tools the model is given for a turn
//! ([`prompt`], [`tools`]). Used by the activities and by the API (previews, saves); it knows
//! nothing of Temporal.

pub mod prompt;
pub mod tools;
mod versions;

pub use versions::{AgentBook, AgentError, AgentVersion, SaveError, load, save_version};
