//! `DELETE /api/leads/{id}`: the lead leaves every list and is never dialled again; its calls
//! and meetings stay on record for audit. With `?erase=true` its personal data goes too: the
//! lead's name, number, email, company and notes, the transcripts of its calls, its recordings
//! (deleted at Twilio), the attendee fields of its meetings, and the Temporal histories of its
//! workflows (which carry the number and every word said). What stays: that calls happened,
//! when, how long, their outcome codes and language; and the do-not-call entry, if the number
//! asked never to be called again, because honouring that is the law.
//!
//! The delete itself is done in the request (a row marked, running calls stopped). The erasure
//! reaches the telephony provider and Temporal, which may be slow or down for a while, so it is
//! a workflow of its own (`LeadErasureWorkflow`): the request starts it and answers 202, and
//! `GET /api/leads/{id}/erasure` says where it stands.

use super::lead_actions::audit;
use crate::auth::ApiKeyId;
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::leads::{Deleted, ErasureStarted, ErasureState, ErasureStatus};
use callwright_contracts::ids::campaign_workflow_id;
use callwright_contracts::ids::erasure_workflow_id;
use callwright_contracts::messages::ErasureRequest;
use callwright_contracts::messages::LeadSettled;
use callwright_workflows::{CampaignWorkflow, LeadErasureWorkflow, LeadWorkflow};
use futures::TryStreamExt;
use serde::Deserialize;
use temporalio_client::{
    WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowGetResultOptions,
    WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowListOptions, WorkflowSignalOptions,
    WorkflowStartOptions,
};
use uuid::Uuid;

/// Options of `DELETE /api/leads/{id}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Also remove the lead's personal data (see the operation's description).
    #[serde(default)]
    erase: bool,
}

/// One run of one of the lead's workflows, from Temporal visibility.
#[derive(Clone)]
struct Run {
    workflow_id: String,
    running: bool,
}

/// Deletes a lead: stops its running workflows (a call in progress ends after the current
/// turn), takes it out of lists and campaigns, and frees its number for a new lead. Calls and
/// meetings stay for audit. `erase=true` also starts the erasure of its personal data (name,
/// number, email, company, notes, transcripts, recordings (at Twilio too), meeting attendee
/// fields and the Temporal histories of its workflows; a do-not-call entry for the number
/// stays) and answers 202: follow it at `GET /api/leads/{id}/erasure` (the `Location`
/// header). Repeating a delete is harmless, an erase may follow a plain delete, and asking
/// for an erasure while one runs returns that one.
#[utoipa::path(
    delete,
    path = "/api/leads/{id}",
    operation_id = "deleteLead",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id"), DeleteQuery),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 202, description = "Deleted, and its erasure started (`Location`: where to follow it)", body = Deleted,
            headers(("Location" = String, description = "`/api/leads/{id}/erasure`"))),
        (status = 400, description = "Not a lead id", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
        (status = 503, description = "Temporal unreachable: the lead is marked deleted, but its calls may not be stopped nor its erasure started; try again", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyId>,
    Path(id): Path<String>,
    FieldQuery(q): FieldQuery<DeleteQuery>,
) -> Result<Response, ApiError> {
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
    let erasure = if q.erase {
        Some(start_erasure(&state, Some(key), lead_id).await?)
    } else {
        None
    };
    tracing::info!(%lead_id, erase = q.erase, "lead deleted");
    let status_url = erasure.as_ref().map(|e| e.status_url.clone());
    let body = Json(Deleted {
        id: lead_id,
        deleted_at,
        stopped_workflows: stopped,
        erasure,
    });
    Ok(match status_url {
        Some(url) => (StatusCode::ACCEPTED, [(header::LOCATION, url)], body).into_response(),
        None => body.into_response(),
    })
}

/// Starts the lead's erasure, or finds the one already running. `key` is the operator's who
/// asked; none when the product asks itself (a recording announced after an erasure).
pub(crate) async fn start_erasure(
    state: &AppState,
    key: Option<ApiKeyId>,
    lead_id: Uuid,
) -> Result<ErasureStarted, ApiError> {
    let workflow_id = erasure_workflow_id(&lead_id.to_string());
    let request = ErasureRequest {
        lead_id: lead_id.to_string(),
        api_key_id: key.map(|k| k.0.to_string()),
    };
    // An operator's second erase while one runs joins it; one after it finished runs again
    // (harmless: every step finds its work done). The product's own (a recording announced
    // after the lead was blanked) replaces a running erasure instead: that run may be past the
    // point where it reads the recordings, and its replacement starts over, every step being
    // idempotent, so the new recording is deleted too.
    let conflict = if key.is_some() {
        WorkflowIdConflictPolicy::UseExisting
    } else {
        WorkflowIdConflictPolicy::TerminateExisting
    };
    let options = WorkflowStartOptions::new(state.config.task_queue.clone(), workflow_id.clone())
        .id_conflict_policy(conflict)
        .id_reuse_policy(WorkflowIdReusePolicy::AllowDuplicate)
        .build();
    state
        .temporal
        .start_workflow(LeadErasureWorkflow::run, request, options)
        .await
        .map_err(|e| ApiError::Unavailable(format!("could not start the erasure: {e}")))?;
    Ok(ErasureStarted {
        workflow_id,
        status_url: format!("/api/leads/{lead_id}/erasure"),
    })
}

/// Where the lead's latest erasure stands.
#[utoipa::path(
    get,
    path = "/api/leads/{id}/erasure",
    operation_id = "getLeadErasure",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id")),
    responses(
        (status = 200, description = "The erasure", body = ErasureStatus),
        (status = 400, description = "Not a lead id", body = ErrorBody),
        (status = 404, description = "No erasure of this lead was asked for", body = ErrorBody),
        (status = 503, description = "Temporal unreachable", body = ErrorBody),
    )
)]
pub async fn erasure(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ErasureStatus>, ApiError> {
    let lead_id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a lead id")))?;
    let workflow_id = erasure_workflow_id(&lead_id.to_string());
    let handle = state
        .temporal
        .get_workflow_handle::<LeadErasureWorkflow>(workflow_id.clone());
    let described = match handle.describe(WorkflowDescribeOptions::default()).await {
        Ok(d) => d,
        Err(temporalio_client::errors::WorkflowInteractionError::NotFound(_)) => {
            // Temporal keeps a finished erasure for its retention period only; the lead row
            // keeps that it was erased.
            return match callwright_store::erasure::erased_at(&state.db, lead_id).await? {
                Some(Some(_)) => Ok(Json(ErasureStatus {
                    lead_id,
                    workflow_id,
                    status: ErasureState::Completed,
                    erased: None,
                    error: None,
                })),
                _ => Err(ApiError::NotFound(format!(
                    "no erasure of lead {lead_id} was asked for"
                ))),
            };
        }
        Err(e) => return Err(ApiError::Unavailable(format!("temporal: {e}"))),
    };
    let mut status = ErasureStatus {
        lead_id,
        workflow_id,
        status: ErasureState::Running,
        erased: None,
        error: None,
    };
    match described.status() {
        WorkflowExecutionStatus::Running => {
            // A step being retried says why (a provider or Temporal refusing for now).
            status.error = described.raw().pending_activities.iter().find_map(|a| {
                let failure = a.last_failure.as_ref()?;
                let name = a
                    .activity_type
                    .as_ref()
                    .map_or("a step", |t| t.name.as_str());
                Some(format!(
                    "{name} failed on attempt {} and is retried: {}",
                    a.attempt.saturating_sub(1),
                    failure.message
                ))
            });
        }
        WorkflowExecutionStatus::Completed => {
            let erased = handle
                .get_result(WorkflowGetResultOptions::default())
                .await
                .map_err(|e| ApiError::Unavailable(format!("temporal: {e}")))?;
            status.status = ErasureState::Completed;
            status.erased = Some(erased);
        }
        other => {
            status.status = ErasureState::Failed;
            status.error = Some(
                match handle.get_result(WorkflowGetResultOptions::default()).await {
                    // The failure and its causes, outermost first: "activity task failed:
                    // <what the provider or Temporal refused>".
                    Err(temporalio_client::errors::WorkflowGetResultError::Failed(error)) => {
                        let mut messages = Vec::new();
                        let mut failure = Some(error.failure());
                        while let Some(f) = failure {
                            if !f.message.is_empty() {
                                messages.push(f.message.clone());
                            }
                            failure = f.cause.as_deref();
                        }
                        messages.join(": ")
                    }
                    Err(e) => e.to_string(),
                    Ok(_) => format!("{other:?}"),
                },
            );
        }
    }
    Ok(Json(status))
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
