//! Callwright's durable workflows.
//!
//! - [`LeadWorkflow`]: one per lead and campaign. Dials, holds the conversation (one update per
//!   speech turn, each returning the next TwiML), decides the outcome and retries on a durable
//!   timer.
//! - [`CampaignWorkflow`]: paces a campaign's leads under a concurrency cap, with
//!   pause/resume/cancel signals, a progress query and continue-as-new.
//! - [`MeetingChangeWorkflow`]: one per change an operator makes to a booked meeting (move,
//!   cancel): updates the calendar and the video meeting, then sends the updated or cancelling
//!   invite.
//! - [`LeadErasureWorkflow`]: one per erased lead: its recordings at the provider, its
//!   workflows' histories, then its projections with the audit row.
//!
//! Workflow code is deterministic: no I/O, no system clock, no threads. Every decision that can
//! be a plain function lives in `callwright_domain` and is unit-tested there.

pub mod campaign;
pub mod erasure;
pub mod lead;
pub mod meeting;
pub mod options;
pub mod search;

pub use campaign::CampaignWorkflow;
pub use erasure::LeadErasureWorkflow;
pub use lead::LeadWorkflow;
pub use meeting::MeetingChangeWorkflow;
