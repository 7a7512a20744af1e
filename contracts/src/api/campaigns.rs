//! Starting, controlling and reading campaigns.

use super::leads::LeadFilter;
use crate::messages::CampaignProgress;
use callwright_domain::CallSettings;
use callwright_domain::agent::Variant;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// `POST /api/campaigns/start` body.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartCampaign {
    /// Display name (default: "Campaign" and the start time).
    pub name: Option<String>,
    /// Leads to call, in order (duplicates are called once; at most 100 000). Give exactly one
    /// of `lead_ids`, `filter`, `filter_id` and `import_id`.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Uuid>>, min_items = 1, max_items = 100_000)]
    pub lead_ids: Option<Vec<String>>,
    /// Every live lead matching these filters (those of `GET /api/leads`), oldest first.
    pub filter: Option<LeadFilter>,
    /// Like `filter`, with a filter saved by `POST /api/lead-filters`.
    pub filter_id: Option<Uuid>,
    /// Every live lead an upload created (`import_id` of `POST /api/leads/upload`), in file order.
    pub import_id: Option<Uuid>,
    /// Leads in flight at once (default 10).
    #[schema(minimum = 1)]
    pub max_concurrent: Option<u32>,
    /// Lead starts per campaign workflow run before it continues as new (default 500).
    #[schema(minimum = 1)]
    pub starts_per_run: Option<u32>,
    /// The agent that speaks (required): one version, its latest, or an A/B split.
    pub agent: CampaignAgent,
    /// Calling rules; anything left out takes its default.
    #[serde(default)]
    #[schema(value_type = Option<CallSettings>)]
    pub settings: Option<serde_json::Value>,
}

/// The agent of a campaign: `{"id"}` calls with its latest version when the campaign starts,
/// `{"id", "version"}` with that version, `{"id", "variants": [{"version", "weight"}, ...]}`
/// splits the leads between versions by weight (each lead's version is picked from its id,
/// so it keeps it through every retry and callback).
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignAgent {
    /// The agent.
    pub id: Uuid,
    /// A pinned version.
    #[schema(minimum = 1)]
    pub version: Option<u32>,
    /// An A/B split between versions of this agent.
    pub variants: Option<Vec<Variant>>,
}

/// The started campaign.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = StartedCampaign)]
pub struct Started {
    /// Campaign id.
    pub campaign_id: Uuid,
    /// Its campaign workflow.
    pub workflow_id: String,
    /// Distinct leads it calls.
    pub lead_count: u64,
}

/// What an operator can do to a running campaign.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Control {
    /// Start no new leads.
    Pause,
    /// Start leads again.
    Resume,
    /// Start no more leads; leads in flight stop after their current call.
    Cancel,
}

/// Leads in a live phase right now, from Temporal visibility (eventually consistent).
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LivePhases {
    /// Dial requested, not yet answered.
    pub dialing: usize,
    /// In a conversation.
    pub in_call: usize,
    /// Waiting for the calling window, a retry or a callback.
    pub waiting: usize,
}

/// `GET /api/campaigns/{id}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    /// Campaign id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Its campaign workflow.
    pub workflow_id: String,
    /// Distinct leads.
    pub lead_count: i32,
    /// Started at.
    pub created_at: DateTime<Utc>,
    /// The campaign workflow's own counters (absent if Temporal does not answer).
    pub progress: Option<CampaignProgress>,
    /// Its leads by live phase (from Temporal's visibility store).
    pub live: LivePhases,
    /// Latest outcome per lead, counted.
    pub outcomes: BTreeMap<String, i64>,
    /// The first 1000 leads, in campaign order.
    pub leads: Vec<CampaignLeadRow>,
}

/// A lead of a campaign.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignLeadRow {
    /// Position in the campaign, from 1.
    pub seq: i32,
    /// Lead id.
    pub lead_id: Uuid,
    /// Display name.
    pub name: String,
    /// Phone number, E.164 (none once the lead was erased).
    pub phone: Option<String>,
    /// Language code.
    pub language: String,
    /// Outcome code, once the lead settled.
    pub outcome: Option<String>,
    /// When it settled.
    pub settled_at: Option<DateTime<Utc>>,
}

/// A campaign and how far it got.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignRow {
    /// Campaign id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The campaign workflow.
    pub workflow_id: String,
    /// Started at.
    pub created_at: DateTime<Utc>,
    /// Leads in the campaign.
    pub lead_count: i32,
    /// Leads with a settled outcome.
    pub settled: i64,
    /// Outcome code → leads (latest outcome of each lead in this campaign).
    // Postgres builds the object (`jsonb_object_agg`); documented as the counts it holds, so
    // clients read numbers, as `CampaignDetail.outcomes` says.
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    pub outcomes: Value,
    /// Meetings booked on the campaign's calls (not counting failed ones).
    pub meetings_booked: i64,
}

/// A page of campaigns.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignPage {
    /// Newest first.
    pub campaigns: Vec<CampaignRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
