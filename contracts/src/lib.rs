//! What Callwright's crates agree on, and nothing that does I/O.
//!
//! - [`activities`]: the inputs and outputs of every activity, as workflow histories record
//!   them.
//! - [`definitions`]: every activity's name and types ([`CallActivities`], [`DialActivities`],
//!   [`MeetingActivities`], [`ErasureActivities`]). Workflows schedule these; the `callwright-activities` crate
//!   implements each one against its definition, and the compiler checks that the two agree.
//!
//! Workflows depend on this crate and on `callwright-domain`, never on the activities' crate,
//! so no database, HTTP or mail client is in a workflow's reach (`make test` checks the
//! dependency graph: `scripts/check-deps.sh`).

pub mod activities;
pub mod api;
#[cfg(feature = "definitions")]
pub mod definitions;
pub mod ids;
pub mod messages;

#[cfg(feature = "definitions")]
pub use definitions::{CallActivities, DialActivities, ErasureActivities, MeetingActivities};

/// Tries of the post-call summary (the workflow's retry policy uses the same number): its
/// last one settles the summary as failed.
pub const SUMMARY_ATTEMPTS: u32 = 4;
