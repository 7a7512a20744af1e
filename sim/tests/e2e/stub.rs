//! A minimal product stand-in: serves TwiML, records every webhook it gets.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use callwright_sim::{Sim, SimConfig};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha1::Sha1;

pub const TOKEN: &str = "sim-auth-token";
pub const ACCOUNT: &str = "ACsimulator0000000000000000000000";

#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub url: String,
    pub params: Vec<(String, String)>,
    pub signature: Option<String>,
}

impl Hit {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
pub struct Stub {
    pub base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

pub const GATHER_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Gather input="speech" action="/gather?turn=1" timeout="3" speechTimeout="auto" language="en-US">
    <Say voice="Polly.Joanna">Hello, this is Alex from Callwright. Do you have a minute?</Say>
  </Gather>
  <Say>I did not hear anything. Goodbye.</Say>
  <Hangup/>
</Response>"#;

const WAIT_TWIML: &str = r#"<Response><Gather input="speech" action="/gather" timeout="600"><Say>Hi there</Say></Gather></Response>"#;
const BYE_TWIML: &str =
    r#"<Response><Say>Wonderful, see you Thursday. Goodbye!</Say><Hangup/></Response>"#;

async fn handle(
    State(hits): State<Arc<Mutex<Vec<Hit>>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let url = format!("http://{host}{uri}");
    let params: Vec<(String, String)> = if method == Method::GET {
        Vec::new()
    } else {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    };
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let path = uri.path().to_owned();
    hits.lock().unwrap().push(Hit {
        path: path.clone(),
        url,
        params,
        signature,
    });
    let xml = |s: &'static str| ([("content-type", "text/xml")], s).into_response();
    let mode = uri.query().unwrap_or_default();
    match path.as_str() {
        "/voice" if mode.contains("mode=wait") => xml(WAIT_TWIML),
        "/voice" if mode.contains("mode=broken") => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        "/voice" => xml(GATHER_TWIML),
        "/gather" => xml(BYE_TWIML),
        "/media.wav" => callwright_sim::recording::tone_wav(0.1).into_response(),
        _ => (StatusCode::OK, "").into_response(),
    }
}

impl Stub {
    pub async fn start() -> Stub {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(handle).with_state(hits.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Stub { base, hits }
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub fn hits_for(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }

    /// Waits until `pred` holds for the recorded hits.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let hits = self.hits();
            if pred(&hits) {
                return hits;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {hits:#?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Independent check of Twilio's signature scheme.
pub fn signature_is_valid(hit: &Hit) -> bool {
    let mut params = hit.params.clone();
    params.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut data = hit.url.clone();
    for (k, v) in &params {
        data += k;
        data += v;
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(TOKEN.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    hit.signature.as_deref() == Some(expected.as_str())
}

pub async fn start_sim() -> String {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let base = sim.base_url();
    sim.spawn();
    base
}

pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

pub fn calls_url(sim: &str) -> String {
    format!("{sim}/2010-04-01/Accounts/{ACCOUNT}/Calls.json")
}

pub async fn create_call(sim: &str, params: &[(&str, String)]) -> (StatusCode, Value) {
    let response = client()
        .post(calls_url(sim))
        .basic_auth(ACCOUNT, Some(TOKEN))
        .form(params)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    (status, response.json().await.unwrap())
}

pub async fn sim_call(sim: &str, sid: &str) -> Value {
    client()
        .get(format!("{sim}/sim/calls/{sid}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Polls the inspection API until the call reaches a final status.
pub async fn wait_final(sim: &str, sid: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let call = sim_call(sim, sid).await;
        let status = call["status"].as_str().unwrap_or_default().to_owned();
        if ["completed", "busy", "failed", "no-answer", "canceled"].contains(&status.as_str()) {
            return call;
        }
        assert!(Instant::now() < deadline, "call never ended: {call:#}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
