//! The erasure activities: what an erasure removes, and removing it at the telephony provider,
//! in Temporal and in the projections. Each is idempotent: a retry after a crash finds the
//! recording or the history gone, or the row already blanked, and does nothing more.
// `#[activities]` generates undocumented marker constants for each activity.
#![allow(missing_docs)]

use crate::failure::{IntoActivity as _, db_error};
use callwright_contracts::activities::{BlankLeadInput, ErasurePlan, WorkflowRun};
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

/// Temporal unreachable or refusing: retried (the server may be restarting).
fn temporal_error(what: &str, err: impl std::fmt::Display) -> ActivityError {
    ProviderError::failed("temporal", format!("{what}: {err}"), true).into_activity()
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

    /// Deletes a recording at the provider.
    #[activity(definition = callwright_contracts::definitions::markers::erasure::DeleteRecording)]
    pub async fn delete_recording(
        self: Arc<Self>,
        _ctx: ActivityContext,
        recording_url: String,
    ) -> Result<(), ActivityError> {
        self.telephony
            .delete_recording(&recording_url)
            .await
            .map_err(ProviderError::into_activity)
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
            Err(status) => Err(temporal_error(
                &format!("deleting the history of {}", run.workflow_id),
                status.message(),
            )),
        }
    }

    /// Blanks the lead's and its trial copies' personal data, and writes the audit row, in one
    /// transaction: no erase without its record, and no record without the erase.
    #[activity(definition = callwright_contracts::definitions::markers::erasure::BlankLead)]
    pub async fn blank_lead(
        self: Arc<Self>,
        _ctx: ActivityContext,
        input: BlankLeadInput,
    ) -> Result<u64, ActivityError> {
        let lead = uuid("lead", &input.lead_id)?;
        let key = uuid("API key", &input.api_key_id)?;
        let mut people = vec![lead];
        for trial in &input.trials {
            people.push(uuid("lead", trial)?);
        }
        let mut tx = self.store.pool().begin().await.map_err(db_error)?;
        let turns = callwright_store::erasure::blank(&mut tx, &people)
            .await
            .map_err(db_error)?;
        let detail = serde_json::json!({
            "trials": input.trials,
            "deleted_histories": input.deleted_histories,
            "deleted_recordings": input.deleted_recordings,
            "deleted_transcript_turns": turns,
        });
        callwright_store::leads::audit(&mut *tx, key, "lead.erase", lead, detail)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(turns)
    }
}
