//! Twilio REST endpoints for calls: create, list, fetch and modify.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio::sync::oneshot;

use super::auth::{TwilioError, authorize};
use super::call_request::CallRequest;
use super::resource::call_resource;
use super::{twiml, webhook};
use crate::call_driver;
use crate::state::SharedState;
use crate::store::{CallStatus, Control, FaultKind};

/// Routes under `/2010-04-01`.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Calls.json",
            post(create).get(list),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Calls/{call}",
            get(fetch).post(modify),
        )
}

type Form = Vec<(String, String)>;

fn parse_form(body: &[u8]) -> Result<Form, TwilioError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| TwilioError::bad_request(20001, format!("Invalid form body: {e}")))
}

fn form_value<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

async fn create(
    State(state): State<SharedState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, TwilioError> {
    authorize(&headers, &state, &account)?;
    if state.store.take_fault(FaultKind::TwilioCreate429) {
        return Err(TwilioError::too_many_requests());
    }
    let request = CallRequest::from_form(&parse_form(&body)?)?;
    let record = call_driver::start(state.clone(), request);
    Ok((StatusCode::CREATED, Json(call_resource(&record))).into_response())
}

/// Undoes a `+` that arrived unencoded in a query string (decoded as a space).
fn normalize_number(value: &str) -> String {
    let trimmed = value.trim();
    if value.starts_with(' ') && trimmed.chars().all(|c| c.is_ascii_digit()) {
        format!("+{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

async fn list(
    State(state): State<SharedState>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Query(query): Query<Form>,
) -> Result<Response, TwilioError> {
    authorize(&headers, &state, &account)?;
    let to = form_value(&query, "To").map(normalize_number);
    let from = form_value(&query, "From").map(normalize_number);
    let status = form_value(&query, "Status").map(str::to_owned);
    let page_size = form_value(&query, "PageSize")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(50)
        .clamp(1, 1000);
    let calls: Vec<_> = state
        .store
        .list()
        .into_iter()
        .filter(|c| to.as_ref().is_none_or(|t| &c.to == t))
        .filter(|c| from.as_ref().is_none_or(|f| &c.from == f))
        .filter(|c| status.as_ref().is_none_or(|s| c.status.as_str() == s))
        .take(page_size)
        .map(|c| call_resource(&c))
        .collect();
    let uri = format!("/2010-04-01/Accounts/{account}/Calls.json?PageSize={page_size}&Page=0");
    Ok(Json(json!({
        "end": calls.len().saturating_sub(1),
        "first_page_uri": uri,
        "next_page_uri": null,
        "page": 0,
        "page_size": page_size,
        "previous_page_uri": null,
        "start": 0,
        "uri": uri,
        "calls": calls,
    }))
    .into_response())
}

fn call_sid(segment: &str) -> Result<&str, TwilioError> {
    segment
        .strip_suffix(".json")
        .ok_or_else(|| TwilioError::not_found(segment))
}

async fn fetch(
    State(state): State<SharedState>,
    Path((account, call)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, TwilioError> {
    authorize(&headers, &state, &account)?;
    let sid = call_sid(&call)?;
    let record = state
        .store
        .get(sid)
        .ok_or_else(|| TwilioError::not_found(sid))?;
    Ok(Json(call_resource(&record)).into_response())
}

fn not_in_progress() -> TwilioError {
    TwilioError::bad_request(21220, "Call is not in-progress. Cannot redirect.")
}

async fn modify(
    State(state): State<SharedState>,
    Path((account, call)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, TwilioError> {
    authorize(&headers, &state, &account)?;
    let sid = call_sid(&call)?;
    let form = parse_form(&body)?;
    let record = state
        .store
        .get(sid)
        .ok_or_else(|| TwilioError::not_found(sid))?;
    if record.status.is_final() {
        return Err(not_in_progress());
    }
    let control_tx = state.store.control(sid).ok_or_else(not_in_progress)?;
    let store = &state.store;

    if let Some(status) = form_value(&form, "Status") {
        let requested = match status {
            "completed" => CallStatus::Completed,
            "canceled" => CallStatus::Canceled,
            other => {
                return Err(TwilioError::bad_request(
                    20001,
                    format!("Invalid Status {other:?}: expected completed or canceled"),
                ));
            }
        };
        store.event(sid, "modify", format!("REST Status={status}"));
        let (ack, done) = oneshot::channel();
        control_tx
            .send(Control::Hangup {
                status: requested,
                ack,
            })
            .map_err(|_| not_in_progress())?;
        // The driver acknowledges once the final status is recorded.
        let _ = tokio::time::timeout(Duration::from_secs(5), done).await;
    } else if let Some(doc) = form_value(&form, "Twiml") {
        twiml::parse(doc)
            .map_err(|e| TwilioError::bad_request(12100, format!("Document parse failure: {e}")))?;
        store.event(sid, "modify", format!("REST Twiml={doc}"));
        control_tx
            .send(Control::Twiml(doc.to_owned()))
            .map_err(|_| not_in_progress())?;
    } else if let Some(url) = form_value(&form, "Url") {
        webhook::parse_url(url).map_err(|_| {
            TwilioError::bad_request(21205, format!("Url is not a valid URL: {url}"))
        })?;
        let method = form_value(&form, "Method")
            .unwrap_or("POST")
            .to_ascii_uppercase();
        store.event(sid, "modify", format!("REST Url={url} Method={method}"));
        control_tx
            .send(Control::Url {
                url: url.to_owned(),
                method,
            })
            .map_err(|_| not_in_progress())?;
    }
    let record = store.get(sid).ok_or_else(|| TwilioError::not_found(sid))?;
    Ok(Json(call_resource(&record)).into_response())
}
