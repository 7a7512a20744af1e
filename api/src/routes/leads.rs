//! Leads: create one (parsed and validated at the edge), read one with its calls and live
//! workflow state.

use super::json_body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::leads::{Lead, LeadDetail, NewLeadBody};
use callwright_contracts::ids::lead_workflow_id;
use callwright_domain::{LeadInput, NewLead};
use callwright_workflows::LeadWorkflow;
use uuid::Uuid;

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
    let inserted = callwright_store::leads::insert(&state.db, &lead).await?;
    match inserted {
        Some(lead) => Ok((StatusCode::CREATED, Json(lead))),
        None => {
            // Deleted (or erased) between the insert and this read: say so rather than name none.
            let existing = callwright_store::leads::live_id_by_phone(&state.db, phone.as_str())
                .await?
                .map(|id| id.to_string());
            Err(ApiError::Conflict {
                message: format!("a lead with phone {phone} already exists"),
                existing_id: existing,
            })
        }
    }
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
    let lead = callwright_store::leads::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no lead {id} (or it was deleted)")))?;
    let calls = callwright_store::leads::calls(&state.db, id).await?;
    let meetings = callwright_store::meetings::of_lead(&state.db, id).await?;
    let campaign = callwright_store::leads::latest_run(&state.db, id)
        .await?
        .map(|run| run.campaign_id);
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
