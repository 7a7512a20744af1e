//! `CampaignWorkflow`: starts a campaign's lead workflows in order under a concurrency cap.
//!
//! Leads are read from Postgres a page at a time (a campaign may hold 100,000 leads; its input
//! must stay small). Each lead signals `lead_settled` once it is done or parked until a
//! callback, which frees its slot. The run continues as new every `starts_per_run` starts, carrying
//! its counters, so the history stays bounded.

// `#[workflow_methods]` generates undocumented marker types for each handler.
#![allow(missing_docs)]

use crate::lead::LeadWorkflow;
use crate::{options, search};
use callwright_contracts::CallActivities;
use callwright_contracts::activities::{CampaignLead, LeadPageInput};
use callwright_contracts::ids::{campaign_workflow_id, lead_workflow_id};
use callwright_contracts::messages::{
    CampaignCarry, CampaignInput, CampaignProgress, CampaignStatus, Channel, LeadInput, LeadSettled,
};
use std::collections::VecDeque;
use temporalio_macros::{workflow, workflow_methods};
use temporalio_sdk::workflows::join_all;
use temporalio_sdk::{
    ChildWorkflowOptions, ChildWorkflowStartError, ContinueAsNewOptions, ParentClosePolicy,
    SignalWorkflowOptions, StartChildWorkflowExecutionFailedCause, SyncWorkflowContext,
    WorkflowContext, WorkflowContextView, WorkflowResult,
};

/// Leads fetched per page.
const PAGE_SIZE: i32 = 100;

/// Most lead workflows started together (one workflow task, one round of server calls; one
/// child at a time held a campaign to some 1.2 leads a second on a loaded machine).
const START_BATCH: usize = 50;

/// Paces one campaign.
#[workflow]
pub struct CampaignWorkflow {
    input: CampaignInput,
    page: VecDeque<CampaignLead>,
    exhausted: bool,
    starts_this_run: u32,
}

#[workflow_methods]
impl CampaignWorkflow {
    #[init]
    pub fn new(_ctx: &WorkflowContextView, input: CampaignInput) -> Self {
        Self {
            input,
            page: VecDeque::new(),
            exhausted: false,
            starts_this_run: 0,
        }
    }

    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<CampaignProgress> {
        let mut stop_sent = false;
        loop {
            if ctx.state(|s| s.input.carried.cancelled) && !stop_sent {
                Self::stop_leads(ctx).await;
                stop_sent = true;
            }
            if ctx.state(|s| s.page.is_empty() && !s.exhausted && !s.input.carried.cancelled) {
                let request = ctx.state(|s| LeadPageInput {
                    campaign_id: s.input.campaign_id.clone(),
                    after_seq: s.input.carried.cursor,
                    limit: PAGE_SIZE,
                    plan: s.input.settings.agent.clone(),
                });
                let leads = ctx
                    .execute_activity(CallActivities::campaign_leads, request, options::durable())
                    .await?;
                ctx.state_mut(|s| {
                    s.exhausted = leads.is_empty();
                    s.page.extend(leads);
                });
            }
            if ctx.state(|s| s.finished()) {
                break;
            }
            ctx.wait_condition(|s: &Self| {
                s.finished() || s.can_start() || (s.input.carried.cancelled && !stop_sent)
            })
            .await?;
            if ctx.state(Self::can_start) {
                Self::start_batch(ctx, START_BATCH).await;
            }
            if ctx.state(|s| s.starts_this_run >= s.input.settings.starts_per_run.max(1))
                || ctx.continue_as_new_suggested()
            {
                let carried = ctx.state(|s| s.input.clone());
                ctx.continue_as_new(carried, ContinueAsNewOptions::default())?;
            }
        }
        Ok(ctx.state(|s| s.snapshot()))
    }

    /// Stop starting new leads.
    #[signal]
    pub fn pause(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.input.carried.paused = true;
    }

    /// Start leads again.
    #[signal]
    pub fn resume(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.input.carried.paused = false;
    }

    /// Start no more leads and ask the ones in flight to stop after their current call.
    #[signal]
    pub fn cancel(&mut self, _ctx: &mut SyncWorkflowContext<Self>) {
        self.input.carried.cancelled = true;
    }

    /// A lead is done (or parked until a callback): its slot is free.
    #[signal]
    pub fn lead_settled(&mut self, _ctx: &mut SyncWorkflowContext<Self>, settled: LeadSettled) {
        let carried = &mut self.input.carried;
        if !carried.in_flight.remove(&settled.lead_id)
            && !carried.settled_early.insert(settled.lead_id.clone())
        {
            return; // already counted
        }
        *carried.outcomes.entry(settled.outcome).or_default() += 1;
    }

    /// Counters and status.
    #[query]
    pub fn progress(&self, _ctx: &WorkflowContextView) -> CampaignProgress {
        self.snapshot()
    }
}

impl CampaignWorkflow {
    fn carried(&self) -> &CampaignCarry {
        &self.input.carried
    }

    fn can_start(&self) -> bool {
        let c = self.carried();
        !c.paused
            && !c.cancelled
            && !self.page.is_empty()
            && c.in_flight.len()
                < usize::try_from(self.input.settings.max_concurrent.max(1)).unwrap_or(usize::MAX)
    }

    fn finished(&self) -> bool {
        let c = self.carried();
        c.in_flight.is_empty() && (c.cancelled || (self.exhausted && self.page.is_empty()))
    }

    fn snapshot(&self) -> CampaignProgress {
        let c = self.carried();
        let status = if self.finished() {
            CampaignStatus::Completed
        } else if c.cancelled {
            CampaignStatus::Cancelling
        } else if c.paused {
            CampaignStatus::Paused
        } else {
            CampaignStatus::Running
        };
        CampaignProgress {
            campaign_id: self.input.campaign_id.clone(),
            status,
            started: c.started,
            in_flight: c.in_flight.len() as u64,
            settled: c.outcomes.values().sum(),
            outcomes: c.outcomes.clone(),
        }
    }

    /// The child workflow that calls `next`: its input and options.
    fn child(&self, next: &CampaignLead) -> (LeadInput, ChildWorkflowOptions) {
        let campaign_id = self.input.campaign_id.clone();
        let input = LeadInput {
            lead_id: next.lead_id.clone(),
            lead: None,
            campaign_id: Some(campaign_id.clone()),
            campaign_workflow_id: Some(campaign_workflow_id(&campaign_id)),
            settings: self.input.settings.call.clone(),
            dial_task_queue: self.input.settings.dial_task_queue.clone(),
            prior_attempts: 0,
            agent: next.agent.clone(),
            channel: Channel::Phone,
        };
        let lead_id = &next.lead_id;
        let attributes =
            search::lead_attributes(Some(&campaign_id), lead_id, next.language, &next.agent);
        // No name or number: this summary is recorded in the campaign's history too, which
        // outlives an erasure of the lead. The lead's page in the dashboard, and its own
        // history, show who it is.
        let options = ChildWorkflowOptions::builder()
            .workflow_id(lead_workflow_id(&campaign_id, lead_id))
            .parent_close_policy(ParentClosePolicy::Abandon)
            .search_attributes(attributes)
            .static_summary(format!("lead {lead_id}, agent v{}", next.agent.version))
            .build();
        (input, options)
    }

    /// Starts up to `most` leads (no more than the free slots and this run's remaining starts),
    /// all at once, and counts each as in flight (or failed).
    async fn start_batch(ctx: &mut WorkflowContext<Self>, most: usize) {
        let batch: Vec<(CampaignLead, LeadInput, ChildWorkflowOptions)> = ctx.state_mut(|s| {
            let free = usize::try_from(s.input.settings.max_concurrent.max(1))
                .unwrap_or(usize::MAX)
                .saturating_sub(s.input.carried.in_flight.len());
            let left_in_run = usize::try_from(
                s.input
                    .settings
                    .starts_per_run
                    .max(1)
                    .saturating_sub(s.starts_this_run),
            )
            .unwrap_or(usize::MAX)
            .max(1);
            let n = most.min(free).min(left_in_run).min(s.page.len());
            let leads: Vec<CampaignLead> = s.page.drain(..n).collect();
            leads
                .into_iter()
                .map(|next| {
                    let (input, options) = s.child(&next);
                    (next, input, options)
                })
                .collect()
        });
        let starts = batch.iter().map(|(_, input, options)| {
            ctx.start_child_workflow(LeadWorkflow::run, input.clone(), options.clone())
        });
        let results = join_all(starts).await;
        ctx.state_mut(|s| {
            for ((next, ..), started) in batch.into_iter().zip(results) {
                let carried = &mut s.input.carried;
                let lead_id = next.lead_id;
                carried.cursor = next.seq;
                carried.started += 1;
                s.starts_this_run += 1;
                match started {
                    // Already running from an earlier run of this campaign: it will still report.
                    Ok(_)
                    | Err(ChildWorkflowStartError::StartFailed {
                        cause: StartChildWorkflowExecutionFailedCause::WorkflowAlreadyExists,
                        ..
                    }) => {
                        if !carried.settled_early.remove(&lead_id) {
                            carried.in_flight.insert(lead_id);
                        }
                    }
                    Err(_) => *carried.outcomes.entry("failed".to_owned()).or_default() += 1,
                }
            }
        });
    }

    async fn stop_leads(ctx: &WorkflowContext<Self>) {
        let targets: Vec<String> = ctx.state(|s| {
            s.input
                .carried
                .in_flight
                .iter()
                .map(|lead| lead_workflow_id(&s.input.campaign_id, lead))
                .collect()
        });
        for id in targets {
            // A lead that already finished has nothing to stop.
            let _ = ctx
                .external_workflow(id, None)
                .signal(LeadWorkflow::stop, (), SignalWorkflowOptions::default())
                .await;
        }
    }
}
