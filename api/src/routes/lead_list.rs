//! `GET /api/leads`: leads filtered by campaign, language, latest outcome, status and a text
//! search over name, phone and email, newest first, a page at a time. The same filter picks a
//! campaign's leads (`POST /api/campaigns/start` with `filter`): [`LeadFilter`].

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
    /// Where the lead stands: `new` (never in a campaign), `active` (waiting or being called in
    /// a campaign), `done` (settled in every campaign it was in).
    #[param(value_type = Option<super::openapi::LeadStatus>, inline)]
    status: Option<String>,
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

/// Which leads: the filters of `GET /api/leads`, also accepted by `POST /api/campaigns/start`.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadFilter {
    /// Only leads of this campaign.
    pub campaign_id: Option<Uuid>,
    /// Only leads spoken to in this language (code or name, e.g. `he`).
    #[schema(value_type = Option<callwright_domain::Language>)]
    pub language: Option<String>,
    /// Latest outcome code; `none` for leads never called.
    #[schema(value_type = Option<super::openapi::LeadOutcomeFilter>)]
    pub outcome: Option<String>,
    /// `new`, `active` or `done` (as in `GET /api/leads`).
    #[schema(value_type = Option<super::openapi::LeadStatus>)]
    pub status: Option<String>,
    /// Text in the name, phone or email (case-insensitive).
    pub q: Option<String>,
}

/// A [`LeadFilter`] checked and ready to bind to [`LeadFilter::WHERE`] ($1 to $6).
pub struct Binds {
    campaign_id: Option<Uuid>,
    language: Option<&'static str>,
    never_called: bool,
    outcome: Option<String>,
    text: Option<String>,
    status: Option<String>,
}

impl LeadFilter {
    /// The condition over `leads l` (live leads only), with the filter in `$1`..`$6`.
    pub const WHERE: &'static str = "l.deleted_at IS NULL AND NOT l.trial
           AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM campaign_leads cl
                                             WHERE cl.lead_id = l.id AND cl.campaign_id = $1))
           AND ($2::text IS NULL OR l.language = $2)
           AND (CASE WHEN $3 THEN l.last_outcome IS NULL
                     ELSE ($4::text IS NULL OR l.last_outcome = $4) END)
           AND ($5::text IS NULL OR l.name ILIKE $5 OR l.phone ILIKE $5 OR l.email ILIKE $5)
           AND (CASE $6::text
                  WHEN 'new' THEN NOT EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                  WHEN 'active' THEN EXISTS (SELECT 1 FROM campaign_leads cl
                                              WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  WHEN 'done' THEN EXISTS (SELECT 1 FROM campaign_leads cl WHERE cl.lead_id = l.id)
                               AND NOT EXISTS (SELECT 1 FROM campaign_leads cl
                                               WHERE cl.lead_id = l.id AND cl.outcome IS NULL)
                  ELSE true END)";

    /// Checks the values; `invalid` builds the error for a bad one from the field (prefixed
    /// with `prefix`) and the reason: a 400 for a query string, a 422 for a body.
    pub fn binds(
        &self,
        prefix: &str,
        invalid: fn(String, String) -> ApiError,
    ) -> Result<Binds, ApiError> {
        // Compared as the stored code, so `EN` or `en-US` find the `en` leads.
        let language = self
            .language
            .as_deref()
            .map(|l| {
                l.parse::<callwright_domain::Language>()
                    .map(|l| l.code())
                    .map_err(|e| invalid(format!("{prefix}language"), e.to_string()))
            })
            .transpose()?;
        let never_called = self.outcome.as_deref() == Some("none");
        let outcome = self.outcome.clone().filter(|_| !never_called);
        if let Some(outcome) = outcome.as_deref()
            && !callwright_domain::AttemptOutcome::CODES.contains(&outcome)
        {
            return Err(invalid(
                format!("{prefix}outcome"),
                format!(
                    "'{outcome}' is not 'none' or one of {}",
                    callwright_domain::AttemptOutcome::CODES.join(", ")
                ),
            ));
        }
        if let Some(status) = self.status.as_deref()
            && !["new", "active", "done"].contains(&status)
        {
            return Err(invalid(
                format!("{prefix}status"),
                format!("'{status}' is not new, active or done"),
            ));
        }
        Ok(Binds {
            campaign_id: self.campaign_id,
            language,
            never_called,
            outcome,
            text: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| format!("%{}%", like_escape(t))),
            status: self.status.clone(),
        })
    }
}

impl Binds {
    /// Binds `$1`..`$6` of [`LeadFilter::WHERE`]; bind the query's own parameters after.
    pub fn bind<'q, O>(
        &'q self,
        query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
        query
            .bind(self.campaign_id)
            .bind(self.language)
            .bind(self.never_called)
            .bind(self.outcome.as_deref())
            .bind(self.text.as_deref())
            .bind(self.status.as_deref())
    }
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
    let filter = LeadFilter {
        campaign_id: q.campaign_id,
        language: q.language,
        outcome: q.outcome,
        status: q.status,
        q: q.q,
    };
    let binds = filter.binds("", ApiError::bad_field)?;
    let limit = page::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let sql = format!(
        "SELECT l.id, l.name, l.phone, l.email, l.company, l.language, l.timezone, l.attempts,
                l.last_outcome, l.last_outcome_at, l.created_at
         FROM leads l
         WHERE {}
           AND ($7::timestamptz IS NULL OR (l.created_at, l.id) < ($7, $8))
         ORDER BY l.created_at DESC, l.id DESC LIMIT $9",
        LeadFilter::WHERE
    );
    let rows: Vec<LeadSummary> = binds
        .bind(sqlx::query_as(&sql))
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
