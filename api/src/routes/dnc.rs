//! The do-not-call list: add, check and remove numbers. Every dial checks it right before
//! dialling; an opt-out on a call adds to it too.

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_domain::E164;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/dnc` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewDncEntry)]
pub struct NewEntry {
    /// The number, in E.164.
    #[schema(example = "+14155552671")]
    phone: String,
    /// Why (default: "added by an operator").
    reason: Option<String>,
}

/// A do-not-call entry.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = DncEntry)]
pub struct Entry {
    /// The number, in E.164.
    #[schema(example = "+14155552671")]
    phone: String,
    /// Why it is on the list.
    reason: String,
    /// Added at.
    created_at: DateTime<Utc>,
}

fn phone(raw: &str) -> Result<E164, ApiError> {
    E164::parse(raw, None).map_err(|e| ApiError::Unprocessable(format!("phone: {e}")))
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
    Json(new): Json<NewEntry>,
) -> Result<(StatusCode, Json<Entry>), ApiError> {
    let phone = phone(&new.phone)?;
    let reason = new
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "added by an operator".to_owned());
    let inserted: Option<Entry> = sqlx::query_as(
        "INSERT INTO dnc (phone, reason) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING RETURNING phone, reason, created_at",
    )
    .bind(phone.as_str())
    .bind(reason)
    .fetch_optional(&state.db)
    .await?;
    match inserted {
        Some(entry) => Ok((StatusCode::CREATED, Json(entry))),
        None => Ok((StatusCode::OK, Json(fetch(&state, &phone).await?))),
    }
}

async fn fetch(state: &AppState, phone: &E164) -> Result<Entry, ApiError> {
    sqlx::query_as("SELECT phone, reason, created_at FROM dnc WHERE phone = $1")
        .bind(phone.as_str())
        .fetch_optional(&state.db)
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
    let removed = sqlx::query("DELETE FROM dnc WHERE phone = $1")
        .bind(phone.as_str())
        .execute(&state.db)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!(
            "{phone} is not on the do-not-call list"
        )));
    }
    tracing::info!(%phone, "removed from the do-not-call list");
    Ok(StatusCode::NO_CONTENT)
}
