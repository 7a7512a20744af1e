//! `LeadErasureWorkflow`: removes a deleted lead's personal data everywhere it is kept: its
//! recordings at the telephony provider, the Temporal histories of its workflows (which carry
//! its number and every word said), and its projections (name, number, email, transcripts,
//! summaries, answers, meeting attendee fields), the last in one transaction with the audit row.
//!
//! The API marks the lead deleted and stops its calls first, then starts this workflow with id
//! `lead-erasure-{lead id}` and answers 202; `GET /api/leads/{id}/erasure` reads where it stands.
//! Each step is idempotent and retried until it succeeds (a provider or Temporal that is down
//! for a while delays the erasure, it does not lose it); a step that fails for good (a refused
//! credential) fails the workflow, visible and retryable in the Temporal UI and by asking again.
//! Outside calls come first and the projections last, so an erasure that has not finished
//! leaves nothing half-blanked in the projections. The workflow's own history holds ids and
//! provider links, nothing personal, and it carries no `LeadId` search attribute: erasing the
//! lead's workflows does not erase the record of the erasure.

// `#[workflow_methods]` generates undocumented marker types for each handler.
#![allow(missing_docs)]

use crate::options;
use callwright_contracts::ErasureActivities;
use callwright_contracts::activities::BlankLeadInput;
use callwright_contracts::messages::{Erased, ErasureRequest};
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowContextView, WorkflowResult};

/// Erases one lead's personal data.
#[workflow]
pub struct LeadErasureWorkflow {
    request: ErasureRequest,
}

#[workflow_methods]
impl LeadErasureWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, request: ErasureRequest) -> Self {
        Self { request }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<Erased> {
        let request = ctx.state(|s| s.request.clone());
        let plan = ctx
            .execute_activity(
                ErasureActivities::erasure_plan,
                request.lead_id.clone(),
                options::durable(),
            )
            .await?;
        let mut erased = Erased {
            trials: u32::try_from(plan.trials.len()).unwrap_or(u32::MAX),
            ..Erased::default()
        };
        let planned = plan.recordings.clone();
        // A step refused for good (a recording link outside the account, a credential or a
        // permission gone: nothing a retry heals) does not keep the lead's personal data in the
        // projections: the blanking still runs, a refused recording stays due for the next run
        // (`recording_deletions`), and the erasure then fails, naming the first refusal.
        let mut refused = None;
        for url in plan.recordings {
            let deleted = ctx
                .execute_activity(ErasureActivities::delete_recording, url, options::durable())
                .await;
            tally(deleted, &mut erased.deleted_recordings, &mut refused);
        }
        for run in plan.runs {
            let deleted = ctx
                .execute_activity(
                    ErasureActivities::delete_workflow_history,
                    run,
                    options::durable(),
                )
                .await;
            tally(deleted, &mut erased.deleted_histories, &mut refused);
        }
        let blank = BlankLeadInput {
            lead_id: request.lead_id,
            trials: plan.trials,
            api_key_id: request.api_key_id,
            deleted_histories: erased.deleted_histories,
            deleted_recordings: erased.deleted_recordings,
        };
        let blanked = ctx
            .execute_activity(ErasureActivities::blank_lead, blank, options::durable())
            .await?;
        erased.deleted_transcript_turns = blanked.deleted_transcript_turns;
        // Recordings announced between the plan and the blanking: their links are gone from
        // the calls now and due in `recording_deletions` until deleted here (or by a next run).
        let late = blanked
            .recordings_left
            .into_iter()
            .filter(|url| !planned.contains(url));
        for url in late {
            let deleted = ctx
                .execute_activity(ErasureActivities::delete_recording, url, options::durable())
                .await;
            tally(deleted, &mut erased.deleted_recordings, &mut refused);
        }
        match refused {
            Some(err) => Err(err.into()),
            None => Ok(erased),
        }
    }
}

/// Counts a step done, or keeps its refusal (the first one is what the erasure fails with).
fn tally<E>(step: Result<(), E>, done: &mut u32, refused: &mut Option<E>) {
    match step {
        Ok(()) => *done += 1,
        Err(err) => {
            refused.get_or_insert(err);
        }
    }
}
