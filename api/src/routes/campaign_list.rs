//! `GET /api/campaigns/status`: every campaign, newest first, with its progress from the
//! projections (leads settled, outcomes so far), a page at a time. One query, no Temporal
//! round trip per campaign; `GET /api/campaigns/{id}` has the live workflow view.

use super::page::{self, Cursor};
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use callwright_contracts::api::campaigns::CampaignPage;
use callwright_contracts::api::error::ErrorBody;
use serde::Deserialize;

/// Paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// Page size (1–500, default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// Campaigns with their progress.
#[utoipa::path(
    get,
    path = "/api/campaigns/status",
    operation_id = "listCampaigns",
    tag = "campaigns",
    security(("bearer" = [])),
    params(CampaignQuery),
    responses(
        (status = 200, description = "A page of campaigns, newest first", body = CampaignPage),
        (status = 400, description = "A bad limit or cursor", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    FieldQuery(q): FieldQuery<CampaignQuery>,
) -> Result<Json<CampaignPage>, ApiError> {
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let rows =
        callwright_store::campaigns::list(&state.db, before.map(|c| (c.at, c.id)), limit + 1)
            .await?;
    let (campaigns, next_cursor) = page::finish(rows, limit, |c| (c.created_at, c.id));
    Ok(Json(CampaignPage {
        campaigns,
        next_cursor,
    }))
}
