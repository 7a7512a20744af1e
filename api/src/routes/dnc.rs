//! The do-not-call list: add (one, or many at once), check and remove numbers. Every dial
//! checks it right before dialling; an opt-out on a call adds to it too.

use super::json_body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_contracts::api::dnc::{BulkEntries, BulkRejected, BulkReport, Entry, NewEntry};
use callwright_contracts::api::error::ErrorBody;
use callwright_domain::E164;

fn phone(raw: &str) -> Result<E164, ApiError> {
    E164::parse(raw, None).map_err(|e| ApiError::invalid("phone", format!("{e}")))
}

/// Adds a number (201), or returns the existing entry (200).
#[utoipa::path(
    post,
    path = "/api/dnc",
    operation_id = "addDnc",
    tag = "do-not-call",
    security(("bearer" = [])),
    request_body(content = NewEntry, description = "The number; unknown fields are refused."),
    responses(
        (status = 201, description = "Added", body = Entry),
        (status = 200, description = "Already on the list: the existing entry", body = Entry),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Not a phone number", body = ErrorBody),
    )
)]
pub async fn add(
    State(state): State<AppState>,
    JsonBody(new): JsonBody<NewEntry>,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    let phone = phone(&new.phone)?;
    let reason = new
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "added by an operator".to_owned());
    let inserted = callwright_store::dnc::add(&state.db, phone.as_str(), &reason).await?;
    match inserted {
        Some(entry) => Ok((StatusCode::CREATED, Json(entry))),
        None => Ok((StatusCode::OK, Json(fetch(&state, &phone).await?))),
    }
}

/// Most numbers one bulk request may carry.
const MAX_BULK: usize = 50_000;

/// Adds many numbers at once (an imported suppression list): every valid number is added in one
/// transaction, invalid ones are reported by position and reason. Idempotent.
#[utoipa::path(
    post,
    path = "/api/dnc/bulk",
    operation_id = "bulkAddDnc",
    tag = "do-not-call",
    security(("bearer" = [])),
    request_body(content = BulkEntries, description = "The numbers; unknown fields are refused."),
    responses(
        (status = 200, description = "Imported; the report says what was added and refused", body = BulkReport),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "No numbers, too many, or a bad region", body = ErrorBody),
    )
)]
pub async fn bulk_add(
    State(state): State<AppState>,
    JsonBody(bulk): JsonBody<BulkEntries>,
) -> Result<Json<BulkReport>, ApiError> {
    if bulk.phones.is_empty() || bulk.phones.len() > MAX_BULK {
        return Err(ApiError::invalid(
            "phones",
            format!("between 1 and {MAX_BULK} numbers per request"),
        ));
    }
    let region = super::csv_input::region_code(bulk.region.as_deref().unwrap_or_default())?;
    let mut valid = Vec::with_capacity(bulk.phones.len());
    let mut rejected = Vec::new();
    for (index, raw) in bulk.phones.iter().enumerate() {
        match E164::parse(raw, region.as_deref()) {
            Ok(phone) => valid.push(phone.as_str().to_owned()),
            Err(e) => rejected.push(BulkRejected {
                index,
                phone: raw.chars().take(100).collect(),
                reason: e.to_string(),
            }),
        }
    }
    let reason = bulk
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "imported by an operator".to_owned());
    let added = callwright_store::dnc::add_many(&state.db, &valid, &reason).await?;
    tracing::info!(
        added,
        rejected = rejected.len(),
        "do-not-call numbers imported"
    );
    Ok(Json(BulkReport {
        added,
        already_listed: (valid.len() as u64).saturating_sub(added),
        rejected,
    }))
}

async fn fetch(state: &AppState, phone: &E164) -> Result<Entry, ApiError> {
    callwright_store::dnc::get(&state.db, phone.as_str())
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("{phone} is not on the do-not-call list")))
}

/// Whether a number is on the list (404 if not).
#[utoipa::path(
    get,
    path = "/api/dnc/{phone}",
    operation_id = "getDnc",
    tag = "do-not-call",
    security(("bearer" = [])),
    params(("phone" = String, Path, description = "The number in E.164 (`+` may be sent as `%2B`)", example = "+14155552671")),
    responses(
        (status = 200, description = "On the list", body = Entry),
        (status = 404, description = "Not on the list", body = ErrorBody),
        (status = 422, description = "Not a phone number", body = ErrorBody),
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Entry>, ApiError> {
    Ok(Json(fetch(&state, &phone(&raw)?).await?))
}

/// Removes a number (204), or 404 if it was not there.
#[utoipa::path(
    delete,
    path = "/api/dnc/{phone}",
    operation_id = "removeDnc",
    tag = "do-not-call",
    security(("bearer" = [])),
    params(("phone" = String, Path, description = "The number in E.164 (`+` may be sent as `%2B`)", example = "+14155552671")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Not on the list", body = ErrorBody),
        (status = 422, description = "Not a phone number", body = ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let phone = phone(&raw)?;
    if !callwright_store::dnc::remove(&state.db, phone.as_str()).await? {
        return Err(ApiError::NotFound(format!(
            "{phone} is not on the do-not-call list"
        )));
    }
    tracing::info!(%phone, "removed from the do-not-call list");
    Ok(StatusCode::NO_CONTENT)
}
