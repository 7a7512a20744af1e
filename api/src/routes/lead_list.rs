//! `GET /api/leads`: leads filtered by campaign, language, latest outcome, status and a text
//! search over name, phone and email, newest first, a page at a time. The same filter picks a
//! campaign's leads (`POST /api/campaigns/start` with `filter`): [`LeadFilter`].

use super::page::{self, Cursor};
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use callwright_contracts::api::codes::LeadStatus;
use callwright_contracts::api::error::ErrorBody;
use callwright_contracts::api::leads::{LeadFilter, LeadPage};
use serde::Deserialize;
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
    #[param(value_type = Option<callwright_contracts::api::codes::LeadOutcomeFilter>, inline)]
    outcome: Option<String>,
    /// Where the lead stands: `new` (never in a campaign), `active` (waiting or being called in
    /// a campaign), `done` (settled in every campaign it was in).
    #[param(inline)]
    status: Option<LeadStatus>,
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
    FieldQuery(q): FieldQuery<LeadQuery>,
) -> Result<Json<LeadPage>, ApiError> {
    let filter = LeadFilter {
        campaign_id: q.campaign_id,
        language: q.language,
        outcome: q.outcome,
        status: q.status,
        q: q.q,
    };
    let binds = filter_binds(&filter, "", ApiError::bad_field)?;
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

/// Checks the values; `invalid` builds the error for a bad one from the field (prefixed
/// with `prefix`) and the reason: a 400 for a query string, a 422 for a body.
pub fn filter_binds(
    filter: &LeadFilter,
    prefix: &str,
    invalid: fn(String, String) -> ApiError,
) -> Result<FilterValues, ApiError> {
    // Compared as the stored code, so `EN` or `en-US` find the `en` leads.
    let language = filter
        .language
        .as_deref()
        .map(|l| {
            l.parse::<callwright_domain::Language>()
                .map(|l| l.code())
                .map_err(|e| invalid(format!("{prefix}language"), e.to_string()))
        })
        .transpose()?;
    let never_called = filter.outcome.as_deref() == Some("none");
    let outcome = filter.outcome.clone().filter(|_| !never_called);
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
    Ok(FilterValues {
        campaign_id: filter.campaign_id,
        language,
        never_called,
        outcome,
        text: filter
            .q
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| format!("%{}%", like_escape(t))),
        status: filter.status.map(|s| s.code().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_literal() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
