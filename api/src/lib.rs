//! Callwright's HTTP API: starts campaigns, turns verified Twilio webhooks into signals and
//! updates on the right lead workflow, and serves state from Temporal and Postgres.

pub mod auth;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod events;
pub mod metrics;
pub mod routes;
pub mod signature;
pub mod startup;
pub mod state;
pub mod temporal;

pub use config::ApiConfig;
pub use startup::Application;
