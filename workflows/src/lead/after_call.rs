//! What the lead workflow does once a call is over: the recording's transcript, the summary,
//! the attempt's record, the booking's calendar event and invite, the release of slots a call
//! reserved but did not book, and the word to the campaign. Same workflow, same history: these
//! are the [`LeadWorkflow`] methods the call's end runs, kept apart from the call itself.

use super::*;

impl LeadWorkflow {
    /// The recording's transcript (speech to text). Like the summary, it never costs the lead:
    /// the activity settles its own status (`skipped` without a provider) and the workflow
    /// goes on whatever happens.
    pub(super) async fn transcribe(ctx: &mut WorkflowContext<Self>) {
        let input = ctx.state(|s| {
            let call_id = s.call.as_ref()?.call_id.clone()?;
            Some(TranscribeInput {
                call_id,
                language: s.lead.language,
            })
        });
        let Some(input) = input else { return };
        if let Err(err) = ctx
            .execute_activity(
                CallActivities::transcribe_recording,
                input,
                options::transcription(),
            )
            .await
        {
            tracing::warn!(error = ?err, "no recording transcript");
        }
    }

    /// The post-call summary. A model that keeps failing costs the summary, never the lead: the
    /// activity retries a few times and the workflow goes on either way.
    pub(super) async fn summarize(ctx: &mut WorkflowContext<Self>) {
        let input = ctx.state(|s| {
            let call_id = s.call.as_ref()?.call_id.clone()?;
            let spoken = s.call.as_ref()?.conversation.as_ref().map(|c| c.language);
            Some(SummarizeInput {
                call_id,
                language: spoken.unwrap_or(s.lead.language),
                agent: s.input.agent.clone(),
            })
        });
        let Some(input) = input else { return };
        let call_id = input.call_id.clone();
        if let Err(err) = ctx
            .execute_activity(CallActivities::summarize_call, input, options::summary())
            .await
        {
            tracing::warn!(error = ?err, "no post-call summary");
            // However the summary failed (a refusal, a timeout, a worker gone on the last try),
            // the CRM's `call_ended` waits for it no longer.
            let _ = ctx
                .execute_activity(CallActivities::settle_summary, call_id, options::durable())
                .await;
        }
    }

    /// Writes the attempt to the projections and to the workflow's own record.
    pub(super) async fn record_attempt(
        ctx: &mut WorkflowContext<Self>,
        outcome: &AttemptOutcome,
        settled: bool,
    ) -> WorkflowResult<()> {
        let ended_at = utc(ctx.workflow_time());
        // The summary runs exactly when the callee spoke (see `run`): the CRM's `call_ended`
        // waits for it then.
        let summary_expected = Self::callee_spoke(ctx);
        let input = ctx.state(|s| {
            let call = s.call.as_ref();
            let turns = call
                .and_then(|c| Some(c.conversation.as_ref()?.turns.get(c.persisted..)?.to_vec()))
                .unwrap_or_default();
            FinishAttemptInput {
                lead_id: s.input.lead_id.clone(),
                campaign_id: s.input.campaign_id.clone(),
                phone: s.lead.phone.as_ref().map(|p| p.as_str().to_owned()),
                attempt: s.attempt,
                call_id: call.and_then(|c| c.call_id.clone()),
                status: call.filter(|c| c.call_id.is_some()).map(|c| c.status),
                answered_by: call.and_then(|c| c.answered_by),
                duration_secs: call.and_then(|c| c.duration_secs),
                outcome: outcome.clone(),
                turns,
                ended_at,
                settled,
                summary_expected,
            }
        });
        ctx.execute_activity(CallActivities::finish_attempt, input, options::durable())
            .await?;
        ctx.state_mut(|s| {
            let call_sid = s.call.as_ref().and_then(|c| c.call_sid.clone());
            if let Some(call) = s.call.as_mut() {
                call.persisted = call.conversation.as_ref().map_or(0, |c| c.turns.len());
            }
            s.attempts.push(AttemptRecord {
                attempt: s.attempt,
                call_sid,
                outcome: outcome.clone(),
                ended_at,
            });
        });
        ctx.upsert_search_attributes([search::OUTCOME.value_set(outcome.code().to_owned())]);
        if settled {
            Self::notify_campaign(ctx, outcome).await;
        }
        Ok(())
    }

    /// Turns the slot reserved on the call into a meeting: calendar event with a video link, then
    /// the invite email. An event that cannot be created for good releases the slot, and the
    /// meeting records why.
    pub(super) async fn complete_booking(
        ctx: &mut WorkflowContext<Self>,
        meeting_id: String,
    ) -> WorkflowResult<()> {
        Self::set_phase(ctx, LeadPhase::Booking);
        let confirmed = ctx
            .execute_activity(
                MeetingActivities::confirm_meeting,
                meeting_id.clone(),
                options::booking(),
            )
            .await;
        match confirmed {
            Ok(meeting) if meeting.status == MeetingStatus::Confirmed => {
                let invite = InviteInput {
                    meeting_id,
                    sequence: 0,
                    method: InviteMethod::Request,
                };
                // A refused address fails only this step (visible in the Temporal UI); the
                // meeting stands on the calendar.
                let _ = ctx
                    .execute_activity(MeetingActivities::send_invite, invite, options::booking())
                    .await;
            }
            // The operator cancelled it before it was confirmed.
            Ok(_) => {}
            Err(err) => {
                let release = ReleaseInput {
                    meeting_id,
                    reason: options::failure_reason(&err),
                };
                ctx.execute_activity(
                    MeetingActivities::release_meeting,
                    release,
                    options::durable(),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// A trial is over: whatever it booked is given back.
    pub(super) async fn release_trial(ctx: &WorkflowContext<Self>) -> WorkflowResult<()> {
        let workflow_id = ctx.state(|s| s.workflow_id.clone());
        ctx.execute_activity(
            MeetingActivities::release_trial_meetings,
            workflow_id,
            options::durable(),
        )
        .await?;
        Ok(())
    }

    /// A call the callee spoke on ended without a booking: give back any slot reserved on it.
    pub(super) async fn release_unbooked(
        ctx: &WorkflowContext<Self>,
        outcome: &AttemptOutcome,
    ) -> WorkflowResult<()> {
        let input = ctx.state(|s| ReleaseUnbookedInput {
            workflow_id: s.workflow_id.clone(),
            reason: format!(
                "the call on attempt {} ended {} before the booking was confirmed to the lead",
                s.attempt,
                outcome.code()
            ),
        });
        ctx.execute_activity(
            MeetingActivities::release_unbooked,
            input,
            options::durable(),
        )
        .await?;
        Ok(())
    }

    /// Writes a stop (no call placed) to the projections, so the lead and its campaign show it.
    pub(super) async fn record_stop(ctx: &WorkflowContext<Self>) -> WorkflowResult<()> {
        let ended_at = utc(ctx.workflow_time());
        let input = ctx.state(|s| FinishAttemptInput {
            lead_id: s.input.lead_id.clone(),
            campaign_id: s.input.campaign_id.clone(),
            phone: s.lead.phone.as_ref().map(|p| p.as_str().to_owned()),
            attempt: s.attempt,
            call_id: None,
            status: None,
            answered_by: None,
            duration_secs: None,
            outcome: AttemptOutcome::Canceled,
            turns: Vec::new(),
            ended_at,
            settled: true,
            summary_expected: false,
        });
        ctx.execute_activity(CallActivities::finish_attempt, input, options::durable())
            .await?;
        ctx.upsert_search_attributes([
            search::OUTCOME.value_set(AttemptOutcome::Canceled.code().to_owned())
        ]);
        Ok(())
    }

    /// Tells the campaign (once) that this lead no longer occupies a slot.
    pub(super) async fn notify_campaign(ctx: &WorkflowContext<Self>, outcome: &AttemptOutcome) {
        let target = ctx.state_mut(|s| {
            if s.campaign_notified {
                return None;
            }
            s.campaign_notified = true;
            s.input.campaign_workflow_id.clone()
        });
        let Some(campaign) = target else { return };
        let settled = LeadSettled {
            lead_id: ctx.state(|s| s.input.lead_id.clone()),
            outcome: outcome.code().to_owned(),
        };
        // A campaign that has already ended has nobody left to tell.
        let _ = ctx
            .external_workflow(campaign, None)
            .signal(
                CampaignWorkflow::lead_settled,
                settled,
                SignalWorkflowOptions::default(),
            )
            .await;
    }
}
