//! `GET /api/campaigns/status`: every campaign, newest first, with its progress from the
//! projections (leads settled, outcomes so far), a page at a time. One query, no Temporal
//! round trip per campaign; `GET /api/campaigns/{id}` has the live workflow view.

use super::page::{self, Cursor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// A campaign and how far it got.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct CampaignRow {
    id: Uuid,
    name: String,
    workflow_id: String,
    created_at: DateTime<Utc>,
    /// Leads in the campaign.
    lead_count: i32,
    /// Leads with a settled outcome.
    settled: i64,
    /// Outcome code → leads (latest outcome of each lead in this campaign).
    // Postgres builds the object (`jsonb_object_agg`); documented as the counts it holds, so
    // clients read numbers, as `CampaignDetail.outcomes` says.
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    outcomes: serde_json::Value,
    /// Meetings booked on the campaign's calls (not counting failed ones).
    meetings_booked: i64,
}

/// A page of campaigns.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignPage {
    campaigns: Vec<CampaignRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
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
    Query(q): Query<CampaignQuery>,
) -> Result<Json<CampaignPage>, ApiError> {
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let rows: Vec<CampaignRow> = sqlx::query_as(
        "SELECT c.id, c.name, c.workflow_id, c.created_at, c.lead_count,
                (SELECT count(*) FROM campaign_leads cl
                  WHERE cl.campaign_id = c.id AND cl.settled_at IS NOT NULL) AS settled,
                COALESCE((SELECT jsonb_object_agg(o.outcome, o.n) FROM
                           (SELECT outcome, count(*) AS n FROM campaign_leads cl
                             WHERE cl.campaign_id = c.id AND outcome IS NOT NULL
                             GROUP BY outcome) o), '{}'::jsonb) AS outcomes,
                (SELECT count(*) FROM meetings m
                  WHERE m.campaign_id = c.id AND m.status <> 'failed') AS meetings_booked
         FROM campaigns c
         WHERE ($1::timestamptz IS NULL OR (c.created_at, c.id) < ($1, $2))
         ORDER BY c.created_at DESC, c.id DESC LIMIT $3",
    )
    .bind(before.map(|c| c.at))
    .bind(before.map(|c| c.id))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let (campaigns, next_cursor) = page::finish(rows, limit, |c| (c.created_at, c.id));
    Ok(Json(CampaignPage {
        campaigns,
        next_cursor,
    }))
}
