//! Analytics, computed in SQL over the projections: the KPI overview, outcomes, languages and
//! calls over time (bucketed by hour or day in a requested time zone). Every endpoint takes the
//! same window: `from`/`to` (on the dial time; default the last 30 days) and `campaign_id`.
//!
//! Whole UTC hours of a window are read from the hourly rollups (`call_stats_hourly` and
//! `call_stats_hourly_keys`, kept by triggers on `calls`; see
//! `migrations/0013_call_stats_rollup.sql`), the partial hours at its edges from `calls`, in
//! one statement, so the answers are exactly those of counting the calls themselves.

use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use callwright_contracts::api::analytics::{Bucket, BucketSize, Count, Overview};
use callwright_contracts::api::error::ErrorBody;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
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
    #[param(inline)]
    bucket: Option<BucketSize>,
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

use callwright_store::analytics::{Dimension, Split};

/// How a window `[from, to)` divides between the rollups and the calls table.
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

/// Outcomes of a conversation with a person (the denominator of conversion).
const CONVERSATION_OUTCOMES: [&str; 6] = [
    "interested",
    "not_interested",
    "callback_requested",
    "opted_out",
    "undecided",
    "transferred",
];

/// [`CONVERSATION_OUTCOMES`] as a `text[]` parameter (the macros check it against owned strings).
fn conversation_outcomes() -> Vec<String> {
    CONVERSATION_OUTCOMES
        .iter()
        .map(|o| (*o).to_owned())
        .collect()
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
    FieldQuery(w): FieldQuery<Window>,
) -> Result<Json<Overview>, ApiError> {
    let (from, to) = w.range()?;
    let conversation = conversation_outcomes();
    let split = split(from, to);
    let sums =
        callwright_store::analytics::overview(&state.db, &split, w.campaign_id, &conversation)
            .await?;
    let meetings =
        callwright_store::analytics::meetings_booked(&state.db, from, to, w.campaign_id).await?;
    let callwright_store::analytics::OverviewSums {
        dials,
        connected,
        human,
        conversations,
        opt_outs,
        avg_call,
        avg_talk,
        agreed,
    } = sums;
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
    FieldQuery(w): FieldQuery<Window>,
) -> Result<Json<Vec<Count>>, ApiError> {
    grouped(&state, &w, Dimension::Outcome).await
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
    FieldQuery(w): FieldQuery<Window>,
) -> Result<Json<Vec<Count>>, ApiError> {
    grouped(&state, &w, Dimension::Language).await
}

/// Calls per `key` (an expression over `calls`), the rollup's `dimension`.
async fn grouped(
    state: &AppState,
    w: &Window,
    dimension: Dimension,
) -> Result<Json<Vec<Count>>, ApiError> {
    let (from, to) = w.range()?;
    let split = split(from, to);
    let rows = callwright_store::analytics::counts(&state.db, &split, w.campaign_id, dimension)
        .await?
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    Ok(Json(rows))
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
    FieldQuery(w): FieldQuery<SeriesWindow>,
) -> Result<Json<Vec<Bucket>>, ApiError> {
    let (from, to) = window_range(w.from, w.to)?;
    let (bucket, length) = match w.bucket.unwrap_or_default() {
        BucketSize::Hour => ("hour", Duration::hours(1)),
        BucketSize::Day => ("day", Duration::days(1)),
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
    let conversation = conversation_outcomes();
    let split = split(from, to);
    let cut = callwright_store::analytics::cut_hours(&state.db, &split, bucket, tz).await?;
    // The hours cut in two are counted from `calls` (by their UTC hour, within their span).
    let (cut_from, cut_to) = match (cut.first(), cut.last()) {
        (Some(first), Some(last)) => (*first, *last + Duration::hours(1)),
        _ => (to, to),
    };
    let rows = callwright_store::analytics::buckets(
        &state.db,
        &split,
        w.campaign_id,
        &conversation,
        bucket,
        tz,
        &cut,
        (cut_from, cut_to),
    )
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
