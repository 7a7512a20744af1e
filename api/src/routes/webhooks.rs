//! Twilio webhooks. Each is verified against the configured public URL before anything else;
//! a bad signature gets 403 and touches no workflow. Verified callbacks become signals (status,
//! AMD) or updates (voice, turn) on the lead workflow named in the URL. Signals carry a request
//! id derived from the callback, so a duplicate delivery is dropped by the server.

use super::twilio_hook::Verified;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::messages::{AmdEvent, StatusEvent, TurnReply, TurnRequest, VoiceRequest};
use callwright_domain::twiml::Twiml;
use callwright_domain::{AnsweredBy, CallStatus};
use callwright_workflows::LeadWorkflow;
use temporalio_client::errors::WorkflowUpdateError;
use temporalio_client::{WorkflowExecuteUpdateOptions, WorkflowSignalOptions};
use temporalio_common::{HasWorkflowDefinition, SignalDefinition, UpdateDefinition};

fn twiml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

fn hangup() -> Response {
    twiml(Twiml::new().hangup().render())
}

type LeadRun = <LeadWorkflow as HasWorkflowDefinition>::Run;

/// What a webhook that reaches a lead workflow (status, AMD, voice, turn) answers when it does
/// not: one list, so the four operations document the same refusals.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // never built: it only describes responses that ApiError produces
pub(super) enum HookRefusals {
    /// A required form field or URL parameter is missing or malformed
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The signature does not verify against the configured public URL
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such lead workflow
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Temporal unavailable (Twilio retries, or runs its fallback)
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Sends a signal to a lead workflow; `request_id` lets the server drop a duplicate delivery.
pub(super) async fn signal_lead<S>(
    state: &AppState,
    wf: String,
    signal: S,
    input: S::Input,
    request_id: String,
) -> Result<StatusCode, ApiError>
where
    S: SignalDefinition<Workflow = LeadRun>,
    S::Input: Send,
{
    let options = WorkflowSignalOptions::builder()
        .request_id(request_id)
        .build();
    state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(wf)
        .signal(signal, input, options)
        .await
        .map_err(signal_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends an update to a lead workflow and answers Twilio with the TwiML it returns.
async fn update_lead<U>(
    state: &AppState,
    wf: String,
    update: U,
    input: U::Input,
    update_id: String,
) -> Result<Response, ApiError>
where
    U: UpdateDefinition<Workflow = LeadRun, Output = TurnReply>,
    U::Input: Send,
{
    update_response(execute_lead_update(state, wf, update, input, update_id).await)
}

/// Runs an update on a lead workflow and waits for its result; the update id makes a repeat
/// (a retried webhook, a re-sent socket frame) return the first result.
pub(super) async fn execute_lead_update<U>(
    state: &AppState,
    wf: String,
    update: U,
    input: U::Input,
    update_id: String,
) -> Result<U::Output, WorkflowUpdateError>
where
    U: UpdateDefinition<Workflow = LeadRun>,
    U::Input: Send,
{
    let options = WorkflowExecuteUpdateOptions::builder()
        .update_id(update_id)
        .build();
    state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(wf)
        .execute_update(update, input, options)
        .await
}

fn signal_error(err: temporalio_client::errors::WorkflowInteractionError) -> ApiError {
    use temporalio_client::errors::WorkflowInteractionError as E;
    match err {
        E::NotFound(_) => ApiError::NotFound("no such workflow".into()),
        other => ApiError::Unavailable(format!("temporal: {other}")),
    }
}

/// Call progress: initiated, ringing, answered, completed / busy / no-answer / failed.
#[utoipa::path(
    post,
    path = "/twilio/status",
    operation_id = "twilioStatus",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(super::twilio_hook::Target),
    request_body(content = super::openapi::StatusForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Signalled to the lead workflow (a duplicate delivery is dropped)"),
        HookRefusals,
    )
)]
#[tracing::instrument(skip_all, fields(wf = %hook.target.wf, attempt = hook.target.attempt), err)]
pub async fn status(State(state): State<AppState>, hook: Verified) -> Result<StatusCode, ApiError> {
    let call_sid = hook.require("CallSid")?.to_owned();
    let status: CallStatus = hook
        .parse("CallStatus")?
        .ok_or_else(|| ApiError::bad_field("CallStatus", "missing"))?;
    let sequence: Option<u32> = hook.parse("SequenceNumber")?;
    let event = StatusEvent {
        attempt: hook.target.attempt,
        call_sid: call_sid.clone(),
        status,
        sequence,
        duration_secs: hook.parse("CallDuration")?,
        answered_by: hook.parse::<AnsweredBy>("AnsweredBy")?,
    };
    let request_id = format!(
        "{call_sid}:status:{}:{}",
        sequence.map(|s| s.to_string()).unwrap_or_default(),
        status.as_str()
    );
    signal_lead(
        &state,
        hook.target.wf,
        LeadWorkflow::call_status,
        event,
        request_id,
    )
    .await
}

/// Asynchronous answering-machine detection result.
#[utoipa::path(
    post,
    path = "/twilio/amd",
    operation_id = "twilioAmd",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(super::twilio_hook::Target),
    request_body(content = super::openapi::AmdForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Signalled to the lead workflow (a duplicate delivery is dropped)"),
        HookRefusals,
    )
)]
#[tracing::instrument(skip_all, fields(wf = %hook.target.wf, attempt = hook.target.attempt), err)]
pub async fn amd(State(state): State<AppState>, hook: Verified) -> Result<StatusCode, ApiError> {
    let call_sid = hook.require("CallSid")?.to_owned();
    let answered_by: AnsweredBy = hook
        .parse("AnsweredBy")?
        .ok_or_else(|| ApiError::bad_field("AnsweredBy", "missing"))?;
    let request_id = format!("{call_sid}:amd");
    let event = AmdEvent {
        attempt: hook.target.attempt,
        call_sid,
        answered_by,
    };
    signal_lead(
        &state,
        hook.target.wf,
        LeadWorkflow::amd_result,
        event,
        request_id,
    )
    .await
}

/// Answered: the first TwiML (greeting + listen), from the workflow's `voice` update.
#[utoipa::path(
    post,
    path = "/twilio/voice",
    operation_id = "twilioVoice",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(super::twilio_hook::Target),
    request_body(content = super::openapi::VoiceForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML for the call (a hang-up when the update was rejected)", body = String, content_type = "text/xml"),
        HookRefusals,
    )
)]
#[tracing::instrument(skip_all, fields(wf = %hook.target.wf, attempt = hook.target.attempt), err)]
pub async fn voice(State(state): State<AppState>, hook: Verified) -> Result<Response, ApiError> {
    let call_sid = hook.require("CallSid")?.to_owned();
    let update_id = format!("{call_sid}:voice");
    let request = VoiceRequest {
        attempt: hook.target.attempt,
        call_sid,
        relay_url: Some(super::relay::socket_url(
            &state.config.public_base_url,
            &hook.target.wf,
            hook.target.attempt,
        )),
    };
    update_lead(
        &state,
        hook.target.wf,
        LeadWorkflow::voice,
        request,
        update_id,
    )
    .await
}

/// One `<Gather>` result: the workflow's `turn` update returns the next TwiML.
#[utoipa::path(
    post,
    path = "/twilio/turn",
    operation_id = "twilioTurn",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(super::twilio_hook::Target),
    request_body(content = super::openapi::TurnForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "TwiML for the call (a hang-up when the update was rejected)", body = String, content_type = "text/xml"),
        HookRefusals,
    )
)]
#[tracing::instrument(skip_all, fields(wf = %hook.target.wf, attempt = hook.target.attempt, turn = ?hook.target.turn), err)]
pub async fn turn(State(state): State<AppState>, hook: Verified) -> Result<Response, ApiError> {
    let turn = hook
        .target
        .turn
        .ok_or_else(|| ApiError::bad_field("turn", "missing in the URL"))?;
    let call_sid = hook.require("CallSid")?.to_owned();
    let update_id = format!("{call_sid}:turn:{turn}");
    let request = TurnRequest {
        attempt: hook.target.attempt,
        call_sid,
        turn,
        speech: hook.get("SpeechResult").map(str::to_owned),
        confidence: hook.parse("Confidence")?,
    };
    update_lead(
        &state,
        hook.target.wf,
        LeadWorkflow::turn,
        request,
        update_id,
    )
    .await
}

/// A rejected update (stale call, turn out of order, workflow gone) hangs up rather than
/// leaving the callee in silence; an unreachable Temporal is a 503 so Twilio's fallback runs.
pub(super) fn update_response(
    result: Result<TurnReply, WorkflowUpdateError>,
) -> Result<Response, ApiError> {
    match result {
        Ok(reply) => Ok(twiml(reply.twiml)),
        Err(WorkflowUpdateError::Rpc(status)) if status.code() == tonic_code_unavailable() => {
            Err(ApiError::Unavailable(format!("temporal: {status}")))
        }
        Err(err) => {
            tracing::warn!(error = %err, "update not applied; hanging up");
            Ok(hangup())
        }
    }
}

fn tonic_code_unavailable() -> temporalio_client::tonic::Code {
    temporalio_client::tonic::Code::Unavailable
}

/// The recording is ready: keep its URL with the call.
#[utoipa::path(
    post,
    path = "/twilio/recording",
    operation_id = "twilioRecording",
    tag = "twilio",
    security(("twilio_signature" = [])),
    params(super::twilio_hook::Target),
    request_body(content = super::openapi::RecordingForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Recorded with the call"),
        (status = 400, description = "A required form field is missing", body = ErrorBody),
        (status = 403, description = "The signature does not verify against the configured public URL", body = ErrorBody),
        (status = 503, description = "The call's lead was erased and Temporal is unavailable to erase the recording (the link is kept, never played)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all, err)]
pub async fn recording(
    State(state): State<AppState>,
    hook: Verified,
) -> Result<StatusCode, ApiError> {
    let call_sid = hook.require("CallSid")?;
    let url = hook.require("RecordingUrl")?;
    if let Some(lead_id) =
        callwright_store::calls::set_recording_url(&state.db, call_sid, url).await?
    {
        // The lead was erased before its recording was announced: erase again, which deletes
        // the recording at the provider and the link here.
        tracing::info!(%lead_id, "recording of an erased lead: erasing it");
        super::lead_delete::start_erasure(&state, None, lead_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
