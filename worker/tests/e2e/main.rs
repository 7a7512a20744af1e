//! The end-to-end suite: every test runs a full stack (a fresh database on the test Postgres,
//! the simulator and the API in-process, the worker as a child process) against the Temporal
//! server `make test` starts. One test binary holds them all: each extra binary would link the
//! whole stack again (about 130 MB a time), which is what filled a CI machine's disk. nextest
//! still runs every test in its own process, so tests stay as isolated as before.

#![allow(missing_docs, clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod support;

mod agents;
mod analytics_rollup;
mod api_security;
mod booking;
mod calling_window;
mod campaign_controls;
mod chaos;
mod do_not_call;
mod languages;
mod lead_delete;
mod lead_retry;
mod lead_upload;
mod lifecycle;
mod lists;
mod live_events;
mod openapi;
mod outbound_webhooks;
mod relay;
mod speech;
mod transcription;
mod transfer;
mod webhooks;
mod worker_crash;
