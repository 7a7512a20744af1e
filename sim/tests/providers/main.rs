//! Google OAuth + Calendar, Zoom and the SMTP sink, exercised over real
//! sockets the way the product talks to them.

#![allow(clippy::unwrap_used, missing_docs)]

mod google;
mod smtp;
mod zoom;

use std::net::SocketAddr;

use callwright_sim::{Sim, SimConfig};
use serde_json::Value;

pub struct Running {
    pub base: String,
    pub smtp: SocketAddr,
}

pub async fn start() -> Running {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let running = Running {
        base: sim.base_url(),
        smtp: sim.smtp_addr(),
    };
    assert_eq!(sim.smtp_port(), running.smtp.port());
    assert_ne!(running.smtp.port(), 0);
    sim.spawn();
    running
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

pub async fn add_faults(base: &str, faults: Value) {
    let response = client()
        .post(format!("{base}/sim/faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
