//! A typed client of Callwright's operator API, built on the types the API itself serialises
//! (`callwright_contracts::api`): what the end-to-end tests, the benchmarks, the chaos suite and
//! the demo driver use to drive a running stack. A response that no longer matches its type
//! fails here, naming the request, instead of reading as `null` somewhere later.
//!
//! It is a client like any other: HTTP to the API's address with an API key, nothing
//! in-process.

use callwright_contracts::api::agents::AgentVersionView;
use callwright_contracts::api::campaigns::{CampaignDetail, StartCampaign, Started};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::imports::ImportReport;
use callwright_contracts::api::leads::{Deleted, ErasureStatus, LeadDetail, LeadPage};
use callwright_contracts::api::leads::{Lead, NewLeadBody};
use callwright_contracts::api::meetings::MeetingPage;
use callwright_contracts::messages::{CampaignStatus, LeadPhase};
use callwright_domain::agent::AgentSpec;
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::time::{Duration, Instant};

/// Why a request did not give the answer its caller asked for.
#[derive(Debug, thiserror::Error)]
pub enum KitError {
    /// No HTTP answer (connection refused, timed out).
    #[error("{what}: {source}")]
    Transport {
        /// The request (`GET /api/leads/…`).
        what: String,
        /// What the client saw.
        source: reqwest::Error,
    },
    /// The API answered with an error status.
    #[error("{what}: HTTP {status}: {text}")]
    Refused {
        /// The request.
        what: String,
        /// The status code.
        status: u16,
        /// The error body, when it has the API's error shape.
        body: Option<Box<ErrorBody>>,
        /// The raw body.
        text: String,
    },
    /// A success whose body does not have the documented shape.
    #[error("{what}: the answer does not match its type ({error}): {text}")]
    Shape {
        /// The request.
        what: String,
        /// The decode error.
        error: serde_json::Error,
        /// The raw body.
        text: String,
    },
    /// A wait ran out of time.
    #[error("timed out after {0:?} waiting for {1}")]
    TimedOut(Duration, String),
    /// The client cannot be set up (an API key that is not a header value).
    #[error("{0}")]
    Setup(String),
}

impl KitError {
    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The field a refusal names (`error.field`).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Refused {
                body: Some(body), ..
            } => body.error.field.as_deref(),
            _ => None,
        }
    }
}

/// What a kit call returns.
pub type KitResult<T> = Result<T, KitError>;

/// The operator API of one running stack, with its key.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    http: reqwest::Client,
}

impl ApiClient {
    /// A client of the API at `base` (`http://127.0.0.1:8080`) that sends `api_key` as a bearer
    /// token on every request.
    pub fn new(base: impl Into<String>, api_key: &str) -> KitResult<Self> {
        let mut headers = reqwest::header::HeaderMap::new();
        let bearer = reqwest::header::HeaderValue::from_str(&format!("Bearer {api_key}"))
            .map_err(|e| KitError::Setup(format!("the API key is not a header value: {e}")))?;
        headers.insert(reqwest::header::AUTHORIZATION, bearer);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|source| KitError::Transport {
                what: "building the HTTP client".into(),
                source,
            })?;
        Ok(Self::with_client(base, http))
    }

    /// A client over an HTTP client already set up (its own headers and timeouts).
    pub fn with_client(base: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http,
        }
    }

    /// The API's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The HTTP client (with the key), for a request the kit has no method for.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// A request to `path` (`/api/…`).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// Sends `request` and decodes a success as `T`.
    pub async fn send<T: DeserializeOwned>(
        &self,
        what: impl Into<String>,
        request: RequestBuilder,
    ) -> KitResult<T> {
        let what = what.into();
        let text = self.send_text(&what, request).await?;
        serde_json::from_str(&text).map_err(|error| KitError::Shape { what, error, text })
    }

    /// Sends `request`; a success's body as text.
    async fn send_text(&self, what: &str, request: RequestBuilder) -> KitResult<String> {
        let transport = |source| KitError::Transport {
            what: what.to_owned(),
            source,
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let text = response.text().await.map_err(transport)?;
        if status.is_success() {
            Ok(text)
        } else {
            Err(KitError::Refused {
                what: what.to_owned(),
                status: status.as_u16(),
                body: serde_json::from_str(&text).ok().map(Box::new),
                text,
            })
        }
    }

    /// The HTTP status of `GET path`, or 0 when nothing answers within 5 s (a probe of
    /// `/readyz` while the API restarts).
    pub async fn status(&self, path: &str) -> u16 {
        match self
            .request(Method::GET, path)
            .timeout(Duration::from_secs(5))
            .send()
            .await
        {
            Ok(response) => response.status().as_u16(),
            Err(_) => 0,
        }
    }

    /// `GET path` as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> KitResult<T> {
        self.send(format!("GET {path}"), self.request(Method::GET, path))
            .await
    }

    /// `POST path` with a JSON body, as `T`.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> KitResult<T> {
        self.send(
            format!("POST {path}"),
            self.request(Method::POST, path).json(body),
        )
        .await
    }

    /// `POST /api/agents`: a new agent (version 1).
    pub async fn create_agent(&self, spec: &AgentSpec) -> KitResult<AgentVersionView> {
        self.post("/api/agents", spec).await
    }

    /// `PUT /api/agents/{id}`: the agent's next version.
    pub async fn save_agent(
        &self,
        agent_id: &str,
        spec: &AgentSpec,
    ) -> KitResult<AgentVersionView> {
        let path = format!("/api/agents/{agent_id}");
        self.send(
            format!("PUT {path}"),
            self.request(Method::PUT, &path).json(spec),
        )
        .await
    }

    /// `POST /api/leads`.
    pub async fn create_lead(&self, lead: &NewLeadBody) -> KitResult<Lead> {
        self.post("/api/leads", lead).await
    }

    /// `POST /api/leads/upload` with a CSV file (`text/csv`), allowed `within` to answer (the
    /// API sets no time limit on an upload: a large file takes a while).
    pub async fn upload_leads(
        &self,
        csv: impl Into<reqwest::Body>,
        within: Duration,
    ) -> KitResult<ImportReport> {
        let request = self
            .request(Method::POST, "/api/leads/upload")
            .header(reqwest::header::CONTENT_TYPE, "text/csv")
            .body(csv)
            .timeout(within);
        self.send("POST /api/leads/upload", request).await
    }

    /// `GET /api/leads` with these query parameters.
    pub async fn leads(&self, query: &[(&str, &str)]) -> KitResult<LeadPage> {
        self.send(
            "GET /api/leads",
            self.request(Method::GET, "/api/leads").query(query),
        )
        .await
    }

    /// `GET /api/leads/{id}`.
    pub async fn lead(&self, id: &str) -> KitResult<LeadDetail> {
        self.get(&format!("/api/leads/{id}")).await
    }

    /// `DELETE /api/leads/{id}`, erasing its personal data too when `erase`.
    pub async fn delete_lead(&self, id: &str, erase: bool) -> KitResult<Deleted> {
        let path = format!("/api/leads/{id}?erase={erase}");
        self.send(
            format!("DELETE {path}"),
            self.request(Method::DELETE, &path),
        )
        .await
    }

    /// `GET /api/leads/{id}/erasure`.
    pub async fn erasure(&self, id: &str) -> KitResult<ErasureStatus> {
        self.get(&format!("/api/leads/{id}/erasure")).await
    }

    /// `POST /api/campaigns/start`.
    pub async fn start_campaign(&self, campaign: &StartCampaign) -> KitResult<Started> {
        self.post("/api/campaigns/start", campaign).await
    }

    /// `GET /api/campaigns/{id}`.
    pub async fn campaign(&self, id: &str) -> KitResult<CampaignDetail> {
        self.get(&format!("/api/campaigns/{id}")).await
    }

    /// Reads the campaign until its workflow reports `completed`.
    pub async fn wait_campaign_done(
        &self,
        id: &str,
        within: Duration,
    ) -> KitResult<CampaignDetail> {
        wait(&format!("campaign {id} to complete"), within, || async {
            let detail = self.campaign(id).await?;
            let done = detail
                .progress
                .as_ref()
                .is_some_and(|p| p.status == CampaignStatus::Completed);
            Ok(done.then_some(detail))
        })
        .await
    }

    /// Waits until every lead's workflow is done, or parked until the callback its lead asked
    /// for (a booked lead still confirms its meeting and sends the invite after its campaign
    /// has counted it); `within` is for them all.
    pub async fn wait_leads_finished(&self, ids: &[String], within: Duration) -> KitResult<()> {
        let deadline = Instant::now() + within;
        for id in ids {
            let left = deadline.saturating_duration_since(Instant::now());
            wait(&format!("lead {id} to finish"), left, || async {
                let phase = self.lead(id).await?.workflow.map(|w| w.phase);
                let finished = matches!(phase, Some(LeadPhase::Done | LeadPhase::WaitingCallback));
                Ok(finished.then_some(()))
            })
            .await?;
        }
        Ok(())
    }

    /// `GET /api/meetings` with these query parameters.
    pub async fn meetings(&self, query: &[(&str, &str)]) -> KitResult<MeetingPage> {
        self.send(
            "GET /api/meetings",
            self.request(Method::GET, "/api/meetings").query(query),
        )
        .await
    }
}

/// Polls `check` every 200 ms until it answers `Some`, fails, or `within` has passed.
pub async fn wait<T, F, Fut>(what: &str, within: Duration, mut check: F) -> KitResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = KitResult<Option<T>>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if Instant::now() >= deadline {
            return Err(KitError::TimedOut(within, what.to_owned()));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
