//! Analytics, computed in SQL over the projections: the KPI overview, outcomes, languages and
//! calls over time (bucketed by hour or day in a requested time zone). Every endpoint takes the
//! same window: `from`/`to` (on the dial time; default the last 30 days) and `campaign_id`.
//!
//! Whole UTC hours of a window are read from the hourly rollups (`call_stats_hourly` and
//! `call_stats_hourly_keys`, kept by triggers on `calls`; see
//! `migrations/0013_call_stats_rollup.sql`), the partial hours at its edges from `calls`, in
//! one statement, so the answers are exactly those of counting the calls themselves.

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The window of every analytics query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Window {
    /// Calls dialled at or after (default: 30 days before `to`).
    from: Option<DateTime<Utc>>,
    /// Calls dialled before (default: now).
    to: Option<DateTime<Utc>>,
    /// Only this campaign's calls.
    campaign_id: Option<Uuid>,
}

impl Window {
    fn range(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
        window_range(self.from, self.to)
    }
}

/// Most buckets `calls-over-time` cuts a window into (the hours of a window are walked one by
/// one, so a window of centuries would hold a request for seconds).
const MAX_BUCKETS: i64 = 10_000;

/// The window of `calls-over-time` and how it is cut. (Its own struct, not [`Window`] and
/// more: the other endpoints refuse `bucket` and `tz`, which would mean nothing to them.)
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesWindow {
    /// Calls dialled at or after (default: 30 days before `to`). At most 10,000 buckets from
    /// `to`.
    from: Option<DateTime<Utc>>,
    /// Calls dialled before (default: now).
    to: Option<DateTime<Utc>>,
    /// Only this campaign's calls.
    campaign_id: Option<Uuid>,
    /// `hour` or `day` (default).
    #[param(value_type = Option<super::openapi::BucketSize>, inline)]
    bucket: Option<String>,
    /// IANA zone the buckets are cut in (default UTC).
    #[param(example = "Asia/Jerusalem")]
    tz: Option<String>,
}

/// A window's bounds: `to` defaults to now and `from` to 30 days before it; `from` must come
/// first.
pub(super) fn window_range(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let to = to.unwrap_or_else(Utc::now);
    let from = match from {
        Some(from) => from,
        None => to
            .checked_sub_signed(Duration::days(30))
            .ok_or_else(|| ApiError::bad_field("to", "too far in the past"))?,
    };
    if from >= to {
        return Err(ApiError::bad_field("from", "must be before 'to'"));
    }
    Ok((from, to))
}

/// How a window `[from, to)` divides between the rollups and the calls table.
#[derive(Debug, PartialEq)]
struct Split {
    /// Whole UTC hours `[hours_from, hours_to)`, read from the rollups (empty when equal).
    hours_from: DateTime<Utc>,
    hours_to: DateTime<Utc>,
    /// The two ranges `[lo, hi)` read from `calls` (empty when `lo == hi`).
    edges: [(DateTime<Utc>, DateTime<Utc>); 2],
}

fn split(from: DateTime<Utc>, to: DateTime<Utc>) -> Split {
    use chrono::DurationRound;
    let hour = Duration::hours(1);
    let floor = |t: DateTime<Utc>| t.duration_trunc(hour).unwrap_or(t);
    let first = floor(from);
    let hours_from = if first < from { first + hour } else { first };
    let hours_to = floor(to);
    if hours_from >= hours_to {
        return Split {
            hours_from: to,
            hours_to: to,
            edges: [(from, to), (to, to)],
        };
    }
    Split {
        hours_from,
        hours_to,
        edges: [(from, hours_from), (hours_to, to)],
    }
}

/// The calls of the edges (`$1`-`$2` and `$9`-`$10`, scalars so the planner sees two short
/// index ranges) in the campaign (`$3`), for a `WITH raw AS (…)`.
const RAW_CALLS: &str = "SELECT c.* FROM calls c
    WHERE ((c.dialed_at >= $1 AND c.dialed_at < $2) OR (c.dialed_at >= $9 AND c.dialed_at < $10))
      AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial";

/// The rollup rows of the hours `[$4, $5)` in the campaign (`$3`; calls without a campaign are
/// filed under the nil UUID, which no campaign has).
const ROLLED: &str = "hour >= $4 AND hour < $5
    AND ($3::uuid IS NULL OR (campaign_id = $3 AND $3 <> '00000000-0000-0000-0000-000000000000'))";

/// Outcomes of a conversation with a person (the denominator of conversion).
const CONVERSATION_OUTCOMES: [&str; 6] = [
    "interested",
    "not_interested",
    "callback_requested",
    "opted_out",
    "undecided",
    "transferred",
];

/// `GET /api/analytics/overview`.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = AnalyticsOverview)]
pub struct Overview {
    /// Calls placed.
    dials: i64,
    /// Calls answered (by anyone or anything).
    connected: i64,
    /// Calls a person answered.
    human_answered: i64,
    /// Calls with a conversation that reached a decision.
    conversations: i64,
    /// Meetings booked on calls in the window (not counting ones that failed).
    meetings_booked: i64,
    /// Opt-outs said on calls.
    opt_outs: i64,
    /// Average length of an answered call, seconds.
    avg_call_secs: Option<f64>,
    /// Average length of a call a person answered, seconds.
    avg_talk_secs: Option<f64>,
    /// connected / dials.
    connect_rate: Option<f64>,
    /// human_answered / connected.
    human_answer_rate: Option<f64>,
    /// Share of conversations that ended with a meeting agreed (outcome `interested`), both over
    /// the calls that ended in the window; at most 1 even while booked calls are still going.
    conversion: Option<f64>,
}

/// `a / b`, none when `b` is zero.
pub(super) fn ratio(a: i64, b: i64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    (b > 0).then(|| a as f64 / b as f64)
}

/// The KPIs.
#[utoipa::path(
    get,
    path = "/api/analytics/overview",
    operation_id = "analyticsOverview",
    tag = "analytics",
    security(("bearer" = [])),
    params(Window),
    responses(
        (status = 200, description = "The KPIs over the window", body = Overview),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    Query(w): Query<Window>,
) -> Result<Json<Overview>, ApiError> {
    let (from, to) = w.range()?;
    let conversation: Vec<&str> = CONVERSATION_OUTCOMES.to_vec();
    let split = split(from, to);
    // Sums of durations and their counts, so the averages come out as `avg()` would give them.
    type Row = (i64, i64, i64, i64, i64, Option<f64>, Option<f64>, i64);
    let row: Row = sqlx::query_as(&format!(
        "WITH raw AS ({RAW_CALLS}),
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
           FROM call_stats_hourly WHERE {ROLLED}),
         k AS (
           SELECT COALESCE(sum(calls), 0) AS agreed FROM call_stats_hourly_keys
           WHERE dimension = 'outcome' AND key = 'interested' AND {ROLLED})
         SELECT (r.dials + s.dials)::int8, (r.connected + s.connected)::int8,
                (r.human + s.human)::int8, (r.conversations + s.conversations)::int8,
                (r.opt_outs + s.opt_outs)::int8,
                ((r.call_secs + s.call_secs)::numeric / NULLIF(r.call_n + s.call_n, 0))::float8,
                ((r.talk_secs + s.talk_secs)::numeric / NULLIF(r.talk_n + s.talk_n, 0))::float8,
                (r.agreed + k.agreed)::int8
         FROM r, s, k"
    ))
    .bind(split.edges[0].0)
    .bind(split.edges[0].1)
    .bind(w.campaign_id)
    .bind(split.hours_from)
    .bind(split.hours_to)
    .bind(&conversation)
    .bind(None::<i32>) // $7, $8: calls-over-time's
    .bind(None::<i32>)
    .bind(split.edges[1].0)
    .bind(split.edges[1].1)
    .fetch_one(&state.db)
    .await?;
    let meetings: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM meetings
         WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
           AND status NOT IN ('failed') AND NOT trial",
    )
    .bind(from)
    .bind(to)
    .bind(w.campaign_id)
    .fetch_one(&state.db)
    .await?;
    let (dials, connected, human, conversations, opt_outs, avg_call, avg_talk, agreed) = row;
    Ok(Json(Overview {
        dials,
        connected,
        human_answered: human,
        conversations,
        meetings_booked: meetings,
        opt_outs,
        avg_call_secs: avg_call,
        avg_talk_secs: avg_talk,
        connect_rate: ratio(connected, dials),
        human_answer_rate: ratio(human, connected),
        conversion: ratio(agreed, conversations),
    }))
}

/// A count per key.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = KeyCount)]
pub struct Count {
    /// Outcome code (`in_progress` for calls still going) or language code.
    key: String,
    /// Calls.
    count: i64,
}

/// Calls per outcome (calls still going count as `in_progress`).
#[utoipa::path(
    get,
    path = "/api/analytics/call-outcomes",
    operation_id = "analyticsCallOutcomes",
    tag = "analytics",
    security(("bearer" = [])),
    params(Window),
    responses(
        (status = 200, description = "Calls per outcome, most first", body = Vec<Count>),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn call_outcomes(
    State(state): State<AppState>,
    Query(w): Query<Window>,
) -> Result<Json<Vec<Count>>, ApiError> {
    grouped(&state, &w, "outcome", "COALESCE(outcome, 'in_progress')").await
}

/// Calls per language.
#[utoipa::path(
    get,
    path = "/api/analytics/language-distribution",
    operation_id = "analyticsLanguageDistribution",
    tag = "analytics",
    security(("bearer" = [])),
    params(Window),
    responses(
        (status = 200, description = "Calls per language, most first", body = Vec<Count>),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn language_distribution(
    State(state): State<AppState>,
    Query(w): Query<Window>,
) -> Result<Json<Vec<Count>>, ApiError> {
    grouped(&state, &w, "language", "language").await
}

/// Calls per `key` (an expression over `calls`), the rollup's `dimension`.
async fn grouped(
    state: &AppState,
    w: &Window,
    dimension: &str,
    key: &str,
) -> Result<Json<Vec<Count>>, ApiError> {
    let (from, to) = w.range()?;
    let split = split(from, to);
    let rows: Vec<Count> = sqlx::query_as(&format!(
        "WITH raw AS ({RAW_CALLS})
         SELECT key, sum(calls)::int8 AS count FROM (
           SELECT {key} AS key, count(*) AS calls FROM raw GROUP BY 1
           UNION ALL
           SELECT key, sum(calls) FROM call_stats_hourly_keys
           WHERE dimension = $6 AND {ROLLED} GROUP BY 1
         ) u
         GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 2 DESC, 1"
    ))
    .bind(split.edges[0].0)
    .bind(split.edges[0].1)
    .bind(w.campaign_id)
    .bind(split.hours_from)
    .bind(split.hours_to)
    .bind(dimension)
    .bind(None::<i32>) // $7, $8: calls-over-time's
    .bind(None::<i32>)
    .bind(split.edges[1].0)
    .bind(split.edges[1].1)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(rows))
}

/// One bucket of calls over time.
#[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[schema(as = CallsBucket)]
pub struct Bucket {
    /// Start of the bucket, local wall time in the requested zone (no offset).
    #[schema(value_type = String, example = "2026-11-24T00:00:00")]
    start: chrono::NaiveDateTime,
    /// Calls placed.
    dials: i64,
    /// Calls answered.
    connected: i64,
    /// Calls with a conversation that reached a decision.
    conversations: i64,
}

/// Calls per hour or day, cut in the requested zone (a day in Jerusalem is not a UTC day).
#[utoipa::path(
    get,
    path = "/api/analytics/calls-over-time",
    operation_id = "analyticsCallsOverTime",
    tag = "analytics",
    security(("bearer" = [])),
    params(SeriesWindow),
    responses(
        (status = 200, description = "Buckets with calls, oldest first (empty buckets are left out)", body = Vec<Bucket>),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn calls_over_time(
    State(state): State<AppState>,
    Query(w): Query<SeriesWindow>,
) -> Result<Json<Vec<Bucket>>, ApiError> {
    let (from, to) = window_range(w.from, w.to)?;
    let (bucket, length) = match w.bucket.as_deref().unwrap_or("day") {
        "hour" => ("hour", Duration::hours(1)),
        "day" => ("day", Duration::days(1)),
        other => {
            return Err(ApiError::bad_field(
                "bucket",
                format!("'{other}' must be hour or day"),
            ));
        }
    };
    if (to - from).num_seconds() / length.num_seconds() >= MAX_BUCKETS {
        return Err(ApiError::bad_field(
            "from",
            format!("the window holds more than {MAX_BUCKETS} {bucket}s: narrow it"),
        ));
    }
    let tz = w.tz.as_deref().unwrap_or("UTC");
    tz.parse::<chrono_tz::Tz>()
        .map_err(|_| ApiError::bad_field("tz", format!("'{tz}' is not an IANA time zone")))?;
    let conversation: Vec<&str> = CONVERSATION_OUTCOMES.to_vec();
    let split = split(from, to);
    // An hour of the rollup serves a bucket only when it lies inside one: the zone's offset is
    // the same at both ends of the hour, and both ends fall in the same bucket. (Not so for
    // hours at a zone's offset change, or every hour of a zone half an hour off UTC when the
    // buckets are hours.) Those hours are counted from `calls`, like the window's edges.
    // `h` an hour, `b` the bucket size, `z` the zone.
    let whole = |h: &str, b: &str, z: &str| {
        let end = format!("({h} + interval '1 hour' - interval '1 microsecond')");
        format!(
            "(date_trunc({b}, {h} AT TIME ZONE {z}) = date_trunc({b}, {end} AT TIME ZONE {z})
              AND ({h} AT TIME ZONE {z}) - ({h} AT TIME ZONE 'UTC')
                = ({end} AT TIME ZONE {z}) - ({end} AT TIME ZONE 'UTC'))"
        )
    };
    let cut: Vec<DateTime<Utc>> = sqlx::query_scalar(&format!(
        "SELECT h FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 hour',
                                       interval '1 hour') h
         WHERE NOT {} ORDER BY h",
        whole("h", "$3", "$4")
    ))
    .bind(split.hours_from)
    .bind(split.hours_to)
    .bind(bucket)
    .bind(tz)
    .fetch_all(&state.db)
    .await?;
    // The hours cut in two are counted from `calls` (by their UTC hour, within their span).
    let (cut_from, cut_to) = match (cut.first(), cut.last()) {
        (Some(first), Some(last)) => (*first, *last + Duration::hours(1)),
        _ => (to, to),
    };
    let rows: Vec<Bucket> = sqlx::query_as(&format!(
        "WITH raw AS ({RAW_CALLS}
           UNION ALL
           SELECT c.* FROM calls c
           WHERE c.dialed_at >= $11 AND c.dialed_at < $12
             AND date_trunc('hour', c.dialed_at, 'UTC') = ANY($13)
             AND ($3::uuid IS NULL OR c.campaign_id = $3) AND NOT c.trial)
         SELECT start, sum(dials)::int8 AS dials, sum(connected)::int8 AS connected,
                sum(conversations)::int8 AS conversations
         FROM (
           SELECT date_trunc($7, dialed_at AT TIME ZONE $8) AS start, count(*) AS calls,
                  count(*) FILTER (WHERE call_sid IS NOT NULL) AS dials,
                  count(*) FILTER (WHERE status = 'completed') AS connected,
                  count(*) FILTER (WHERE outcome = ANY($6)) AS conversations
           FROM raw GROUP BY 1
           UNION ALL
           SELECT date_trunc($7, hour AT TIME ZONE $8), sum(calls), sum(dials), sum(connected),
                  sum(conversations)
           FROM call_stats_hourly WHERE {ROLLED} AND {} GROUP BY 1
         ) u
         GROUP BY 1 HAVING sum(calls) > 0 ORDER BY 1",
        whole("hour", "$7", "$8")
    ))
    .bind(split.edges[0].0)
    .bind(split.edges[0].1)
    .bind(w.campaign_id)
    .bind(split.hours_from)
    .bind(split.hours_to)
    .bind(&conversation)
    .bind(bucket)
    .bind(tz)
    .bind(split.edges[1].0)
    .bind(split.edges[1].1)
    .bind(cut_from)
    .bind(cut_to)
    .bind(&cut)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn windows_split_into_whole_hours_and_edges() {
        let s = split(t("2026-11-01T10:20:00Z"), t("2026-11-03T08:05:30Z"));
        assert_eq!(
            (s.hours_from, s.hours_to),
            (t("2026-11-01T11:00:00Z"), t("2026-11-03T08:00:00Z"))
        );
        assert_eq!(
            s.edges,
            [
                (t("2026-11-01T10:20:00Z"), t("2026-11-01T11:00:00Z")),
                (t("2026-11-03T08:00:00Z"), t("2026-11-03T08:05:30Z"))
            ]
        );

        // Aligned: empty edges.
        let s = split(t("2026-11-01T10:00:00Z"), t("2026-11-01T12:00:00Z"));
        assert_eq!(
            (s.hours_from, s.hours_to),
            (t("2026-11-01T10:00:00Z"), t("2026-11-01T12:00:00Z"))
        );
        assert!(s.edges.iter().all(|(lo, hi)| lo == hi));

        // Inside one hour, or across one boundary: all raw.
        for (from, to) in [
            ("2026-11-01T10:10:00Z", "2026-11-01T10:50:00Z"),
            ("2026-11-01T10:10:00Z", "2026-11-01T11:50:00Z"),
        ] {
            let s = split(t(from), t(to));
            assert_eq!(s.hours_from, s.hours_to);
            assert_eq!(s.edges, [(t(from), t(to)), (t(to), t(to))]);
        }
    }
}
