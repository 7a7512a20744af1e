//! Callwright's Postgres store: the schema's migrations ([`MIGRATOR`], from `migrations/` at
//! the workspace's top) and the projections the activities write ([`Store`], and
//! [`meetings`] for reservations and invite receipts). Every write is idempotent: an activity
//! may run again after a crash or a retry.
//!
//! Every statement here is one of sqlx's query macros with literal SQL, so it is checked against
//! the schema at compile time: offline, against the descriptions in `.sqlx/` at the workspace
//! root, which `scripts/check-sqlx.sh` checks against a freshly migrated database (`--write`
//! refreshes them after a query or a migration changes).

pub mod meetings;
mod projections;

pub use projections::{DialClaim, MIGRATOR, Store};
