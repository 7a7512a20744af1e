//! The erasure activities: what an erasure removes, and removing it at the telephony provider,
//! in Temporal and in the projections. Each is idempotent: a retry after a crash finds the
//! recording or the history gone, or the row already blanked, and does nothing more.
// `#[activities]` generates undocumented marker constants for each activity.
#![allow(missing_docs)]

use crate::failure::{IntoActivity as _, db_error};
use callwright_contracts::activities::{BlankLeadInput, BlankedLead, ErasurePlan, WorkflowRun};
use callwright_providers::ProviderError;
use callwright_providers::telephony::Telephony;
use callwright_store::Store;
use futures::TryStreamExt;
use std::sync::Arc;
use temporalio_client::tonic;
use temporalio_client::{Client, WorkflowListOptions};
use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::workflowservice::v1::DeleteWorkflowExecutionRequest;
use temporalio_macros::activities;
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use uuid::Uuid;

/// The erasure activities.
pub struct ErasureActivities {
    telephony: Arc<dyn Telephony>,
    temporal: Client,
    namespace: String,
    store: Store,
}

/// A malformed id in an erasure's input will not heal on a retry.
fn bad_id(what: &str, id: &str) -> ActivityError {
    ActivityError::application(
        ApplicationFailure::builder(format!("'{id}' is not a {what} id"))
            .type_name("BadId".to_owned())
            .non_retryable(true)
            .build(),
    )
}

/// Temporal unreachable or busy: retried (the server may be restarting).
fn temporal_error(what: &str, err: impl std::fmt::Display) -> ActivityError {
    ProviderError::failed("temporal", format!("{what}: {err}"), true).into_activity()
}

/// A refusal no retry heals (the namespace forbids deleting histories, a bad credential): the
/// erasure fails, visibly, instead of retrying forever.
fn refused(code: tonic::Code) -> bool {
    matches!(
        code,
        tonic::Code::PermissionDenied
            | tonic::Code::Unauthenticated
            | tonic::Code::InvalidArgument
            | tonic::Code::Unimplemented
    )
}

fn uuid(what: &str, id: &str) -> Result<Uuid, ActivityError> {
    Uuid::parse_str(id).map_err(|_| bad_id(what, id))
}

impl ErasureActivities {
    /// Wires the telephony provider, the Temporal client (histories are listed and deleted in
    /// `namespace`) and the store.
    pub fn new(
        telephony: Arc<dyn Telephony>,
        temporal: Client,
        namespace: String,
        store: Store,
    ) -> Self {
        Self {
            telephony,
            temporal,
            namespace,
            store,
        }
    }

    /// Every run of a lead's workflows, by the `LeadId` search attribute each one carries.
    async fn runs_of(&self, lead_id: Uuid) -> Result<Vec<WorkflowRun>, ActivityError> {
        self.temporal
            .list_workflows(
                format!("LeadId = '{lead_id}'"),
                WorkflowListOptions::default(),
            )
            .map_ok(|w| WorkflowRun {
                workflow_id: w.id().to_owned(),
                run_id: w.run_id().to_owned(),
            })
            .try_collect()
            .await
            .map_err(|e| temporal_error("listing the lead's workflows", e))
    }
}

#[activities]
impl ErasureActivities {
    /// The trial copies of the lead, the runs of its and their workflows, and its recordings.
    #[activity(definition = callwright_contracts::definitions::markers::erasure::ErasurePlan)]
    pub async fn erasure_plan(
        self: Arc<Self>,
        _ctx: ActivityContext,
        lead_id: String,
    ) -> Result<ErasurePlan, ActivityError> {
        let lead = uuid("lead", &lead_id)?;
        let pool = self.store.pool();
        let trials = callwright_store::erasure::trial_copies(pool, lead)
            .await
            .map_err(db_error)?;
        let mut runs = self.runs_of(lead).await?;
        for trial in &trials {
            runs.extend(self.runs_of(*trial).await?);
        }
        let recordings = callwright_store::erasure::recordings(pool, lead)
            .await
            .map_err(db_error)?;
        Ok(ErasurePlan {
            trials: trials.iter().map(Uuid::to_string).collect(),
            runs,
            recordings,
        })
    }

    /// Deletes a recording at the provider, and notes it deleted (a retry after a lost note
    /// deletes again: the provider answers 404, which counts as deleted).
    #[activity(definition = callwright_contracts::definitions::markers::erasure::DeleteRecording)]
    pub async fn delete_recording(
        self: Arc<Self>,
        _ctx: ActivityContext,
        recording_url: String,
    ) -> Result<(), ActivityError> {
        self.telephony
            .delete_recording(&recording_url)
            .await
            .map_err(ProviderError::into_activity)?;
        callwright_store::erasure::recording_deleted(self.store.pool(), &recording_url)
            .await
            .map_err(db_error)
    }

    /// Deletes a run's history; Temporal removes it in the background (and terminates the run
    /// if it has not finished stopping).
    #[activity(definition = callwright_contracts::definitions::markers::erasure::DeleteWorkflowHistory)]
    pub async fn delete_workflow_history(
        self: Arc<Self>,
        _ctx: ActivityContext,
        run: WorkflowRun,
    ) -> Result<(), ActivityError> {
        let request = DeleteWorkflowExecutionRequest {
            namespace: self.namespace.clone(),
            workflow_execution: Some(WorkflowExecution {
                workflow_id: run.workflow_id.clone(),
                run_id: run.run_id.clone(),
            }),
        };
        match self
            .temporal
            .connection()
            .workflow_service()
            .delete_workflow_execution(tonic::Request::new(request))
            .await
        {
            Ok(_) => Ok(()),
            Err(status) if status.code() == tonic::Code::NotFound => Ok(()),
            Err(status) => {
                let what = format!("deleting the history of {}", run.workflow_id);
                Err(ProviderError::failed(
                    "temporal",
                    format!("{what}: {}", status.message()),
                    !refused(status.code()),
                )
                .into_activity())
            }
        }
    }

    /// Blanks the lead's and its trial copies' personal data, and writes the audit row, in one
    /// transaction: no erase without its record, and no record without the erase. The audit row
    /// carries the erasure's run id: a retry after a commit whose answer was lost finds it and
    /// returns what that commit did, instead of blanking and auditing a second time.
    #[activity(definition = callwright_contracts::definitions::markers::erasure::BlankLead)]
    pub async fn blank_lead(
        self: Arc<Self>,
        ctx: ActivityContext,
        input: BlankLeadInput,
    ) -> Result<BlankedLead, ActivityError> {
        let lead = uuid("lead", &input.lead_id)?;
        let key = input
            .api_key_id
            .as_deref()
            .map(|k| uuid("API key", k))
            .transpose()?;
        // The run id keys the audit row that makes a retry idempotent: without one, refuse
        // rather than share a key with every other erasure.
        let run = ctx.info().workflow_run_id.clone().ok_or_else(|| {
            ProviderError::failed("temporal", "blank_lead ran outside a workflow run", false)
                .into_activity()
        })?;
        let mut people = vec![lead];
        for trial in &input.trials {
            people.push(uuid("lead", trial)?);
        }
        let mut tx = self.store.pool().begin().await.map_err(db_error)?;
        // The lead's row lock orders concurrent tries; the audit row says whether one committed.
        callwright_store::erasure::lock(&mut tx, lead)
            .await
            .map_err(db_error)?;
        if let Some(done) = callwright_store::erasure::erasure_audited(&mut tx, lead, &run)
            .await
            .map_err(db_error)?
        {
            // The audit detail holds the result's fields under the same names.
            return serde_json::from_value(done).map_err(|e| {
                ProviderError::failed(
                    "store",
                    format!("lead {lead}'s erasure audit row: {e}"),
                    false,
                )
                .into_activity()
            });
        }
        let blanked = callwright_store::erasure::blank(&mut tx, &people)
            .await
            .map_err(db_error)?;
        let detail = serde_json::json!({
            "erasure_run": run,
            "trials": input.trials,
            "deleted_histories": input.deleted_histories,
            "deleted_recordings": input.deleted_recordings,
            "deleted_transcript_turns": blanked.turns,
            "recordings_left": blanked.recordings,
            "asked_by": if key.is_some() { "operator" } else { "late recording" },
        });
        callwright_store::leads::audit(&mut *tx, key, "lead.erase", lead, detail)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(BlankedLead {
            deleted_transcript_turns: blanked.turns,
            recordings_left: blanked.recordings,
        })
    }
}
