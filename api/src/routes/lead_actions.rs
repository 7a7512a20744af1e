//! Operator actions on a lead's work: `POST /api/leads/{id}/retry` starts a fresh run of the
//! lead's workflow (in its latest campaign, with that campaign's rules) once the previous run
//! has ended, however it ended. Every action is written to `audit_log` with the API key that
//! asked for it.

use crate::auth::ApiKeyId;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use callwright_activities::store::Store;
use callwright_workflows::campaign::{campaign_workflow_id, lead_workflow_id};
use callwright_workflows::messages::{CampaignSettings, LeadInput};
use callwright_workflows::{LeadWorkflow, search};
use serde::Serialize;
use temporalio_client::{WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowStartOptions};
use temporalio_common::search_attributes::SearchAttributes;
use uuid::Uuid;

/// A started run.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Retried {
    /// The lead's workflow id (same as before).
    workflow_id: String,
    /// The new run.
    run_id: String,
}

/// Starts the lead's workflow again, as a new run of the same workflow id, after the last run
/// ended (completed, failed, timed out, cancelled or terminated). The new run counts its
/// attempts afresh and obeys the calling window and the do-not-call list like any other.
#[utoipa::path(
    post,
    path = "/api/leads/{id}/retry",
    operation_id = "retryLead",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id")),
    responses(
        (status = 202, description = "A new run was started", body = Retried),
        (status = 400, description = "Not a lead id", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
        (status = 409, description = "Never in a campaign, or its workflow is still running", body = ErrorBody),
        (status = 503, description = "Temporal unreachable", body = ErrorBody),
    )
)]
pub async fn retry(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyId>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Retried>), ApiError> {
    let lead_id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::BadRequest(format!("id: '{id}' is not a lead id")))?;
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM leads WHERE id = $1 AND deleted_at IS NULL)",
    )
    .bind(lead_id)
    .fetch_one(&state.db)
    .await?;
    if !exists {
        return Err(ApiError::NotFound(format!("no lead {lead_id}")));
    }
    let latest: Option<(Uuid, i32, serde_json::Value)> = sqlx::query_as(
        "SELECT c.id, cl.seq, c.settings FROM campaign_leads cl JOIN campaigns c ON c.id = cl.campaign_id
         WHERE cl.lead_id = $1 ORDER BY c.created_at DESC LIMIT 1",
    )
    .bind(lead_id)
    .fetch_optional(&state.db)
    .await?;
    let Some((campaign_id, seq, settings)) = latest else {
        return Err(ApiError::Conflict {
            message: "the lead was never in a campaign: start one with it".into(),
            existing_id: None,
        });
    };
    let campaign = campaign_id.to_string();
    let workflow_id = lead_workflow_id(&campaign, &lead_id.to_string());
    let handle = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.clone());
    match handle.describe(WorkflowDescribeOptions::default()).await {
        Ok(d) if d.status() == WorkflowExecutionStatus::Running => {
            return Err(ApiError::Conflict {
                message: format!("workflow {workflow_id} is still running"),
                existing_id: None,
            });
        }
        Ok(_) => {}
        // Never started (the campaign was cancelled before reaching it): start it now.
        Err(err) => tracing::debug!(error = %err, "no previous run to describe"),
    }
    let settings: CampaignSettings = serde_json::from_value(settings)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("campaign settings: {e}")))?;
    let lead = Store::new(state.db.clone())
        .campaign_leads(&campaign, seq - 1, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("no lead {lead_id} in campaign {campaign}")))?
        .lead;
    let attributes = SearchAttributes::new([
        search::CAMPAIGN_ID.value_set(campaign.clone()),
        search::LEAD_ID.value_set(lead.lead_id.clone()),
        search::LANGUAGE.value_set(lead.language.code().to_owned()),
        search::LEAD_PHASE.value_set("pending".to_owned()),
    ]);
    // Attempt numbers continue after the earlier runs' calls: (workflow id, attempt) names one
    // call, and the dial activity would otherwise find the old call and not dial.
    let prior: Option<i32> =
        sqlx::query_scalar("SELECT max(attempt) FROM calls WHERE workflow_id = $1")
            .bind(&workflow_id)
            .fetch_one(&state.db)
            .await?;
    let input = LeadInput {
        lead,
        campaign_id: Some(campaign.clone()),
        // The campaign already counted this lead; a late signal to it would be ignored anyway.
        campaign_workflow_id: Some(campaign_workflow_id(&campaign)),
        settings: settings.call,
        dial_task_queue: settings.dial_task_queue,
        prior_attempts: prior.and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
    };
    let options = WorkflowStartOptions::new(state.config.task_queue.clone(), workflow_id.clone())
        .search_attributes(attributes)
        .build();
    let started = state
        .temporal
        .start_workflow(LeadWorkflow::run, input, options)
        .await
        .map_err(|e| ApiError::Unavailable(format!("could not start the lead's workflow: {e}")))?;
    let run_id = started.run_id().unwrap_or_default().to_owned();
    sqlx::query(
        "INSERT INTO audit_log (api_key_id, action, target, detail) VALUES ($1, 'lead.retry', $2, $3)",
    )
    .bind(key.0)
    .bind(lead_id.to_string())
    .bind(serde_json::json!({"workflow_id": workflow_id, "run_id": run_id}))
    .execute(&state.db)
    .await?;
    tracing::info!(%lead_id, %workflow_id, %run_id, "lead retried");
    Ok((
        StatusCode::ACCEPTED,
        Json(Retried {
            workflow_id,
            run_id,
        }),
    ))
}
