//! `GET /api/leads`: leads filtered by campaign, language, latest outcome and a text search over
//! name, phone and email, newest first, a page at a time.

use super::page::{self, Cursor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadQuery {
    /// Only leads of this campaign.
    campaign_id: Option<Uuid>,
    /// Only leads spoken to in this language.
    #[param(value_type = Option<callwright_domain::Language>, inline)]
    language: Option<String>,
    /// Latest outcome; `none` for leads never called.
    #[param(value_type = Option<super::openapi::LeadOutcomeFilter>, inline)]
    outcome: Option<String>,
    /// Text in the name, phone or email (case-insensitive).
    q: Option<String>,
    /// Page size (default 100, at most 500).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(min_length = 1)]
    cursor: Option<String>,
}

/// A lead in a list.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LeadSummary {
    /// Lead id.
    id: Uuid,
    /// Display name.
    name: String,
    /// Phone number in E.164.
    phone: String,
    /// Email.
    email: Option<String>,
    /// Company.
    company: Option<String>,
    /// Language code (`en`, `he`, `fr`, `de`, `es`).
    language: String,
    /// IANA time zone.
    timezone: String,
    /// Attempts made so far.
    attempts: i32,
    /// Outcome code of the latest attempt.
    last_outcome: Option<String>,
    /// When the latest attempt ended.
    last_outcome_at: Option<DateTime<Utc>>,
    /// Created at.
    created_at: DateTime<Utc>,
}

/// A page of leads.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeadPage {
    /// Newest first.
    leads: Vec<LeadSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

/// `%`, `_` and `\` taken literally inside a LIKE pattern.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Leads, newest first.
#[utoipa::path(
    get,
    path = "/api/leads",
    operation_id = "listLeads",
    tag = "leads",
    security(("bearer" = [])),
    params(LeadQuery),
    responses(
        (status = 200, description = "A page of leads", body = LeadPage),
        (status = 400, description = "A filter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<LeadQuery>,
) -> Result<Json<LeadPage>, ApiError> {
    // Compared as the stored code, so `EN` or `en-US` find the `en` leads.
    let language = q
        .language
        .as_deref()
        .map(|l| {
            l.parse::<callwright_domain::Language>()
                .map(|l| l.code())
                .map_err(|e| ApiError::BadRequest(format!("language: {e}")))
        })
        .transpose()?;
    let never_called = q.outcome.as_deref() == Some("none");
    if let Some(outcome) = q.outcome.as_deref().filter(|_| !never_called)
        && !callwright_domain::AttemptOutcome::CODES.contains(&outcome)
    {
        return Err(ApiError::BadRequest(format!(
            "outcome: '{outcome}' is not 'none' or one of {}",
            callwright_domain::AttemptOutcome::CODES.join(", ")
        )));
    }
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| format!("%{}%", like_escape(t)));
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let rows: Vec<LeadSummary> = sqlx::query_as(
        "SELECT l.id, l.name, l.phone, l.email, l.company, l.language, l.timezone, l.attempts,
                l.last_outcome, l.last_outcome_at, l.created_at
         FROM leads l
         WHERE l.deleted_at IS NULL
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM campaign_leads cl
                                             WHERE cl.lead_id = l.id AND cl.campaign_id = $1))
           AND ($2::text IS NULL OR l.language = $2)
           AND (CASE WHEN $3 THEN l.last_outcome IS NULL
                     ELSE ($4::text IS NULL OR l.last_outcome = $4) END)
           AND ($5::text IS NULL OR l.name ILIKE $5 OR l.phone ILIKE $5 OR l.email ILIKE $5)
           AND ($6::timestamptz IS NULL OR (l.created_at, l.id) < ($6, $7))
         ORDER BY l.created_at DESC, l.id DESC LIMIT $8",
    )
    .bind(q.campaign_id)
    .bind(language)
    .bind(never_called)
    .bind(q.outcome.as_deref().filter(|_| !never_called))
    .bind(&text)
    .bind(before.map(|c| c.at))
    .bind(before.map(|c| c.id))
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let (leads, next_cursor) = page::finish(rows, limit, |l| (l.created_at, l.id));
    Ok(Json(LeadPage { leads, next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_literal() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
