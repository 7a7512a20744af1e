//! Agents, their versions, previews and A/B results.

use callwright_domain::agent::AgentSpec;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An agent in the list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentSummary {
    /// Id.
    pub id: Uuid,
    /// Name (of its latest version).
    pub name: String,
    /// Its latest version.
    pub latest_version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// A version in an agent's history.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionSummary {
    /// The version.
    pub version: i32,
    /// The agent's name in it.
    pub name: String,
    /// `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// Saved.
    pub created_at: DateTime<Utc>,
}

/// One version of an agent.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentVersionView {
    /// The agent.
    pub agent_id: Uuid,
    /// The version.
    pub version: i32,
    /// Saved.
    pub created_at: DateTime<Utc>,
    /// How its knowledge reaches the model: `none`, `inline` (whole, in every turn's prompt)
    /// or `search` (past the inline budget: searched per turn).
    pub knowledge_mode: String,
    /// Characters of instructions and knowledge.
    pub size_chars: usize,
    /// The agent as saved.
    pub spec: AgentSpec,
}

/// An agent, its latest version and its history.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentDetail {
    /// The agent.
    #[serde(flatten)]
    pub agent: AgentSummary,
    /// Its latest version.
    pub latest: AgentVersionView,
    /// Every version, newest first.
    pub versions: Vec<VersionSummary>,
}

/// A variable a template may use.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateVariable {
    /// How it is written (`lead.name`; `lead.fields.<column>` for the lead's own columns).
    pub name: String,
    /// What it holds.
    pub description: String,
}

/// What templates may use, and the limits an agent is held to.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentRules {
    /// The variables.
    pub variables: Vec<TemplateVariable>,
    /// Knowledge up to this many characters goes into every prompt whole; past it, it is
    /// searched per turn (needs an embeddings endpoint).
    pub inline_knowledge_chars: usize,
    /// Whether this deployment can embed knowledge past the inline budget.
    pub search_available: bool,
}

/// `POST /api/agents/preview` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The agent as edited (not saved).
    #[schema(value_type = AgentSpec)]
    pub spec: serde_json::Value,
    /// Render for this lead (default: a sample lead with no company, email or fields).
    pub lead_id: Option<Uuid>,
    /// In this language (default: the lead's, else the agent's own).
    #[schema(value_type = Option<String>, example = "fr")]
    pub language: Option<String>,
}

/// A problem the preview found: a value the chosen lead lacks, with no `default`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PreviewProblem {
    /// The template's field.
    pub field: String,
    /// What is missing.
    pub message: String,
}

/// What a call with the chosen lead would start with.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentPreview {
    /// The opening line (the product's disclosure, then the agent's greeting).
    pub greeting: String,
    /// The system prompt of the call's first turn, exactly as the model would get it.
    pub system_prompt: String,
    /// The meeting's title in the call's language.
    pub meeting_title: String,
    /// Its description, if any.
    pub meeting_description: Option<String>,
    /// How the knowledge reaches the model: `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// Values the chosen lead lacks (rendered empty on a call): write a `default(...)`.
    pub problems: Vec<PreviewProblem>,
}

/// One agent version's results.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionResults {
    /// The agent.
    pub agent_id: Uuid,
    /// Its name (latest).
    pub agent_name: String,
    /// The version.
    pub version: i32,
    /// Leads given this version in the campaigns in scope.
    pub leads: i64,
    /// Calls placed.
    pub dials: i64,
    /// Calls answered.
    pub connects: i64,
    /// Calls that were conversations with a person.
    pub conversations: i64,
    /// Meetings booked on those calls.
    pub meetings_booked: i64,
    /// meetings_booked / conversations.
    pub booking_rate: Option<f64>,
    /// The booking rate's 95% interval (Wilson score), low end.
    pub booking_rate_low: f64,
    /// … and high end.
    pub booking_rate_high: f64,
    /// Booked meetings that took place (status `completed`).
    pub meetings_held: i64,
    /// Booked meetings the lead missed (status `no_show`).
    pub no_shows: i64,
    /// Conversations that ended in an opt-out.
    pub opt_outs: i64,
    /// opt_outs / conversations.
    pub opt_out_rate: Option<f64>,
    /// Mean length of an answered call, seconds.
    pub mean_call_secs: Option<f64>,
}

impl VersionResults {
    /// A version with nothing counted yet (no leads, no calls): the rates unknown, the booking
    /// rate's interval the whole of 0 to 1.
    pub fn empty(agent_id: Uuid, agent_name: String, version: i32) -> Self {
        Self {
            agent_id,
            agent_name,
            version,
            leads: 0,
            dials: 0,
            connects: 0,
            conversations: 0,
            meetings_booked: 0,
            booking_rate: None,
            booking_rate_low: 0.0,
            booking_rate_high: 1.0,
            meetings_held: 0,
            no_shows: 0,
            opt_outs: 0,
            opt_out_rate: None,
            mean_call_secs: None,
        }
    }
}

/// The two leading versions compared.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comparison {
    /// The version with the higher booking rate.
    pub leader_version: i32,
    /// The other.
    pub other_version: i32,
    /// Booking rates (leader, other).
    pub leader_rate: f64,
    /// The other's booking rate.
    pub other_rate: f64,
    /// Two-sided p-value of "the rates are equal" (two-proportion z-test).
    pub p_value: f64,
    /// p_value ≤ 0.05: 95% sure the leader books more.
    pub significant: bool,
    /// In words: "Version 2 books more: 18% vs 11%, 95% sure." or "No difference yet: …".
    pub summary: String,
}

/// `GET /api/analytics/agents`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgentResults {
    /// Window start.
    pub from: DateTime<Utc>,
    /// Window end.
    pub to: DateTime<Utc>,
    /// Per agent version, by agent then version.
    pub versions: Vec<VersionResults>,
    /// The two versions of one agent with the most conversations, compared on booking rate
    /// (absent unless two versions of the same agent had conversations).
    pub comparison: Option<Comparison>,
}
