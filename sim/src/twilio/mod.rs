//! The Twilio side of the simulator: REST API, TwiML, webhook signing.

pub mod auth;
pub mod call_request;
pub mod resource;
pub mod rest;
pub mod signature;
pub mod twiml;
pub mod webhook;
