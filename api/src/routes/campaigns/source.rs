//! Where a campaign's leads come from (ids, a filter, a saved filter or an upload), checked,
//! and how they are enrolled in the campaign in order.

use super::MAX_LEADS;
use crate::error::ApiError;
use callwright_contracts::api::campaigns::StartCampaign;
use callwright_contracts::api::leads::LeadFilter;
use callwright_store::lead_filter::FilterValues;
use std::collections::HashSet;
use uuid::Uuid;

/// The refusal of a request with no lead source, or more than one.
fn one_source() -> ApiError {
    ApiError::invalid(
        "lead_ids",
        "give exactly one of lead_ids, filter, filter_id and import_id",
    )
}

/// Where a campaign's leads come from.
pub(super) enum LeadSource {
    /// Given one by one (deduplicated, order kept).
    Ids(Vec<Uuid>),
    /// Matching a filter.
    Filter(FilterValues),
    /// Created by an upload.
    Import(Uuid),
}

impl LeadSource {
    pub(super) fn of(req: &StartCampaign, saved: Option<&LeadFilter>) -> Result<Self, ApiError> {
        let filter = match (&req.filter, saved) {
            (Some(_), Some(_)) => {
                return Err(one_source());
            }
            (given, saved) => given.as_ref().or(saved),
        };
        match (&req.lead_ids, filter, req.import_id) {
            (Some(raw), None, None) => {
                if raw.is_empty() {
                    return Err(ApiError::invalid("lead_ids", "at least one lead is needed"));
                }
                if raw.len() > MAX_LEADS {
                    return Err(ApiError::invalid(
                        "lead_ids",
                        format!(
                            "at most {MAX_LEADS} leads per request (use filter or import_id for more)"
                        ),
                    ));
                }
                let mut seen = HashSet::new();
                let mut ids = Vec::with_capacity(raw.len());
                for id in raw {
                    let id = Uuid::parse_str(id).map_err(|_| {
                        ApiError::invalid("lead_ids", format!("'{id}' is not a lead id"))
                    })?;
                    if seen.insert(id) {
                        ids.push(id);
                    }
                }
                Ok(Self::Ids(ids))
            }
            (None, Some(filter), None) => Ok(Self::Filter(super::super::lead_list::filter_binds(
                filter,
                "filter.",
                ApiError::invalid,
            )?)),
            (None, None, Some(import)) => Ok(Self::Import(import)),
            _ => Err(one_source()),
        }
    }

    /// Writes the campaign's leads in calling order; returns how many.
    pub(super) async fn enrol(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        campaign_id: Uuid,
    ) -> Result<u64, ApiError> {
        let enrolled = match self {
            Self::Ids(ids) => {
                let missing = callwright_store::campaigns::unknown_leads(tx, ids).await?;
                if !missing.is_empty() {
                    let list: Vec<String> = missing.iter().map(Uuid::to_string).collect();
                    return Err(ApiError::invalid(
                        "lead_ids",
                        format!("unknown leads {}", list.join(", ")),
                    ));
                }
                callwright_store::campaigns::enrol_ids(tx, campaign_id, ids).await?
            }
            Self::Filter(binds) => {
                callwright_store::lead_filter::enrol(tx, binds, campaign_id).await?
            }
            Self::Import(import) => {
                let known = callwright_store::campaigns::import_exists(tx, *import).await?;
                if !known {
                    return Err(ApiError::invalid(
                        "import_id",
                        format!("no upload {import}"),
                    ));
                }
                callwright_store::campaigns::enrol_import(tx, campaign_id, *import).await?
            }
        };
        if enrolled == 0 {
            let field = match self {
                Self::Ids(_) => "lead_ids",
                Self::Filter(_) => "filter",
                Self::Import(_) => "import_id",
            };
            return Err(ApiError::invalid(field, "no live leads to call"));
        }
        Ok(enrolled)
    }
}
