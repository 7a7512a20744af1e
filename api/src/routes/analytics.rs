//! Analytics, computed in SQL over the projections: the KPI overview, outcomes, languages and
//! calls over time (bucketed by hour or day in a requested time zone). Every endpoint takes the
//! same window: `from`/`to` (on the dial time; default the last 30 days) and `campaign_id`.

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
    /// `calls-over-time` only: `hour` or `day` (default).
    #[param(value_type = Option<super::openapi::BucketSize>, inline)]
    bucket: Option<String>,
    /// `calls-over-time` only: IANA zone the buckets are cut in (default UTC).
    #[param(example = "Asia/Jerusalem")]
    tz: Option<String>,
}

impl Window {
    fn range(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
        let to = self.to.unwrap_or_else(Utc::now);
        let from = match self.from {
            Some(from) => from,
            None => to
                .checked_sub_signed(Duration::days(30))
                .ok_or_else(|| ApiError::BadRequest("to: too far in the past".into()))?,
        };
        if from >= to {
            return Err(ApiError::BadRequest("from: must be before 'to'".into()));
        }
        Ok((from, to))
    }
}

/// Outcomes of a conversation with a person (the denominator of conversion).
const CONVERSATION_OUTCOMES: [&str; 5] = [
    "interested",
    "not_interested",
    "callback_requested",
    "opted_out",
    "undecided",
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
    /// meetings_booked / conversations.
    conversion: Option<f64>,
}

fn ratio(a: i64, b: i64) -> Option<f64> {
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
    let row: (i64, i64, i64, i64, i64, Option<f64>, Option<f64>) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE call_sid IS NOT NULL),
                count(*) FILTER (WHERE status = 'completed'),
                count(*) FILTER (WHERE status = 'completed' AND (answered_by = 'human'
                                   OR (answered_by IS NULL AND outcome = ANY($4)))),
                count(*) FILTER (WHERE outcome = ANY($4)),
                count(*) FILTER (WHERE outcome = 'opted_out'),
                avg(duration_secs) FILTER (WHERE status = 'completed')::float8,
                avg(duration_secs) FILTER (WHERE status = 'completed' AND outcome = ANY($4))::float8
         FROM calls
         WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)",
    )
    .bind(from)
    .bind(to)
    .bind(w.campaign_id)
    .bind(&conversation)
    .fetch_one(&state.db)
    .await?;
    let meetings: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM meetings
         WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
           AND status NOT IN ('failed')",
    )
    .bind(from)
    .bind(to)
    .bind(w.campaign_id)
    .fetch_one(&state.db)
    .await?;
    let (dials, connected, human, conversations, opt_outs, avg_call, avg_talk) = row;
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
        conversion: ratio(meetings, conversations),
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
    grouped(&state, &w, "COALESCE(outcome, 'in_progress')").await
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
    grouped(&state, &w, "language").await
}

async fn grouped(state: &AppState, w: &Window, key: &str) -> Result<Json<Vec<Count>>, ApiError> {
    let (from, to) = w.range()?;
    let rows: Vec<Count> = sqlx::query_as(&format!(
        "SELECT {key} AS key, count(*) AS count FROM calls
         WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
         GROUP BY 1 ORDER BY 2 DESC, 1"
    ))
    .bind(from)
    .bind(to)
    .bind(w.campaign_id)
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
    params(Window),
    responses(
        (status = 200, description = "Buckets with calls, oldest first (empty buckets are left out)", body = Vec<Bucket>),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn calls_over_time(
    State(state): State<AppState>,
    Query(w): Query<Window>,
) -> Result<Json<Vec<Bucket>>, ApiError> {
    let (from, to) = w.range()?;
    let bucket = match w.bucket.as_deref().unwrap_or("day") {
        b @ ("hour" | "day") => b,
        other => {
            return Err(ApiError::BadRequest(format!(
                "bucket: '{other}' must be hour or day"
            )));
        }
    };
    let tz = w.tz.as_deref().unwrap_or("UTC");
    tz.parse::<chrono_tz::Tz>()
        .map_err(|_| ApiError::BadRequest(format!("tz: '{tz}' is not an IANA time zone")))?;
    let conversation: Vec<&str> = CONVERSATION_OUTCOMES.to_vec();
    let rows: Vec<Bucket> = sqlx::query_as(
        "SELECT date_trunc($4, dialed_at AT TIME ZONE $5) AS start,
                count(*) FILTER (WHERE call_sid IS NOT NULL) AS dials,
                count(*) FILTER (WHERE status = 'completed') AS connected,
                count(*) FILTER (WHERE outcome = ANY($6)) AS conversations
         FROM calls
         WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
         GROUP BY 1 ORDER BY 1",
    )
    .bind(from)
    .bind(to)
    .bind(w.campaign_id)
    .bind(bucket)
    .bind(tz)
    .bind(&conversation)
    .fetch_all(&state.db)
    .await?;
    Ok(Json(rows))
}
