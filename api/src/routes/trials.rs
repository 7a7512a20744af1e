//! Trials: an operator chats with an agent as the callee, before any lead is dialled.
//!
//! A trial is a lead workflow with a text channel instead of the telephone: the same greeting,
//! the same turn path (`turn` updates, the same local activity, the same model, prompt and
//! booking tools against the real calendar), the same transcript and post-call summary. What
//! differs is what a trial must not do: no number is dialled or added to the do-not-call list,
//! nothing is retried, the trial's lead and calls stay out of lists, analytics and webhooks, and
//! a meeting it books is marked as a trial and released when the trial ends.

mod lead;

use super::json_body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_contracts::activities::chat_sid;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::trials::{NewTrial, TrialLine, TrialMessage, TrialReply, TrialView};
use callwright_contracts::ids::trial_workflow_id;
use callwright_contracts::messages::{
    Channel, LeadInput, StatusEvent, TurnReply, TurnRequest, VoiceRequest,
};
use callwright_domain::agent::AgentRef;
use callwright_domain::{CallSettings, CallStatus, Language, LeadProfile};
use callwright_workflows::LeadWorkflow;
use callwright_workflows::search;
pub(super) use lead::load_lead;
use lead::trial_lead;
use temporalio_client::{
    WorkflowExecuteUpdateOptions, WorkflowSignalOptions, WorkflowStartOptions,
};
use uuid::Uuid;

/// A trial left without a message ends after this long (its workflow's call limit).
const IDLE_SECS: u64 = 30 * 60;
/// Longest message an operator may type, in characters.
const MAX_MESSAGE: usize = 2_000;

use callwright_store::trials::TrialRow;

/// Starts a trial: the agent greets (the disclosure, then its greeting) and waits for the
/// operator's first message.
#[utoipa::path(
    post,
    path = "/api/agents/{id}/trials",
    operation_id = "startTrial",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Agent id")),
    request_body(content = NewTrial, description = "Version, language and the lead to play; all optional."),
    responses(
        (status = 201, description = "Started; the greeting is the transcript's first line", body = TrialView),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 404, description = "No such agent", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "An unknown version, language or lead, or an invalid made-up lead (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    Path(agent_id): Path<Uuid>,
    body: Option<JsonBody<NewTrial>>,
) -> Result<(StatusCode, Json<TrialView>), ApiError> {
    let req = body.map(|JsonBody(b)| b).unwrap_or_default();
    let latest = callwright_store::agents::latest_version(&state.db, agent_id).await?;
    let latest = latest.ok_or_else(|| ApiError::NotFound(format!("no agent {agent_id}")))?;
    let version = match req.version {
        Some(v) if v == 0 || i64::from(v) > i64::from(latest) => {
            return Err(ApiError::invalid(
                "version",
                format!("agent {agent_id} has no version {v} (its versions are 1 to {latest})"),
            ));
        }
        Some(v) => i32::try_from(v).unwrap_or(latest),
        None => latest,
    };
    let agent_language =
        callwright_store::agents::spec_language(&state.db, agent_id, version).await?;
    let agent_language = agent_language
        .and_then(|l| l.parse().ok())
        .unwrap_or(Language::En);
    let lead = trial_lead(&state, &req, agent_language).await?;
    let trial_id = Uuid::new_v4();
    let lead_id = Uuid::new_v4();
    let workflow_id = trial_workflow_id(&trial_id.to_string());
    let mut tx = state.db.begin().await?;
    callwright_store::trials::insert(
        &mut tx,
        callwright_store::trials::NewTrial {
            id: trial_id,
            agent_id,
            version,
            lead_id,
            workflow_id: &workflow_id,
            name: &lead.name,
            email: lead.email.as_deref(),
            company: lead.company.as_deref(),
            language: lead.language.code(),
            timezone: lead.timezone.name(),
            fields: &lead.fields,
            source_lead_id: req.lead_id,
        },
    )
    .await?;
    tx.commit().await?;

    let agent = AgentRef {
        agent_id: agent_id.to_string(),
        version: u32::try_from(version).unwrap_or(1),
    };
    let profile = LeadProfile {
        lead_id: lead_id.to_string(),
        name: lead.name,
        phone: None,
        language: lead.language,
        timezone: lead.timezone,
        window_timezones: Vec::new(),
        email: lead.email,
        company: lead.company,
        fields: lead.fields,
    };
    let input = LeadInput {
        lead_id: profile.lead_id.clone(),
        lead: Some(profile.clone()),
        campaign_id: None,
        campaign_workflow_id: None,
        settings: CallSettings {
            max_attempts: 1,
            max_call_secs: IDLE_SECS,
            ..CallSettings::default()
        },
        dial_task_queue: state.config.dial_task_queue.clone(),
        prior_attempts: 0,
        agent: agent.clone(),
        channel: Channel::Chat,
    };
    let options = WorkflowStartOptions::new(state.config.task_queue.clone(), workflow_id.clone())
        .search_attributes(search::lead_attributes(
            None,
            &profile.lead_id,
            profile.language,
            &agent,
        ))
        .static_summary(format!("Trial of agent {agent_id} v{version}"))
        .build();
    if let Err(err) = state
        .temporal
        .start_workflow(LeadWorkflow::run, input, options)
        .await
    {
        // Nothing runs: leave no trial behind that could never answer.
        callwright_store::trials::remove(&state.db, trial_id, lead_id).await?;
        return Err(ApiError::Unavailable(format!(
            "could not start the trial: {err}"
        )));
    }
    // The greeting: the same `voice` update a phone call's answer sends.
    let greeting = VoiceRequest {
        attempt: 1,
        call_sid: chat_sid(&workflow_id),
        // A trial is typed: no realtime voice.
        relay_url: None,
    };
    update(
        &state,
        &workflow_id,
        LeadWorkflow::voice,
        greeting,
        format!("{workflow_id}:voice"),
    )
    .await?;
    tracing::info!(%trial_id, %agent_id, version, "trial started");
    Ok((StatusCode::CREATED, Json(view(&state, trial_id).await?)))
}

async fn update<U>(
    state: &AppState,
    workflow_id: &str,
    which: U,
    input: U::Input,
    update_id: String,
) -> Result<TurnReply, ApiError>
where
    U: temporalio_common::UpdateDefinition<
            Workflow = <LeadWorkflow as temporalio_common::HasWorkflowDefinition>::Run,
            Output = TurnReply,
        >,
    U::Input: Send,
{
    let options = WorkflowExecuteUpdateOptions::builder()
        .update_id(update_id)
        .build();
    state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.to_owned())
        .execute_update(which, input, options)
        .await
        .map_err(|e| ApiError::Conflict {
            message: format!("the trial did not take the message: {e}"),
            existing_id: None,
        })
}

async fn trial_row(state: &AppState, id: Uuid) -> Result<TrialRow, ApiError> {
    callwright_store::trials::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no trial {id}")))
}

async fn view(state: &AppState, id: Uuid) -> Result<TrialView, ApiError> {
    let TrialRow {
        agent_id,
        version,
        language,
        workflow_id,
        created_at,
        ended_at,
        ..
    } = trial_row(state, id).await?;
    let call = callwright_store::trials::call_of(&state.db, &workflow_id).await?;
    let call_ended = call.as_ref().and_then(|c| c.ended_at);
    let (mut transcript, outcome, answers) = match call {
        Some(call) => {
            let lines = callwright_store::trials::lines(&state.db, call.id).await?;
            let (outcome, answers) = (call.outcome, call.answers);
            (lines, outcome, answers)
        }
        None => (Vec::new(), None, None),
    };
    // Lines the workflow holds that are not written yet (the greeting, until the first
    // answer), from its state while it runs.
    if outcome.is_none()
        && let Ok(live) = state
            .temporal
            .get_workflow_handle::<LeadWorkflow>(workflow_id.clone())
            .query(LeadWorkflow::state, (), Default::default())
            .await
    {
        let written = transcript.last().map_or(-1, |l| l.idx);
        transcript.extend(
            live.transcript
                .into_iter()
                .filter(|t| i64::from(t.index) > i64::from(written))
                .map(|t| TrialLine {
                    idx: i32::try_from(t.index).unwrap_or(i32::MAX),
                    speaker: match t.speaker {
                        callwright_domain::conversation::Speaker::Agent => "agent",
                        callwright_domain::conversation::Speaker::Callee => "callee",
                    }
                    .to_owned(),
                    text: t.text,
                    tools: None,
                    spoken_at: t.at,
                }),
        );
    }
    let meetings = callwright_store::meetings::of_workflow(&state.db, &workflow_id).await?;
    Ok(TrialView {
        id,
        agent_id,
        version,
        language,
        workflow_id,
        created_at,
        ended_at: ended_at.or(call_ended),
        outcome,
        transcript,
        meetings,
        answers,
    })
}

/// Says something to the agent as the callee; the agent's answer comes back with the tools it
/// used.
#[utoipa::path(
    post,
    path = "/api/trials/{id}/messages",
    operation_id = "sendTrialMessage",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Trial id")),
    request_body(content = TrialMessage),
    responses(
        (status = 200, description = "The agent's answer", body = TrialReply),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 404, description = "No such trial", body = ErrorBody),
        (status = 409, description = "The trial is over", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "`text` empty or over 2,000 characters", body = ErrorBody),
    )
)]
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    JsonBody(msg): JsonBody<TrialMessage>,
) -> Result<Json<TrialReply>, ApiError> {
    let text = msg.text.trim();
    if text.is_empty() {
        return Err(ApiError::invalid("text", "must not be empty"));
    }
    if text.chars().count() > MAX_MESSAGE {
        return Err(ApiError::invalid(
            "text",
            format!("at most {MAX_MESSAGE} characters"),
        ));
    }
    let over = || ApiError::Conflict {
        message: format!("trial {id} is over"),
        existing_id: None,
    };
    // One message at a time per trial: the turn's number is read from the workflow, so two at
    // once would both claim it (the row lock is held until the turn is answered).
    let mut tx = state.db.begin().await?;
    let ended = callwright_store::trials::lock_for_message(&mut tx, id).await?;
    match ended {
        None => return Err(ApiError::NotFound(format!("no trial {id}"))),
        Some(true) => return Err(over()),
        Some(false) => {}
    }
    let workflow_id = trial_workflow_id(&id.to_string());
    // The workflow numbers the callee's turns (one per listen); the next is one past those
    // heard so far.
    let view = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.clone())
        .query(LeadWorkflow::state, (), Default::default())
        .await
        .map_err(|e| ApiError::Unavailable(format!("temporal: {e}")))?;
    if view.outcome.is_some() {
        return Err(over());
    }
    let heard = view
        .transcript
        .iter()
        .filter(|t| t.speaker == callwright_domain::conversation::Speaker::Callee)
        .count();
    let turn = u32::try_from(heard).unwrap_or(u32::MAX).saturating_add(1);
    let request = TurnRequest {
        attempt: 1,
        call_sid: chat_sid(&workflow_id),
        turn,
        speech: Some(text.to_owned()),
        confidence: Some(1.0),
    };
    let reply = update(
        &state,
        &workflow_id,
        LeadWorkflow::turn,
        request,
        format!("{workflow_id}:turn:{turn}"),
    )
    .await?;
    tx.commit().await?;
    if reply.ended {
        mark_ended(&state, id).await?;
    }
    Ok(Json(TrialReply {
        reply: reply.say,
        tools: reply.tools,
        ended: reply.ended,
    }))
}

async fn mark_ended(state: &AppState, id: Uuid) -> Result<(), ApiError> {
    callwright_store::trials::mark_ended(&state.db, id).await?;
    Ok(())
}

/// A trial: its transcript with the tools the agent used, its meetings, its answers.
#[utoipa::path(
    get,
    path = "/api/trials/{id}",
    operation_id = "getTrial",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Trial id")),
    responses(
        (status = 200, description = "The trial", body = TrialView),
        (status = 404, description = "No such trial", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<TrialView>, ApiError> {
    Ok(Json(view(&state, id).await?))
}

/// Ends a trial (the callee hangs up): the workflow records the conversation, releases any
/// meeting it booked and summarises it. Idempotent.
#[utoipa::path(
    post,
    path = "/api/trials/{id}/end",
    operation_id = "endTrial",
    tag = "agents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Trial id")),
    responses(
        (status = 202, description = "Ending: the meeting is released within moments", body = TrialView),
        (status = 404, description = "No such trial", body = ErrorBody),
    )
)]
pub async fn end(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<TrialView>), ApiError> {
    trial_row(&state, id).await?;
    let workflow_id = trial_workflow_id(&id.to_string());
    let hang_up = StatusEvent {
        attempt: 1,
        call_sid: chat_sid(&workflow_id),
        status: CallStatus::Completed,
        sequence: None,
        duration_secs: None,
        answered_by: None,
    };
    let signalled = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.clone())
        .signal(
            LeadWorkflow::call_status,
            hang_up,
            WorkflowSignalOptions::builder()
                .request_id(format!("{workflow_id}:end"))
                .build(),
        )
        .await;
    if let Err(err) = signalled {
        // A trial whose workflow is already over has nothing left to end.
        tracing::debug!(error = %err, %id, "trial already over");
    }
    mark_ended(&state, id).await?;
    Ok((StatusCode::ACCEPTED, Json(view(&state, id).await?)))
}
