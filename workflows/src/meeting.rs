//! `MeetingChangeWorkflow`: one change to a booked meeting (moved or cancelled by an operator),
//! carried to the calendar, the video provider and the attendee's inbox.
//!
//! The API records the change in Postgres first (a move takes the new range under the same
//! exclusion constraint as a booking, so it cannot double-book) and bumps the meeting's
//! SEQUENCE; this workflow, with id `meeting-{id}-rev-{sequence}`, then applies it. Each step is
//! idempotent and retried, and the whole change is visible, retryable and resettable in the
//! Temporal UI.

// `#[workflow_methods]` generates undocumented marker types for each handler.
#![allow(missing_docs)]

use crate::options;
use callwright_contracts::MeetingActivities;
use callwright_contracts::activities::{InviteInput, InviteSent};
use callwright_contracts::messages::MeetingChange;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::{WorkflowContext, WorkflowContextView, WorkflowResult};

/// Applies one meeting change.
#[workflow]
pub struct MeetingChangeWorkflow {
    change: MeetingChange,
}

#[workflow_methods]
impl MeetingChangeWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, change: MeetingChange) -> Self {
        Self { change }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<InviteSent> {
        let change = ctx.state(|s| s.change.clone());
        ctx.execute_activity(
            MeetingActivities::apply_meeting_change,
            change.meeting_id.clone(),
            options::booking(),
        )
        .await?;
        let invite = InviteInput {
            meeting_id: change.meeting_id,
            sequence: change.sequence,
            method: change.method,
        };
        Ok(ctx
            .execute_activity(MeetingActivities::send_invite, invite, options::booking())
            .await?)
    }
}
