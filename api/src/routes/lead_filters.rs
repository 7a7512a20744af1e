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
#[derive(Debug, Serialize, utoipa::ToSchema)]
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

impl From<callwright_store::lead_filter::SavedRow> for SavedFilter {
    fn from(row: callwright_store::lead_filter::SavedRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            filter: row.filter,
            created_at: row.created_at,
        }
    }
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
    let filter = serde_json::to_value(&new.filter).map_err(anyhow::Error::from)?;
    let saved =
        SavedFilter::from(callwright_store::lead_filter::save(&state.db, name, &filter).await?);
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
    let filters = callwright_store::lead_filter::saved(&state.db)
        .await?
        .into_iter()
        .map(SavedFilter::from)
        .collect();
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
    if !callwright_store::lead_filter::remove_saved(&state.db, id).await? {
        return Err(ApiError::NotFound(format!("no saved filter {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The filter saved as `id`, for a campaign start.
pub async fn load(state: &AppState, id: Uuid) -> Result<LeadFilter, ApiError> {
    let filter = callwright_store::lead_filter::saved_filter(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::invalid("filter_id", format!("no saved filter {id}")))?;
    serde_json::from_value(filter)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("saved filter {id}: {e}")))
}
