//! `GET /api/leads`: leads filtered by campaign, language, latest outcome, status and a text
//! search over name, phone and email, newest first, a page at a time. The same filter picks a
//! campaign's leads (`POST /api/campaigns/start` with `filter`): [`LeadFilter`].

use super::page::{self, Cursor};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
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

use callwright_store::lead_filter::FilterValues;
pub use callwright_store::lead_filter::LeadSummary;

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

impl LeadFilter {
    /// Checks the values; `invalid` builds the error for a bad one from the field (prefixed
    /// with `prefix`) and the reason: a 400 for a query string, a 422 for a body.
    pub fn binds(
        &self,
        prefix: &str,
        invalid: fn(String, String) -> ApiError,
    ) -> Result<FilterValues, ApiError> {
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
        Ok(FilterValues {
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
    let rows = callwright_store::lead_filter::list(
        &state.db,
        &binds,
        before.map(|c| (c.at, c.id)),
        limit + 1,
    )
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
