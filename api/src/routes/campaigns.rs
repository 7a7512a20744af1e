//! Campaigns: start one over a list of leads; read its progress (from the campaign workflow),
//! live phases (from Temporal visibility) and outcomes (from the projections).

mod source;

use super::json_body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_contracts::api::campaigns::{
    CampaignAgent, CampaignDetail, Control, LivePhases, StartCampaign, Started,
};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::ids::campaign_workflow_id;
use callwright_contracts::messages::{CampaignInput, CampaignSettings};
use callwright_domain::CallSettings;
use callwright_domain::agent::{AgentPlan, PlanError};
use callwright_workflows::CampaignWorkflow;
use callwright_workflows::search;
use chrono::Utc;
use source::LeadSource;
use std::collections::BTreeMap;
use temporalio_client::WorkflowStartOptions;
use temporalio_common::search_attributes::SearchAttributes;
use uuid::Uuid;

/// Largest campaign accepted in one request.
const MAX_LEADS: usize = 100_000;

/// Starts a campaign: records it and its leads in order, then starts its workflow.
#[utoipa::path(
    post,
    path = "/api/campaigns/start",
    operation_id = "startCampaign",
    tag = "campaigns",
    security(("bearer" = [])),
    request_body(content = StartCampaign, description = "Leads and rules; unknown fields are refused."),
    responses(
        (status = 201, description = "Started", body = Started),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Not exactly one of lead_ids, filter and import_id; no leads, or none matching; an unknown lead or import; an unknown agent or version, a split with a zero weight or a version listed twice; or invalid settings (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn start(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<StartCampaign>,
) -> Result<(StatusCode, Json<Started>), ApiError> {
    let saved = match req.filter_id {
        Some(id) => Some(super::lead_filters::load(&state, id).await?),
        None => None,
    };
    let source = LeadSource::of(&req, saved.as_ref())?;
    let plan = agent_plan(&req.agent, &state.db).await?;
    if req
        .settings
        .as_ref()
        .is_some_and(|s| s.get("business_name").is_some())
    {
        return Err(ApiError::invalid(
            "settings.business_name",
            "the business is the agent's (its business_name)",
        ));
    }
    let mut call: CallSettings = match req.settings {
        Some(value) => serde_json::from_value(value)
            .map_err(|e| ApiError::invalid("settings", format!("{e}")))?,
        None => CallSettings::default(),
    };
    if let Some(raw) = call.transfer_number.take() {
        let number = callwright_domain::E164::parse(&raw, None)
            .map_err(|e| ApiError::invalid("settings.transfer_number", format!("{e}")))?;
        call.transfer_number = Some(number.as_str().to_owned());
    }
    call.calling_window.validate().map_err(|e| {
        ApiError::invalid(
            "settings.calling_window",
            e.to_string().trim_start_matches("calling window: "),
        )
    })?;
    if call.max_attempts == 0 {
        return Err(ApiError::invalid(
            "settings.max_attempts",
            "must be at least 1",
        ));
    }
    let max_concurrent = req.max_concurrent.unwrap_or(10);
    if max_concurrent == 0 {
        return Err(ApiError::invalid("max_concurrent", "must be at least 1"));
    }
    let campaign_id = Uuid::new_v4();
    let workflow_id = campaign_workflow_id(&campaign_id.to_string());
    let starts_per_run = req.starts_per_run.unwrap_or(500);
    if starts_per_run == 0 {
        return Err(ApiError::invalid("starts_per_run", "must be at least 1"));
    }
    let settings = CampaignSettings {
        max_concurrent,
        call,
        dial_task_queue: state.config.dial_task_queue.clone(),
        starts_per_run,
        agent: plan,
    };
    let mut tx = state.db.begin().await?;
    let name = req
        .name
        .unwrap_or_else(|| format!("Campaign {}", Utc::now().format("%Y-%m-%d %H:%M")));
    let settings_json = serde_json::to_value(&settings).map_err(anyhow::Error::from)?;
    let plan_json = serde_json::to_value(&settings.agent).map_err(anyhow::Error::from)?;
    callwright_store::campaigns::insert(
        &mut tx,
        callwright_store::campaigns::NewCampaign {
            id: campaign_id,
            name: &name,
            workflow_id: &workflow_id,
            settings: &settings_json,
            agent_id: req.agent.id,
            agent_plan: &plan_json,
        },
    )
    .await?;
    let lead_count = source.enrol(&mut tx, campaign_id).await?;
    callwright_store::campaigns::set_lead_count(
        &mut tx,
        campaign_id,
        i32::try_from(lead_count).unwrap_or(i32::MAX),
    )
    .await?;
    tx.commit().await?;

    let input = CampaignInput {
        campaign_id: campaign_id.to_string(),
        settings,
        carried: Default::default(),
    };
    let options = WorkflowStartOptions::new(state.config.task_queue.clone(), workflow_id.clone())
        .search_attributes(SearchAttributes::new([
            search::CAMPAIGN_ID.value_set(campaign_id.to_string())
        ]))
        .build();
    if let Err(err) = state
        .temporal
        .start_workflow(CampaignWorkflow::run, input, options)
        .await
    {
        // Nothing was started: leave no campaign behind that would never run.
        callwright_store::campaigns::remove(&state.db, campaign_id).await?;
        return Err(ApiError::Unavailable(format!(
            "could not start the campaign workflow: {err}"
        )));
    }
    tracing::info!(%campaign_id, leads = lead_count, "campaign started");
    Ok((
        StatusCode::CREATED,
        Json(Started {
            campaign_id,
            workflow_id,
            lead_count,
        }),
    ))
}

/// `POST /api/campaigns/{id}/{pause|resume|cancel}`: a signal to the campaign workflow.
#[utoipa::path(
    post,
    path = "/api/campaigns/{id}/{action}",
    operation_id = "controlCampaign",
    tag = "campaigns",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Campaign id"),
        ("action" = inline(Control), Path, description = "`pause` (start no new leads), `resume`, or `cancel` (start no more; leads in flight stop after their call)"),
    ),
    responses(
        (status = 202, description = "Signalled to the campaign workflow"),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such campaign, or no such action", body = ErrorBody),
        (status = 409, description = "The campaign has already finished", body = ErrorBody),
    )
)]
pub async fn control(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a campaign id")))?;
    let action: Control = serde_json::from_value(serde_json::Value::String(action.clone()))
        .map_err(|_| ApiError::NotFound(format!("no action '{action}' (pause, resume, cancel)")))?;
    let exists = callwright_store::campaigns::exists(&state.db, id).await?;
    if !exists {
        return Err(ApiError::NotFound(format!("no campaign {id}")));
    }
    let handle = state
        .temporal
        .get_workflow_handle::<CampaignWorkflow>(campaign_workflow_id(&id.to_string()));
    let options = temporalio_client::WorkflowSignalOptions::default();
    let sent = match action {
        Control::Pause => handle.signal(CampaignWorkflow::pause, (), options).await,
        Control::Resume => handle.signal(CampaignWorkflow::resume, (), options).await,
        Control::Cancel => handle.signal(CampaignWorkflow::cancel, (), options).await,
    };
    match sent {
        Ok(()) => Ok(StatusCode::ACCEPTED),
        Err(temporalio_client::errors::WorkflowInteractionError::NotFound(_)) => {
            Err(ApiError::Conflict {
                message: format!("campaign {id} has already finished"),
                existing_id: None,
            })
        }
        Err(err) => Err(ApiError::Unavailable(format!("temporal: {err}"))),
    }
}

/// A campaign's progress, phases and outcomes.
#[utoipa::path(
    get,
    path = "/api/campaigns/{id}",
    operation_id = "getCampaign",
    tag = "campaigns",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = CampaignDetail),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CampaignDetail>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a campaign id")))?;
    let callwright_store::campaigns::CampaignHead {
        name,
        workflow_id,
        lead_count,
        created_at,
    } = callwright_store::campaigns::head(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no campaign {id}")))?;
    let leads = callwright_store::campaigns::leads(&state.db, id, 1000).await?;
    let outcomes: BTreeMap<String, i64> =
        callwright_store::campaigns::outcome_counts(&state.db, id)
            .await?
            .into_iter()
            .collect();
    let progress = state
        .temporal
        .get_workflow_handle::<CampaignWorkflow>(workflow_id.clone())
        .query(CampaignWorkflow::progress, (), Default::default())
        .await
        .map_err(|e| tracing::debug!(error = %e, "campaign progress query failed"))
        .ok();
    let live = live_phases(&state, &id.to_string()).await;
    Ok(Json(CampaignDetail {
        id,
        name,
        workflow_id,
        lead_count,
        created_at,
        progress,
        live,
        outcomes,
        leads,
    }))
}

async fn live_phases(state: &AppState, campaign_id: &str) -> LivePhases {
    let count = |phases: &'static str| {
        let query = format!(
            "CampaignId = '{campaign_id}' AND ExecutionStatus = 'Running' AND LeadPhase IN ({phases})"
        );
        async move {
            state
                .temporal
                .count_workflows(query, Default::default())
                .await
                .map(|c| c.count())
                .unwrap_or(0)
        }
    };
    let (dialing, in_call, waiting) = tokio::join!(
        count("'dialing'"),
        count("'in_call'"),
        count("'waiting_window', 'waiting_retry', 'waiting_callback'")
    );
    LivePhases {
        dialing,
        in_call,
        waiting,
    }
}

/// The campaign agent's plan, with every version checked to be this agent's.
async fn agent_plan(agent: &CampaignAgent, db: &sqlx::PgPool) -> Result<AgentPlan, ApiError> {
    let latest = callwright_store::agents::latest_version(db, agent.id).await?;
    let Some(latest) = latest else {
        return Err(ApiError::invalid(
            "agent.id",
            format!("no agent {}", agent.id),
        ));
    };
    let plan = match (&agent.version, &agent.variants) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "agent.variants",
                "give a version or variants, not both",
            ));
        }
        (Some(version), None) => AgentPlan::single(agent.id.to_string(), *version),
        (None, Some(variants)) => AgentPlan {
            agent_id: agent.id.to_string(),
            variants: variants.clone(),
        },
        (None, None) => AgentPlan::single(agent.id.to_string(), u32::try_from(latest).unwrap_or(1)),
    };
    plan.validate().map_err(|e| {
        let field = match &e {
            PlanError::ZeroWeight(i) | PlanError::Duplicate(i, _) => {
                format!("agent.variants[{i}]")
            }
            PlanError::Empty | PlanError::TooHeavy => "agent.variants".to_owned(),
        };
        ApiError::invalid(field, e)
    })?;
    for (i, variant) in plan.variants.iter().enumerate() {
        if variant.version == 0 || i64::from(variant.version) > i64::from(latest) {
            let field = if agent.variants.is_some() {
                format!("agent.variants[{i}].version")
            } else {
                "agent.version".to_owned()
            };
            return Err(ApiError::invalid(
                field,
                format!(
                    "agent {} has no version {} (its versions are 1 to {latest})",
                    agent.id, variant.version
                ),
            ));
        }
    }
    Ok(plan)
}
