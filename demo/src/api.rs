//! The product's HTTP API, as the demo uses it: create agents and leads, start campaigns, read
//! them, their meetings, the per-version results and the calls export.

use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use callwright_contracts::api::campaigns::StartCampaign;
use callwright_contracts::api::leads::NewLeadBody;
use callwright_domain::agent::AgentSpec;
use callwright_testkit::{ApiClient, KitError};
use reqwest::Method;
use serde_json::{Value, json};

use crate::csv::LeadRow;

/// Timeout of every request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to keep retrying while the API refuses connections at start.
const STARTUP_WAIT: Duration = Duration::from_secs(20);

/// Page size of `GET /api/meetings` (the API's maximum).
const MEETINGS_PAGE: u32 = 500;
/// Most meeting pages read (a demo campaign has far fewer meetings).
const MAX_MEETING_PAGES: usize = 20;

/// A client of the Callwright API at one base URL: the test kit's typed client, with what the
/// demo adds (waiting for the API to come up, all meeting pages, the calls export).
pub struct Api {
    client: ApiClient,
}

pub use callwright_contracts::api::agents::{AgentResults, AgentSummary, AgentVersionView};
pub use callwright_contracts::api::campaigns::{CampaignDetail, LivePhases, Started};
pub use callwright_contracts::api::meetings::Meeting;

impl Api {
    /// A client of the API at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        // The API wants a key on every /api request (scripts/demo.sh creates one).
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(key) = std::env::var("CALLWRIGHT_API_KEY") {
            let value = format!("Bearer {}", key.trim())
                .parse()
                .context("CALLWRIGHT_API_KEY is not a valid header value")?;
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(REQUEST_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            client: ApiClient::with_client(base, http),
        })
    }

    /// Waits until the API accepts connections (any HTTP answer counts), for up to 20 s.
    pub async fn wait_until_reachable(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + STARTUP_WAIT;
        loop {
            let probe = self.client.request(Method::GET, "/healthz").send().await;
            match probe {
                Ok(_) => return Ok(()),
                Err(err) if (err.is_connect() || err.is_timeout()) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => {
                    return Err(err).with_context(|| {
                        format!("the API at {} is unreachable", self.client.base())
                    });
                }
            }
        }
    }

    /// Creates the lead (201), or finds the existing one with the same phone (409); returns
    /// its id and whether it already existed.
    pub async fn create_lead(&self, lead: &LeadRow) -> anyhow::Result<(String, bool)> {
        let body = NewLeadBody {
            name: lead.name.clone(),
            phone: lead.phone.clone(),
            email: lead.email.clone(),
            company: lead.company.clone(),
            language: lead.language.clone(),
            timezone: lead.timezone.clone(),
            region: lead.region.clone(),
            fields: (!lead.fields.is_empty()).then(|| {
                lead.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect()
            }),
        };
        match self.client.create_lead(&body).await {
            Ok(created) => Ok((created.id.to_string(), false)),
            Err(KitError::Refused {
                status: 409,
                body: Some(refused),
                ..
            }) if refused.existing_id.is_some() => {
                Ok((refused.existing_id.unwrap_or_default(), true))
            }
            Err(err) => bail!(
                "line {}: the API refused the lead: {}\n  {}",
                lead.line,
                refusal(&err),
                lead.raw
            ),
        }
    }

    /// Creates an agent from `spec` (its version 1).
    pub async fn create_agent(&self, spec: &Value) -> anyhow::Result<AgentVersionView> {
        let spec: AgentSpec = serde_json::from_value(spec.clone()).context("an agent spec")?;
        self.client.create_agent(&spec).await.map_err(explain)
    }

    /// Saves `spec` as the next version of agent `id`.
    pub async fn save_agent(&self, id: &str, spec: &Value) -> anyhow::Result<AgentVersionView> {
        let spec: AgentSpec = serde_json::from_value(spec.clone()).context("an agent spec")?;
        self.client.save_agent(id, &spec).await.map_err(explain)
    }

    /// Every agent, most recently saved first.
    pub async fn agents(&self) -> anyhow::Result<Vec<AgentSummary>> {
        self.client.get("/api/agents").await.map_err(explain)
    }

    /// One version of an agent, as saved.
    pub async fn agent_version(&self, id: &str, version: u32) -> anyhow::Result<AgentVersionView> {
        self.client
            .get(&format!("/api/agents/{id}/versions/{version}"))
            .await
            .map_err(explain)
    }

    /// Starts a campaign over `lead_ids` with `agent` (`{"id", "version"}` or
    /// `{"id", "variants"}`) and at most `max_concurrent` leads in flight.
    pub async fn start_campaign(
        &self,
        name: &str,
        lead_ids: &[String],
        agent: &Value,
        max_concurrent: u32,
    ) -> anyhow::Result<Started> {
        let campaign = StartCampaign {
            name: Some(name.to_owned()),
            lead_ids: Some(lead_ids.to_vec()),
            agent: serde_json::from_value(agent.clone()).context("a campaign agent")?,
            max_concurrent: Some(max_concurrent),
            settings: Some(demo_settings()),
            ..StartCampaign::default()
        };
        self.client
            .start_campaign(&campaign)
            .await
            .map_err(explain)
            .context("starting the campaign")
    }

    /// Reads the campaign's progress, live phases and leads.
    pub async fn campaign(&self, id: &str) -> anyhow::Result<CampaignDetail> {
        self.client.campaign(id).await.map_err(explain)
    }

    /// The campaign's results per agent version, and the comparison of the two leading ones.
    pub async fn agent_results(&self, campaign_id: &str) -> anyhow::Result<AgentResults> {
        let request = self
            .client
            .request(Method::GET, "/api/analytics/agents")
            .query(&[("campaign_id", campaign_id)]);
        self.client
            .send("GET /api/analytics/agents", request)
            .await
            .map_err(explain)
    }

    /// The campaign's calls as CSV (`GET /api/calls/export`): one row per call, one column
    /// per qualification question.
    pub async fn calls_export(&self, campaign_id: &str) -> anyhow::Result<String> {
        let response = self
            .client
            .request(Method::GET, "/api/calls/export")
            .query(&[("campaign_id", campaign_id)])
            .send()
            .await
            .context("GET /api/calls/export")?;
        let status = response.status();
        let text = response.text().await.context("reading the calls export")?;
        if !status.is_success() {
            bail!(
                "GET /api/calls/export: {}",
                refusal(&KitError::Refused {
                    what: "GET /api/calls/export".into(),
                    status: status.as_u16(),
                    body: serde_json::from_str(&text).ok().map(Box::new),
                    text,
                })
            );
        }
        Ok(text)
    }

    /// Every meeting of the campaign, by start time (all pages).
    pub async fn meetings(&self, campaign_id: &str) -> anyhow::Result<Vec<Meeting>> {
        let mut meetings = Vec::new();
        let mut cursor: Option<String> = None;
        let limit = MEETINGS_PAGE.to_string();
        for _ in 0..MAX_MEETING_PAGES {
            let mut query = vec![("campaign_id", campaign_id), ("limit", limit.as_str())];
            if let Some(c) = cursor.as_deref() {
                query.push(("cursor", c));
            }
            let page = self.client.meetings(&query).await.map_err(explain)?;
            meetings.extend(page.meetings);
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return Ok(meetings),
            }
        }
        bail!("GET /api/meetings: more than {MAX_MEETING_PAGES} pages")
    }
}

/// The calling rules of the demo campaigns: short retry delays so they end in minutes, room for
/// the agents' qualification questions before the booking (16 callee turns, as many as a
/// simulated caller takes), and a calling window open around the clock because the demo calls
/// simulated numbers whatever the hour in their countries (real campaigns default to
/// 08:00-21:00 in each lead's local time). The business is the agent's, not a setting.
fn demo_settings() -> Value {
    json!({
        "max_attempts": 2,
        "retry": {
            "no_answer_secs": 5,
            "busy_secs": 5,
            "voicemail_secs": 5,
            "failed_secs": 5,
            "incomplete_secs": 5
        },
        "max_turns": 16,
        "max_silences": 2,
        "max_unclear": 2,
        "min_confidence": 0.4,
        "ring_timeout_secs": 20,
        "max_call_secs": 600,
        "max_callbacks": 1,
        "calling_window": {"start_minute": 0, "end_minute": 1440},
        // Persona 16 asks for a person: the call is put through here (the simulator's desk).
        "transfer_number": "+15005550199"
    })
}

/// What the API said, with what to do about a missing or wrong API key.
fn refusal(err: &KitError) -> String {
    let text = match err {
        KitError::Refused {
            body: Some(body), ..
        } => body.error.message.clone(),
        other => other.to_string(),
    };
    if err.status() == Some(401) {
        format!(
            "{text} (set CALLWRIGHT_API_KEY to a key from `callwright-api keys create --name demo`)"
        )
    } else {
        text
    }
}

/// A kit error as the demo reports it.
fn explain(err: KitError) -> anyhow::Error {
    match &err {
        KitError::Refused { what, status, .. } => {
            anyhow::anyhow!("{what}: HTTP {status}: {}", refusal(&err))
        }
        _ => anyhow::Error::new(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callwright_contracts::api::error::{ErrorBody, ErrorDetail};

    fn refused(status: u16, message: &str) -> KitError {
        KitError::Refused {
            what: "POST /api/leads".into(),
            status,
            body: Some(Box::new(ErrorBody {
                error: ErrorDetail {
                    code: "x".into(),
                    message: message.into(),
                    field: None,
                    limit_bytes: None,
                },
                existing_id: None,
            })),
            text: String::new(),
        }
    }

    #[test]
    fn a_refusal_says_what_the_api_said_and_how_to_fix_a_missing_key() {
        assert_eq!(refusal(&refused(422, "phone: bad")), "phone: bad");
        assert!(refusal(&refused(401, "a key is required")).contains("CALLWRIGHT_API_KEY"));
        assert_eq!(
            explain(refused(422, "phone: bad")).to_string(),
            "POST /api/leads: HTTP 422: phone: bad"
        );
    }

    #[test]
    fn settings_match_the_api_shape() {
        let s = demo_settings();
        assert_eq!(s["max_attempts"], 2);
        assert_eq!(s["retry"]["no_answer_secs"], 5);
        assert!(s.get("business_name").is_none(), "the API refuses it now");
        assert_eq!(s["max_turns"], 16);
        let parsed: callwright_domain::CallSettings =
            serde_json::from_value(s).expect("the API's call settings");
        assert_eq!(parsed.max_turns, 16);
    }
}
