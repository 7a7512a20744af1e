//! Twilio webhooks. Each is verified against the configured public URL before anything else;
//! a bad signature gets 403 and touches no workflow. Verified callbacks become signals (status,
//! AMD) or updates (voice, turn) on the lead workflow named in the URL. Signals carry a request
//! id derived from the callback, so a duplicate delivery is dropped by the server.

use crate::error::ApiError;
use crate::signature;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use callwright_domain::twiml::Twiml;
use callwright_domain::{AnsweredBy, CallStatus};
use callwright_workflows::LeadWorkflow;
use callwright_workflows::messages::{AmdEvent, StatusEvent, TurnRequest, VoiceRequest};
use secrecy::ExposeSecret;
use serde::Deserialize;
use temporalio_client::errors::WorkflowUpdateError;
use temporalio_client::{WorkflowExecuteUpdateOptions, WorkflowSignalOptions};
use temporalio_common::{HasWorkflowDefinition, SignalDefinition, UpdateDefinition};

/// The routing part of every webhook URL.
#[derive(Debug, Deserialize)]
pub struct Target {
    wf: String,
    attempt: u32,
    turn: Option<u32>,
}

/// A verified webhook form.
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn require(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::BadRequest(format!("missing form field {name}")))
    }
}

fn verified(
    state: &AppState,
    uri: &OriginalUri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Form, ApiError> {
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::BadRequest(format!("malformed form body: {e}")))?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let url = format!("{}{path}", state.config.public_base_url);
    let given = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok());
    if signature::verify(
        state.config.twilio_auth_token.expose_secret(),
        &url,
        &params,
        given,
    ) {
        Ok(Form(params))
    } else {
        tracing::warn!(%url, "rejected webhook with a bad signature");
        Err(ApiError::Forbidden)
    }
}

fn twiml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

fn hangup() -> Response {
    twiml(Twiml::new().hangup().render())
}

fn parse<T: std::str::FromStr>(form: &Form, name: &str) -> Result<Option<T>, ApiError>
where
    T::Err: std::fmt::Display,
{
    form.get(name)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<T>()
                .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))
        })
        .transpose()
}

type LeadRun = <LeadWorkflow as HasWorkflowDefinition>::Run;

/// Sends a signal to a lead workflow; `request_id` lets the server drop a duplicate delivery.
async fn signal_lead<S>(
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
    U: UpdateDefinition<Workflow = LeadRun, Output = String>,
    U::Input: Send,
{
    let options = WorkflowExecuteUpdateOptions::builder()
        .update_id(update_id)
        .build();
    let result = state
        .temporal
        .get_workflow_handle::<LeadWorkflow>(wf)
        .execute_update(update, input, options)
        .await;
    update_response(result)
}

fn signal_error(err: temporalio_client::errors::WorkflowInteractionError) -> ApiError {
    use temporalio_client::errors::WorkflowInteractionError as E;
    match err {
        E::NotFound(_) => ApiError::NotFound("no such workflow".into()),
        other => ApiError::Unavailable(format!("temporal: {other}")),
    }
}

/// Call progress: initiated, ringing, answered, completed / busy / no-answer / failed.
#[tracing::instrument(skip_all, fields(wf = %target.wf, attempt = target.attempt), err)]
pub async fn status(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let form = verified(&state, &uri, &headers, &body)?;
    let call_sid = form.require("CallSid")?.to_owned();
    let status: CallStatus = parse(&form, "CallStatus")?
        .ok_or_else(|| ApiError::BadRequest("missing CallStatus".into()))?;
    let sequence: Option<u32> = parse(&form, "SequenceNumber")?;
    let event = StatusEvent {
        attempt: target.attempt,
        call_sid: call_sid.clone(),
        status,
        sequence,
        duration_secs: parse(&form, "CallDuration")?,
        answered_by: parse::<AnsweredBy>(&form, "AnsweredBy")?,
    };
    let request_id = format!(
        "{call_sid}:status:{}:{}",
        sequence.map(|s| s.to_string()).unwrap_or_default(),
        status.as_str()
    );
    signal_lead(
        &state,
        target.wf,
        LeadWorkflow::call_status,
        event,
        request_id,
    )
    .await
}

/// Asynchronous answering-machine detection result.
#[tracing::instrument(skip_all, fields(wf = %target.wf, attempt = target.attempt), err)]
pub async fn amd(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let form = verified(&state, &uri, &headers, &body)?;
    let call_sid = form.require("CallSid")?.to_owned();
    let answered_by: AnsweredBy = parse(&form, "AnsweredBy")?
        .ok_or_else(|| ApiError::BadRequest("missing AnsweredBy".into()))?;
    let request_id = format!("{call_sid}:amd");
    let event = AmdEvent {
        attempt: target.attempt,
        call_sid,
        answered_by,
    };
    signal_lead(
        &state,
        target.wf,
        LeadWorkflow::amd_result,
        event,
        request_id,
    )
    .await
}

/// Answered: the first TwiML (greeting + listen), from the workflow's `voice` update.
#[tracing::instrument(skip_all, fields(wf = %target.wf, attempt = target.attempt), err)]
pub async fn voice(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = verified(&state, &uri, &headers, &body)?;
    let call_sid = form.require("CallSid")?.to_owned();
    let update_id = format!("{call_sid}:voice");
    let request = VoiceRequest {
        attempt: target.attempt,
        call_sid,
    };
    update_lead(&state, target.wf, LeadWorkflow::voice, request, update_id).await
}

/// One `<Gather>` result: the workflow's `turn` update returns the next TwiML.
#[tracing::instrument(skip_all, fields(wf = %target.wf, attempt = target.attempt, turn = ?target.turn), err)]
pub async fn turn(
    State(state): State<AppState>,
    Query(target): Query<Target>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = verified(&state, &uri, &headers, &body)?;
    let turn = target
        .turn
        .ok_or_else(|| ApiError::BadRequest("missing turn in URL".into()))?;
    let call_sid = form.require("CallSid")?.to_owned();
    let update_id = format!("{call_sid}:turn:{turn}");
    let request = TurnRequest {
        attempt: target.attempt,
        call_sid,
        turn,
        speech: form.get("SpeechResult").map(str::to_owned),
        confidence: parse(&form, "Confidence")?,
    };
    update_lead(&state, target.wf, LeadWorkflow::turn, request, update_id).await
}

/// A rejected update (stale call, turn out of order, workflow gone) hangs up rather than
/// leaving the callee in silence; an unreachable Temporal is a 503 so Twilio's fallback runs.
fn update_response(result: Result<String, WorkflowUpdateError>) -> Result<Response, ApiError> {
    match result {
        Ok(body) => Ok(twiml(body)),
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
#[tracing::instrument(skip_all, err)]
pub async fn recording(
    State(state): State<AppState>,
    uri: OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let form = verified(&state, &uri, &headers, &body)?;
    let call_sid = form.require("CallSid")?;
    let url = form.require("RecordingUrl")?;
    sqlx::query("UPDATE calls SET recording_url = $2 WHERE call_sid = $1")
        .bind(call_sid)
        .bind(url)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
