//! Leads: create, list, filter, read, retry, delete and erase.

use super::codes::LeadStatus;
use super::meetings::Meeting;
use crate::messages::{Erased, LeadView};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// A lead as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Lead {
    /// Lead id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Phone number in E.164.
    #[schema(example = "+14155552671")]
    pub phone: String,
    /// Email.
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Language code the agent speaks (`en`, `he`, `fr`, `de`, `es`).
    #[schema(example = "en")]
    pub language: String,
    /// IANA time zone the lead's times are shown in.
    #[schema(example = "America/Los_Angeles")]
    pub timezone: String,
    /// Every zone the lead may be in; calls are placed only when all are inside the window.
    pub window_timezones: Vec<String>,
    /// Attempts made so far.
    pub attempts: i32,
    /// Outcome code of the latest attempt (see `GET /api/calls`'s `outcome`).
    pub last_outcome: Option<String>,
    /// When the latest attempt ended.
    pub last_outcome_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// The lead's own data (an upload's other columns, or `fields` given on create).
    #[schema(value_type = Object)]
    pub fields: Value,
}

/// One attempt of a lead, from the projection.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallRow {
    /// Call id.
    pub id: Uuid,
    /// Campaign the attempt belongs to.
    pub campaign_id: Option<Uuid>,
    /// Attempt number, from 1.
    pub attempt: i32,
    /// Provider call id, once dialled.
    pub call_sid: Option<String>,
    /// Provider call status (`queued`, `ringing`, `in-progress`, `completed`, `busy`, ...).
    pub status: String,
    /// Answering-machine detection result (`human`, `machine_end_beep`, ...).
    pub answered_by: Option<String>,
    /// Outcome code, once the attempt is over.
    pub outcome: Option<String>,
    /// What the outcome carries (meeting time and id, callback time, ...).
    #[schema(value_type = Option<callwright_domain::AttemptOutcome>)]
    pub outcome_detail: Option<Value>,
    /// Dialled at.
    pub dialed_at: DateTime<Utc>,
    /// Ended at.
    pub ended_at: Option<DateTime<Utc>>,
    /// Length of the call, seconds.
    pub duration_secs: Option<i32>,
    /// The recording, when there is one.
    pub recording_url: Option<String>,
    /// The post-call summary, once written.
    #[schema(value_type = Option<callwright_domain::summary::CallSummary>)]
    pub summary: Option<Value>,
    /// The agent that spoke.
    pub agent_id: Option<Uuid>,
    /// Its version.
    pub agent_version: Option<i32>,
    /// The answers to the agent's qualification questions, typed as each question says
    /// (a number, a boolean, one of its options, or text), by question id.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
}

/// A lead in a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadSummary {
    /// Lead id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// Phone number in E.164.
    pub phone: String,
    /// Email.
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Language code (`en`, `he`, `fr`, `de`, `es`).
    pub language: String,
    /// IANA time zone.
    pub timezone: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// Outcome code of the latest attempt.
    pub last_outcome: Option<String>,
    /// When the latest attempt ended.
    pub last_outcome_at: Option<DateTime<Utc>>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// `POST /api/leads` body.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewLead)]
pub struct NewLeadBody {
    /// Display name (not empty).
    #[schema(example = "Dana Levi", min_length = 1)]
    pub name: String,
    /// Phone number: E.164, or national form with `region`.
    #[schema(example = "+14155552671")]
    pub phone: String,
    /// Email (where the meeting invite goes).
    #[schema(example = "dana@example.com")]
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Overrides the language guessed from the number (`en`, `he`, `fr`, `de`, `es`).
    #[schema(example = "en")]
    pub language: Option<String>,
    /// Overrides the time zone guessed from the number (IANA name).
    #[schema(example = "America/Los_Angeles")]
    pub timezone: Option<String>,
    /// Region for numbers given in national form (e.g. "US").
    #[schema(example = "US", pattern = r"^([A-Za-z]{2})?$")]
    pub region: Option<String>,
    /// The lead's own data, for the agent's templates (`{{ lead.fields.plan }}`): up to 50
    /// names, each text (up to 1,000 characters), a number or a boolean.
    #[serde(default)]
    #[schema(value_type = Option<Object>, example = json!({"plan": "Pro", "seats": 12}))]
    pub fields: Option<serde_json::Map<String, Value>>,
}

/// `GET /api/leads/{id}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadDetail {
    /// The lead.
    #[serde(flatten)]
    pub lead: Lead,
    /// Every attempt, oldest first.
    pub calls: Vec<CallRow>,
    /// Meetings booked with the lead, with their status (and why one failed).
    pub meetings: Vec<Meeting>,
    /// The workflow of the lead's latest campaign.
    pub workflow_id: Option<String>,
    /// Its live state (phase, attempt, transcript, next action), when Temporal answers.
    pub workflow: Option<LeadView>,
}

/// A page of leads.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LeadPage {
    /// Newest first.
    pub leads: Vec<LeadSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which leads: the filters of `GET /api/leads`, also accepted by `POST /api/campaigns/start`.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadFilter {
    /// Only leads of this campaign.
    pub campaign_id: Option<Uuid>,
    /// Only leads spoken to in this language (code or name, e.g. `he`).
    #[schema(value_type = Option<callwright_domain::Language>)]
    pub language: Option<String>,
    /// Latest outcome code; `none` for leads never called.
    #[schema(value_type = Option<super::codes::LeadOutcomeFilter>)]
    pub outcome: Option<String>,
    /// `new`, `active` or `done` (as in `GET /api/leads`).
    pub status: Option<LeadStatus>,
    /// Text in the name, phone or email (case-insensitive).
    pub q: Option<String>,
}

/// What a delete did.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deleted {
    /// The lead.
    pub id: Uuid,
    /// When it was deleted (the first time, if it already was).
    pub deleted_at: DateTime<Utc>,
    /// Its workflows that were running and were stopped (ids).
    pub stopped_workflows: Vec<String>,
    /// The erasure started (`erase=true` only): follow it at `GET /api/leads/{id}/erasure`.
    pub erasure: Option<ErasureStarted>,
}

/// An erasure under way.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErasureStarted {
    /// The erasure's workflow (in the Temporal UI).
    pub workflow_id: String,
    /// Where to read how it stands.
    #[schema(example = "/api/leads/0b6f…/erasure")]
    pub status_url: String,
}

/// Where an erasure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErasureState {
    /// Under way (or waiting for a provider or Temporal to come back).
    Running,
    /// Done: the personal data is gone.
    Completed,
    /// Stopped on a failure that a retry would not heal (see `error`); ask again to retry.
    Failed,
}

/// A lead's erasure.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ErasureStatus {
    /// The lead.
    pub lead_id: Uuid,
    /// The erasure's workflow (in the Temporal UI).
    pub workflow_id: String,
    /// Where it stands.
    pub status: ErasureState,
    /// What it removed, once completed (none when the erasure's record has aged out of
    /// Temporal's retention: the lead is erased, the counts are in the audit log).
    pub erased: Option<Erased>,
    /// Why it failed; while running, why a step is being retried.
    pub error: Option<String>,
}

/// A started run.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Retried {
    /// The lead's workflow id (same as before).
    pub workflow_id: String,
    /// The new run.
    pub run_id: String,
}

/// A reset run.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reset {
    /// The lead's workflow id (same as before).
    pub workflow_id: String,
    /// The run that was reset (it ends, marked as reset).
    pub from_run_id: String,
    /// The new run, resumed from `reset_to_event_id`.
    pub run_id: String,
    /// The `WorkflowTaskCompleted` event of the old run the new one resumes after.
    pub reset_to_event_id: i64,
}

/// `POST /api/lead-filters` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedFilter {
    /// What the team calls it.
    #[schema(example = "Hebrew leads never called", min_length = 1)]
    pub name: String,
    /// The filter.
    pub filter: LeadFilter,
}

/// A saved filter.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SavedFilter {
    /// Its id (`filter_id` of `POST /api/campaigns/start`).
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The filter, as saved.
    #[schema(value_type = LeadFilter)]
    pub filter: serde_json::Value,
    /// Saved at.
    pub created_at: DateTime<Utc>,
}
