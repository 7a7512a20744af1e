//! Saved lead filters: `POST /api/lead-filters` names a [`LeadFilter`] (checked like
//! `GET /api/leads` checks it), `GET /api/lead-filters` lists them, `DELETE` removes one;
//! `POST /api/campaigns/start` takes `filter_id` to call the leads one matches at that moment.

use super::json_body::JsonBody;
use super::lead_list::LeadFilter;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/lead-filters` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSavedFilter {
    /// What the team calls it.
    #[schema(example = "Hebrew leads never called", min_length = 1)]
    name: String,
    /// The filter.
    filter: LeadFilter,
}

/// A saved filter.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SavedFilter {
    /// Its id (`filter_id` of `POST /api/campaigns/start`).
    id: Uuid,
    /// Its name.
    name: String,
    /// The filter, as saved.
    #[schema(value_type = LeadFilter)]
    filter: serde_json::Value,
    /// Saved at.
    created_at: DateTime<Utc>,
}

/// Saves a filter under a name.
#[utoipa::path(
    post,
    path = "/api/lead-filters",
    operation_id = "saveLeadFilter",
    tag = "leads",
    security(("bearer" = [])),
    request_body(content = NewSavedFilter, description = "Name and filter; unknown fields are refused."),
    responses(
        (status = 201, description = "Saved", body = SavedFilter),
        (status = 400, description = "Malformed JSON body", body = ErrorBody),
        (status = 422, description = "No name, or an invalid filter (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    JsonBody(new): JsonBody<NewSavedFilter>,
) -> Result<(StatusCode, Json<SavedFilter>), ApiError> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "must not be empty"));
    }
    new.filter.binds("filter.", ApiError::invalid)?;
    let saved: SavedFilter = sqlx::query_as(
        "INSERT INTO lead_filters (id, name, filter) VALUES ($1, $2, $3)
         RETURNING id, name, filter, created_at",
    )
    .bind(Uuid::new_v4())
    .bind(name)
    .bind(serde_json::to_value(&new.filter).map_err(anyhow::Error::from)?)
    .fetch_one(&state.db)
    .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Every saved filter, newest first.
#[utoipa::path(
    get,
    path = "/api/lead-filters",
    operation_id = "listLeadFilters",
    tag = "leads",
    security(("bearer" = [])),
    responses((status = 200, description = "Saved filters", body = Vec<SavedFilter>))
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<SavedFilter>>, ApiError> {
    let filters = sqlx::query_as(
        "SELECT id, name, filter, created_at FROM lead_filters ORDER BY created_at DESC LIMIT 1000",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(filters))
}

/// Removes a saved filter (campaigns started from it keep their leads).
#[utoipa::path(
    delete,
    path = "/api/lead-filters/{id}",
    operation_id = "deleteLeadFilter",
    tag = "leads",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Saved filter id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Not a filter id", body = ErrorBody),
        (status = 404, description = "No such filter", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a filter id")))?;
    let gone = sqlx::query("DELETE FROM lead_filters WHERE id = $1")
        .bind(id)
        .execute(&state.db)
        .await?
        .rows_affected();
    if gone == 0 {
        return Err(ApiError::NotFound(format!("no saved filter {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The filter saved as `id`, for a campaign start.
pub async fn load(state: &AppState, id: Uuid) -> Result<LeadFilter, ApiError> {
    let filter: serde_json::Value =
        sqlx::query_scalar("SELECT filter FROM lead_filters WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.db)
            .await?
            .ok_or_else(|| ApiError::invalid("filter_id", format!("no saved filter {id}")))?;
    serde_json::from_value(filter)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("saved filter {id}: {e}")))
}
