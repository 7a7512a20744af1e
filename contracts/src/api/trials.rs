//! Trials: an operator typing as the callee.

use super::meetings::Meeting;
use callwright_domain::conversation::ToolUse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `POST /api/agents/{id}/trials` body.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrial {
    /// The version to try (default: the latest).
    #[schema(minimum = 1)]
    pub version: Option<u32>,
    /// The language to talk in (default: the lead's, else the agent's own).
    #[schema(value_type = Option<String>, example = "fr")]
    pub language: Option<String>,
    /// Play this lead (its name, company, email, zone and fields fill the templates).
    pub lead_id: Option<Uuid>,
    /// Or play a lead described here.
    pub lead: Option<TrialLead>,
}

/// A made-up lead for a trial.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialLead {
    /// Name (default "Trial caller").
    pub name: Option<String>,
    /// Email (the booking tool asks for one otherwise).
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// IANA time zone (default UTC).
    pub timezone: Option<String>,
    /// The lead's own data, as for `POST /api/leads`.
    #[schema(value_type = Option<Object>)]
    pub fields: Option<serde_json::Map<String, Value>>,
}

/// `POST /api/trials/{id}/messages` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrialMessage {
    /// What the callee says (1 to 2,000 characters).
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
}

/// The agent's answer to one message.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrialReply {
    /// What the agent says.
    pub reply: String,
    /// The tools the model used to answer (name, arguments, result), in order.
    pub tools: Vec<ToolUse>,
    /// The agent ended the conversation (a booking confirmed, a goodbye, an opt-out): the
    /// trial is over.
    pub ended: bool,
}

/// A trial and where it stands.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrialView {
    /// Trial id.
    pub id: Uuid,
    /// The agent tried.
    pub agent_id: Uuid,
    /// Its version.
    pub version: i32,
    /// The language of the chat.
    pub language: String,
    /// The lead workflow that runs it (visible in the Temporal UI).
    pub workflow_id: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Ended (by the agent, by `POST /api/trials/{id}/end`, or idle for 30 minutes).
    pub ended_at: Option<DateTime<Utc>>,
    /// The outcome, once over.
    pub outcome: Option<String>,
    /// Every line so far, with the tools the agent used.
    pub transcript: Vec<TrialLine>,
    /// Meetings the trial booked: `reserved` while it runs, `cancelled` ("released: the trial
    /// ended") after; never on the calendar for real.
    pub meetings: Vec<Meeting>,
    /// The qualification answers extracted after the trial ended.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
}

/// One line of a trial's transcript.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrialLine {
    /// Position, from 0.
    pub idx: i32,
    /// `agent` or `callee`.
    pub speaker: String,
    /// What was said.
    pub text: String,
    /// On an agent line: the tools the model used.
    #[schema(value_type = Option<Vec<callwright_domain::conversation::ToolUse>>)]
    pub tools: Option<Value>,
    /// When.
    pub spoken_at: DateTime<Utc>,
}
