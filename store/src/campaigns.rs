//! Campaigns: their rows, the leads enrolled in each (by ids, by a lead filter, or from an
//! upload), and the lists and detail the API shows.

use callwright_contracts::api::campaigns::{CampaignLeadRow, CampaignRow};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A campaign to create.
#[derive(Debug, Clone, Copy)]
pub struct NewCampaign<'a> {
    /// Campaign id.
    pub id: Uuid,
    /// Its name.
    pub name: &'a str,
    /// The campaign workflow.
    pub workflow_id: &'a str,
    /// Its settings as started.
    pub settings: &'a Value,
    /// The agent that calls.
    pub agent_id: Uuid,
    /// Which versions of it, in what shares.
    pub agent_plan: &'a Value,
}

/// Writes a campaign with no leads yet (see [`set_lead_count`]), in the caller's transaction.
pub async fn insert(tx: &mut PgConnection, c: NewCampaign<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO campaigns (id, name, workflow_id, settings, lead_count, agent_id, agent_plan)
         VALUES ($1, $2, $3, $4, 0, $5, $6)",
        c.id,
        c.name,
        c.workflow_id,
        c.settings,
        c.agent_id,
        c.agent_plan,
    )
    .execute(tx)
    .await
    .map(|_| ())
}

/// Records how many leads a campaign enrolled.
pub async fn set_lead_count(
    tx: &mut PgConnection,
    id: Uuid,
    count: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE campaigns SET lead_count = $2 WHERE id = $1",
        id,
        count
    )
    .execute(tx)
    .await
    .map(|_| ())
}

/// Removes a campaign whose workflow never started (its enrolled leads go with it).
pub async fn remove(db: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM campaigns WHERE id = $1", id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Whether a campaign exists.
pub async fn exists(db: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM campaigns WHERE id = $1) AS "exists!""#,
        id,
    )
    .fetch_one(db)
    .await
}

/// A campaign's own columns.
#[derive(Debug, Clone)]
pub struct CampaignHead {
    /// Its name.
    pub name: String,
    /// The campaign workflow.
    pub workflow_id: String,
    /// Leads enrolled.
    pub lead_count: i32,
    /// Started at.
    pub created_at: DateTime<Utc>,
}

/// A campaign's own columns.
pub async fn head(db: &PgPool, id: Uuid) -> Result<Option<CampaignHead>, sqlx::Error> {
    sqlx::query_as!(
        CampaignHead,
        "SELECT name, workflow_id, lead_count, created_at FROM campaigns WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// A campaign's first `limit` leads in order.
pub async fn leads(db: &PgPool, id: Uuid, limit: i64) -> Result<Vec<CampaignLeadRow>, sqlx::Error> {
    sqlx::query_as!(
        CampaignLeadRow,
        "SELECT cl.seq, cl.lead_id, l.name, l.phone, l.language, cl.outcome, cl.settled_at
         FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
         WHERE cl.campaign_id = $1 ORDER BY cl.seq LIMIT $2",
        id,
        limit,
    )
    .fetch_all(db)
    .await
}

/// A campaign's settled leads by outcome code.
pub async fn outcome_counts(db: &PgPool, id: Uuid) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT outcome AS "outcome!", count(*) AS "n!" FROM campaign_leads
           WHERE campaign_id = $1 AND outcome IS NOT NULL GROUP BY outcome"#,
        id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.outcome, r.n)).collect())
}

/// Campaigns newest first, strictly before `before` (created at, id), at most `limit`.
pub async fn list(
    db: &PgPool,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<CampaignRow>, sqlx::Error> {
    sqlx::query_as!(
        CampaignRow,
        r#"SELECT c.id, c.name, c.workflow_id, c.created_at, c.lead_count,
                  (SELECT count(*) FROM campaign_leads cl
                    WHERE cl.campaign_id = c.id AND cl.settled_at IS NOT NULL) AS "settled!",
                  COALESCE((SELECT jsonb_object_agg(o.outcome, o.n) FROM
                             (SELECT outcome, count(*) AS n FROM campaign_leads cl
                               WHERE cl.campaign_id = c.id AND outcome IS NOT NULL
                               GROUP BY outcome) o), '{}'::jsonb) AS "outcomes!",
                  (SELECT count(*) FROM meetings m
                    WHERE m.campaign_id = c.id AND m.status <> 'failed') AS "meetings_booked!"
           FROM campaigns c
           WHERE ($1::timestamptz IS NULL OR (c.created_at, c.id) < ($1, $2))
           ORDER BY c.created_at DESC, c.id DESC LIMIT $3"#,
        before.map(|b| b.0),
        before.map(|b| b.1),
        limit,
    )
    .fetch_all(db)
    .await
}

/// Of these lead ids, up to ten that are not live leads (deleted, a trial's, or unknown).
pub async fn unknown_leads(tx: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM UNNEST($1::uuid[]) AS t(id)
           WHERE NOT EXISTS (SELECT 1 FROM leads l
                             WHERE l.id = t.id AND l.deleted_at IS NULL AND NOT l.trial)
           LIMIT 10"#,
        ids,
    )
    .fetch_all(tx)
    .await
}

/// Enrols leads by id, in the order given; returns how many.
pub async fn enrol_ids(
    tx: &mut PgConnection,
    campaign: Uuid,
    ids: &[Uuid],
) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO campaign_leads (campaign_id, seq, lead_id)
         SELECT $1, t.seq::int, t.id FROM UNNEST($2::uuid[]) WITH ORDINALITY AS t(id, seq)",
        campaign,
        ids,
    )
    .execute(tx)
    .await
    .map(|done| done.rows_affected())
}

/// Whether an upload exists.
pub async fn import_exists(tx: &mut PgConnection, import: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM lead_imports WHERE id = $1) AS "exists!""#,
        import,
    )
    .fetch_one(tx)
    .await
}

/// Enrols an upload's live leads in file order; returns how many.
pub async fn enrol_import(
    tx: &mut PgConnection,
    campaign: Uuid,
    import: Uuid,
) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO campaign_leads (campaign_id, seq, lead_id)
         SELECT $1, (row_number() OVER (ORDER BY r.line))::int, r.lead_id
         FROM lead_import_rows r JOIN leads l ON l.id = r.lead_id AND l.deleted_at IS NULL
         WHERE r.import_id = $2",
        campaign,
        import,
    )
    .execute(tx)
    .await
    .map(|done| done.rows_affected())
}
