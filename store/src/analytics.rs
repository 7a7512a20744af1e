//! The analytics' aggregates: agents' results by version, and the campaign overview, keys and
//! buckets over raw calls and the hourly rollups.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// One agent version's calls in a window.
#[derive(Debug, Clone)]
pub struct VersionCalls {
    /// The agent.
    pub agent_id: Uuid,
    /// Its version.
    pub agent_version: i32,
    /// Calls placed.
    pub dials: i64,
    /// Calls answered.
    pub connects: i64,
    /// Calls that were conversations.
    pub conversations: i64,
    /// Callees who opted out.
    pub opt_outs: i64,
    /// Mean length of answered calls, seconds.
    pub mean_call_secs: Option<f64>,
    /// Meetings booked in conversations (not failed).
    pub booked: i64,
    /// Of them, held.
    pub held: i64,
    /// Of them, missed.
    pub no_shows: i64,
}

/// Each agent version's calls dialled in `[from, to)`, optionally of one campaign or agent.
pub async fn version_calls(
    db: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    campaign_id: Option<Uuid>,
    agent_id: Option<Uuid>,
) -> Result<Vec<VersionCalls>, sqlx::Error> {
    sqlx::query_as!(
        VersionCalls,
        r#"SELECT c.agent_id AS "agent_id!", c.agent_version AS "agent_version!",
                count(*) FILTER (WHERE c.call_sid IS NOT NULL) AS "dials!",
                count(*) FILTER (WHERE c.status = 'completed') AS "connects!",
                count(*) FILTER (WHERE callwright_is_conversation(c.outcome)) AS "conversations!",
                count(*) FILTER (WHERE c.outcome = 'opted_out') AS "opt_outs!",
                (avg(c.duration_secs) FILTER (WHERE c.status = 'completed'))::float8 AS mean_call_secs,
                COALESCE(sum(m.booked) FILTER (WHERE callwright_is_conversation(c.outcome)), 0)::int8 AS "booked!",
                COALESCE(sum(m.held) FILTER (WHERE callwright_is_conversation(c.outcome)), 0)::int8 AS "held!",
                COALESCE(sum(m.no_shows) FILTER (WHERE callwright_is_conversation(c.outcome)), 0)::int8 AS "no_shows!"
         FROM calls c
         LEFT JOIN LATERAL (
             SELECT count(*) FILTER (WHERE status <> 'failed') AS booked,
                    count(*) FILTER (WHERE status = 'completed') AS held,
                    count(*) FILTER (WHERE status = 'no_show') AS no_shows
             FROM meetings WHERE call_id = c.id AND NOT trial
         ) m ON true
         WHERE NOT c.trial AND c.agent_id IS NOT NULL
           AND c.dialed_at >= $1 AND c.dialed_at < $2
           AND ($3::uuid IS NULL OR c.campaign_id = $3)
           AND ($4::uuid IS NULL OR c.agent_id = $4)
         GROUP BY 1, 2"#,
        from,
        to,
        campaign_id,
        agent_id,
    )
    .fetch_all(db)
    .await
}

/// Leads enrolled per agent version (the version each lead was assigned), optionally of one
/// campaign or agent: (agent, version, leads).
pub async fn version_leads(
    db: &PgPool,
    campaign_id: Option<Uuid>,
    agent_id: Option<Uuid>,
) -> Result<Vec<(Uuid, i32, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.agent_id AS "agent_id!", cl.agent_version AS "version!", count(*) AS "n!"
           FROM campaign_leads cl JOIN campaigns c ON c.id = cl.campaign_id
           WHERE cl.agent_version IS NOT NULL AND c.agent_id IS NOT NULL
             AND ($1::uuid IS NULL OR c.id = $1)
             AND ($2::uuid IS NULL OR c.agent_id = $2)
           GROUP BY 1, 2"#,
        campaign_id,
        agent_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.agent_id, r.version, r.n)).collect())
}

/// Agents' names by id (one agent, or all).
pub async fn agent_names(db: &PgPool, agent_id: Option<Uuid>) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name FROM agents WHERE ($1::uuid IS NULL OR id = $1)",
        agent_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
