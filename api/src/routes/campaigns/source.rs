//! Where a campaign's leads come from (ids, a filter, a saved filter or an upload), checked,
//! and how they are enrolled in the campaign in order.

use super::{MAX_LEADS, StartCampaign};
use crate::error::ApiError;
use crate::routes::lead_list::{Binds, LeadFilter};
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
    Filter(Binds),
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
            (None, Some(filter), None) => {
                Ok(Self::Filter(filter.binds("filter.", ApiError::invalid)?))
            }
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
                let missing: Vec<Uuid> = sqlx::query_scalar(
                    "SELECT id FROM UNNEST($1::uuid[]) AS t(id)
                     WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = t.id AND l.deleted_at IS NULL AND NOT l.trial) LIMIT 10",
                )
                .bind(ids)
                .fetch_all(&mut **tx)
                .await?;
                if !missing.is_empty() {
                    let list: Vec<String> = missing.iter().map(Uuid::to_string).collect();
                    return Err(ApiError::invalid(
                        "lead_ids",
                        format!("unknown leads {}", list.join(", ")),
                    ));
                }
                sqlx::query(
                    "INSERT INTO campaign_leads (campaign_id, seq, lead_id)
                     SELECT $1, t.seq::int, t.id FROM UNNEST($2::uuid[]) WITH ORDINALITY AS t(id, seq)",
                )
                .bind(campaign_id)
                .bind(ids)
                .execute(&mut **tx)
                .await?
                .rows_affected()
            }
            Self::Filter(binds) => {
                let sql = format!(
                    "WITH picked AS (
                         INSERT INTO campaign_leads (campaign_id, seq, lead_id)
                         SELECT $7, (row_number() OVER (ORDER BY l.created_at, l.id))::int, l.id
                         FROM leads l WHERE {}
                         RETURNING 1
                     ) SELECT count(*) FROM picked",
                    LeadFilter::WHERE
                );
                let (count,): (i64,) = binds
                    .bind(sqlx::query_as(&sql))
                    .bind(campaign_id)
                    .fetch_one(&mut **tx)
                    .await?;
                u64::try_from(count).unwrap_or_default()
            }
            Self::Import(import) => {
                let known: bool =
                    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM lead_imports WHERE id = $1)")
                        .bind(import)
                        .fetch_one(&mut **tx)
                        .await?;
                if !known {
                    return Err(ApiError::invalid(
                        "import_id",
                        format!("no upload {import}"),
                    ));
                }
                sqlx::query(
                    "INSERT INTO campaign_leads (campaign_id, seq, lead_id)
                     SELECT $1, (row_number() OVER (ORDER BY r.line))::int, r.lead_id
                     FROM lead_import_rows r JOIN leads l ON l.id = r.lead_id AND l.deleted_at IS NULL
                     WHERE r.import_id = $2",
                )
                .bind(campaign_id)
                .bind(import)
                .execute(&mut **tx)
                .await?
                .rows_affected()
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
