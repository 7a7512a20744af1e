//! End-to-end test stack: a fresh database on the test Postgres, the simulator and the API
//! in-process, the worker as a real child process (so a test can `kill -9` it), all against the
//! test Temporal server started by `make test`. Every stack uses its own task queues, so tests
//! run side by side without sharing work.

#![allow(dead_code)]

use callwright_api::{ApiConfig, Application};
use callwright_contracts::api::campaigns::{CampaignAgent, CampaignDetail, StartCampaign};
use callwright_contracts::api::leads::{Deleted, ErasureState, ErasureStatus, NewLeadBody};
use callwright_sim::{Sim, SimConfig};
use callwright_testkit::ApiClient;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, PgPool};
use std::collections::HashMap;
use std::future::Future;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use temporalio_client::{
    Client, ClientOptions, Connection as TemporalConnection, ConnectionOptions,
};

/// Reads a variable `make test` sets; running the suite without it is an error, not a skip.
pub fn required_env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run the suite with `make test`"))
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Polls `check` until it returns `Some`, or panics after `timeout` naming `what`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub struct Stack {
    pub db: PgPool,
    pub database_url: String,
    pub temporal: Client,
    pub temporal_address: String,
    pub api: String,
    pub sim: String,
    pub twilio_base_url: String,
    pub task_queue: String,
    pub dial_task_queue: String,
    /// Sends the API key on every request.
    pub http: reqwest::Client,
    /// The typed client of the API (the test kit), over `http`.
    pub client: ApiClient,
    /// The key (for tests that build their own requests).
    pub api_key: String,
    pub smtp_port: u16,
    /// The worker's Prometheus endpoint.
    pub worker_metrics: String,
    /// Extra worker environment (booking rules and the like).
    pub worker_env: Vec<(String, String)>,
    /// The agent campaigns call with unless a test says otherwise ([`default_agent`]).
    pub agent_id: String,
    worker: Option<Child>,
    log_dir: std::path::PathBuf,
    workers_started: usize,
}

pub struct StackOptions {
    /// Simulator time scale (lower is faster).
    pub sim_speed: f64,
    /// Point the worker's Twilio client here instead of at the simulator.
    pub twilio_base_url: Option<String>,
    /// Extra worker environment, overriding the defaults.
    pub worker_env: Vec<(&'static str, &'static str)>,
    /// Extra API settings (e.g. `UPLOAD_MAX_BYTES`), overriding the defaults.
    pub api_env: Vec<(&'static str, String)>,
    /// Speak through ElevenLabs (the simulator's) instead of `<Say>`.
    pub tts: bool,
    /// Transcribe recordings with Deepgram (the simulator's).
    pub stt: bool,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            sim_speed: 0.05,
            twilio_base_url: None,
            worker_env: Vec::new(),
            api_env: Vec::new(),
            tts: false,
            stt: false,
        }
    }
}

/// The ElevenLabs voice stacks with `tts` speak with, and their Hebrew one.
pub const SIM_VOICE: &str = "sim-voice";
pub const SIM_VOICE_HE: &str = "sim-voice-he";

/// The sales calendar the worker books on (in the simulator).
pub const CALENDAR_ID: &str = "sales@acme-solar.test";

impl Stack {
    pub async fn start(options: StackOptions) -> Stack {
        let admin_url = required_env("CALLWRIGHT_TEST_DATABASE_URL");
        let temporal_address = required_env("CALLWRIGHT_TEST_TEMPORAL_ADDRESS");
        let id = uuid::Uuid::new_v4().simple().to_string();
        let db_name = format!("cw_test_{}", &id[..16]);
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connect to the test Postgres");
        sqlx::query(&format!("CREATE DATABASE {db_name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let database_url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{db_name}"),
            None => panic!("CALLWRIGHT_TEST_DATABASE_URL has no database name"),
        };

        let sim = Sim::build(SimConfig::for_tests(options.sim_speed))
            .await
            .expect("simulator starts");
        let sim_url = sim.base_url();
        let smtp_port = sim.smtp_port();
        sim.spawn();

        let twilio_base_url = options
            .twilio_base_url
            .clone()
            .unwrap_or_else(|| sim_url.clone());
        let api_port = free_port();
        let api = format!("http://127.0.0.1:{api_port}");
        let mut env: HashMap<&str, String> = HashMap::from([
            ("API_BIND", format!("127.0.0.1:{api_port}")),
            ("DATABASE_URL", database_url.clone()),
            ("TEMPORAL_ADDRESS", temporal_address.clone()),
            ("TASK_QUEUE", format!("cw-{id}")),
            ("DIAL_TASK_QUEUE", format!("cw-dial-{id}")),
            ("PUBLIC_BASE_URL", api.clone()),
            ("TWILIO_AUTH_TOKEN", SimConfig::default().auth_token),
            ("TWILIO_ACCOUNT_SID", SimConfig::default().account_sid),
            ("TWILIO_BASE_URL", twilio_base_url.clone()),
            // Agents' large knowledge is embedded with the simulator's model.
            ("LLM_BASE_URL", format!("{sim_url}/v1")),
            ("LLM_API_KEY", "test-key".to_owned()),
        ]);
        env.extend(options.api_env.iter().map(|(k, v)| (*k, v.clone())));
        let config = ApiConfig::from_lookup(|k| env.get(k).cloned()).expect("API config");
        let app = Application::build(config).await.expect("API starts");
        tokio::spawn(app.run_until(std::future::pending()));

        let url = temporalio_client::Url::parse(&temporal_address).expect("temporal url");
        let connection = TemporalConnection::connect(ConnectionOptions::new(url).build())
            .await
            .expect("temporal");
        let temporal =
            Client::new(connection, ClientOptions::new("default").build()).expect("client");
        let db = PgPool::connect(&database_url)
            .await
            .expect("connect test database");
        let api_key = callwright_api::auth::create_key(&db, "tests")
            .await
            .expect("API key")
            .key;
        let log_dir =
            std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("stack-{id}"));
        std::fs::create_dir_all(&log_dir).expect("log dir");
        // The worker authenticates to the simulated Google like to the real one: a service
        // account key file whose token_uri is the simulator's.
        let key = reqwest::get(format!("{sim_url}/sim/google/service-account.json"))
            .await
            .expect("service-account key")
            .text()
            .await
            .expect("key text");
        let metrics_port = free_port();
        let key_file = log_dir.join("service-account.json");
        std::fs::write(&key_file, key).expect("write key file");
        let mut worker_env: Vec<(String, String)> = [
            (
                "GOOGLE_SERVICE_ACCOUNT_KEY_FILE",
                key_file.display().to_string(),
            ),
            ("GOOGLE_CALENDAR_BASE_URL", format!("{sim_url}/calendar/v3")),
            ("GOOGLE_CALENDAR_ID", CALENDAR_ID.to_owned()),
            ("ZOOM_OAUTH_BASE_URL", sim_url.clone()),
            ("ZOOM_API_BASE_URL", format!("{sim_url}/v2")),
            ("ZOOM_ACCOUNT_ID", "sim-zoom-account".to_owned()),
            ("ZOOM_CLIENT_ID", "sim-zoom-client".to_owned()),
            ("ZOOM_CLIENT_SECRET", "sim-zoom-secret".to_owned()),
            ("SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("BOOKING_ORGANIZER_NAME", "Acme Solar".to_owned()),
            ("BOOKING_ORGANIZER_EMAIL", CALENDAR_ID.to_owned()),
            ("METRICS_BIND", format!("127.0.0.1:{metrics_port}")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if options.tts {
            for (k, v) in [
                ("ELEVENLABS_API_KEY", "sim-xi-key".to_owned()),
                ("ELEVENLABS_BASE_URL", sim_url.clone()),
                ("ELEVENLABS_VOICE_ID", SIM_VOICE.to_owned()),
                ("ELEVENLABS_VOICE_ID_HE", SIM_VOICE_HE.to_owned()),
            ] {
                worker_env.push((k.to_owned(), v));
            }
        }
        if options.stt {
            worker_env.push(("DEEPGRAM_API_KEY".to_owned(), "sim-dg-key".to_owned()));
            worker_env.push(("DEEPGRAM_BASE_URL".to_owned(), sim_url.clone()));
        }
        for (k, v) in &options.worker_env {
            worker_env.retain(|(key, _)| key != k);
            worker_env.push(((*k).to_owned(), (*v).to_owned()));
        }
        // Every request of the tests carries the key (the simulator ignores it).
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .default_headers(reqwest::header::HeaderMap::from_iter([(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {api_key}").parse().expect("header value"),
            )]))
            .build()
            .expect("http client");
        let mut stack = Stack {
            client: ApiClient::with_client(api.clone(), http.clone()),
            agent_id: String::new(),
            db,
            database_url,
            temporal,
            temporal_address,
            api,
            twilio_base_url,
            sim: sim_url,
            task_queue: format!("cw-{id}"),
            dial_task_queue: format!("cw-dial-{id}"),
            http,
            api_key,
            smtp_port,
            worker_metrics: format!("http://127.0.0.1:{metrics_port}/metrics"),
            worker_env,
            worker: None,
            log_dir,
            workers_started: 0,
        };
        stack.agent_id = stack.create_agent(default_agent()).await.0;
        stack
    }

    /// Saves `spec` as a new agent; returns its id and version (1).
    pub async fn create_agent(&self, spec: Value) -> (String, u32) {
        let spec = serde_json::from_value(spec).expect("an agent spec");
        let agent = self.client.create_agent(&spec).await.expect("agent create");
        (agent.agent_id.to_string(), version(agent.version))
    }

    /// Saves `spec` as the next version of `agent_id`; returns the version.
    pub async fn save_agent(&self, agent_id: &str, spec: Value) -> u32 {
        let spec = serde_json::from_value(spec).expect("an agent spec");
        let agent = self
            .client
            .save_agent(agent_id, &spec)
            .await
            .expect("agent save");
        version(agent.version)
    }

    /// The `agent` of a campaign calling with the stack's default agent.
    pub fn agent(&self) -> Value {
        json!({"id": self.agent_id})
    }

    /// Starts (or restarts) the worker binary.
    pub fn start_worker(&mut self) {
        assert!(self.worker.is_none(), "a worker is already running");
        self.workers_started += 1;
        let log = std::fs::File::create(
            self.log_dir
                .join(format!("worker-{}.log", self.workers_started)),
        )
        .expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_callwright-worker"))
            .envs(self.worker_env.iter().map(|(k, v)| (k, v)))
            .env("TEMPORAL_ADDRESS", &self.temporal_address)
            .env("DATABASE_URL", &self.database_url)
            .env("TASK_QUEUE", &self.task_queue)
            .env("DIAL_TASK_QUEUE", &self.dial_task_queue)
            .env("DIAL_CALLS_PER_SECOND", "50")
            .env("PUBLIC_BASE_URL", &self.api)
            .env("TWILIO_BASE_URL", &self.twilio_base_url)
            .env("TWILIO_ACCOUNT_SID", SimConfig::default().account_sid)
            .env("TWILIO_AUTH_TOKEN", SimConfig::default().auth_token)
            .env("TWILIO_FROM_NUMBER", "+15005550006")
            .env("LLM_BASE_URL", format!("{}/v1", self.sim))
            .env("LLM_API_KEY", "test-key")
            .env("LLM_MODEL", "scripted")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("worker binary starts");
        self.worker = Some(child);
    }

    /// `kill -9` the worker: no graceful shutdown, in-flight tasks are lost to it.
    pub fn kill_worker(&mut self) {
        if let Some(mut child) = self.worker.take() {
            child.kill().expect("SIGKILL the worker");
            let _ = child.wait();
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.api))
            .json(&body)
            .send()
            .await
            .expect("API answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// POSTs a raw body (a CSV upload, a multipart form) with its content type.
    pub async fn post_bytes(
        &self,
        path: &str,
        content_type: &str,
        bytes: impl Into<reqwest::Body>,
    ) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.api))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            // Uploads have no request timeout in the API either (a large file takes a while,
            // longer on a loaded machine); the client's 30 s default is for everything else.
            .timeout(Duration::from_secs(180))
            .send()
            .await
            .expect("API answers");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.api))
            .send()
            .await
            .expect("API answers");
        assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
        resp.json().await.expect("JSON")
    }

    /// Erases a lead as an operator does: `DELETE ?erase=true` answers 202 with the erasure's
    /// status link, which is read until the erasure has completed; returns that status.
    pub async fn erase_lead(&self, lead_id: &str) -> ErasureStatus {
        let resp = self
            .http
            .delete(format!("{}/api/leads/{lead_id}?erase=true", self.api))
            .send()
            .await
            .expect("API answers");
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_owned);
        let body: Deleted = resp.json().await.expect("a deletion");
        assert_eq!(status, 202, "{body:?}");
        let link = format!("/api/leads/{lead_id}/erasure");
        assert_eq!(location.as_deref(), Some(link.as_str()));
        let started = body.erasure.expect("an erasure started");
        assert_eq!(started.status_url, link);
        wait_for(
            "the erasure to complete",
            Duration::from_secs(90),
            || async {
                let now = self.client.erasure(lead_id).await.expect("erasure status");
                match now.status {
                    ErasureState::Completed => Some(now),
                    ErasureState::Running => None,
                    ErasureState::Failed => panic!("the erasure did not complete: {now:?}"),
                }
            },
        )
        .await
    }

    /// Creates leads and returns their ids in order.
    pub async fn create_leads(&self, leads: &[(&str, &str)]) -> Vec<String> {
        let mut ids = Vec::new();
        for (name, phone) in leads {
            let lead = NewLeadBody {
                name: (*name).to_owned(),
                phone: (*phone).to_owned(),
                ..NewLeadBody::default()
            };
            let created = self
                .client
                .create_lead(&lead)
                .await
                .unwrap_or_else(|e| panic!("creating {phone}: {e}"));
            ids.push(created.id.to_string());
        }
        ids
    }

    /// Starts a campaign with quick retries and returns its id.
    pub async fn start_campaign(
        &self,
        lead_ids: &[String],
        max_concurrent: u32,
        max_attempts: u32,
    ) -> String {
        let retry = json!({"no_answer_secs": 1, "busy_secs": 1, "voicemail_secs": 1, "failed_secs": 1, "incomplete_secs": 1});
        let campaign = StartCampaign {
            name: Some("test".into()),
            lead_ids: Some(lead_ids.to_vec()),
            max_concurrent: Some(max_concurrent),
            agent: CampaignAgent {
                id: self.agent_id.parse().expect("agent id"),
                ..CampaignAgent::default()
            },
            settings: Some(
                json!({"max_attempts": max_attempts, "retry": retry, "ring_timeout_secs": 10, "max_call_secs": 120, "calling_window": always_open()}),
            ),
            ..StartCampaign::default()
        };
        let started = self
            .client
            .start_campaign(&campaign)
            .await
            .expect("campaign start");
        started.campaign_id.to_string()
    }

    /// Waits until the campaign workflow reports completion; returns the campaign detail.
    pub async fn wait_campaign_done(&self, campaign_id: &str, timeout: Duration) -> CampaignDetail {
        self.client
            .wait_campaign_done(campaign_id, timeout)
            .await
            .expect("the campaign completes")
    }

    /// Every call the simulator has seen.
    pub async fn sim_calls(&self) -> Vec<Value> {
        serde_json::from_value(self.sim_get("/sim/calls").await).expect("a list of calls")
    }

    /// Asserts that no (workflow, attempt) was dialled twice (read from each simulated call's
    /// status callback URL); returns the calls placed.
    pub async fn assert_no_double_dial(&self) -> Vec<Value> {
        let calls = self.sim_calls().await;
        let mut per_attempt: std::collections::BTreeMap<(String, String), usize> =
            std::collections::BTreeMap::new();
        for call in &calls {
            let url = call["status_callback"].as_str().unwrap_or_default();
            let key = (
                query_param(url, "wf").unwrap_or_default().to_owned(),
                query_param(url, "attempt").unwrap_or_default().to_owned(),
            );
            *per_attempt.entry(key).or_default() += 1;
        }
        let doubles: Vec<_> = per_attempt.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            doubles.is_empty(),
            "attempts dialled more than once: {doubles:?}"
        );
        calls
    }

    /// A simulator inspection endpoint (`/sim/...`, `/sim/calendar/events`, ...).
    pub async fn sim_get(&self, path: &str) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.sim))
            .send()
            .await
            .expect("sim answers");
        resp.json().await.expect("JSON")
    }

    /// Configures the simulator (`/sim/faults`, `/sim/chaos`); it must accept.
    pub async fn sim_post(&self, path: &str, body: Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.sim))
            .json(&body)
            .send()
            .await
            .expect("sim answers");
        assert!(resp.status().is_success(), "POST {path}: {}", resp.status());
    }
}

/// A query parameter of a URL (the simulator keeps each call's callback URLs).
pub fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split(['?', '&'])
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.kill_worker();
    }
}

/// The agent of most tests: Acme Solar's energy review (test data, like the leads), with no
/// questions and a line of knowledge.
pub fn default_agent() -> Value {
    json!({
        "name": "Acme Solar energy review",
        "business_name": "Acme Solar",
        "goal": "a short meeting with one of our advisers about lowering your energy costs",
        "instructions": "You call {{ lead.first_name }} to offer a free review of their energy bills. \
            Handle objections briefly and propose the meeting.",
        "knowledge": [{"title": "Pricing", "content": "The review is free; panels start at 49 euros a month."}],
        "meeting": {"title": {"en": "Energy review with {{ business }}"}, "minutes": 30}
    })
}

/// A calling window open around the clock: the suite runs at any hour, and the window itself is
/// tested on its own.
pub fn always_open() -> Value {
    json!({"start_minute": 0, "end_minute": 1440})
}

/// The lead workflow id of a lead in a campaign.
pub fn lead_workflow(campaign_id: &str, lead_id: &str) -> String {
    callwright_contracts::ids::lead_workflow_id(campaign_id, lead_id)
}

/// An agent version as the API gives it (a positive `i32`).
fn version(v: i32) -> u32 {
    u32::try_from(v).expect("a positive version")
}
