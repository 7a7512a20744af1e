//! Who the callee is in a trial: a live lead (its fields as the agent's templates read them),
//! or a made-up one given with the trial, checked like any lead's values.

use crate::error::ApiError;
use crate::state::AppState;
use callwright_contracts::api::trials::NewTrial;
use callwright_domain::{Email, Language};
use serde_json::Value;
use uuid::Uuid;

/// What of a lead an agent's templates read: name, email, company, language, zone, fields.
pub(crate) struct TrialLeadRow {
    pub(crate) name: String,
    pub(crate) email: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) language: Language,
    pub(crate) timezone: chrono_tz::Tz,
    pub(crate) fields: std::collections::BTreeMap<String, Value>,
}

/// A live lead (not deleted, not a trial's) as an agent's templates read it.
pub(crate) async fn load_lead(
    state: &AppState,
    id: Uuid,
) -> Result<Option<TrialLeadRow>, ApiError> {
    let row = callwright_store::trials::lead_details(&state.db, id).await?;
    // Both columns are checked when a lead is written; a value that fails here is a bug.
    let stored = |what: &str, value: &str| {
        ApiError::Internal(anyhow::anyhow!(
            "lead {id}: stored {what} '{value}' is unknown"
        ))
    };
    row.map(
        |callwright_store::trials::LeadDetails {
             name,
             email,
             company,
             language,
             timezone,
             fields,
         }| {
            Ok(TrialLeadRow {
                name,
                email,
                company,
                language: language
                    .parse()
                    .map_err(|_| stored("language", &language))?,
                timezone: timezone
                    .parse()
                    .map_err(|_| stored("timezone", &timezone))?,
                fields: fields.0,
            })
        },
    )
    .transpose()
}

pub(super) async fn trial_lead(
    state: &AppState,
    req: &NewTrial,
    agent_language: Language,
) -> Result<TrialLeadRow, ApiError> {
    let language = match req.language.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(l) => Some(
            l.parse::<Language>()
                .map_err(|e| ApiError::invalid("language", format!("{e}")))?,
        ),
        None => None,
    };
    if req.lead_id.is_some() && req.lead.is_some() {
        return Err(ApiError::invalid("lead", "give lead_id or lead, not both"));
    }
    if let Some(id) = req.lead_id {
        let lead = load_lead(state, id)
            .await?
            .ok_or_else(|| ApiError::invalid("lead_id", format!("no lead {id}")))?;
        return Ok(TrialLeadRow {
            language: language.unwrap_or(lead.language),
            ..lead
        });
    }
    let given = req.lead.as_ref();
    let name = given
        .and_then(|l| l.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Trial caller");
    if name.chars().count() > 200 {
        return Err(ApiError::invalid("lead.name", "at most 200 characters"));
    }
    let timezone = given
        .and_then(|l| l.timezone.as_deref())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("UTC");
    let timezone = timezone.parse::<chrono_tz::Tz>().map_err(|_| {
        ApiError::invalid(
            "lead.timezone",
            format!("'{timezone}' is not an IANA time zone"),
        )
    })?;
    let email = given
        .and_then(|l| l.email.as_deref())
        .filter(|e| !e.trim().is_empty())
        .map(Email::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("lead.email", e))?;
    let fields = callwright_domain::lead::lead_fields(
        given.and_then(|l| l.fields.clone()).unwrap_or_default(),
    )
    .map_err(|e| e.under("lead"))?;
    Ok(TrialLeadRow {
        name: name.to_owned(),
        email: email.map(|e| e.as_str().to_owned()),
        company: given.and_then(|l| l.company.clone()),
        language: language.unwrap_or(agent_language),
        timezone,
        fields,
    })
}
