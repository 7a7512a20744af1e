//! Operator actions on a lead's work: `POST /api/leads/{id}/retry` starts a fresh run of the
//! lead's workflow (in its latest campaign, with that campaign's rules) once the previous run
//! has ended, however it ended; `POST /api/leads/{id}/reset` resumes a broken run from its last
//! good point (a Temporal reset) once the cause is fixed. Every action is written to
//! `audit_log` with the API key that asked for it.

use crate::auth::ApiKeyId;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::StatusCode;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::leads::{Reset, Retried};
use callwright_contracts::ids::{campaign_workflow_id, lead_workflow_id};
use callwright_contracts::messages::{CampaignSettings, Channel, LeadInput};
use callwright_store::Store;
use callwright_workflows::{LeadWorkflow, search};
use futures::TryStreamExt;
use temporalio_client::tonic;
use temporalio_client::{
    WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowFetchHistoryOptions,
    WorkflowStartOptions,
};
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::enums::v1::{EventType, ResetReapplyExcludeType};
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;
use temporalio_common::protos::temporal::api::workflowservice::v1::ResetWorkflowExecutionRequest;
use uuid::Uuid;

/// A lead's place in its latest campaign, and the id of its workflow there.
struct LatestRun {
    lead_id: Uuid,
    campaign_id: Uuid,
    seq: i32,
    settings: serde_json::Value,
    workflow_id: String,
}

/// The lead `id` (404 if it does not exist or was deleted) in its latest campaign (409 if it
/// never was in one).
async fn latest_run(state: &AppState, id: &str) -> Result<LatestRun, ApiError> {
    let lead_id = Uuid::parse_str(id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a lead id")))?;
    let exists = callwright_store::leads::exists(&state.db, lead_id).await?;
    if !exists {
        return Err(ApiError::NotFound(format!("no lead {lead_id}")));
    }
    let latest = callwright_store::leads::latest_run(&state.db, lead_id).await?;
    let Some(callwright_store::leads::LatestRun {
        campaign_id,
        seq,
        settings,
    }) = latest
    else {
        return Err(ApiError::Conflict {
            message: "the lead was never in a campaign: start one with it".into(),
            existing_id: None,
        });
    };
    Ok(LatestRun {
        lead_id,
        campaign_id,
        seq,
        settings,
        workflow_id: lead_workflow_id(&campaign_id.to_string(), &lead_id.to_string()),
    })
}

/// Writes an operator action to `audit_log`, on the connection or in the transaction the
/// action itself is written in, so an action never commits without its audit row.
pub(super) async fn audit(
    db: impl sqlx::PgExecutor<'_>,
    key: ApiKeyId,
    action: &str,
    lead_id: Uuid,
    detail: serde_json::Value,
) -> Result<(), ApiError> {
    callwright_store::leads::audit(db, Some(key.0), action, lead_id, detail).await?;
    Ok(())
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
    let LatestRun {
        lead_id,
        campaign_id,
        seq,
        settings,
        workflow_id,
    } = latest_run(&state, &id).await?;
    let campaign = campaign_id.to_string();
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
    // The same version as before: the plan's pick for the lead.
    let next = Store::new(state.db.clone())
        .campaign_leads(&campaign, seq - 1, 1, &settings.agent)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("no lead {lead_id} in campaign {campaign}")))?;
    let attributes =
        search::lead_attributes(Some(&campaign), &next.lead_id, next.language, &next.agent);
    // Attempt numbers continue after the earlier runs' calls: (workflow id, attempt) names one
    // call, and the dial activity would otherwise find the old call and not dial.
    let prior = callwright_store::leads::max_attempt(&state.db, &workflow_id).await?;
    let input = LeadInput {
        lead_id: next.lead_id,
        // Read by the workflow itself: the profile is in its history only (see `LeadInput`).
        lead: None,
        campaign_id: Some(campaign.clone()),
        // The campaign already counted this lead; a late signal to it would be ignored anyway.
        campaign_workflow_id: Some(campaign_workflow_id(&campaign)),
        settings: settings.call,
        dial_task_queue: settings.dial_task_queue,
        prior_attempts: prior.and_then(|p| u32::try_from(p).ok()).unwrap_or(0),
        agent: next.agent,
        channel: Channel::Phone,
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
    audit(
        &state.db,
        key,
        "lead.retry",
        lead_id,
        serde_json::json!({"workflow_id": workflow_id, "run_id": run_id}),
    )
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

/// Resets the lead's workflow (its latest run in its latest campaign) to the last good point,
/// after the cause of a failure was fixed: the workflow task that started the step that broke
/// it (the activity whose failure failed the run, or the last task if the run failed on its
/// own), or, for a run that was terminated, cancelled, timed out or is stuck failing its
/// workflow tasks, its last completed task. Signals received after that point are applied
/// again; call turns are not (that call is over). The Temporal UI shows the reset.
#[utoipa::path(
    post,
    path = "/api/leads/{id}/reset",
    operation_id = "resetLead",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Lead id")),
    responses(
        (status = 202, description = "Reset: a new run resumes from the reset point", body = Reset),
        (status = 400, description = "Not a lead id", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
        (status = 409, description = "Never in a campaign, never started, or it completed normally (use retry to call again)", body = ErrorBody),
        (status = 503, description = "Temporal unreachable", body = ErrorBody),
    )
)]
pub async fn reset(
    State(state): State<AppState>,
    Extension(key): Extension<ApiKeyId>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Reset>), ApiError> {
    let LatestRun {
        lead_id,
        workflow_id,
        ..
    } = latest_run(&state, &id).await?;
    let handle = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.clone());
    let described = handle
        .describe(WorkflowDescribeOptions::default())
        .await
        .map_err(|e| ApiError::Conflict {
            message: format!("workflow {workflow_id} has no run to reset ({e})"),
            existing_id: None,
        })?;
    if described.status() == WorkflowExecutionStatus::Completed {
        return Err(ApiError::Conflict {
            message: format!(
                "workflow {workflow_id} completed normally: nothing to resume (POST /api/leads/{lead_id}/retry calls again)"
            ),
            existing_id: None,
        });
    }
    let from_run_id = described.run_id().to_owned();
    let events: Vec<HistoryEvent> = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.clone())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .try_collect()
        .await
        .map_err(|e| ApiError::Unavailable(format!("could not read its history: {e}")))?;
    let point = reset_point(&events).ok_or_else(|| ApiError::Conflict {
        message: format!(
            "workflow {workflow_id} never completed a workflow task: nothing to reset to"
        ),
        existing_id: None,
    })?;
    let request = ResetWorkflowExecutionRequest {
        namespace: state.config.temporal_namespace.clone(),
        workflow_execution: Some(WorkflowExecution {
            workflow_id: workflow_id.clone(),
            run_id: from_run_id.clone(),
        }),
        reason: format!("POST /api/leads/{lead_id}/reset"),
        workflow_task_finish_event_id: point,
        request_id: Uuid::new_v4().to_string(),
        reset_reapply_exclude_types: vec![ResetReapplyExcludeType::Update as i32],
        ..Default::default()
    };
    let run_id = state
        .temporal
        .connection()
        .workflow_service()
        .reset_workflow_execution(tonic::Request::new(request))
        .await
        .map_err(|e| ApiError::Unavailable(format!("reset refused: {}", e.message())))?
        .into_inner()
        .run_id;
    audit(
        &state.db,
        key,
        "lead.reset",
        lead_id,
        serde_json::json!({"workflow_id": workflow_id, "from_run_id": from_run_id, "run_id": run_id, "reset_to_event_id": point}),
    )
    .await?;
    tracing::info!(%lead_id, %workflow_id, %run_id, point, "lead reset");
    Ok((
        StatusCode::ACCEPTED,
        Json(Reset {
            workflow_id,
            from_run_id,
            run_id,
            reset_to_event_id: point,
        }),
    ))
}

/// The `WorkflowTaskCompleted` event a run should be reset to (see [`reset`]): for a failed run,
/// the task that scheduled the activity whose failure the failing task saw, else the failing
/// task itself; for any other run, its last completed task. `None` if no task ever completed.
fn reset_point(events: &[HistoryEvent]) -> Option<i64> {
    let completed_before = |id: i64| {
        events
            .iter()
            .rev()
            .find(|e| e.event_id < id && e.event_type == EventType::WorkflowTaskCompleted as i32)
            .map(|e| e.event_id)
    };
    let last = completed_before(i64::MAX)?;
    let failing_task = events.iter().rev().find_map(|e| match &e.attributes {
        Some(Attributes::WorkflowExecutionFailedEventAttributes(f)) => {
            Some(f.workflow_task_completed_event_id)
        }
        _ => None,
    });
    let Some(failing_task) = failing_task else {
        return Some(last);
    };
    // What the failing task was handed: the events since the task before it.
    let since = completed_before(failing_task).unwrap_or(0);
    let scheduled_by = |scheduled: i64| {
        events.iter().find_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskScheduledEventAttributes(a))
                if e.event_id == scheduled =>
            {
                Some(a.workflow_task_completed_event_id)
            }
            _ => None,
        })
    };
    events
        .iter()
        .filter(|e| e.event_id > since && e.event_id < failing_task)
        .rev()
        .find_map(|e| match &e.attributes {
            Some(Attributes::ActivityTaskFailedEventAttributes(a)) => {
                scheduled_by(a.scheduled_event_id)
            }
            Some(Attributes::ActivityTaskTimedOutEventAttributes(a)) => {
                scheduled_by(a.scheduled_event_id)
            }
            _ => None,
        })
        .or(Some(failing_task))
}

#[cfg(test)]
mod tests {
    use super::*;
    use temporalio_common::protos::temporal::api::history::v1::{
        ActivityTaskFailedEventAttributes, ActivityTaskScheduledEventAttributes,
        WorkflowExecutionFailedEventAttributes,
    };

    fn event(id: i64, kind: EventType, attributes: Option<Attributes>) -> HistoryEvent {
        HistoryEvent {
            event_id: id,
            event_type: kind as i32,
            attributes,
            ..Default::default()
        }
    }

    fn task(first: i64) -> Vec<HistoryEvent> {
        vec![
            event(first, EventType::WorkflowTaskScheduled, None),
            event(first + 1, EventType::WorkflowTaskStarted, None),
            event(first + 2, EventType::WorkflowTaskCompleted, None),
        ]
    }

    fn start() -> Vec<HistoryEvent> {
        let mut h = vec![event(1, EventType::WorkflowExecutionStarted, None)];
        h.extend(task(2)); // completed at 4
        h
    }

    #[test]
    fn a_run_failed_by_an_activity_resumes_where_that_activity_was_scheduled() {
        let mut h = start();
        h.extend(task(5)); // completed at 7, schedules the activity
        h.push(event(
            8,
            EventType::ActivityTaskScheduled,
            Some(Attributes::ActivityTaskScheduledEventAttributes(
                ActivityTaskScheduledEventAttributes {
                    workflow_task_completed_event_id: 7,
                    ..Default::default()
                },
            )),
        ));
        h.push(event(9, EventType::ActivityTaskStarted, None));
        h.push(event(
            10,
            EventType::ActivityTaskFailed,
            Some(Attributes::ActivityTaskFailedEventAttributes(
                ActivityTaskFailedEventAttributes {
                    scheduled_event_id: 8,
                    ..Default::default()
                },
            )),
        ));
        h.extend(task(11)); // completed at 13, fails the run
        h.push(event(
            14,
            EventType::WorkflowExecutionFailed,
            Some(Attributes::WorkflowExecutionFailedEventAttributes(
                WorkflowExecutionFailedEventAttributes {
                    workflow_task_completed_event_id: 13,
                    ..Default::default()
                },
            )),
        ));
        assert_eq!(reset_point(&h), Some(7));
    }

    #[test]
    fn a_run_that_failed_on_its_own_reruns_its_failing_task() {
        let mut h = start();
        h.extend(task(5));
        h.push(event(
            8,
            EventType::WorkflowExecutionFailed,
            Some(Attributes::WorkflowExecutionFailedEventAttributes(
                WorkflowExecutionFailedEventAttributes {
                    workflow_task_completed_event_id: 7,
                    ..Default::default()
                },
            )),
        ));
        assert_eq!(reset_point(&h), Some(7));
    }

    #[test]
    fn terminated_or_stuck_runs_resume_after_their_last_completed_task() {
        let mut h = start();
        h.extend(task(5));
        h.push(event(8, EventType::WorkflowExecutionTerminated, None));
        assert_eq!(reset_point(&h), Some(7));
        let mut stuck = start();
        stuck.push(event(5, EventType::WorkflowTaskScheduled, None));
        stuck.push(event(6, EventType::WorkflowTaskStarted, None));
        stuck.push(event(7, EventType::WorkflowTaskFailed, None));
        assert_eq!(reset_point(&stuck), Some(4));
        assert_eq!(
            reset_point(&[event(1, EventType::WorkflowExecutionStarted, None)]),
            None
        );
    }
}
