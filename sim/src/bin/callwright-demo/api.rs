//! The product's HTTP API, as the demo uses it: create agents and leads, start campaigns, read
//! them, their meetings, the per-version results and the calls export.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
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

/// A client of the Callwright API at one base URL.
pub struct Api {
    http: reqwest::Client,
    base: String,
}

/// `POST /api/campaigns/start` answer.
#[derive(Debug, Clone, Deserialize)]
pub struct Started {
    /// The campaign's id.
    pub campaign_id: String,
    /// Its Temporal workflow id.
    pub workflow_id: String,
    /// Leads in it (after de-duplication).
    pub lead_count: u64,
}

/// `GET /api/campaigns/{id}` answer (only what the demo shows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CampaignDetail {
    /// Campaign id.
    pub id: String,
    /// Campaign name.
    pub name: String,
    /// Leads in the campaign.
    pub lead_count: u64,
    /// The campaign workflow's counters; absent while Temporal does not answer.
    pub progress: Option<Progress>,
    /// Leads in a live phase (from Temporal visibility).
    pub live: Live,
    /// Latest outcome per lead, counted (from the projection).
    pub outcomes: BTreeMap<String, u64>,
    /// The campaign's leads in order.
    pub leads: Vec<CampaignLead>,
}

/// The campaign workflow's `progress` query.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// `running`, `paused`, `cancelling` or `completed`.
    pub status: String,
    /// Leads started.
    pub started: u64,
    /// Leads in flight.
    pub in_flight: u64,
    /// Leads settled.
    pub settled: u64,
    /// Settled leads by outcome code.
    pub outcomes: BTreeMap<String, u64>,
}

/// Leads in each live phase.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct Live {
    /// Dialling (ringing).
    pub dialing: u64,
    /// In a call.
    pub in_call: u64,
    /// Waiting for a retry or a callback.
    pub waiting: u64,
}

/// One lead of a campaign.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CampaignLead {
    /// Position in the campaign.
    pub seq: u64,
    /// Lead id.
    pub lead_id: String,
    /// Name.
    pub name: String,
    /// E.164 number.
    pub phone: String,
    /// Language code.
    pub language: String,
    /// Latest outcome code.
    pub outcome: Option<String>,
    /// When the lead settled (RFC 3339).
    pub settled_at: Option<String>,
}

/// One meeting of `GET /api/meetings` (only what the demo shows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meeting {
    /// Meeting id (it also appears in the invite's `Message-ID` and `UID`).
    pub id: String,
    /// The lead it was booked with.
    pub lead_id: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// The lead's IANA zone (e.g. `Asia/Jerusalem`).
    pub timezone: String,
    /// Invitee email.
    pub attendee_email: String,
    /// Invitee name.
    pub attendee_name: String,
    /// `reserved`, `confirmed`, `cancelled`, `failed`, `completed` or `no_show`.
    pub status: String,
    /// Calendar event id.
    pub calendar_event_id: String,
    /// Join link.
    pub video_url: Option<String>,
    /// Why the meeting failed.
    pub failure: Option<String>,
}

/// A page of `GET /api/meetings`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct MeetingPage {
    meetings: Vec<Meeting>,
    next_cursor: Option<String>,
}

/// One saved version of an agent (`POST /api/agents`, `PUT /api/agents/{id}`,
/// `GET /api/agents/{id}/versions/{version}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgentVersion {
    /// The agent.
    pub agent_id: String,
    /// The version (1, 2, ...).
    pub version: u32,
    /// How its knowledge reaches the model: `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// The agent as saved.
    pub spec: Value,
}

/// One agent of `GET /api/agents`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgentSummary {
    /// Agent id.
    pub id: String,
    /// Name of its latest version.
    pub name: String,
    /// Its latest version.
    pub latest_version: u32,
}

/// `GET /api/analytics/agents` answer (only what the demo shows).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgentResults {
    /// Per agent version.
    pub versions: Vec<VersionResults>,
    /// The two leading versions compared, when two versions of one agent had conversations.
    pub comparison: Option<Comparison>,
}

/// One agent version's results.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VersionResults {
    /// The agent.
    pub agent_id: String,
    /// Its name.
    pub agent_name: String,
    /// The version.
    pub version: u32,
    /// Leads given this version.
    pub leads: u64,
    /// Calls placed.
    pub dials: u64,
    /// Calls that were conversations with a person.
    pub conversations: u64,
    /// Meetings booked on those calls.
    pub meetings_booked: u64,
    /// Booked / conversations (absent without conversations).
    pub booking_rate: Option<f64>,
    /// Low end of the booking rate's 95% interval.
    pub booking_rate_low: f64,
    /// High end of the booking rate's 95% interval.
    pub booking_rate_high: f64,
    /// Conversations that ended in an opt-out.
    pub opt_outs: u64,
}

/// The two leading versions compared on booking rate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Comparison {
    /// Two-sided p-value of "the rates are equal".
    pub p_value: f64,
    /// Whether the leader really books more (95% sure).
    pub significant: bool,
    /// The comparison in one sentence.
    pub summary: String,
}

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
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// Waits until the API accepts connections (any HTTP answer counts), for up to 20 s.
    pub async fn wait_until_reachable(&self) -> anyhow::Result<()> {
        let url = format!("{}/healthz", self.base);
        let deadline = Instant::now() + STARTUP_WAIT;
        loop {
            match self.http.get(&url).send().await {
                Ok(_) => return Ok(()),
                Err(err) if (err.is_connect() || err.is_timeout()) && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(err) => {
                    return Err(err)
                        .with_context(|| format!("the API at {} is unreachable", self.base));
                }
            }
        }
    }

    /// Creates the lead (201), or finds the existing one with the same phone (409); returns
    /// its id and whether it already existed.
    pub async fn create_lead(&self, lead: &LeadRow) -> anyhow::Result<(String, bool)> {
        let mut body = json!({"name": lead.name, "phone": lead.phone});
        for (key, value) in [
            ("email", &lead.email),
            ("language", &lead.language),
            ("company", &lead.company),
            ("timezone", &lead.timezone),
            ("region", &lead.region),
        ] {
            if let Some(value) = value {
                body[key] = json!(value);
            }
        }
        if !lead.fields.is_empty() {
            body["fields"] = json!(lead.fields);
        }
        let response = self
            .http
            .post(format!("{}/api/leads", self.base))
            .json(&body)
            .send()
            .await
            .context("POST /api/leads")?;
        let status = response.status();
        let json: Value = response.json().await.unwrap_or(Value::Null);
        let id_field = match status {
            StatusCode::CONFLICT => "existing_id",
            s if s.is_success() => "id",
            s => bail!(
                "line {}: the API refused the lead ({s}): {}\n  {}",
                lead.line,
                refusal(s, &json),
                lead.raw
            ),
        };
        let id = json[id_field]
            .as_str()
            .with_context(|| format!("line {}: no `{id_field}` in {json}", lead.line))?;
        Ok((id.to_owned(), status == StatusCode::CONFLICT))
    }

    /// Creates an agent from `spec` (its version 1).
    pub async fn create_agent(&self, spec: &Value) -> anyhow::Result<AgentVersion> {
        let request = self
            .http
            .post(format!("{}/api/agents", self.base))
            .json(spec);
        self.send(request, "POST /api/agents").await
    }

    /// Saves `spec` as the next version of agent `id`.
    pub async fn save_agent(&self, id: &str, spec: &Value) -> anyhow::Result<AgentVersion> {
        let request = self
            .http
            .put(format!("{}/api/agents/{id}", self.base))
            .json(spec);
        self.send(request, "PUT /api/agents/{id}").await
    }

    /// Every agent, most recently saved first.
    pub async fn agents(&self) -> anyhow::Result<Vec<AgentSummary>> {
        let request = self.http.get(format!("{}/api/agents", self.base));
        self.send(request, "GET /api/agents").await
    }

    /// One version of an agent, as saved.
    pub async fn agent_version(&self, id: &str, version: u32) -> anyhow::Result<AgentVersion> {
        let request = self
            .http
            .get(format!("{}/api/agents/{id}/versions/{version}", self.base));
        self.send(request, "GET /api/agents/{id}/versions/{version}")
            .await
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
        let body = json!({
            "name": name,
            "lead_ids": lead_ids,
            "agent": agent,
            "max_concurrent": max_concurrent,
            "settings": demo_settings(),
        });
        let request = self
            .http
            .post(format!("{}/api/campaigns/start", self.base))
            .json(&body);
        self.send(request, "POST /api/campaigns/start")
            .await
            .context("starting the campaign")
    }

    /// Reads the campaign's progress, live phases and leads.
    pub async fn campaign(&self, id: &str) -> anyhow::Result<CampaignDetail> {
        let request = self.http.get(format!("{}/api/campaigns/{id}", self.base));
        self.send(request, "GET /api/campaigns/{id}").await
    }

    /// The campaign's results per agent version, and the comparison of the two leading ones.
    pub async fn agent_results(&self, campaign_id: &str) -> anyhow::Result<AgentResults> {
        let request = self
            .http
            .get(format!("{}/api/analytics/agents", self.base))
            .query(&[("campaign_id", campaign_id)]);
        self.send(request, "GET /api/analytics/agents").await
    }

    /// The campaign's calls as CSV (`GET /api/calls/export`): one row per call, one column
    /// per qualification question.
    pub async fn calls_export(&self, campaign_id: &str) -> anyhow::Result<String> {
        let response = self
            .http
            .get(format!("{}/api/calls/export", self.base))
            .query(&[("campaign_id", campaign_id)])
            .send()
            .await
            .context("GET /api/calls/export")?;
        let status = response.status();
        if !status.is_success() {
            let json: Value = response.json().await.unwrap_or(Value::Null);
            bail!(
                "GET /api/calls/export: {status}: {}",
                refusal(status, &json)
            );
        }
        response.text().await.context("reading the calls export")
    }

    /// Sends `request` and reads its JSON answer, or fails with the API's refusal.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> anyhow::Result<T> {
        let response = request.send().await.with_context(|| what.to_owned())?;
        let status = response.status();
        if !status.is_success() {
            let json: Value = response.json().await.unwrap_or(Value::Null);
            bail!("{what}: {status}: {}", refusal(status, &json));
        }
        response
            .json()
            .await
            .with_context(|| format!("reading the answer of {what}"))
    }

    /// Every meeting of the campaign, by start time (all pages).
    pub async fn meetings(&self, campaign_id: &str) -> anyhow::Result<Vec<Meeting>> {
        let mut meetings = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_MEETING_PAGES {
            let mut query = vec![
                ("campaign_id", campaign_id.to_owned()),
                ("limit", MEETINGS_PAGE.to_string()),
            ];
            if let Some(c) = cursor.take() {
                query.push(("cursor", c));
            }
            let response = self
                .http
                .get(format!("{}/api/meetings", self.base))
                .query(&query)
                .send()
                .await
                .context("GET /api/meetings")?;
            let status = response.status();
            if !status.is_success() {
                let json: Value = response.json().await.unwrap_or(Value::Null);
                bail!("GET /api/meetings: {status}: {}", refusal(status, &json));
            }
            let page: MeetingPage = response.json().await.context("reading the meetings")?;
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

/// The message of an API error body (`{"error": {"code", "message"}}`, or an older
/// `{"error": "..."}`), or the body itself.
fn error_text(body: &Value) -> String {
    let error = body.get("error");
    let text = error
        .and_then(Value::as_str)
        .or_else(|| error.and_then(|e| e.get("message")).and_then(Value::as_str));
    match text {
        Some(text) => text.to_owned(),
        None if body.is_null() => "(no JSON body)".to_owned(),
        None => body.to_string(),
    }
}

/// Why the API refused a request, with what to do about a missing or wrong API key.
fn refusal(status: StatusCode, body: &Value) -> String {
    let text = error_text(body);
    if status == StatusCode::UNAUTHORIZED {
        format!(
            "{text} (set CALLWRIGHT_API_KEY to a key from `callwright-api keys create --name demo`)"
        )
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_prefers_the_error_field() {
        assert_eq!(
            error_text(&json!({"error": "phone: invalid"})),
            "phone: invalid"
        );
        assert_eq!(
            error_text(&json!({"error": {"code": "invalid", "message": "phone: bad"}})),
            "phone: bad"
        );
        assert_eq!(error_text(&Value::Null), "(no JSON body)");
        let unauthorized =
            json!({"error": {"code": "unauthorized", "message": "a key is required"}});
        assert!(refusal(StatusCode::UNAUTHORIZED, &unauthorized).contains("CALLWRIGHT_API_KEY"));
        assert_eq!(
            refusal(StatusCode::BAD_REQUEST, &unauthorized),
            "a key is required"
        );
        assert_eq!(error_text(&json!({"x": 1})), r#"{"x":1}"#);
    }

    #[test]
    fn campaign_detail_deserializes_with_and_without_progress() {
        let detail: CampaignDetail = serde_json::from_value(json!({
            "id": "c1", "name": "Demo", "workflow_id": "campaign-c1", "lead_count": 2,
            "created_at": "2025-01-01T00:00:00Z", "progress": null,
            "live": {"dialing": 1, "in_call": 0, "waiting": 0},
            "outcomes": {},
            "leads": [{"seq": 1, "lead_id": "l1", "name": "A", "phone": "+1", "language": "en",
                       "outcome": null, "settled_at": null}]
        }))
        .unwrap();
        assert!(detail.progress.is_none());
        assert_eq!(detail.live.dialing, 1);
        assert_eq!(detail.leads[0].outcome, None);

        let detail: CampaignDetail = serde_json::from_value(json!({
            "id": "c1", "lead_count": 2,
            "progress": {"campaign_id": "c1", "status": "completed", "started": 2,
                         "in_flight": 0, "settled": 2, "outcomes": {"interested": 2}},
        }))
        .unwrap();
        let progress = detail.progress.unwrap();
        assert_eq!(progress.status, "completed");
        assert_eq!(progress.outcomes["interested"], 2);
    }

    #[test]
    fn meeting_page_deserializes() {
        let page: MeetingPage = serde_json::from_value(json!({
            "meetings": [{
                "id": "m1", "lead_id": "l1", "campaign_id": "c1", "call_id": null,
                "workflow_id": "lead-l1", "calendar_id": "sales@acme-solar.example",
                "starts_at": "2025-11-26T12:00:00Z", "ends_at": "2025-11-26T12:30:00Z",
                "title": "Acme Solar", "timezone": "Asia/Jerusalem", "language": "he",
                "attendee_name": "נועה כהן", "attendee_email": "noa@example.com",
                "status": "confirmed", "sequence": 0, "calendar_event_id": "m1",
                "calendar_link": null, "video_provider": "zoom", "video_meeting_id": "1",
                "video_url": "https://zoom.us/j/1", "failure": null,
                "created_at": "2025-11-20T12:00:00Z", "updated_at": "2025-11-20T12:00:00Z"
            }],
            "next_cursor": null
        }))
        .unwrap();
        let m = &page.meetings[0];
        assert_eq!(m.starts_at.to_rfc3339(), "2025-11-26T12:00:00+00:00");
        assert_eq!(
            (m.status.as_str(), m.timezone.as_str()),
            ("confirmed", "Asia/Jerusalem")
        );
        assert_eq!(m.video_url.as_deref(), Some("https://zoom.us/j/1"));
        assert!(page.next_cursor.is_none());
    }

    #[test]
    fn settings_match_the_api_shape() {
        let s = demo_settings();
        assert_eq!(s["max_attempts"], 2);
        assert_eq!(s["retry"]["no_answer_secs"], 5);
        assert!(s.get("business_name").is_none(), "the API refuses it now");
        assert_eq!(s["max_turns"], 16);
    }

    #[test]
    fn agent_answers_deserialize() {
        let saved: AgentVersion = serde_json::from_value(json!({
            "agent_id": "a1", "version": 2, "created_at": "2026-01-01T00:00:00Z",
            "knowledge_mode": "inline", "size_chars": 120,
            "spec": {"name": "Acme", "questions": []}
        }))
        .unwrap();
        assert_eq!((saved.agent_id.as_str(), saved.version), ("a1", 2));
        assert_eq!(saved.spec["name"], "Acme");
        let list: Vec<AgentSummary> = serde_json::from_value(json!([
            {"id": "a1", "name": "Acme", "latest_version": 2,
             "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        ]))
        .unwrap();
        assert_eq!(list[0].latest_version, 2);
    }

    #[test]
    fn agent_results_deserialize() {
        let results: AgentResults = serde_json::from_value(json!({
            "from": "2026-01-01T00:00:00Z", "to": "2026-01-31T00:00:00Z",
            "versions": [
                {"agent_id": "a1", "agent_name": "Acme", "version": 1, "leads": 29, "dials": 35,
                 "connects": 30, "conversations": 20, "meetings_booked": 12, "booking_rate": 0.6,
                 "booking_rate_low": 0.39, "booking_rate_high": 0.78, "meetings_held": 0,
                 "no_shows": 0, "opt_outs": 2, "opt_out_rate": 0.1, "mean_call_secs": 40.5},
                {"agent_id": "a1", "agent_name": "Acme", "version": 2, "leads": 3, "dials": 0,
                 "connects": 0, "conversations": 0, "meetings_booked": 0, "booking_rate": null,
                 "booking_rate_low": 0.0, "booking_rate_high": 0.0, "meetings_held": 0,
                 "no_shows": 0, "opt_outs": 0, "opt_out_rate": null, "mean_call_secs": null}
            ],
            "comparison": {"leader_version": 1, "other_version": 2, "leader_rate": 0.6,
                           "other_rate": 0.5, "p_value": 0.4, "significant": false,
                           "summary": "No difference yet."}
        }))
        .unwrap();
        assert_eq!(results.versions.len(), 2);
        assert_eq!(results.versions[0].booking_rate, Some(0.6));
        assert_eq!(results.versions[1].booking_rate, None);
        let comparison = results.comparison.unwrap();
        assert!(!comparison.significant);
        assert_eq!(comparison.summary, "No difference yet.");
        let none: AgentResults =
            serde_json::from_value(json!({"versions": [], "comparison": null})).unwrap();
        assert!(none.comparison.is_none());
    }
}
