//! The invariants, each read from independent sources: the simulator's own records (dials per
//! attempt, calendar events, SMTP messages), the Postgres projections, and the lead workflows'
//! results in Temporal.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use callwright_contracts::ids::lead_workflow_id;
use callwright_workflows::LeadWorkflow;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use temporalio_client::{
    Client, WorkflowDescribeOptions, WorkflowExecutionStatus, WorkflowGetResultOptions,
};

use crate::stack::SimClient;

/// What one scenario left behind.
#[derive(Debug, Default)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Leads in the campaign.
    pub leads: usize,
    /// Leads with a final outcome in the projection.
    pub settled: usize,
    /// Outcome code → leads.
    pub outcomes: BTreeMap<String, usize>,
    /// Outcome per phone number (to compare runs).
    pub by_phone: BTreeMap<String, String>,
    /// Leads without a final outcome (projection or workflow).
    pub lost: Vec<String>,
    /// Attempts dialled twice, invites sent twice.
    pub duplicated: Vec<String>,
    /// Meetings overlapping on the calendar.
    pub double_booked: Vec<String>,
    /// Projection rows that differ from what the workflow returned or the providers saw.
    pub mismatches: Vec<String>,
    /// Calls the simulator placed.
    pub dials: usize,
    /// Confirmed meetings.
    pub meetings: usize,
    /// Invitation emails received by the SMTP sink.
    pub invites: usize,
    /// Calls where the agent apologised for a technical problem.
    pub apologies: usize,
    /// Free-form observations (timings, chaos counters, readiness).
    pub notes: Vec<String>,
    /// Wall time of the scenario.
    pub secs: f64,
}

impl Report {
    /// True when every invariant holds.
    pub fn ok(&self) -> bool {
        self.lost.is_empty()
            && self.duplicated.is_empty()
            && self.double_booked.is_empty()
            && self.mismatches.is_empty()
            && self.settled == self.leads
    }
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split(['?', '&'])
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn event_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v["dateTime"].as_str()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A Message-ID without its angle brackets.
fn bare_id(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}

/// Reads every source and checks the invariants for one campaign.
pub async fn collect(
    scenario: &str,
    db: &PgPool,
    sim: &SimClient,
    temporal: &Client,
    campaign_id: &str,
    apologies: &BTreeSet<String>,
) -> anyhow::Result<Report> {
    let mut r = Report {
        scenario: scenario.to_owned(),
        ..Report::default()
    };
    let campaign: uuid::Uuid = campaign_id.parse()?;

    // Projection: the campaign's leads and their outcomes.
    let rows: Vec<(uuid::Uuid, String, Option<String>)> = sqlx::query_as(
        "SELECT cl.lead_id, l.phone, cl.outcome FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
         WHERE cl.campaign_id = $1 ORDER BY cl.seq",
    )
    .bind(campaign)
    .fetch_all(db)
    .await?;
    r.leads = rows.len();
    let calls: Vec<(String, i32, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT workflow_id, attempt, call_sid, outcome FROM calls WHERE campaign_id = $1",
    )
    .bind(campaign)
    .fetch_all(db)
    .await?;
    let mut calls_per_wf: HashMap<&str, u32> = HashMap::new();
    for (wf, _, _, outcome) in &calls {
        *calls_per_wf.entry(wf.as_str()).or_default() += 1;
        if outcome.is_none() {
            r.mismatches
                .push(format!("call of {wf} has no outcome in the projection"));
        }
    }

    // Workflows: each lead's result must be what the projection says.
    for (lead_id, phone, outcome) in &rows {
        let wf = lead_workflow_id(campaign_id, &lead_id.to_string());
        match outcome {
            Some(o) => {
                r.settled += 1;
                *r.outcomes.entry(o.clone()).or_default() += 1;
                r.by_phone.insert(phone.clone(), o.clone());
            }
            None => r.lost.push(format!("lead {lead_id} ({phone}): no outcome")),
        }
        let handle = temporal.get_workflow_handle::<LeadWorkflow>(wf.clone());
        let described = match handle.describe(WorkflowDescribeOptions::default()).await {
            Ok(d) => d,
            Err(e) => {
                r.lost.push(format!("{wf}: cannot describe ({e})"));
                continue;
            }
        };
        match described.status() {
            WorkflowExecutionStatus::Completed => {
                let result = handle.get_result(WorkflowGetResultOptions::default()).await;
                match result {
                    Ok(result) => {
                        let code = result.outcome;
                        if outcome.as_deref() != Some(code.as_str()) {
                            r.mismatches.push(format!(
                                "{wf}: workflow returned {code}, projection says {outcome:?}"
                            ));
                        }
                        let projected = calls_per_wf.get(wf.as_str()).copied().unwrap_or(0);
                        if projected != result.attempts {
                            r.mismatches.push(format!(
                                "{wf}: workflow made {} attempts, projection has {projected} calls",
                                result.attempts
                            ));
                        }
                    }
                    Err(e) => r.lost.push(format!("{wf}: no result ({e})")),
                }
            }
            WorkflowExecutionStatus::Running => {
                // Parked until the callback its lead asked for (tomorrow): settled, not lost.
                if outcome.as_deref() != Some("callback_requested") {
                    r.lost.push(format!(
                        "{wf}: still running with projection outcome {outcome:?}"
                    ));
                }
            }
            other => r.lost.push(format!("{wf}: ended {other:?}")),
        }
    }

    // Simulator: one dial per (workflow, attempt); the projection knows every call placed.
    let sim_calls = sim.get("calls").await?;
    let sim_calls = sim_calls.as_array().cloned().unwrap_or_default();
    r.dials = sim_calls.len();
    let mut per_attempt: BTreeMap<(String, String), usize> = BTreeMap::new();
    for call in &sim_calls {
        let url = call["status_callback"].as_str().unwrap_or_default();
        let key = (
            query_param(url, "wf").unwrap_or_default().to_owned(),
            query_param(url, "attempt").unwrap_or_default().to_owned(),
        );
        *per_attempt.entry(key).or_default() += 1;
        let apologised = call["transcript"].as_array().is_some_and(|lines| {
            lines.iter().any(|l| {
                l["speaker"] == "agent" && l["text"].as_str().is_some_and(|t| apologies.contains(t))
            })
        });
        if apologised {
            r.apologies += 1;
        }
    }
    for ((wf, attempt), n) in &per_attempt {
        if *n > 1 {
            r.duplicated
                .push(format!("{wf} attempt {attempt} dialled {n} times"));
        }
    }
    let placed: BTreeSet<String> = sim_calls
        .iter()
        .filter_map(|c| c["sid"].as_str().map(str::to_owned))
        .collect();
    let projected: BTreeSet<String> = calls.iter().filter_map(|c| c.2.clone()).collect();
    for sid in placed.symmetric_difference(&projected) {
        r.mismatches.push(format!(
            "call {sid} is {} but not {}",
            if placed.contains(sid) {
                "placed"
            } else {
                "projected"
            },
            if placed.contains(sid) {
                "projected"
            } else {
                "placed"
            }
        ));
    }

    // Calendar: confirmed meetings = live events, and no two live events overlap.
    let confirmed: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
        "SELECT calendar_event_id, starts_at, ends_at FROM meetings
         WHERE campaign_id = $1 AND status = 'confirmed' ORDER BY starts_at",
    )
    .bind(campaign)
    .fetch_all(db)
    .await?;
    r.meetings = confirmed.len();
    // Every workflow is finished: a reservation still held was neither confirmed nor given
    // back, and blocks its slot for good.
    let reserved: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT workflow_id, starts_at FROM meetings WHERE campaign_id = $1 AND status = 'reserved'",
    )
    .bind(campaign)
    .fetch_all(db)
    .await?;
    for (wf, starts_at) in reserved {
        r.mismatches.push(format!(
            "{wf}: slot {starts_at} still reserved after the workflow finished"
        ));
    }
    let events = sim.get("calendar/events").await?;
    let mut live: Vec<(DateTime<Utc>, DateTime<Utc>, String)> = events
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["status"].as_str() != Some("cancelled"))
        .filter_map(|e| {
            Some((
                event_time(&e["start"])?,
                event_time(&e["end"])?,
                e["id"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect();
    live.sort();
    for pair in live.windows(2) {
        if pair[1].0 < pair[0].1 {
            r.double_booked.push(format!(
                "events {} and {} overlap at {}",
                pair[0].2, pair[1].2, pair[1].0
            ));
        }
    }
    let live_ids: BTreeSet<&str> = live.iter().map(|e| e.2.as_str()).collect();
    let confirmed_ids: BTreeSet<&str> = confirmed.iter().map(|m| m.0.as_str()).collect();
    if live_ids != confirmed_ids {
        r.mismatches.push(format!(
            "calendar has {} live events, the projection {} confirmed meetings ({} differ)",
            live_ids.len(),
            confirmed_ids.len(),
            live_ids.symmetric_difference(&confirmed_ids).count()
        ));
    }

    // Mail: every message once (by Message-ID), and an invitation for every confirmed meeting.
    let mail = sim.get("mail").await?;
    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for m in mail.as_array().into_iter().flatten() {
        let id = m["message_id"].as_str().unwrap_or_default();
        *received.entry(bare_id(id).to_owned()).or_default() += 1;
    }
    r.invites = received.values().sum();
    for (id, n) in &received {
        if *n > 1 {
            r.duplicated
                .push(format!("message {id} received {n} times"));
        }
    }
    let sent: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT m.calendar_event_id, i.message_id FROM meetings m
         LEFT JOIN meeting_invites i ON i.meeting_id = m.id AND i.method = 'REQUEST'
         WHERE m.campaign_id = $1 AND m.status = 'confirmed'",
    )
    .bind(campaign)
    .fetch_all(db)
    .await?;
    for (event, message_id) in &sent {
        match message_id {
            Some(id) if received.contains_key(bare_id(id)) => {}
            Some(id) => r.mismatches.push(format!(
                "meeting {event}: invitation {id} never reached the mail server"
            )),
            None => r
                .mismatches
                .push(format!("meeting {event}: confirmed without an invitation")),
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_compare_without_brackets() {
        assert_eq!(bare_id("<abc@x>"), "abc@x");
        assert_eq!(bare_id(" abc@x "), "abc@x");
    }

    #[test]
    fn attempts_come_from_the_callback_url() {
        let url = "http://127.0.0.1:1/twilio/status?wf=lead-1&attempt=2";
        assert_eq!(query_param(url, "wf"), Some("lead-1"));
        assert_eq!(query_param(url, "attempt"), Some("2"));
        assert_eq!(query_param(url, "x"), None);
    }
}
