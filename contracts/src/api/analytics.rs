//! The analytics overview.

use serde::{Deserialize, Serialize};

/// `GET /api/analytics/overview`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = AnalyticsOverview)]
pub struct Overview {
    /// Calls placed.
    pub dials: i64,
    /// Calls answered (by anyone or anything).
    pub connected: i64,
    /// Calls a person answered.
    pub human_answered: i64,
    /// Calls with a conversation that reached a decision.
    pub conversations: i64,
    /// Meetings booked on calls in the window (not counting ones that failed).
    pub meetings_booked: i64,
    /// Opt-outs said on calls.
    pub opt_outs: i64,
    /// Average length of an answered call, seconds.
    pub avg_call_secs: Option<f64>,
    /// Average length of a call a person answered, seconds.
    pub avg_talk_secs: Option<f64>,
    /// connected / dials.
    pub connect_rate: Option<f64>,
    /// human_answered / connected.
    pub human_answer_rate: Option<f64>,
    /// Share of conversations that ended with a meeting agreed (outcome `interested`), both over
    /// the calls that ended in the window; at most 1 even while booked calls are still going.
    pub conversion: Option<f64>,
}

/// A count per key.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = KeyCount)]
pub struct Count {
    /// Outcome code (`in_progress` for calls still going) or language code.
    pub key: String,
    /// Calls.
    pub count: i64,
}

/// One bucket of calls over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CallsBucket)]
pub struct Bucket {
    /// Start of the bucket, local wall time in the requested zone (no offset).
    #[schema(value_type = String, example = "2026-11-24T00:00:00")]
    pub start: chrono::NaiveDateTime,
    /// Calls placed.
    pub dials: i64,
    /// Calls answered.
    pub connected: i64,
    /// Calls with a conversation that reached a decision.
    pub conversations: i64,
}

/// Size of a `calls-over-time` bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BucketSize {
    /// An hour.
    Hour,
    /// A day (the default).
    #[default]
    Day,
}
