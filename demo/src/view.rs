//! What the demo prints: the live table, the compact status line (when stdout is not a
//! terminal), the final summary, the meetings booked, the results per agent version, a sample
//! of the answers to the agent's questions and the links to look further.
//!
//! Kept in one file: every view shares the same column widths and formatting helpers, and they
//! change together when the output does.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::api::{AgentResults, CampaignDetail, LivePhases, Meeting};
use crate::sim::{CalendarEvent, Mail};
use callwright_contracts::messages::CampaignStatus;

/// Outcome codes in display order (unknown codes follow, alphabetically).
pub const OUTCOMES: [&str; 14] = callwright_domain::AttemptOutcome::CODES;

/// Language codes in display order (others follow, alphabetically).
const LANGUAGES: [&str; 15] = [
    "en", "he", "fr", "de", "es", "ar", "it", "pt", "nl", "ru", "pl", "tr", "ja", "hi", "zh",
];

/// Width of the progress bar, in cells.
const BAR_WIDTH: usize = 40;
/// Width of the outcome column of the summary.
const OUTCOME_WIDTH: usize = 20;
/// Lead names wrap after this many characters in the summary.
const NAMES_WIDTH: usize = 64;
/// Label of leads without a settled outcome in the summary.
const UNSETTLED: &str = "(not settled)";

/// The counters the live view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Campaign status (`starting` until the workflow answers).
    pub status: String,
    /// Leads in the campaign.
    pub total: u64,
    /// Not started yet.
    pub pending: u64,
    /// Dialling.
    pub dialing: u64,
    /// In a call.
    pub in_call: u64,
    /// Waiting for a retry or callback.
    pub waiting: u64,
    /// Settled.
    pub settled: u64,
    /// Settled leads by outcome code, in display order, non-zero only.
    pub outcomes: Vec<(String, u64)>,
}

/// The counters of a campaign: the workflow's own when it answers, else the projection's.
pub fn counts(detail: &CampaignDetail) -> Counts {
    let total = lead_count(detail).max(detail.leads.len() as u64);
    let completed = detail
        .progress
        .as_ref()
        .is_some_and(|p| p.status == CampaignStatus::Completed);
    // Visibility lags behind the workflows: once the campaign is done, nothing is live.
    let live = if completed {
        LivePhases::default()
    } else {
        LivePhases { ..detail.live }
    };
    let (dialing, in_call, waiting) = (
        live.dialing as u64,
        live.in_call as u64,
        live.waiting as u64,
    );
    let (status, started, settled, outcomes) = match &detail.progress {
        Some(p) => (
            p.status.code().to_owned(),
            p.started,
            p.settled,
            p.outcomes.clone(),
        ),
        None => {
            let settled = settled_by_outcome(detail);
            let n: u64 = settled.values().sum();
            let started = n + dialing + in_call + waiting;
            ("starting".to_owned(), started, n, settled)
        }
    };
    Counts {
        status,
        total,
        pending: total.saturating_sub(started),
        dialing,
        in_call,
        waiting,
        settled,
        outcomes: ordered(&outcomes, &OUTCOMES)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect(),
    }
}

/// Settled leads counted by outcome, from the lead rows.
fn settled_by_outcome(detail: &CampaignDetail) -> BTreeMap<String, u64> {
    let mut map = BTreeMap::new();
    for lead in detail.leads.iter().filter(|l| l.settled_at.is_some()) {
        let code = lead.outcome.clone().unwrap_or_else(|| "unknown".to_owned());
        *map.entry(code).or_insert(0) += 1;
    }
    map
}

/// Leads in the campaign (the API's count; never negative).
fn lead_count(detail: &CampaignDetail) -> u64 {
    u64::try_from(detail.lead_count).unwrap_or(0)
}

/// Whether the campaign is over: the workflow says so, or every lead has settled.
pub fn is_done(detail: &CampaignDetail) -> bool {
    let completed = detail
        .progress
        .as_ref()
        .is_some_and(|p| p.status == CampaignStatus::Completed);
    completed || all_settled(detail)
}

/// Whether every lead of the campaign has a settled outcome in the projection.
pub fn all_settled(detail: &CampaignDetail) -> bool {
    !detail.leads.is_empty()
        && detail.leads.len() as u64 >= lead_count(detail)
        && detail.leads.iter().all(|l| l.settled_at.is_some())
}

/// `(key, value)` pairs with the keys of `order` first, in that order, then the rest.
fn ordered<V: Copy + Default>(map: &BTreeMap<String, V>, order: &[&str]) -> Vec<(String, V)> {
    let mut out: Vec<(String, V)> = order
        .iter()
        .filter_map(|k| map.get(*k).map(|v| ((*k).to_owned(), *v)))
        .collect();
    out.extend(
        map.iter()
            .filter(|(k, _)| !order.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), *v)),
    );
    out
}

/// The live table, one string per terminal line.
pub fn live_lines(
    name: &str,
    counts: &Counts,
    elapsed: Duration,
    error: Option<&str>,
) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{name} · {} · elapsed {}",
            counts.status,
            fmt_elapsed(elapsed)
        ),
        format!(
            "{} {}/{} settled",
            progress_bar(counts.settled, counts.total, BAR_WIDTH),
            counts.settled,
            counts.total
        ),
        format!(
            "  {:>8} {:>8} {:>8} {:>8} {:>8}",
            "pending", "dialing", "in call", "waiting", "settled"
        ),
        format!(
            "  {:>8} {:>8} {:>8} {:>8} {:>8}",
            counts.pending, counts.dialing, counts.in_call, counts.waiting, counts.settled
        ),
    ];
    for (code, n) in &counts.outcomes {
        let bar = "■".repeat(usize::try_from(*n).unwrap_or(0).min(BAR_WIDTH));
        lines.push(format!("  {code:<OUTCOME_WIDTH$}{n:>4}  {bar}"));
    }
    if let Some(error) = error {
        lines.push(format!("  (API: {error})"));
    }
    lines
}

/// One compact status line, for logs and pipes; `label` names the campaign.
pub fn status_line(label: &str, counts: &Counts, elapsed: Duration) -> String {
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" {label}:")
    };
    let mut line = format!(
        "[{}]{label} {} settled {}/{} · pending {} · dialing {} · in call {} · waiting {}",
        fmt_elapsed(elapsed),
        counts.status,
        counts.settled,
        counts.total,
        counts.pending,
        counts.dialing,
        counts.in_call,
        counts.waiting
    );
    if !counts.outcomes.is_empty() {
        let parts: Vec<String> = counts
            .outcomes
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        let _ = write!(line, " | {}", parts.join(", "));
    }
    line
}

/// The ANSI sequence that moves the cursor to the start of the line `n` lines up and clears
/// everything below it, so the next frame overwrites the previous one.
pub fn rewind(n: usize) -> String {
    if n == 0 {
        "\x1b[J".to_owned()
    } else {
        format!("\x1b[{n}F\x1b[J")
    }
}

/// `[█████░░░░░]` for `done` of `total`.
fn progress_bar(done: u64, total: u64, width: usize) -> String {
    let filled = match total {
        0 => 0,
        t => usize::try_from(done.min(t).saturating_mul(width as u64) / t).unwrap_or(width),
    };
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}

/// `mm:ss` (or `h:mm:ss` past an hour).
fn fmt_elapsed(elapsed: Duration) -> String {
    let s = elapsed.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// The final summary: outcome → count → lead names (with language), then a per-language line.
pub fn summary(detail: &CampaignDetail) -> String {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut languages: BTreeMap<String, u64> = BTreeMap::new();
    for lead in &detail.leads {
        let outcome = match (&lead.outcome, &lead.settled_at) {
            (Some(code), Some(_)) => code.clone(),
            _ => UNSETTLED.to_owned(),
        };
        groups
            .entry(outcome)
            .or_default()
            .push(format!("{} ({})", lead.name, lead.language));
        *languages.entry(lead.language.clone()).or_insert(0) += 1;
    }
    let mut out = format!(
        "{:<OUTCOME_WIDTH$} {:>5}  Leads\n{}\n",
        "Outcome",
        "Count",
        "─".repeat(OUTCOME_WIDTH + 7 + NAMES_WIDTH)
    );
    let unsettled = groups.remove(UNSETTLED);
    let counts: BTreeMap<String, usize> =
        groups.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    let mut rows = ordered(&counts, &OUTCOMES);
    if let Some(names) = unsettled {
        rows.push((UNSETTLED.to_owned(), names.len()));
        groups.insert(UNSETTLED.to_owned(), names);
    }
    for (code, n) in rows {
        let names = groups.get(&code).map(Vec::as_slice).unwrap_or_default();
        let mut wrapped = wrap(names, NAMES_WIDTH).into_iter();
        let first = wrapped.next().unwrap_or_default();
        let _ = writeln!(out, "{code:<OUTCOME_WIDTH$} {n:>5}  {first}");
        for line in wrapped {
            let _ = writeln!(out, "{:indent$}{line}", "", indent = OUTCOME_WIDTH + 8);
        }
    }
    let langs: Vec<String> = ordered(&languages, &LANGUAGES)
        .into_iter()
        .map(|(code, n)| format!("{code} {n}"))
        .collect();
    let _ = writeln!(
        out,
        "\n{} leads by language: {}",
        detail.leads.len(),
        langs.join(", ")
    );
    out
}

/// Joins `items` with ", " into lines of at most `width` characters (an item longer than
/// that gets a line of its own).
fn wrap(items: &[String], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        let len = line.chars().count();
        if len > 0 && len + 1 + piece.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where the campaign's meetings stand, for the wait after the campaign completes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingCheck {
    /// Meetings of the campaign.
    pub total: usize,
    /// Still `reserved` (no calendar event yet).
    pub reserved: usize,
    /// `confirmed`.
    pub confirmed: usize,
    /// Confirmed, and their invite is in the SMTP sink.
    pub invited: usize,
    /// `failed`.
    pub failed: usize,
}

impl MeetingCheck {
    /// Nothing left to wait for: no meeting is reserved and every confirmed one has its invite.
    pub fn settled(&self) -> bool {
        self.reserved == 0 && self.invited == self.confirmed
    }
}

/// Counts the meetings by status, and the confirmed ones whose invite is in `mails`.
pub fn check_meetings(meetings: &[Meeting], mails: &[Mail]) -> MeetingCheck {
    let mut check = MeetingCheck {
        total: meetings.len(),
        ..MeetingCheck::default()
    };
    for m in meetings {
        match m.status.code() {
            "reserved" => check.reserved += 1,
            "confirmed" => {
                check.confirmed += 1;
                check.invited += usize::from(has_invite(m, mails));
            }
            "failed" => check.failed += 1,
            _ => {}
        }
    }
    check
}

/// Whether `mail` is an invite for `meeting`: addressed to its attendee, and naming the
/// meeting (its id is in the `Message-ID` and in the calendar part's `UID`).
fn is_invite_for(mail: &Mail, meeting: &Meeting) -> bool {
    !meeting.id.is_nil()
        && mail.to.iter().any(|to| {
            to.trim()
                .eq_ignore_ascii_case(meeting.attendee_email.trim())
        })
        && (mail
            .message_id
            .as_deref()
            .is_some_and(|id| id.contains(&meeting.id.to_string()))
            || mail.raw.contains(&meeting.id.to_string()))
}

/// Whether the SMTP sink holds an invite for `meeting`.
pub fn has_invite(meeting: &Meeting, mails: &[Mail]) -> bool {
    mails.iter().any(|mail| is_invite_for(mail, meeting))
}

/// The status line shown while waiting for the meetings.
pub fn meetings_wait_line(check: Option<&MeetingCheck>, elapsed: Duration) -> String {
    let Some(c) = check else {
        return format!("[{}] meetings: reading …", fmt_elapsed(elapsed));
    };
    let mut line = format!(
        "[{}] meetings {} · reserved {} · confirmed {} · invites {}/{}",
        fmt_elapsed(elapsed),
        c.total,
        c.reserved,
        c.confirmed,
        c.invited,
        c.confirmed
    );
    if c.failed > 0 {
        let _ = write!(line, " · failed {}", c.failed);
    }
    line
}

/// What is wrong with the meetings after the wait, or `None` when nothing is: meetings still
/// reserved, confirmed meetings whose invite is not in the SMTP sink.
pub fn meetings_problem(
    meetings: &[Meeting],
    mails: &[Mail],
    detail: Option<&CampaignDetail>,
) -> Option<String> {
    let who = |m: &Meeting| {
        let name = lead_name(m, detail);
        if m.attendee_email.is_empty() {
            name
        } else {
            format!("{name} <{}>", m.attendee_email)
        }
    };
    let reserved: Vec<String> = meetings
        .iter()
        .filter(|m| m.status.code() == "reserved")
        .map(who)
        .collect();
    let uninvited: Vec<String> = meetings
        .iter()
        .filter(|m| m.status.code() == "confirmed" && !has_invite(m, mails))
        .map(who)
        .collect();
    let mut problems = Vec::new();
    if !reserved.is_empty() {
        problems.push(format!(
            "{} still reserved (no calendar event yet): {}",
            plural(reserved.len(), "meeting"),
            reserved.join(", ")
        ));
    }
    if !uninvited.is_empty() {
        problems.push(format!(
            "{} without an invite in the SMTP sink: {}",
            plural(uninvited.len(), "confirmed meeting"),
            uninvited.join(", ")
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

/// `starts_at` in the zone `timezone`, e.g. `Thu 26 Nov 14:00 Asia/Jerusalem` (in UTC when
/// the zone is unknown).
pub fn meeting_time(starts_at: DateTime<Utc>, timezone: &str) -> String {
    const FORMAT: &str = "%a %-d %b %H:%M";
    match timezone.parse::<chrono_tz::Tz>() {
        Ok(zone) => format!(
            "{} {}",
            starts_at.with_timezone(&zone).format(FORMAT),
            zone.name()
        ),
        Err(_) => format!("{} UTC", starts_at.format(FORMAT)),
    }
}

/// The lead's name as the campaign lists it, else the meeting's attendee name.
fn lead_name(meeting: &Meeting, detail: Option<&CampaignDetail>) -> String {
    detail
        .and_then(|d| d.leads.iter().find(|l| l.lead_id == meeting.lead_id))
        .map(|l| l.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| meeting.attendee_name.clone())
}

/// `1 meeting`, `2 meetings`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The meetings section: one row per meeting (time in the lead's zone, status, invite in the
/// sink, video link, then the lead, last so that right-to-left names do not shift the other
/// columns), a failure reason under failed ones, then the totals with where to see them.
pub fn meetings_section(
    meetings: &[Meeting],
    detail: Option<&CampaignDetail>,
    mails: &[Mail],
    events: &[CalendarEvent],
    sim: &str,
) -> String {
    let sim = sim.trim_end_matches('/');
    let rows: Vec<[String; 5]> = meetings
        .iter()
        .map(|m| {
            let invite = if has_invite(m, mails) { "✓" } else { "✗" };
            let lead = match m.attendee_email.as_str() {
                "" => lead_name(m, detail),
                email => format!("{} <{email}>", lead_name(m, detail)),
            };
            [
                meeting_time(m.starts_at, &m.timezone),
                m.status.code().to_owned(),
                invite.to_owned(),
                m.video_url.clone().unwrap_or_else(|| "—".to_owned()),
                lead,
            ]
        })
        .collect();
    let header = ["When", "Status", "Invite", "Video", "Lead"].map(str::to_owned);
    // Widths in characters (`format!` pads by characters too); the last column is not padded.
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 5]| {
        let [when, status, invite, video, lead] = row;
        format!(
            "{when:<w0$}  {status:<w1$}  {invite:<w2$}  {video:<w3$}  {lead}",
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    let mut out = String::from("Meetings\n");
    if meetings.is_empty() {
        out.push_str("(none booked in this campaign)\n");
    } else {
        let _ = writeln!(out, "{}", line(&header));
        let rule = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        let _ = writeln!(out, "{}", "─".repeat(rule));
        for (m, row) in meetings.iter().zip(&rows) {
            let _ = writeln!(out, "{}", line(row).trim_end());
            if m.status.code() == "failed" || m.failure.is_some() {
                let reason = m.failure.as_deref().unwrap_or("(no reason recorded)");
                let _ = writeln!(out, "{:indent$}↳ {reason}", "", indent = widths[0] + 2);
            }
        }
    }
    let booked = meetings
        .iter()
        .filter(|m| !matches!(m.status.code(), "failed" | "cancelled"))
        .count();
    let event_ids: HashSet<&str> = meetings
        .iter()
        .map(|m| m.calendar_event_id.as_str())
        .filter(|id| !id.is_empty())
        .collect();
    let on_calendar = events
        .iter()
        .filter(|e| e.status.as_deref() != Some("cancelled"))
        .filter(|e| e.id.as_deref().is_some_and(|id| event_ids.contains(id)))
        .count();
    let invites = mails
        .iter()
        .filter(|mail| meetings.iter().any(|m| is_invite_for(mail, m)))
        .count();
    let failed = meetings
        .iter()
        .filter(|m| m.status.code() == "failed")
        .count();
    let _ = write!(
        out,
        "\n{} booked · {} on the simulated calendar (GET {sim}/sim/calendar/events) · {} in the SMTP sink (GET {sim}/sim/mail)",
        plural(booked, "meeting"),
        plural(on_calendar, "event"),
        plural(invites, "invite"),
    );
    if failed > 0 {
        let _ = write!(out, " · {failed} failed");
    }
    out.push('\n');
    out
}

/// Where to look further: the campaign id, its agent in the dashboard, the Temporal UI, the
/// API, the calls export and the CLI.
pub fn links(campaign_id: &str, agent_id: &str, api: &str, temporal_ui: &str) -> String {
    let api = api.trim_end_matches('/');
    format!(
        "Campaign:    {campaign_id}\n\
         Agent:       {api}/agents/{agent_id} (API: {api}/api/agents/{agent_id})\n\
         Temporal UI: {}\n\
         API:         {api}/api/campaigns/{campaign_id}\n\
         Export:      {api}/api/calls/export?campaign_id={campaign_id}\n\
         CLI:         temporal workflow list --query 'CampaignId=\"{campaign_id}\"'\n",
        temporal_ui_url(temporal_ui, campaign_id),
    )
}

/// The heading of a campaign's part of the summary.
pub fn campaign_heading(label: &str, name: &str, agent: &str) -> String {
    let title = format!("{label}: campaign \"{name}\"");
    format!(
        "{title}\n{}\nAgent: {agent}\n",
        "═".repeat(title.chars().count())
    )
}

/// `61%`.
fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// The campaign's results per agent version: leads, calls, conversations, meetings booked and
/// the booking rate with its 95% interval, then the comparison of the two leading versions.
pub fn versions_section(results: &AgentResults, source: &str) -> String {
    let mut out = format!("Agent versions (GET {source})\n");
    if results.versions.is_empty() {
        out.push_str("(no calls by an agent in this campaign yet)\n");
        return out;
    }
    let header = [
        "Version",
        "Leads",
        "Calls",
        "Conversations",
        "Booked",
        "Booking rate (95% interval)",
        "Opt-outs",
    ];
    let rows: Vec<[String; 7]> = results
        .versions
        .iter()
        .map(|v| {
            let rate = match v.booking_rate {
                Some(rate) => format!(
                    "{} ({}–{})",
                    percent(rate),
                    percent(v.booking_rate_low),
                    percent(v.booking_rate_high)
                ),
                None => "—".to_owned(),
            };
            [
                format!("v{}", v.version),
                v.leads.to_string(),
                v.dials.to_string(),
                v.conversations.to_string(),
                v.meetings_booked.to_string(),
                rate,
                v.opt_outs.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 7]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // The version and the rate read left to right; the counts are right-aligned.
            if i == 0 || i == 5 {
                let _ = write!(text, "{cell:<w$}  ");
            } else {
                let _ = write!(text, "{cell:>w$}  ");
            }
        }
        text.trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(header));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row.each_ref().map(String::as_str)));
    }
    match &results.comparison {
        Some(c) => {
            let _ = writeln!(out, "{} (p = {:.2})", c.summary, c.p_value);
        }
        None if results.versions.len() == 1 => {
            out.push_str("One version: nothing to compare.\n");
        }
        None => out.push_str("No comparison yet: fewer than two versions had conversations.\n"),
    }
    out
}

/// The calls of a campaign as the API exports them: which question each answer column holds,
/// and the calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportedCalls {
    /// The question ids, in the order of their columns.
    pub questions: Vec<String>,
    /// The calls, oldest first.
    pub calls: Vec<ExportedCall>,
}

/// One call of the export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportedCall {
    /// The lead.
    pub lead_id: String,
    /// The lead's name.
    pub lead_name: String,
    /// The call's language.
    pub language: String,
    /// The agent version that spoke.
    pub agent_version: String,
    /// Outcome code.
    pub outcome: String,
    /// The answers, one per question (empty when not answered).
    pub answers: Vec<String>,
}

impl ExportedCall {
    /// Whether the call has at least one answer.
    pub fn answered(&self) -> bool {
        self.answers.iter().any(|a| !a.is_empty())
    }
}

/// The columns of the export before the questions' (the last of them).
const LAST_FIXED_COLUMN: &str = "next_step";

/// Reads the rows of `GET /api/calls/export` (the header first): the fixed columns by name,
/// and the question columns after `next_step`.
pub fn exported_calls(rows: &[Vec<String>]) -> anyhow::Result<ExportedCalls> {
    let Some((header, rows)) = rows.split_first() else {
        anyhow::bail!("the export is empty (no header)");
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow::anyhow!("the export has no `{name}` column"))
    };
    let lead_id = column("lead_id")?;
    let lead_name = column("lead_name")?;
    let language = column("language")?;
    let version = column("agent_version")?;
    let outcome = column("outcome")?;
    let first_question = column(LAST_FIXED_COLUMN)? + 1;
    let questions = header[first_question..].to_vec();
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    let calls = rows
        .iter()
        .map(|row| ExportedCall {
            lead_id: cell(row, lead_id),
            lead_name: cell(row, lead_name),
            language: cell(row, language),
            agent_version: cell(row, version),
            outcome: cell(row, outcome),
            answers: (first_question..header.len())
                .map(|i| cell(row, i))
                .collect(),
        })
        .collect();
    Ok(ExportedCalls { questions, calls })
}

/// Up to `n` answered calls, one per lead, taking the versions in turn (so an A/B split shows
/// both).
pub fn answer_sample(export: &ExportedCalls, n: usize) -> Vec<&ExportedCall> {
    let mut by_version: BTreeMap<&str, Vec<&ExportedCall>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for call in export.calls.iter().filter(|c| c.answered()) {
        if seen.insert(call.lead_id.as_str()) {
            by_version
                .entry(call.agent_version.as_str())
                .or_default()
                .push(call);
        }
    }
    let mut queues: Vec<std::vec::IntoIter<&ExportedCall>> =
        by_version.into_values().map(Vec::into_iter).collect();
    let mut sample = Vec::new();
    while sample.len() < n {
        let before = sample.len();
        for queue in &mut queues {
            if sample.len() < n
                && let Some(call) = queue.next()
            {
                sample.push(call);
            }
        }
        if sample.len() == before {
            break;
        }
    }
    sample
}

/// The answers section: how many calls have answers, then a sample (version, outcome, one
/// column per question, the lead last so that right-to-left names do not shift the columns).
pub fn answers_section(export: &ExportedCalls, n: usize, source: &str) -> String {
    let answered = export.calls.iter().filter(|c| c.answered()).count();
    let mut out = format!(
        "Answers to the agent's questions, on {answered} of {} calls (GET {source})\n",
        export.calls.len()
    );
    let sample = answer_sample(export, n);
    if sample.is_empty() {
        out.push_str("(no answers extracted yet)\n");
        return out;
    }
    let mut header: Vec<String> = vec!["Version".into(), "Outcome".into()];
    header.extend(export.questions.iter().cloned());
    header.push("Lead".into());
    let rows: Vec<Vec<String>> = sample
        .iter()
        .map(|c| {
            let mut row = vec![format!("v{}", c.agent_version), c.outcome.clone()];
            row.extend(c.answers.iter().map(|a| {
                if a.is_empty() {
                    "—".to_owned()
                } else {
                    a.clone()
                }
            }));
            row.push(format!("{} ({})", c.lead_name, c.language));
            row
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String]| {
        let mut text = String::new();
        for (cell, w) in row.iter().zip(&widths) {
            let _ = write!(text, "{cell:<w$}  ");
        }
        text.trim_end().to_owned()
    };
    let _ = writeln!(out, "{}", line(&header));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
    out
}

/// The Temporal UI's workflow list filtered to the campaign's workflows.
pub fn temporal_ui_url(temporal_ui: &str, campaign_id: &str) -> String {
    let query = format!("CampaignId=\"{campaign_id}\"");
    format!(
        "{}/namespaces/default/workflows?query={}",
        temporal_ui.trim_end_matches('/'),
        percent_encode(&query)
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Reply times of the demo's calls by voice mode: the real time from the callee's finished
/// words reaching us (the final `prompt` on a realtime call, the Gather's POST otherwise) to
/// the agent's first words leaving (the first `text`, or the TwiML), as the simulator timed
/// them. Twilio's end-of-turn detection and speech synthesis come on top on a real call.
pub fn latency_section(calls: &[crate::sim::SimCall], model: &str) -> String {
    let mut relay = Vec::new();
    let mut gather = Vec::new();
    for call in calls {
        let into = if call.relay_sessions.is_empty() {
            &mut gather
        } else {
            &mut relay
        };
        into.extend(call.reply_latencies_ms.iter().copied());
    }
    let mut out = format!("Voice to voice (our side, {model}):\n");
    for (label, samples) in [
        ("realtime (ConversationRelay)", &mut relay),
        ("turn by turn (Gather)", &mut gather),
    ] {
        samples.sort_unstable();
        let at = |q| callwright_domain::stats::nearest_rank(samples, q).unwrap_or_default();
        if samples.is_empty() {
            out.push_str(&format!("  {label:<29} no turns\n"));
        } else {
            out.push_str(&format!(
                "  {label:<29} p50 {} ms · p90 {} ms · p99 {} ms over {}\n",
                at(0.5),
                at(0.9),
                at(0.99),
                plural(samples.len(), "turn")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_times_are_split_by_voice_mode() {
        let call = |latencies: Vec<u64>, relay: bool| crate::sim::SimCall {
            to: "+14155550100".into(),
            reply_latencies_ms: latencies,
            relay_sessions: if relay { vec![json!({})] } else { Vec::new() },
        };
        let calls = [
            call((1..=60).collect(), true),
            call((61..=100).collect(), true),
            call(vec![900, 700], false),
        ];
        let text = latency_section(&calls, "model at 300 ms");
        assert!(
            text.starts_with("Voice to voice (our side, model at 300 ms):"),
            "{text}"
        );
        assert!(
            text.contains(
                "realtime (ConversationRelay)  p50 50 ms · p90 90 ms · p99 99 ms over 100 turns"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "turn by turn (Gather)         p50 700 ms · p90 900 ms · p99 900 ms over 2 turns"
            ),
            "{text}"
        );
        let none = latency_section(&[call(vec![5], true)], "m");
        assert!(
            none.contains("turn by turn (Gather)         no turns"),
            "{none}"
        );
    }
    use callwright_contracts::api::agents::{Comparison, VersionResults};
    use serde::de::DeserializeOwned;
    use serde_json::Value;
    use serde_json::json;
    use std::sync::LazyLock;

    /// The lead the tests' first meeting and lead are.
    const LEAD_A: &str = "00000000-0000-0000-0000-00000000000a";

    /// A meeting with every field the API sends; the tests overlay what they are about.
    static MEETING: LazyLock<Value> = LazyLock::new(|| {
        json!({"id": "00000000-0000-0000-0000-000000000000", "lead_id": LEAD_A,
            "campaign_id": null, "call_id": null, "workflow_id": "lead-x",
            "calendar_id": "sales@acme-solar.example", "starts_at": "2026-11-26T12:00:00Z",
            "ends_at": "2026-11-26T12:30:00Z", "title": "Acme Solar", "description": null,
            "trial": false, "timezone": "UTC", "language": "en", "attendee_name": "",
            "attendee_email": "", "status": "reserved", "sequence": 0,
            "calendar_event_id": "", "calendar_link": null, "video_provider": null,
            "video_meeting_id": null, "video_url": null, "failure": null,
            "created_at": "2026-11-20T12:00:00Z", "updated_at": "2026-11-20T12:00:00Z"})
    });

    /// `overlay`'s fields over `base`, read as the API's type.
    fn complete<T: DeserializeOwned>(mut base: Value, overlay: &Value) -> T {
        for (k, v) in overlay.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    /// A finished three-lead campaign, as the API returns it.
    fn sample() -> CampaignDetail {
        serde_json::from_value(json!({
            "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "name": "Demo 2025-01-01 10:00:00",
            "workflow_id": "campaign-7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "lead_count": 4,
            "created_at": "2025-01-01T10:00:00Z",
            "progress": {"campaign_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                         "status": "running", "started": 3, "in_flight": 1, "settled": 2,
                         "outcomes": {"interested": 1, "zz_new": 1}},
            "live": {"dialing": 0, "in_call": 1, "waiting": 0},
            "outcomes": {"interested": 1, "zz_new": 1},
            "leads": [
                {"seq": 1, "lead_id": "00000000-0000-0000-0000-00000000000a", "name": "Emily Carter", "phone": "+14155550100",
                 "language": "en", "outcome": "interested", "settled_at": "2025-01-01T10:01:00Z"},
                {"seq": 2, "lead_id": "00000000-0000-0000-0000-00000000000b", "name": "נועה כהן", "phone": "+972527650100",
                 "language": "he", "outcome": "interested", "settled_at": "2025-01-01T10:01:30Z"},
                {"seq": 3, "lead_id": "00000000-0000-0000-0000-00000000000c", "name": "Léa Fontaine", "phone": "+33612345602",
                 "language": "fr", "outcome": "zz_new", "settled_at": "2025-01-01T10:01:10Z"},
                {"seq": 4, "lead_id": "00000000-0000-0000-0000-00000000000d", "name": "Lena Schäfer", "phone": "+4915123456709",
                 "language": "de", "outcome": null, "settled_at": null}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn counts_come_from_the_workflow_progress() {
        let c = counts(&sample());
        assert_eq!(c.status, "running");
        assert_eq!((c.total, c.pending, c.in_call, c.settled), (4, 1, 1, 2));
        assert_eq!(
            c.outcomes,
            vec![("interested".to_owned(), 1), ("zz_new".to_owned(), 1)]
        );
        assert!(!is_done(&sample()));
    }

    #[test]
    fn counts_fall_back_to_the_projection() {
        let mut d = sample();
        d.progress = None;
        let c = counts(&d);
        assert_eq!(c.status, "starting");
        assert_eq!(c.settled, 3);
        assert_eq!(c.pending, 0);
        assert_eq!(c.outcomes[0], ("interested".to_owned(), 2));
    }

    #[test]
    fn done_when_completed_or_all_settled() {
        let mut d = sample();
        d.progress.as_mut().unwrap().status = CampaignStatus::Completed;
        assert!(is_done(&d));
        assert_eq!(
            counts(&d).in_call,
            0,
            "stale visibility is ignored once completed"
        );
        let mut d = sample();
        d.leads[3].outcome = Some("busy".into());
        d.leads[3].settled_at = Some("2025-01-01T10:02:00Z".parse().unwrap());
        assert!(all_settled(&d) && is_done(&d));
        d.lead_count = 5;
        assert!(!is_done(&d));
    }

    #[test]
    fn live_view_and_status_line() {
        let c = counts(&sample());
        let lines = live_lines("Demo", &c, Duration::from_secs(83), Some("timed out"));
        assert_eq!(lines[0], "Demo · running · elapsed 01:23");
        assert!(lines[1].starts_with(&format!("[{}{}]", "█".repeat(20), "░".repeat(20))));
        assert!(lines[1].ends_with("2/4 settled"));
        assert_eq!(lines[3], "         1        0        1        0        2");
        assert!(lines[4].starts_with("  interested             1  ■"));
        assert_eq!(lines.last().unwrap(), "  (API: timed out)");
        assert_eq!(
            status_line("", &c, Duration::from_secs(5)),
            "[00:05] running settled 2/4 · pending 1 · dialing 0 · in call 1 · waiting 0 | interested 1, zz_new 1"
        );
        assert!(
            status_line("Acme Solar A/B", &c, Duration::from_secs(5))
                .starts_with("[00:05] Acme Solar A/B: running settled 2/4 · ")
        );
    }

    #[test]
    fn summary_groups_names_by_outcome_in_order() {
        let text = summary(&sample());
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("Outcome"));
        assert_eq!(
            lines[2],
            format!(
                "{:<20} {:>5}  Emily Carter (en), נועה כהן (he)",
                "interested", 2
            )
        );
        assert!(lines[3].starts_with("zz_new"), "{text}");
        assert!(lines[4].starts_with("(not settled)") && lines[4].ends_with("Lena Schäfer (de)"));
        assert_eq!(
            lines.last().unwrap(),
            &"4 leads by language: en 1, he 1, fr 1, de 1"
        );
    }

    #[test]
    fn wraps_long_name_lists() {
        let names: Vec<String> = (0..10).map(|i| format!("Person Number {i} (en)")).collect();
        let lines = wrap(&names, 50);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| l.chars().count() <= 50));
        assert_eq!(lines.join(" "), names.join(", "));
    }

    #[test]
    fn temporal_ui_url_encodes_the_query() {
        assert_eq!(
            temporal_ui_url(
                "http://127.0.0.1:8233/",
                "7c9e6679-7425-40de-944b-e07fc1f90ae7"
            ),
            "http://127.0.0.1:8233/namespaces/default/workflows?query=CampaignId%3D%227c9e6679-7425-40de-944b-e07fc1f90ae7%22"
        );
        assert_eq!(percent_encode("a b/é"), "a%20b%2F%C3%A9");
        let text = links("x1", "a9", "http://api/", "http://ui");
        assert!(text.contains("API:         http://api/api/campaigns/x1\n"));
        assert!(
            text.contains("Agent:       http://api/agents/a9 (API: http://api/api/agents/a9)\n")
        );
        assert!(text.contains("Export:      http://api/api/calls/export?campaign_id=x1\n"));
        assert!(text.contains("temporal workflow list --query 'CampaignId=\"x1\"'"));
        let heading = campaign_heading("Acme Solar A/B", "Demo 1", "Acme (a9)");
        let lines: Vec<&str> = heading.lines().collect();
        assert_eq!(lines[0], "Acme Solar A/B: campaign \"Demo 1\"");
        assert_eq!(lines[1].chars().count(), lines[0].chars().count());
        assert_eq!(lines[2], "Agent: Acme (a9)");
    }

    fn results() -> AgentResults {
        let version = json!({"agent_id": "00000000-0000-0000-0000-0000000000a1",
            "agent_name": "Acme", "version": 1, "leads": 0, "dials": 0, "connects": 0,
            "conversations": 0, "meetings_booked": 0, "booking_rate": null,
            "booking_rate_low": 0.0, "booking_rate_high": 0.0, "meetings_held": 0, "no_shows": 0,
            "opt_outs": 0, "opt_out_rate": null, "mean_call_secs": null});
        let versions: Vec<VersionResults> = [
            json!({"version": 1, "leads": 29, "dials": 35, "conversations": 20,
                   "meetings_booked": 12, "booking_rate": 0.6, "booking_rate_low": 0.387,
                   "booking_rate_high": 0.781, "opt_outs": 2}),
            json!({"version": 2, "leads": 29, "dials": 33}),
        ]
        .iter()
        .map(|o| complete(version.clone(), o))
        .collect();
        AgentResults {
            from: "2026-01-01T00:00:00Z".parse().unwrap(),
            to: "2026-01-31T00:00:00Z".parse().unwrap(),
            versions,
            comparison: Some(Comparison {
                leader_version: 1,
                other_version: 2,
                leader_rate: 0.6,
                other_rate: 0.5,
                p_value: 0.4321,
                significant: false,
                summary: "No difference yet: version 1 60% vs version 2 50%; keep calling.".into(),
            }),
        }
    }

    #[test]
    fn versions_section_rows_and_comparison() {
        let text = versions_section(&results(), "http://api/api/analytics/agents?campaign_id=c1");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Agent versions (GET http://api/api/analytics/agents?campaign_id=c1)"
        );
        assert_eq!(
            lines[1],
            "Version  Leads  Calls  Conversations  Booked  Booking rate (95% interval)  Opt-outs"
        );
        assert_eq!(
            lines[2],
            "v1          29     35             20      12  60% (39%–78%)                       2"
        );
        assert!(
            lines[3].starts_with("v2 ") && lines[3].contains("  —  "),
            "{text}"
        );
        assert_eq!(
            lines[4],
            "No difference yet: version 1 60% vs version 2 50%; keep calling. (p = 0.43)"
        );
        let mut one = results();
        one.versions.truncate(1);
        one.comparison = None;
        assert!(versions_section(&one, "x").ends_with("One version: nothing to compare.\n"));
        let mut two = results();
        two.comparison = None;
        assert!(versions_section(&two, "x").contains("fewer than two versions"));
        let mut none = results();
        none.versions.clear();
        none.comparison = None;
        assert!(versions_section(&none, "x").contains("no calls"));
    }

    /// An export of five calls: two leads of version 1 (one called twice), two of version 2,
    /// one call without answers.
    fn export() -> ExportedCalls {
        let text = "call_id,lead_id,lead_name,phone,email,company,campaign_id,agent_id,agent_version,attempt,language,dialed_at,ended_at,duration_secs,status,outcome,meeting_start,interest_level,next_step,monthly_bill,owns_building,roof_type\n\
            c1,a,Emily Carter,+1,,,k,g,1,1,en,t,t,40,completed,interested,m,4,meet,125,true,flat\n\
            c2,b,נועה כהן,+972,,,k,g,2,1,he,t,t,40,completed,interested,m,4,meet,60,false,metal\n\
            c3,a,Emily Carter,+1,,,k,g,1,2,en,t,t,40,completed,interested,m,4,meet,125,,\n\
            c4,c,Léa Fontaine,+33,,,k,g,1,1,fr,t,t,40,completed,not_interested,,2,,,,\n\
            c5,d,Lena Schäfer,+49,,,k,g,2,1,de,t,t,40,completed,interested,m,5,meet,30,,pitched\n";
        exported_calls(&crate::csv::parse_rows(text).unwrap()).unwrap()
    }

    #[test]
    fn the_export_is_read_by_column_name() {
        let e = export();
        assert_eq!(e.questions, ["monthly_bill", "owns_building", "roof_type"]);
        assert_eq!(e.calls.len(), 5);
        assert_eq!(e.calls[1].lead_name, "נועה כהן");
        assert_eq!(e.calls[1].answers, ["60", "false", "metal"]);
        assert!(!e.calls[3].answered());
        assert!(exported_calls(&[]).is_err());
        assert!(exported_calls(&[vec!["lead_id".to_owned()]]).is_err());
    }

    #[test]
    fn the_answer_sample_takes_versions_in_turn() {
        let e = export();
        let sample: Vec<&str> = answer_sample(&e, 3)
            .iter()
            .map(|c| c.lead_id.as_str())
            .collect();
        assert_eq!(sample, ["a", "b", "d"], "one call per lead, v1 then v2");
        assert_eq!(answer_sample(&e, 1).len(), 1);
        let text = answers_section(&e, 6, "http://api/export");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Answers to the agent's questions, on 4 of 5 calls (GET http://api/export)"
        );
        assert_eq!(
            lines[1],
            "Version  Outcome     monthly_bill  owns_building  roof_type  Lead"
        );
        assert_eq!(
            lines[2],
            "v1       interested  125           true           flat       Emily Carter (en)"
        );
        assert_eq!(lines.len(), 5, "{text}");
        assert!(
            lines[4].ends_with("—              pitched    Lena Schäfer (de)"),
            "{text}"
        );
        let empty = ExportedCalls::default();
        assert!(answers_section(&empty, 3, "x").contains("no answers extracted yet"));
    }

    /// Four meetings of the sample campaign: confirmed (invited), confirmed (not invited),
    /// reserved and failed.
    fn meetings() -> Vec<Meeting> {
        let overlays = json!([
            {"id": "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "lead_id": "00000000-0000-0000-0000-00000000000b", "starts_at": "2026-11-26T12:00:00Z",
             "timezone": "Asia/Jerusalem", "attendee_name": "Noa", "attendee_email": "noa@example.com",
             "status": "confirmed", "calendar_event_id": "11111111aaaa",
             "video_url": "https://zoom.us/j/1?pwd=x", "failure": null},
            {"id": "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "lead_id": "00000000-0000-0000-0000-00000000000a", "starts_at": "2026-11-27T17:30:00Z",
             "timezone": "America/Los_Angeles", "attendee_name": "Emily",
             "attendee_email": "Emily@Example.com", "status": "confirmed",
             "calendar_event_id": "22222222bbbb", "video_url": "https://zoom.us/j/22?pwd=y"},
            {"id": "33333333-cccc-4ccc-8ccc-cccccccccccc", "lead_id": "00000000-0000-0000-0000-00000000000c", "starts_at": "2026-11-28T09:00:00Z",
             "timezone": "Europe/Paris", "attendee_name": "Léa", "attendee_email": "lea@example.com",
             "status": "reserved", "calendar_event_id": "33333333cccc"},
            {"id": "44444444-dddd-4ddd-8ddd-dddddddddddd", "lead_id": "00000000-0000-0000-0000-0000000000ff", "starts_at": "2026-11-28T10:00:00Z",
             "timezone": "Not/AZone", "attendee_name": "Lena Schäfer", "attendee_email": "",
             "status": "failed", "calendar_event_id": "44444444dddd",
             "failure": "calendar: 403 forbidden"}
        ]);
        overlays
            .as_array()
            .unwrap()
            .iter()
            .map(|o| complete(MEETING.clone(), o))
            .collect()
    }

    fn mails() -> Vec<Mail> {
        serde_json::from_value(json!([
            // The invite of the first meeting.
            {"to": ["noa@example.com"], "message_id": "<meeting-11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa.0.request@acme.example>",
             "raw": "..."},
            // To Emily, but about another meeting: not her invite.
            {"to": ["emily@example.com"], "message_id": "<other@x>", "raw": "UID:99999999@callwright"},
            // Naming the second meeting, but to someone else.
            {"to": ["x@example.com"], "raw": "UID:22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb@callwright"}
        ]))
        .unwrap()
    }

    fn events() -> Vec<CalendarEvent> {
        serde_json::from_value(json!([
            {"id": "11111111aaaa", "status": "confirmed"},
            {"id": "22222222bbbb", "status": "confirmed"},
            {"id": "33333333cccc", "status": "cancelled"},
            {"id": "someone-else", "status": "confirmed"}
        ]))
        .unwrap()
    }

    #[test]
    fn meeting_times_are_in_the_lead_zone() {
        let at: DateTime<Utc> = "2026-11-26T12:00:00Z".parse().unwrap();
        assert_eq!(
            meeting_time(at, "Asia/Jerusalem"),
            "Thu 26 Nov 14:00 Asia/Jerusalem"
        );
        assert_eq!(
            meeting_time(at, "America/New_York"),
            "Thu 26 Nov 07:00 America/New_York"
        );
        let summer: DateTime<Utc> = "2025-07-03T08:05:00Z".parse().unwrap();
        assert_eq!(
            meeting_time(summer, "Europe/London"),
            "Thu 3 Jul 09:05 Europe/London"
        );
        assert_eq!(meeting_time(at, "Mars/Base"), "Thu 26 Nov 12:00 UTC");
    }

    #[test]
    fn invites_match_the_attendee_and_the_meeting() {
        let (m, mails) = (meetings(), mails());
        assert!(has_invite(&m[0], &mails));
        assert!(
            !has_invite(&m[1], &mails),
            "other meeting, or other recipient"
        );
        let mut later = mails.clone();
        later.push(
            serde_json::from_value(json!({
                "to": ["emily@example.com"], "raw": "BEGIN:VEVENT\r\nUID:22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb@callwright"
            }))
            .unwrap(),
        );
        assert!(has_invite(&m[1], &later), "recipient matched without case");
    }

    #[test]
    fn meeting_check_waits_for_reserved_and_invites() {
        let (mut m, mails) = (meetings(), mails());
        let c = check_meetings(&m, &mails);
        assert_eq!(
            c,
            MeetingCheck {
                total: 4,
                reserved: 1,
                confirmed: 2,
                invited: 1,
                failed: 1
            }
        );
        assert!(!c.settled());
        assert_eq!(
            meetings_wait_line(Some(&c), Duration::from_secs(4)),
            "[00:04] meetings 4 · reserved 1 · confirmed 2 · invites 1/2 · failed 1"
        );
        assert_eq!(
            meetings_wait_line(None, Duration::ZERO),
            "[00:00] meetings: reading …"
        );
        let problem = meetings_problem(&m, &mails, Some(&sample())).unwrap();
        assert_eq!(
            problem,
            "1 meeting still reserved (no calendar event yet): Léa Fontaine <lea@example.com>; \
             1 confirmed meeting without an invite in the SMTP sink: Emily Carter <Emily@Example.com>"
        );
        m.retain(|m| m.status.code() != "reserved" && m.lead_id.to_string() != LEAD_A);
        assert!(check_meetings(&m, &mails).settled());
        assert_eq!(meetings_problem(&m, &mails, None), None);
        assert!(
            check_meetings(&[], &[]).settled(),
            "no meetings, nothing to wait for"
        );
    }

    #[test]
    fn meetings_section_rows_and_totals() {
        let text = meetings_section(
            &meetings(),
            Some(&sample()),
            &mails(),
            &events(),
            "http://127.0.0.1:8090/",
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Meetings");
        assert!(lines[1].starts_with("When "), "{text}");
        assert!(lines[1].ends_with("Lead"), "{text}");
        assert!(lines[2].chars().all(|c| c == '─'));
        // Fixed-width columns before the name, whatever the script of the name.
        let lead_at = lines[1].find("Lead").unwrap();
        let noa = lines[3];
        assert_eq!(
            noa,
            format!(
                "{:<36}  {:<9}  {:<6}  {:<26}  נועה כהן <noa@example.com>",
                "Thu 26 Nov 14:00 Asia/Jerusalem", "confirmed", "✓", "https://zoom.us/j/1?pwd=x"
            )
        );
        assert_eq!(
            noa.chars().take_while(|c| *c != 'נ').count(),
            lines[1][..lead_at].chars().count()
        );
        assert!(
            lines[4].starts_with("Fri 27 Nov 09:30 America/Los_Angeles  confirmed  ✗ "),
            "{text}"
        );
        assert!(lines[4].ends_with("Emily Carter <Emily@Example.com>"));
        assert!(lines[5].contains("reserved   ✗       —"), "{text}");
        assert!(lines[6].starts_with("Sat 28 Nov 10:00 UTC") && lines[6].contains("failed"));
        assert!(
            lines[6].ends_with("  Lena Schäfer"),
            "no lead row: the attendee name, no email"
        );
        assert_eq!(lines[7].trim_start(), "↳ calendar: 403 forbidden");
        assert_eq!(lines[7].find('↳'), lines[1].find("Status"));
        assert_eq!(
            lines.last().unwrap(),
            &"3 meetings booked · 2 events on the simulated calendar (GET http://127.0.0.1:8090/sim/calendar/events) · 1 invite in the SMTP sink (GET http://127.0.0.1:8090/sim/mail) · 1 failed"
        );
    }

    #[test]
    fn meetings_section_without_meetings() {
        let text = meetings_section(&[], None, &[], &[], "http://sim");
        assert_eq!(
            text,
            "Meetings\n(none booked in this campaign)\n\n0 meetings booked · 0 events on the simulated calendar (GET http://sim/sim/calendar/events) · 0 invites in the SMTP sink (GET http://sim/sim/mail)\n"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(progress_bar(0, 0, 4), "[░░░░]");
        assert_eq!(progress_bar(9, 4, 4), "[████]");
        assert_eq!(fmt_elapsed(Duration::from_secs(3725)), "1:02:05");
        assert_eq!(rewind(3), "\x1b[3F\x1b[J");
    }
}
