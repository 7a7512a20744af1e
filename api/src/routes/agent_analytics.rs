//! `GET /api/analytics/agents`: how each agent version does, judged on what a sales manager
//! cares about (meetings booked per conversation, meetings held, no-shows, opt-outs), with a
//! 95% interval on the booking rate and whether the two leading versions really differ.
//!
//! Counts are of the calls dialled in the window (trials excluded); `leads` counts the leads
//! each version was given in the campaigns in scope (whenever they were reached). A meeting
//! counts as booked when a call that ended as a conversation reserved it and it did not fail to
//! reach the calendar (a meeting later cancelled still counts: the agent booked it), so the
//! booking rate never counts a call still in progress; held and no-show follow the statuses
//! reps set on meetings.

use super::analytics::{ratio, window_range};
use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use callwright_contracts::api::agents::{AgentResults, Comparison, VersionResults};
use callwright_contracts::api::error::ErrorBody;
use callwright_domain::stats::{Z95, two_proportion_p, wilson};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A difference is called real at this p-value or below (95% sure).
const SIGNIFICANCE: f64 = 0.05;

/// `GET /api/analytics/agents` filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgentWindow {
    /// Calls dialled at or after (default: 30 days before `to`).
    from: Option<DateTime<Utc>>,
    /// Calls dialled before (default: now).
    to: Option<DateTime<Utc>>,
    /// Only this campaign.
    campaign_id: Option<Uuid>,
    /// Only this agent.
    agent_id: Option<Uuid>,
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// Compares the two versions of the first agent with the most conversations.
fn compare(versions: &[VersionResults]) -> Option<Comparison> {
    let agent = versions.iter().max_by_key(|v| v.conversations)?.agent_id;
    let mut same: Vec<&VersionResults> = versions
        .iter()
        .filter(|v| v.agent_id == agent && v.conversations > 0)
        .collect();
    same.sort_by_key(|v| std::cmp::Reverse(v.conversations));
    let (a, b) = (same.first()?, same.get(1)?);
    let (leader, other) = if a.booking_rate.unwrap_or(0.0) >= b.booking_rate.unwrap_or(0.0) {
        (a, b)
    } else {
        (b, a)
    };
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let p_value = two_proportion_p(
        count(leader.meetings_booked),
        count(leader.conversations),
        count(other.meetings_booked),
        count(other.conversations),
    );
    let (lr, or) = (
        leader.booking_rate.unwrap_or(0.0),
        other.booking_rate.unwrap_or(0.0),
    );
    let significant = p_value <= SIGNIFICANCE && lr > or;
    let summary = if significant {
        format!(
            "Version {} books more: {} vs {}, 95% sure.",
            leader.version,
            percent(lr),
            percent(or)
        )
    } else {
        format!(
            "No difference yet: version {} {} vs version {} {} ({} and {} conversations); keep calling.",
            leader.version,
            percent(lr),
            other.version,
            percent(or),
            leader.conversations,
            other.conversations
        )
    };
    Some(Comparison {
        leader_version: leader.version,
        other_version: other.version,
        leader_rate: lr,
        other_rate: or,
        p_value,
        significant,
        summary,
    })
}

/// Per agent version: leads, dials, connects, conversations, meetings booked with the booking
/// rate's 95% interval, meetings held, no-shows, opt-outs and mean call length; and whether
/// the two leading versions differ.
#[utoipa::path(
    get,
    path = "/api/analytics/agents",
    operation_id = "analyticsAgents",
    tag = "analytics",
    security(("bearer" = [])),
    params(AgentWindow),
    responses(
        (status = 200, description = "Results per agent version", body = AgentResults),
        (status = 400, description = "A parameter is invalid (`error.field` names it)", body = ErrorBody),
    )
)]
pub async fn agents(
    State(state): State<AppState>,
    FieldQuery(q): FieldQuery<AgentWindow>,
) -> Result<Json<AgentResults>, ApiError> {
    let (from, to) = window_range(q.from, q.to)?;
    let rows =
        callwright_store::analytics::version_calls(&state.db, from, to, q.campaign_id, q.agent_id)
            .await?;
    let leads =
        callwright_store::analytics::version_leads(&state.db, q.campaign_id, q.agent_id).await?;
    let names: BTreeMap<Uuid, String> =
        callwright_store::analytics::agent_names(&state.db, q.agent_id)
            .await?
            .into_iter()
            .collect();
    let mut by_version: BTreeMap<(Uuid, i32), VersionResults> = BTreeMap::new();
    let blank = |agent_id: Uuid, version: i32| {
        let name = names.get(&agent_id).cloned().unwrap_or_default();
        VersionResults::empty(agent_id, name, version)
    };
    for (agent_id, version, n) in leads {
        by_version
            .entry((agent_id, version))
            .or_insert_with(|| blank(agent_id, version))
            .leads = n;
    }
    for row in rows {
        let (agent_id, version) = (row.agent_id, row.agent_version);
        let v = by_version
            .entry((agent_id, version))
            .or_insert_with(|| blank(agent_id, version));
        v.dials = row.dials;
        v.connects = row.connects;
        v.conversations = row.conversations;
        v.opt_outs = row.opt_outs;
        v.mean_call_secs = row.mean_call_secs;
        v.meetings_booked = row.booked;
        v.meetings_held = row.held;
        v.no_shows = row.no_shows;
    }
    let versions: Vec<VersionResults> = by_version
        .into_values()
        .map(|mut v| {
            v.booking_rate = ratio(v.meetings_booked, v.conversations);
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            let (low, high) = wilson(count(v.meetings_booked), count(v.conversations), Z95);
            v.booking_rate_low = low;
            v.booking_rate_high = high;
            v.opt_out_rate = ratio(v.opt_outs, v.conversations);
            v
        })
        .collect();
    let comparison = compare(&versions);
    Ok(Json(AgentResults {
        from,
        to,
        versions,
        comparison,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(v: i32, conversations: i64, booked: i64) -> VersionResults {
        VersionResults {
            conversations,
            meetings_booked: booked,
            booking_rate: ratio(booked, conversations),
            ..VersionResults::empty(Uuid::nil(), "a".into(), v)
        }
    }

    #[test]
    fn says_which_version_books_more_only_when_sure() {
        let sure = compare(&[version(1, 500, 55), version(2, 500, 90)]).expect("two versions");
        assert_eq!((sure.leader_version, sure.other_version), (2, 1));
        assert!(sure.significant);
        assert_eq!(sure.summary, "Version 2 books more: 18% vs 11%, 95% sure.");
        let early = compare(&[version(1, 50, 6), version(2, 50, 9)]).expect("two versions");
        assert!(!early.significant);
        assert!(
            early.summary.starts_with("No difference yet"),
            "{}",
            early.summary
        );
        assert!(compare(&[version(1, 50, 6)]).is_none());
        assert!(compare(&[version(1, 50, 6), version(2, 0, 0)]).is_none());
    }
}
