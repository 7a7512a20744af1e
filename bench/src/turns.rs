//! The turn path: Twilio-style `turn` webhooks into the real API, through the lead workflow's
//! update and the model's local activity (the simulator's LLM, at zero delay), TwiML back. The
//! benchmark plays Twilio itself (signed webhooks) against a Twilio REST stub that only accepts
//! dials, so what is measured is our path, not a simulated phone line.

use crate::stats::{Summary, summarise};
use axum::extract::State;
use axum::routing::post;
use axum::{Form, Json, Router};
use callwright_api::signature::sign;
use callwright_contracts::api::campaigns::{CampaignAgent, StartCampaign};
use callwright_contracts::api::leads::NewLeadBody;
use callwright_testkit::ApiClient;
use futures::StreamExt as _;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Leads per campaign when calls are opened (see [`TurnBench::open_calls`]).
const CALLS_PER_CAMPAIGN: usize = 20;

/// Auth token shared by the stub, the API and the worker.
pub const AUTH_TOKEN: &str = "bench-token";

/// Dials the stub received (their form fields).
pub type Dialled = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// When the stub was asked for a call's state (Twilio's `GET …/Calls/{sid}`): the workflow's
/// follow timer fired and its `fetch_call` activity ran.
pub type Lookups = Arc<Mutex<Vec<Instant>>>;

/// The Twilio REST stub a benchmark dials into.
pub struct TwilioStub {
    /// Its base URL.
    pub url: String,
    /// Every dial it accepted.
    pub dialled: Dialled,
    /// Every call lookup it answered.
    pub lookups: Lookups,
}

#[derive(Clone)]
struct StubState {
    dialled: Dialled,
    lookups: Lookups,
}

/// A Twilio REST stub: accepts dials, records them and the lookups, never calls back.
pub async fn twilio_stub() -> anyhow::Result<TwilioStub> {
    let state = StubState {
        dialled: Arc::default(),
        lookups: Arc::default(),
    };
    async fn create(
        State(state): State<StubState>,
        Form(form): Form<Vec<(String, String)>>,
    ) -> (axum::http::StatusCode, Json<Value>) {
        if let Ok(mut dialled) = state.dialled.lock() {
            dialled.push(form);
        }
        let sid = format!("CA{}", uuid::Uuid::new_v4().simple());
        (
            axum::http::StatusCode::CREATED,
            Json(json!({"sid": sid, "status": "queued"})),
        )
    }
    let app = Router::new()
        .route(
            "/2010-04-01/Accounts/{sid}/Calls.json",
            post(create).get(|| async { Json(json!({"calls": []})) }),
        )
        // Asked when a call outlives its follow timer: still going, as Twilio would say.
        .route(
            "/2010-04-01/Accounts/{account}/Calls/{call}",
            axum::routing::get(call_status),
        )
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(TwilioStub {
        url,
        dialled: state.dialled,
        lookups: state.lookups,
    })
}

async fn call_status(
    State(state): State<StubState>,
    axum::extract::Path((_, call)): axum::extract::Path<(String, String)>,
) -> Json<Value> {
    if let Ok(mut lookups) = state.lookups.lock() {
        lookups.push(Instant::now());
    }
    Json(json!({"sid": call.trim_end_matches(".json"), "status": "in-progress"}))
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// Posts a webhook signed with [`AUTH_TOKEN`], as Twilio would; returns status and body.
pub async fn signed(
    http: &reqwest::Client,
    url: &str,
    params: &[(&str, &str)],
) -> anyhow::Result<(u16, String)> {
    let owned: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let signature = sign(AUTH_TOKEN, url, &owned);
    let resp = http
        .post(url)
        .header("X-Twilio-Signature", signature)
        .form(params)
        .send()
        .await?;
    Ok((resp.status().as_u16(), resp.text().await?))
}

/// One live call as the benchmark drives it.
pub struct Call {
    /// The voice webhook the dial named (the turn URL is derived from it).
    pub voice_url: String,
    /// The status callback the dial named.
    pub status_url: String,
    /// The call SID the lead workflow holds.
    pub sid: String,
}

/// Drives the turn path of an API at `api`.
pub struct TurnBench {
    pub http: reqwest::Client,
    /// The API through the test kit (over `http`).
    pub client: ApiClient,
    pub dialled: Dialled,
    next_number: u32,
    /// The agent campaigns call with (created on first use).
    agent_id: Option<String>,
    /// Its size in KB (`--agent-kb`): 0 for a small one.
    pub agent_kb: usize,
}

impl TurnBench {
    pub fn new(api: String, api_key: &str, dialled: Dialled) -> anyhow::Result<Self> {
        let auth = format!("Bearer {api_key}").parse()?;
        let http = reqwest::Client::builder()
            .default_headers(reqwest::header::HeaderMap::from_iter([(
                reqwest::header::AUTHORIZATION,
                auth,
            )]))
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(2000)
            .build()?;
        Ok(Self {
            client: ApiClient::with_client(api, http.clone()),
            http,
            dialled,
            next_number: 1000,
            agent_id: None,
            agent_kb: 0,
        })
    }

    async fn signed(&self, url: &str, params: &[(&str, &str)]) -> anyhow::Result<(u16, String)> {
        signed(&self.http, url, params).await
    }

    /// Starts `count` live calls: leads, a campaign over them, the dials, the voice webhooks.
    pub async fn open_calls(&mut self, count: usize) -> anyhow::Result<Vec<Call>> {
        let mut ids = Vec::with_capacity(count);
        while ids.len() < count {
            self.next_number += 1;
            let phone = format!("+1415555{:04}", self.next_number);
            let lead = NewLeadBody {
                name: format!("Bench {phone}"),
                phone,
                ..NewLeadBody::default()
            };
            match self.client.create_lead(&lead).await {
                Ok(created) => ids.push(created.id.to_string()),
                // Taken, or not a valid number: try the next one.
                Err(e) if matches!(e.status(), Some(409 | 422)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        let agent = match &self.agent_id {
            Some(id) => id.clone(),
            None => {
                let id =
                    crate::agent::create(&self.client, &crate::agent::spec(self.agent_kb)).await?;
                self.agent_id = Some(id.clone());
                id
            }
        };
        let settings = json!({"max_attempts": 1, "max_turns": 1_000_000,
                              "max_call_secs": 3600, "calling_window": {"start_minute": 0, "end_minute": 1440}});
        // A campaign workflow starts its leads one after another (a workflow task round trip
        // each), so the calls are opened by several small campaigns side by side.
        let mut campaigns = Vec::new();
        for chunk in ids.chunks(CALLS_PER_CAMPAIGN) {
            let campaign = StartCampaign {
                lead_ids: Some(chunk.to_vec()),
                max_concurrent: Some(u32::try_from(chunk.len())?),
                agent: CampaignAgent {
                    id: agent.parse()?,
                    ..CampaignAgent::default()
                },
                settings: Some(settings.clone()),
                ..StartCampaign::default()
            };
            let started = self.client.start_campaign(&campaign).await?;
            campaigns.push(started.campaign_id.to_string());
        }
        let deadline = Instant::now() + Duration::from_secs(600);
        let forms = loop {
            let forms: Vec<Vec<(String, String)>> = match self.dialled.lock() {
                Ok(d) => d
                    .iter()
                    .filter(|f| {
                        let callback = field(f, "StatusCallback");
                        campaigns.iter().any(|c| callback.contains(c.as_str()))
                    })
                    .cloned()
                    .collect(),
                Err(_) => anyhow::bail!("stub lock poisoned"),
            };
            if forms.len() >= count {
                break forms;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "only {} of {count} calls dialled",
                forms.len()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        // The stub invented the SIDs; the workflow learns its SID from the dial activity's result.
        let this = &*self;
        let calls: Vec<Call> = futures::stream::iter(forms.into_iter().map(|form| async move {
            let voice_url = field(&form, "Url").to_owned();
            let sid = this.lead_for(&voice_url).await?;
            anyhow::Ok(Call {
                voice_url,
                status_url: field(&form, "StatusCallback").to_owned(),
                sid,
            })
        }))
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
        let answers = calls.iter().map(|call| async move {
            let (status, twiml) = this
                .signed(
                    &call.voice_url,
                    &[
                        ("CallSid", call.sid.as_str()),
                        ("CallStatus", "in-progress"),
                    ],
                )
                .await?;
            anyhow::ensure!(
                status == 200 && twiml.contains("<Gather"),
                "voice webhook: {status} {twiml}"
            );
            anyhow::Ok(())
        });
        // A bounded number at a time: a thousand updates at once would queue past the API's
        // 30-second request timeout on a busy machine.
        let answered: Vec<anyhow::Result<()>> = futures::stream::iter(answers)
            .buffer_unordered(32)
            .collect()
            .await;
        for answer in answered {
            answer?;
        }
        Ok(calls)
    }

    /// The call SID the lead workflow holds (the dial activity recorded the stub's answer).
    async fn lead_for(&self, voice_url: &str) -> anyhow::Result<String> {
        let workflow = voice_url
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix("wf="))
            .unwrap_or_default();
        let lead_id = workflow
            .get(workflow.len().saturating_sub(36)..)
            .unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let lead = self.client.lead(lead_id).await?;
            if let Some(sid) = lead.workflow.and_then(|w| w.call_sid) {
                return Ok(sid);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "lead {lead_id} never recorded its call"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `callers` concurrent live calls, each taking `turns` turns back to back. Returns the
    /// latencies of the turns answered with the next `<Gather>`, and how many were not (a call
    /// whose turn fails ends there, as it would on a phone).
    pub async fn run(&mut self, callers: usize, turns: usize) -> anyhow::Result<(Summary, usize)> {
        let calls = self.open_calls(callers).await?;
        let this = &*self;
        let started = Instant::now();
        let drivers = calls.iter().map(|call| async move {
            let mut samples = Vec::with_capacity(turns);
            let base = call
                .voice_url
                .replacen("/twilio/voice?", "/twilio/turn?", 1);
            for turn in 1..=turns {
                let url = format!("{base}&turn={turn}");
                let t = Instant::now();
                let answer = this
                    .signed(
                        &url,
                        &[
                            ("CallSid", call.sid.as_str()),
                            ("SpeechResult", "What does it cost?"),
                            ("Confidence", "0.93"),
                        ],
                    )
                    .await;
                match answer {
                    Ok((200, twiml)) if twiml.contains("<Gather") => samples.push(t.elapsed()),
                    other => {
                        tracing::warn!(turn, ?other, "turn not answered with a Gather");
                        return (samples, 1);
                    }
                }
            }
            (samples, 0)
        });
        let mut all = Vec::new();
        let mut failed = 0;
        for (samples, failures) in futures::future::join_all(drivers).await {
            all.extend(samples);
            failed += failures;
        }
        let elapsed = started.elapsed();
        // Hang up every call so the workflows finish.
        let hangups = calls.iter().map(|call| async move {
            this.signed(
                &call.status_url,
                &[
                    ("CallSid", call.sid.as_str()),
                    ("CallStatus", "completed"),
                    ("SequenceNumber", "9"),
                ],
            )
            .await
        });
        futures::future::join_all(hangups).await;
        Ok((summarise(all, elapsed), failed))
    }
}
