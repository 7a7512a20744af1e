//! `DELETE /api/leads/{id}`: the lead leaves every list and is never dialled again; its calls
//! and meetings stay on record for audit. With `?erase=true` its personal data goes too: the
//! lead's name, number, email, company and notes, the transcripts of its calls, its recordings
//! (deleted at Twilio), the attendee fields of its meetings, and the Temporal histories of its
//! workflows (which carry the number and every word said). What stays: that calls happened,
//! when, how long, their outcome codes and language; and the do-not-call entry, if the number
//! asked never to be called again, because honouring that is the law.

use super::lead_actions::audit;
use super::recordings;
use crate::auth::ApiKeyId;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, Query, State};
use callwright_workflows::campaign::campaign_workflow_id;
use callwright_workflows::messages::LeadSettled;
use callwright_workflows::{CampaignWorkflow, LeadWorkflow};
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use temporalio_client::tonic;
use temporalio_client::{WorkflowExecutionStatus, WorkflowListOptions, WorkflowSignalOptions};
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::workflowservice::v1::DeleteWorkflowExecutionRequest;
use uuid::Uuid;

/// Options of `DELETE /api/leads/{id}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Also remove the lead's personal data (see the operation's description).
    #[serde(default)]
    erase: bool,
}

/// What a delete did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Deleted {
    /// The lead.
    id: Uuid,
    /// When it was deleted (the first time, if it already was).
    deleted_at: DateTime<Utc>,
    /// Whether its personal data is gone.
    erased: bool,
    /// Its workflows that were running and were stopped (ids).
    stopped_workflows: Vec<String>,
    /// Workflow runs whose histories were deleted from Temporal (erase only).
    deleted_histories: usize,
    /// Recordings deleted at the telephony provider (erase only).
    deleted_recordings: usize,
    /// Transcript lines removed (erase only).
    deleted_transcript_turns: u64,
}

/// One run of one of the lead's workflows, from Temporal visibility.
#[derive(Clone)]
struct Run {
    workflow_id: String,
    run_id: String,
    running: bool,
}

/// Deletes a lead: stops its running workflows (a call in progress ends after the current
/// turn), takes it out of lists and campaigns, and frees its number for a new lead. Calls and
/// meetings stay for audit. `erase=true` also removes its personal data: name, number, email,
/// company, notes, transcripts, recordings (at Twilio too), meeting attendee fields and the
/// Temporal histories of its workflows; a do-not-call entry for the number stays. Repeating a
/// delete is harmless, and an erase may follow a plain delete.
#[utoipa::path(
    delete,
    path = "/api/leads/{id}",
    operation_id = "deleteLead",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id"), DeleteQuery),
    responses(
        (status = 200, description = "Deleted (and erased, if asked)", body = Deleted),
        (status = 400, description = "Not a lead id", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
        (status = 503, description = "Temporal or the telephony provider unreachable: nothing was erased yet, try again", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyId>,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> Result<Json<Deleted>, ApiError> {
    let lead_id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a lead id")))?;
    // Marked first: from here on no campaign starts it and no dial activity dials it. The
    // deletion and its audit row commit together; a repeat changes nothing and audits nothing.
    let mut tx = state.db.begin().await?;
    let earlier = callwright_store::erasure::lock(&mut tx, lead_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no lead {lead_id}")))?;
    let deleted_at = match earlier {
        Some(at) => at,
        None => {
            let at = callwright_store::erasure::mark_deleted(&mut tx, lead_id).await?;
            audit(
                &mut *tx,
                key,
                "lead.delete",
                lead_id,
                serde_json::json!({"erase_asked": q.erase}),
            )
            .await?;
            at
        }
    };
    tx.commit().await?;
    let runs = lead_runs(&state, lead_id).await?;
    let mut stopped = Vec::new();
    for run in runs.iter().filter(|r| r.running) {
        state
            .temporal
            .get_workflow_handle::<LeadWorkflow>(run.workflow_id.clone())
            .signal(LeadWorkflow::stop, (), WorkflowSignalOptions::default())
            .await
            .map_err(|e| ApiError::Unavailable(format!("could not stop its workflow: {e}")))?;
        stopped.push(run.workflow_id.clone());
    }
    if q.erase && !stopped.is_empty() {
        // Deleting a history terminates a run that has not finished stopping, and a deleted
        // run cannot report to its campaign: say it for it (a campaign ignores a repeat).
        settle_in_campaigns(&state, lead_id).await;
    }
    callwright_store::erasure::cancel_in_campaigns(&state.db, lead_id).await?;
    let mut result = Deleted {
        id: lead_id,
        deleted_at,
        erased: false,
        stopped_workflows: stopped,
        deleted_histories: 0,
        deleted_recordings: 0,
        deleted_transcript_turns: 0,
    };
    if q.erase {
        erase(&state, key, lead_id, &runs, &mut result).await?;
    }
    tracing::info!(%lead_id, erase = q.erase, "lead deleted");
    Ok(Json(result))
}

/// Every run of the lead's workflows (all campaigns, all retries), by the `LeadId` search
/// attribute every one of them carries.
async fn lead_runs(state: &AppState, lead_id: Uuid) -> Result<Vec<Run>, ApiError> {
    state
        .temporal
        .list_workflows(
            format!("LeadId = '{lead_id}'"),
            WorkflowListOptions::default(),
        )
        .map_ok(|w| Run {
            workflow_id: w.id().to_owned(),
            run_id: w.run_id().to_owned(),
            running: w.status() == WorkflowExecutionStatus::Running,
        })
        .try_collect()
        .await
        .map_err(|e| ApiError::Unavailable(format!("could not list its workflows: {e}")))
}

/// Tells each running campaign the lead holds a place in that it is done (outcome `canceled`).
/// A campaign that already counted it ignores the repeat.
async fn settle_in_campaigns(state: &AppState, lead_id: Uuid) {
    let campaigns = match callwright_store::erasure::open_campaigns(&state.db, lead_id).await {
        Ok(campaigns) => campaigns,
        Err(err) => {
            // The campaigns' own lead workflows settle them when they stop; this only hurries.
            tracing::warn!(%lead_id, error = %err, "could not read the lead's open campaigns");
            Vec::new()
        }
    };
    for campaign in campaigns {
        let settled = LeadSettled {
            lead_id: lead_id.to_string(),
            outcome: "canceled".to_owned(),
        };
        let sent = state
            .temporal
            .get_workflow_handle::<CampaignWorkflow>(campaign_workflow_id(&campaign.to_string()))
            .signal(
                CampaignWorkflow::lead_settled,
                settled,
                WorkflowSignalOptions::default(),
            )
            .await;
        if let Err(err) = sent {
            // A finished campaign has nothing to count.
            tracing::debug!(%campaign, error = %err, "campaign not signalled");
        }
    }
}

/// Removes the lead's personal data, and that of the trials that played it (their lead rows are
/// copies of it). Everything outside Postgres goes first, so a failure there leaves the request
/// repeatable with nothing half-erased in the projections.
async fn erase(
    state: &AppState,
    key: ApiKeyId,
    lead_id: Uuid,
    runs: &[Run],
    result: &mut Deleted,
) -> Result<(), ApiError> {
    let trials = callwright_store::erasure::trial_copies(&state.db, lead_id).await?;
    let mut people = vec![lead_id];
    people.extend(&trials);
    let mut runs = runs.to_vec();
    for trial in &trials {
        runs.extend(lead_runs(state, *trial).await?);
    }
    let recordings = callwright_store::erasure::recordings(&state.db, lead_id).await?;
    result.deleted_recordings = recordings::delete_at_provider(state, &recordings).await?;
    for run in &runs {
        delete_history(state, run).await?;
        result.deleted_histories += 1;
    }
    let mut tx = state.db.begin().await?;
    result.deleted_transcript_turns = callwright_store::erasure::blank(&mut tx, &people).await?;
    // The erasure and its audit row commit together: no erase without its record.
    audit(
        &mut *tx,
        key,
        "lead.erase",
        lead_id,
        serde_json::json!({
            "trials": trials,
            "stopped_workflows": result.stopped_workflows,
            "deleted_histories": result.deleted_histories,
            "deleted_recordings": result.deleted_recordings,
            "deleted_transcript_turns": result.deleted_transcript_turns,
        }),
    )
    .await?;
    tx.commit().await?;
    result.erased = true;
    Ok(())
}

async fn delete_history(state: &AppState, run: &Run) -> Result<(), ApiError> {
    let request = DeleteWorkflowExecutionRequest {
        namespace: state.config.temporal_namespace.clone(),
        workflow_execution: Some(WorkflowExecution {
            workflow_id: run.workflow_id.clone(),
            run_id: run.run_id.clone(),
        }),
    };
    match state
        .temporal
        .connection()
        .workflow_service()
        .delete_workflow_execution(tonic::Request::new(request))
        .await
    {
        Ok(_) => Ok(()),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(()),
        Err(status) => Err(ApiError::Unavailable(format!(
            "could not delete workflow history {}: {}",
            run.workflow_id,
            status.message()
        ))),
    }
}
