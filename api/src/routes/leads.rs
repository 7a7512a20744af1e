//! Leads: create one (parsed and validated at the edge), read one with its calls and live
//! workflow state.

use super::json_body::JsonBody;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_domain::{Email, LeadInput, NewLead};
use callwright_store::meetings::{MEETING_COLUMNS, Meeting};
use callwright_workflows::LeadWorkflow;
use callwright_workflows::campaign::lead_workflow_id;
use callwright_workflows::messages::LeadView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `POST /api/leads` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewLead)]
pub struct NewLeadBody {
    /// Display name (not empty).
    #[schema(example = "Dana Levi", min_length = 1)]
    name: String,
    /// Phone number: E.164, or national form with `region`.
    #[schema(example = "+14155552671")]
    phone: String,
    /// Email (where the meeting invite goes).
    #[schema(example = "dana@example.com")]
    email: Option<String>,
    /// Company.
    company: Option<String>,
    /// Overrides the language guessed from the number (`en`, `he`, `fr`, `de`, `es`).
    #[schema(example = "en")]
    language: Option<String>,
    /// Overrides the time zone guessed from the number (IANA name).
    #[schema(example = "America/Los_Angeles")]
    timezone: Option<String>,
    /// Region for numbers given in national form (e.g. "US").
    #[schema(example = "US", pattern = r"^([A-Za-z]{2})?$")]
    region: Option<String>,
    /// The lead's own data, for the agent's templates (`{{ lead.fields.plan }}`): up to 50
    /// names, each text (up to 1,000 characters), a number or a boolean.
    #[serde(default)]
    #[schema(value_type = Option<Object>, example = json!({"plan": "Pro", "seats": 12}))]
    fields: Option<serde_json::Map<String, Value>>,
}

/// A lead as the API returns it.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Lead {
    /// Lead id.
    id: Uuid,
    /// Display name.
    name: String,
    /// Phone number in E.164.
    #[schema(example = "+14155552671")]
    phone: String,
    /// Email.
    email: Option<String>,
    /// Company.
    company: Option<String>,
    /// Language code the agent speaks (`en`, `he`, `fr`, `de`, `es`).
    #[schema(example = "en")]
    language: String,
    /// IANA time zone the lead's times are shown in.
    #[schema(example = "America/Los_Angeles")]
    timezone: String,
    /// Every zone the lead may be in; calls are placed only when all are inside the window.
    window_timezones: Vec<String>,
    /// Attempts made so far.
    attempts: i32,
    /// Outcome code of the latest attempt (see `GET /api/calls`'s `outcome`).
    last_outcome: Option<String>,
    /// When the latest attempt ended.
    last_outcome_at: Option<DateTime<Utc>>,
    /// Created at.
    created_at: DateTime<Utc>,
    /// The lead's own data (an upload's other columns, or `fields` given on create).
    #[schema(value_type = Object)]
    fields: sqlx::types::Json<std::collections::BTreeMap<String, Value>>,
}

const LEAD_COLUMNS: &str = "id, name, phone, email, company, language, timezone, window_timezones, attempts, last_outcome, last_outcome_at, created_at, fields";

/// Creates a lead. The phone number is normalised to E.164; language and time zone default
/// from it. A number that already exists is a 409 naming the existing lead.
#[utoipa::path(
    post,
    path = "/api/leads",
    operation_id = "createLead",
    tag = "leads",
    security(("bearer" = [])),
    request_body(content = NewLeadBody, description = "The lead; unknown fields are refused."),
    responses(
        (status = 201, description = "Created", body = Lead),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 409, description = "A lead with this phone number exists; `existing_id` names it", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "A field is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody<NewLeadBody>,
) -> Result<(StatusCode, Json<Lead>), ApiError> {
    let lead = NewLead::parse(LeadInput {
        name: &body.name,
        phone: &body.phone,
        region: body.region.as_deref(),
        email: body.email.as_deref(),
        company: body.company.as_deref(),
        language: body.language.as_deref(),
        timezone: body.timezone.as_deref(),
        notes: None,
        fields: body.fields.unwrap_or_default(),
    })?;
    let phone = &lead.phone;
    let inserted: Option<Lead> = sqlx::query_as(&format!(
        "INSERT INTO leads (id, name, phone, email, company, language, timezone, window_timezones, fields)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (phone) WHERE deleted_at IS NULL DO NOTHING RETURNING {LEAD_COLUMNS}"
    ))
    .bind(Uuid::new_v4())
    .bind(lead.name)
    .bind(phone.as_str())
    .bind(lead.email.as_ref().map(Email::as_str))
    .bind(lead.company)
    .bind(lead.language.code())
    .bind(&lead.zones.primary)
    .bind(&lead.zones.window)
    .bind(sqlx::types::Json(&lead.fields))
    .fetch_optional(&state.db)
    .await?;
    match inserted {
        Some(lead) => Ok((StatusCode::CREATED, Json(lead))),
        None => {
            let existing: Uuid =
                sqlx::query_scalar("SELECT id FROM leads WHERE phone = $1 AND deleted_at IS NULL")
                    .bind(phone.as_str())
                    .fetch_one(&state.db)
                    .await?;
            Err(ApiError::Conflict {
                message: format!("a lead with phone {phone} already exists"),
                existing_id: Some(existing.to_string()),
            })
        }
    }
}

/// One attempt of a lead, from the projection.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CallRow {
    /// Call id.
    id: Uuid,
    /// Campaign the attempt belongs to.
    campaign_id: Option<Uuid>,
    /// Attempt number, from 1.
    attempt: i32,
    /// Provider call id, once dialled.
    call_sid: Option<String>,
    /// Provider call status (`queued`, `ringing`, `in-progress`, `completed`, `busy`, ...).
    status: String,
    /// Answering-machine detection result (`human`, `machine_end_beep`, ...).
    answered_by: Option<String>,
    /// Outcome code, once the attempt is over.
    outcome: Option<String>,
    /// What the outcome carries (meeting time and id, callback time, ...).
    #[schema(value_type = Option<callwright_domain::AttemptOutcome>)]
    outcome_detail: Option<Value>,
    /// Dialled at.
    dialed_at: DateTime<Utc>,
    /// Ended at.
    ended_at: Option<DateTime<Utc>>,
    /// Length of the call, seconds.
    duration_secs: Option<i32>,
    /// The recording, when there is one.
    recording_url: Option<String>,
    /// The post-call summary, once written.
    #[schema(value_type = Option<callwright_domain::summary::CallSummary>)]
    summary: Option<Value>,
    /// The agent that spoke.
    agent_id: Option<Uuid>,
    /// Its version.
    agent_version: Option<i32>,
    /// The answers to the agent's qualification questions, typed as each question says
    /// (a number, a boolean, one of its options, or text), by question id.
    #[schema(value_type = Option<Object>)]
    answers: Option<Value>,
}

/// `GET /api/leads/{id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadDetail {
    #[serde(flatten)]
    lead: Lead,
    /// Every attempt, oldest first.
    calls: Vec<CallRow>,
    /// Meetings booked with the lead, with their status (and why one failed).
    meetings: Vec<Meeting>,
    /// The workflow of the lead's latest campaign.
    workflow_id: Option<String>,
    /// Its live state (phase, attempt, transcript, next action), when Temporal answers.
    workflow: Option<LeadView>,
}

/// A lead with its attempts and the live state of its latest workflow.
#[utoipa::path(
    get,
    path = "/api/leads/{id}",
    operation_id = "getLead",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id")),
    responses(
        (status = 200, description = "The lead", body = LeadDetail),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<LeadDetail>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a lead id")))?;
    let lead: Lead = sqlx::query_as(&format!(
        "SELECT {LEAD_COLUMNS} FROM leads WHERE id = $1 AND deleted_at IS NULL AND NOT trial"
    ))
    .bind(id)
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::NotFound(format!("no lead {id} (or it was deleted)")))?;
    let calls: Vec<CallRow> = sqlx::query_as(
        "SELECT id, campaign_id, attempt, call_sid, status, answered_by, outcome, outcome_detail, dialed_at,
                ended_at, duration_secs, recording_url, summary, agent_id, agent_version, answers
         FROM calls WHERE lead_id = $1 ORDER BY dialed_at",
    )
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    let meetings: Vec<Meeting> = sqlx::query_as(&format!(
        "SELECT {MEETING_COLUMNS} FROM meetings WHERE lead_id = $1 ORDER BY created_at"
    ))
    .bind(id)
    .fetch_all(&state.db)
    .await?;
    let campaign: Option<Uuid> = sqlx::query_scalar(
        "SELECT cl.campaign_id FROM campaign_leads cl JOIN campaigns c ON c.id = cl.campaign_id
         WHERE cl.lead_id = $1 ORDER BY c.created_at DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(&state.db)
    .await?;
    let workflow_id = campaign.map(|c| lead_workflow_id(&c.to_string(), &id.to_string()));
    let workflow = match &workflow_id {
        Some(wf) => state
            .temporal
            .get_workflow_handle::<LeadWorkflow>(wf.clone())
            .query(LeadWorkflow::state, (), Default::default())
            .await
            .map_err(|e| tracing::debug!(error = %e, "lead state query failed"))
            .ok(),
        None => None,
    };
    Ok(Json(LeadDetail {
        lead,
        calls,
        meetings,
        workflow_id,
        workflow,
    }))
}
