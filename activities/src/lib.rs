//! Callwright's activities: every piece of I/O a workflow needs. The providers they call are
//! ports in `callwright_providers`, the projections they write are `callwright_store`; here is
//! what a workflow's step does with them.
//!
//! - [`calls`], [`dial`], [`meetings`] and [`erasure`]: the `#[activities]` the workflows
//!   schedule.
//! - [`booking`]: the booking tools the model calls during a turn.
//! - [`script`]: the lines said without the model, rendered from the agent's version
//!   (`callwright_agents`: versions, their cache, the system prompt and tools).
//! - [`speech`]: the shared speech cache behind signed links, in front of the speech provider.
//! - [`failure`]: how a provider's or the database's failure becomes an activity failure
//!   (retried or not as its class says).

pub mod booking;
pub mod calls;
pub mod dial;
pub mod erasure;
pub mod failure;
pub mod meetings;
pub mod script;
pub mod speech;

pub use calls::CallActivities;
pub use dial::DialActivities;
pub use erasure::ErasureActivities;
pub use meetings::MeetingActivities;
