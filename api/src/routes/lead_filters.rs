//! Saved lead filters: `POST /api/lead-filters` names a [`LeadFilter`] (checked like
//! `GET /api/leads` checks it), `GET /api/lead-filters` lists them, `DELETE` removes one;
//! `POST /api/campaigns/start` takes `filter_id` to call the leads one matches at that moment.

use super::json_body::JsonBody;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::leads::{LeadFilter, NewSavedFilter, SavedFilter};
use uuid::Uuid;

/// A stored filter as the API shows it.
fn saved(row: callwright_store::lead_filter::SavedRow) -> SavedFilter {
    SavedFilter {
        id: row.id,
        name: row.name,
        filter: row.filter,
        created_at: row.created_at,
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
    super::lead_list::filter_binds(&new.filter, "filter.", ApiError::invalid)?;
    let filter = serde_json::to_value(&new.filter).map_err(anyhow::Error::from)?;
    let row = callwright_store::lead_filter::save(&state.db, name, &filter).await?;
    Ok((StatusCode::CREATED, Json(saved(row))))
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
        .map(saved)
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
