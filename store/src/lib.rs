//! Callwright's Postgres store: the schema's migrations ([`MIGRATOR`], from `migrations/` at
//! the workspace's top) and the projections the activities write ([`Store`], and
//! [`meetings`] for reservations and invite receipts). Every write is idempotent: an activity
//! may run again after a crash or a retry.

pub mod meetings;
mod projections;

pub use projections::{DialClaim, MIGRATOR, Store};
