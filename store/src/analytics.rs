//! The analytics' aggregates: agents' results by version, and the campaign overview, keys and
//! buckets over raw calls and the hourly rollups.

use callwright_contracts::api::analytics::Bucket;
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
    Ok(rows
        .into_iter()
        .map(|r| (r.agent_id, r.version, r.n))
        .collect())
}

/// Agents' names by id (one agent, or all).
pub async fn agent_names(
    db: &PgPool,
    agent_id: Option<Uuid>,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name FROM agents WHERE ($1::uuid IS NULL OR id = $1)",
        agent_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

// The window queries below read a window `[from, to)` in two parts: its whole UTC hours from the
// hourly rollups (`call_stats_hourly`, `call_stats_hourly_keys`), and its two ragged edges from
// `calls`. Each statement repeats the same two conditions (the macros need literal SQL):
// - raw calls: `(dialed_at in edge one OR in edge two) AND (no campaign asked OR this one) AND
//   NOT trial`, with the edges as four scalars so the planner sees two short index ranges;
// - rolled hours: `hour in [hours_from, hours_to) AND (no campaign asked OR this one)`, where
//   calls without a campaign are filed under the nil UUID, which no campaign has.

/// How a window divides between the rollups and the calls table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Whole UTC hours `[hours_from, hours_to)`, read from the rollups (empty when equal).
    pub hours_from: DateTime<Utc>,
    /// See `hours_from`.
    pub hours_to: DateTime<Utc>,
    /// The two ranges `[lo, hi)` read from `calls` (empty when `lo == hi`).
    pub edges: [(DateTime<Utc>, DateTime<Utc>); 2],
}

/// The KPI sums over a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverviewSums {
    /// Calls placed.
    pub dials: i64,
    /// Calls answered.
    pub connected: i64,
    /// Calls a person answered.
    pub human: i64,
    /// Conversations.
    pub conversations: i64,
    /// Opt-outs.
    pub opt_outs: i64,
    /// Mean length of an answered call, seconds.
    pub avg_call: Option<f64>,
    /// Mean length of a conversation, seconds.
    pub avg_talk: Option<f64>,
    /// Conversations that agreed to a meeting (outcome `interested`).
    pub agreed: i64,
}

/// The KPI sums over a window; `conversation` lists the outcomes that count as a conversation.
pub async fn overview(
    db: &PgPool,
    split: &Split,
    campaign_id: Option<Uuid>,
    conversation: &[String],
) -> Result<OverviewSums, sqlx::Error> {
    // Sums of durations and their counts, so the averages come out as `avg()` would give them.
    sqlx::query_as!(
        OverviewSums,
        r#"WITH raw AS (
           SELECT c.* FROM calls c
           WHERE ((c.dialed_at >= $1 AND c.dialed_at < $2) OR (c.dialed_at >= $7 AND c.dialed_at < $8))
             AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial),
         r AS (
           SELECT count(*) FILTER (WHERE call_sid IS NOT NULL) AS dials,
                  count(*) FILTER (WHERE status = 'completed') AS connected,
                  count(*) FILTER (WHERE status = 'completed' AND (answered_by = 'human'
                                   OR (answered_by IS NULL AND outcome = ANY($6)))) AS human,
                  count(*) FILTER (WHERE outcome = ANY($6)) AS conversations,
                  count(*) FILTER (WHERE outcome = 'opted_out') AS opt_outs,
                  count(*) FILTER (WHERE outcome = 'interested') AS agreed,
                  COALESCE(sum(duration_secs) FILTER (WHERE status = 'completed'), 0) AS call_secs,
                  count(duration_secs) FILTER (WHERE status = 'completed') AS call_n,
                  COALESCE(sum(duration_secs) FILTER (WHERE status = 'completed'
                                                        AND outcome = ANY($6)), 0) AS talk_secs,
                  count(duration_secs) FILTER (WHERE status = 'completed' AND outcome = ANY($6))
                    AS talk_n
           FROM raw),
         s AS (
           SELECT COALESCE(sum(dials), 0) AS dials, COALESCE(sum(connected), 0) AS connected,
                  COALESCE(sum(human_answered), 0) AS human,
                  COALESCE(sum(conversations), 0) AS conversations,
                  COALESCE(sum(opt_outs), 0) AS opt_outs,
                  COALESCE(sum(call_secs), 0) AS call_secs, COALESCE(sum(call_secs_n), 0) AS call_n,
                  COALESCE(sum(talk_secs), 0) AS talk_secs, COALESCE(sum(talk_secs_n), 0) AS talk_n
           FROM call_stats_hourly
           WHERE hour >= $4 AND hour < $5
             AND ($3::uuid IS NULL OR (campaign_id = $3 AND $3 <> '00000000-0000-0000-0000-000000000000'))),
         k AS (
           SELECT COALESCE(sum(calls), 0) AS agreed FROM call_stats_hourly_keys
           WHERE dimension = 'outcome' AND key = 'interested'
             AND hour >= $4 AND hour < $5
             AND ($3::uuid IS NULL OR (campaign_id = $3 AND $3 <> '00000000-0000-0000-0000-000000000000')))
         SELECT (r.dials + s.dials)::int8 AS "dials!", (r.connected + s.connected)::int8 AS "connected!",
                (r.human + s.human)::int8 AS "human!",
                (r.conversations + s.conversations)::int8 AS "conversations!",
                (r.opt_outs + s.opt_outs)::int8 AS "opt_outs!",
                ((r.call_secs + s.call_secs)::numeric / NULLIF(r.call_n + s.call_n, 0))::float8 AS avg_call,
                ((r.talk_secs + s.talk_secs)::numeric / NULLIF(r.talk_n + s.talk_n, 0))::float8 AS avg_talk,
                (r.agreed + k.agreed)::int8 AS "agreed!"
         FROM r, s, k"#,
        split.edges[0].0,
        split.edges[0].1,
        campaign_id,
        split.hours_from,
        split.hours_to,
        conversation,
        split.edges[1].0,
        split.edges[1].1,
    )
    .fetch_one(db)
    .await
}

/// Meetings booked (not failed) in `[from, to)`, optionally on one campaign's calls.
pub async fn meetings_booked(
    db: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    campaign_id: Option<Uuid>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM meetings
           WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
             AND status NOT IN ('failed') AND NOT trial"#,
        from,
        to,
        campaign_id,
    )
    .fetch_one(db)
    .await
}

/// What the calls of a window are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The outcome code (`in_progress` for calls still going).
    Outcome,
    /// The language code.
    Language,
}

impl Dimension {
    /// The rollup's name of the dimension.
    pub fn code(self) -> &'static str {
        match self {
            Self::Outcome => "outcome",
            Self::Language => "language",
        }
    }
}

/// Calls of a window per key of `dimension`, most first: (key, calls).
pub async fn counts(
    db: &PgPool,
    split: &Split,
    campaign_id: Option<Uuid>,
    dimension: Dimension,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH raw AS (
           SELECT c.* FROM calls c
           WHERE ((c.dialed_at >= $1 AND c.dialed_at < $2) OR (c.dialed_at >= $7 AND c.dialed_at < $8))
             AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial)
         SELECT key AS "key!", sum(calls)::int8 AS "count!" FROM (
           SELECT CASE $6::text WHEN 'outcome' THEN COALESCE(outcome, 'in_progress')
                                ELSE language END AS key,
                  count(*) AS calls
           FROM raw GROUP BY 1
           UNION ALL
           SELECT key, sum(calls) FROM call_stats_hourly_keys
           WHERE dimension = $6
             AND hour >= $4 AND hour < $5
             AND ($3::uuid IS NULL OR (campaign_id = $3 AND $3 <> '00000000-0000-0000-0000-000000000000'))
           GROUP BY 1
         ) u
         GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 2 DESC, 1"#,
        split.edges[0].0,
        split.edges[0].1,
        campaign_id,
        split.hours_from,
        split.hours_to,
        dimension.code(),
        split.edges[1].0,
        split.edges[1].1,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.count)).collect())
}

// An hour of the rollup serves a bucket only when it lies inside one: the zone's offset is the
// same at both ends of the hour, and both ends fall in the same bucket. (Not so for hours at a
// zone's offset change, or every hour of a zone half an hour off UTC when the buckets are hours.)
// Those hours are counted from `calls`, like the window's edges. The condition, for an hour `h`,
// a bucket size `b` and a zone `z`, with `e = h + 1 hour - 1 µs`:
//   date_trunc(b, h AT TIME ZONE z) = date_trunc(b, e AT TIME ZONE z)
//   AND (h AT TIME ZONE z) - (h AT TIME ZONE 'UTC') = (e AT TIME ZONE z) - (e AT TIME ZONE 'UTC')

/// The rollup hours in `[hours_from, hours_to)` that a bucket of `bucket` (`hour` or `day`) in
/// zone `tz` does not hold whole.
pub async fn cut_hours(
    db: &PgPool,
    split: &Split,
    bucket: &str,
    tz: &str,
) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT h AS "h!" FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour',
                                                interval '1 hour') h
           WHERE NOT (
             date_trunc($3, h AT TIME ZONE $4)
               = date_trunc($3, (h + interval '1 hour' - interval '1 microsecond') AT TIME ZONE $4)
             AND (h AT TIME ZONE $4) - (h AT TIME ZONE 'UTC')
               = ((h + interval '1 hour' - interval '1 microsecond') AT TIME ZONE $4)
                 - ((h + interval '1 hour' - interval '1 microsecond') AT TIME ZONE 'UTC'))
           ORDER BY h"#,
        split.hours_from,
        split.hours_to,
        bucket,
        tz,
    )
    .fetch_all(db)
    .await
}

/// Calls per bucket (`hour` or `day` in zone `tz`), oldest first, empty buckets left out. The
/// `cut` hours (see [`cut_hours`], spanning `[cut_from, cut_to)`) are counted from `calls`.
#[allow(clippy::too_many_arguments)] // one per statement parameter group; a struct adds nothing
pub async fn buckets(
    db: &PgPool,
    split: &Split,
    campaign_id: Option<Uuid>,
    conversation: &[String],
    bucket: &str,
    tz: &str,
    cut: &[DateTime<Utc>],
    (cut_from, cut_to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Bucket>, sqlx::Error> {
    sqlx::query_as!(
        Bucket,
        r#"WITH raw AS (
           SELECT c.* FROM calls c
           WHERE ((c.dialed_at >= $1 AND c.dialed_at < $2) OR (c.dialed_at >= $9 AND c.dialed_at < $10))
             AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial
           UNION ALL
           SELECT c.* FROM calls c
           WHERE c.dialed_at >= $11 AND c.dialed_at < $12
             AND date_trunc('hour', c.dialed_at, 'UTC') = ANY($13)
             AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial)
         SELECT start AS "start!", sum(dials)::int8 AS "dials!", sum(connected)::int8 AS "connected!",
                sum(conversations)::int8 AS "conversations!"
         FROM (
           SELECT date_trunc($7, dialed_at AT TIME ZONE $8) AS start, count(*) AS calls,
                  count(*) FILTER (WHERE call_sid IS NOT NULL) AS dials,
                  count(*) FILTER (WHERE status = 'completed') AS connected,
                  count(*) FILTER (WHERE outcome = ANY($6)) AS conversations
           FROM raw GROUP BY 1
           UNION ALL
           SELECT date_trunc($7, hour AT TIME ZONE $8), sum(calls), sum(dials), sum(connected),
                  sum(conversations)
           FROM call_stats_hourly
           WHERE hour >= $4 AND hour < $5
             AND ($3::uuid IS NULL OR (campaign_id = $3 AND $3 <> '00000000-0000-0000-0000-000000000000'))
             AND (date_trunc($7, hour AT TIME ZONE $8)
                    = date_trunc($7, (hour + interval '1 hour' - interval '1 microsecond') AT TIME ZONE $8)
                  AND (hour AT TIME ZONE $8) - (hour AT TIME ZONE 'UTC')
                    = ((hour + interval '1 hour' - interval '1 microsecond') AT TIME ZONE $8)
                      - ((hour + interval '1 hour' - interval '1 microsecond') AT TIME ZONE 'UTC'))
           GROUP BY 1
         ) u
         GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 1"#,
        split.edges[0].0,
        split.edges[0].1,
        campaign_id,
        split.hours_from,
        split.hours_to,
        conversation,
        bucket,
        tz,
        split.edges[1].0,
        split.edges[1].1,
        cut_from,
        cut_to,
        cut,
    )
    .fetch_all(db)
    .await
}
