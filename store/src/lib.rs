//! Callwright's Postgres store: the schema's migrations ([`MIGRATOR`], from `migrations/` at
//! the workspace's top), the projections the activities write ([`Store`], and [`meetings`] for
//! reservations and invite receipts), and every read and write the API makes, one module per
//! table family. Every activity write is idempotent: an activity may run again after a crash or
//! a retry.
//!
//! Every statement here is one of sqlx's query macros with literal SQL, so it is checked against
//! the schema at compile time: offline, against the descriptions in `.sqlx/` at the workspace
//! root, which `scripts/check-sqlx.sh` checks against a freshly migrated database (`--write`
//! refreshes them after a query or a migration changes).

pub mod agents;
pub mod analytics;
pub mod calls;
pub mod campaigns;
pub mod dnc;
pub mod erasure;
pub mod imports;
pub mod keys;
pub mod lead_filter;
pub mod leads;
pub mod meetings;
pub mod outbox;
mod projections;
pub mod speech;
pub mod trials;

pub use projections::{DialClaim, MIGRATOR, Store};
