//! What every Callwright binary (the API, the worker, the benchmarks) needs from its process:
//! typed settings read from the environment with errors naming the variable ([`settings`]),
//! logging, and the shutdown signal ([`telemetry`]).

pub mod settings;
pub mod telemetry;
