//! End-to-end tests: the simulator and a tiny "product" stub talk real HTTP on loopback.

#![allow(clippy::unwrap_used, missing_docs)]

mod agent;
mod calls;
mod embeddings;
mod llm;
mod relay;
mod rest;
mod stub;
