//! `callwright-demo`: the driver behind `make demo`. It talks to the product only over its
//! HTTP API, like a user: saves the demo's agents (JSON files of `sim/data/demo-agents/`: an
//! energy agent in two versions and a software agent), creates the leads of two CSV files,
//! starts two campaigns at once (the main one splitting its leads 50/50 between the energy
//! agent's versions 1 and 2, a small one with the software agent), follows them live and
//! prints where each lead ended up. Then it waits for the meetings booked on the calls to be
//! confirmed (an event on the simulated calendar) and their invites to reach the simulator's
//! SMTP sink, and lists them with each campaign's results per agent version and a sample of
//! the answers to the agents' questions.
//!
//! ```text
//! callwright-demo --api http://127.0.0.1:8080 --sim http://127.0.0.1:8090 \
//!     --leads sim/data/demo-leads.csv --crm-leads sim/data/demo-leads-crm.csv \
//!     --agents sim/data/demo-agents --temporal-ui http://127.0.0.1:8233 [--timeout-secs 300]
//! ```
//!
//! Kept in one file: it is the demo's story, read top to bottom in the order a user sees it
//! (agents, leads, campaigns, the live view, meetings, results); what it talks to and how it
//! prints are in the modules beside it (`api`, on the test kit's typed client; `sim`, `agents`,
//! `csv`, `view`).
//!
//! Exit status: 0 when both campaigns completed and their meetings are confirmed with their
//! invites sent, 2 when a campaign did not complete within the timeout, 3 when a meeting is
//! still reserved or an invite is missing after the meetings wait, 1 on any other error.

mod agents;
mod api;
mod csv;
mod sim;
mod view;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use crate::api::{Api, CampaignDetail, Meeting, Started};
use crate::sim::{CalendarEvent, Mail, Sim};

/// How often the campaigns are polled.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How often a status line is printed when stdout is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);
/// After the workflow completes, how long to wait for the projection to catch up.
const PROJECTION_GRACE: Duration = Duration::from_secs(10);
/// After the campaigns complete, how long to wait for their meetings to be confirmed and
/// their invites to reach the SMTP sink (a campaign completes as soon as every lead has its
/// outcome, a few seconds before that).
const MEETINGS_WAIT: Duration = Duration::from_secs(60);
/// Leads in flight at once in the main campaign.
const MAIN_CONCURRENCY: u32 = 12;
/// Leads in flight at once in the software campaign.
const CRM_CONCURRENCY: u32 = 4;
/// Answered calls shown per campaign.
const ANSWER_SAMPLE: usize = 6;

const USAGE: &str = "usage: callwright-demo [--api URL] [--sim URL] [--leads FILE] [--crm-leads FILE] [--agents DIR] [--temporal-ui URL] [--timeout-secs N]

  --api URL           Callwright API base URL (default http://127.0.0.1:8080)
  --sim URL           provider simulator base URL, for its calendar and SMTP sink
                      (default http://127.0.0.1:8090)
  --leads FILE        leads of the main campaign (the energy agent, versions 1 and 2 split
                      50/50): CSV with name,phone and optionally email,language,company,
                      timezone,region; other columns are the leads' fields
                      (default sim/data/demo-leads.csv)
  --crm-leads FILE    leads of the software agent's campaign, same format; its agent reads
                      their plan and seats columns (default sim/data/demo-leads-crm.csv)
  --agents DIR        the agents: energy-v1.json, energy-v2.json, software.json
                      (default sim/data/demo-agents)
  --temporal-ui URL   Temporal Web UI base URL (default http://127.0.0.1:8233)
  --timeout-secs N    give up (exit 2) if a campaign has not completed after N s (default 300)";

/// Command-line options.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    api: String,
    sim: String,
    leads: String,
    crm_leads: String,
    agents: String,
    temporal_ui: String,
    timeout: Duration,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            api: "http://127.0.0.1:8080".to_owned(),
            sim: "http://127.0.0.1:8090".to_owned(),
            leads: "sim/data/demo-leads.csv".to_owned(),
            crm_leads: "sim/data/demo-leads-crm.csv".to_owned(),
            agents: "sim/data/demo-agents".to_owned(),
            temporal_ui: "http://127.0.0.1:8233".to_owned(),
            timeout: Duration::from_secs(300),
        }
    }
}

/// A campaign did not complete in time (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("{campaigns} did not complete within {secs} s (see --timeout-secs)")]
struct TimedOut {
    /// Which campaigns, in words.
    campaigns: String,
    secs: u64,
}

/// After the meetings wait, a meeting is still reserved or an invite is missing (exit status
/// 3).
#[derive(Debug, thiserror::Error)]
#[error("meetings not settled after {secs} s: {problem}")]
struct MeetingsNotSettled {
    secs: u64,
    problem: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("callwright-demo: {err:#}\n\n{USAGE}");
            return ExitCode::from(1);
        }
    };
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is::<TimedOut>() => {
            eprintln!("callwright-demo: {err}");
            ExitCode::from(2)
        }
        Err(err) if err.is::<MeetingsNotSettled>() => {
            eprintln!("callwright-demo: {err}");
            ExitCode::from(3)
        }
        Err(err) => {
            eprintln!("callwright-demo: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Parses the options; `None` means help was asked for. Accepts `--flag value` and
/// `--flag=value`.
fn parse_args(argv: impl IntoIterator<Item = String>) -> anyhow::Result<Option<Args>> {
    let mut args = Args::default();
    let mut argv = argv.into_iter();
    while let Some(arg) = argv.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| argv.next())
                .with_context(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--api" => args.api = value()?,
            "--sim" => args.sim = value()?,
            "--leads" => args.leads = value()?,
            "--crm-leads" => args.crm_leads = value()?,
            "--agents" => args.agents = value()?,
            "--temporal-ui" => args.temporal_ui = value()?,
            "--timeout-secs" => {
                let v = value()?;
                let secs: u64 = v
                    .parse()
                    .with_context(|| format!("--timeout-secs: '{v}' is not a number"))?;
                args.timeout = Duration::from_secs(secs);
            }
            other => bail!("unknown argument '{other}'"),
        }
    }
    Ok(Some(args))
}

/// One demo campaign, started.
struct Campaign {
    /// What it is, for the live view and the summary ("Acme Solar A/B").
    label: String,
    /// Its name in the product.
    name: String,
    /// Its agent.
    agent: agents::Saved,
    /// How it uses the agent, in words ("versions 1 and 2, split 50/50").
    plan: String,
    /// The API's answer to the start.
    started: Started,
}

impl Campaign {
    /// The agent line of the summary: name, plan, dashboard page.
    fn agent_line(&self, api: &str) -> String {
        format!(
            "{} ({}, {}): {}",
            self.agent.name,
            self.agent.id,
            self.plan,
            agents::dashboard_url(api, &self.agent.id)
        )
    }
}

/// Where a campaign stood when the live view ended.
struct Followed {
    /// Its last state read.
    detail: Option<CampaignDetail>,
    /// Whether it completed.
    done: bool,
}

/// The `agent` of a campaign splitting its leads equally between `versions`.
fn split(agent_id: &str, versions: u32) -> Value {
    let variants: Vec<Value> = (1..=versions)
        .map(|version| json!({"version": version, "weight": 1}))
        .collect();
    json!({"id": agent_id, "variants": variants})
}

/// "versions 1 and 2, split 50/50", "version 1".
fn plan_words(versions: u32) -> String {
    match versions {
        0 | 1 => "version 1".to_owned(),
        n => {
            let list: Vec<String> = (1..n).map(|v| v.to_string()).collect();
            format!(
                "versions {} and {n}, split {}",
                list.join(", "),
                vec![(100 / n).to_string(); usize::try_from(n).unwrap_or(2)].join("/")
            )
        }
    }
}

/// The whole demo: agents, leads, campaigns, live view, meetings wait, summary.
async fn run(args: &Args) -> anyhow::Result<()> {
    let main_leads = csv::read_leads(&args.leads)?;
    let crm_leads = csv::read_leads(&args.crm_leads)?;
    let files = agents::read(&args.agents)?;
    let api = Api::new(&args.api)?;
    let sim = Sim::new(&args.sim)?;
    api.wait_until_reachable().await?;

    let energy = agents::ensure(&api, &[&files.energy_v1, &files.energy_v2]).await?;
    let software = agents::ensure(&api, &[&files.software]).await?;
    println!("Agents ({}):", files.dir.display());
    for agent in [&energy, &software] {
        let versions: Vec<String> = (1..=agent.versions).map(|v| v.to_string()).collect();
        println!(
            "  {}: {} {} ({}) {}",
            agent.name,
            if agent.versions == 1 {
                "version"
            } else {
                "versions"
            },
            versions.join(", "),
            if agent.reused {
                "saved by an earlier run"
            } else {
                "created"
            },
            agents::dashboard_url(&args.api, &agent.id)
        );
    }
    let main_ids = create_leads(&api, &main_leads, &args.leads).await?;
    let crm_ids = create_leads(&api, &crm_leads, &args.crm_leads).await?;

    let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
    let mut campaigns = Vec::new();
    for (label, agent, plan, agent_json, ids, concurrency) in [
        (
            "Acme Solar A/B",
            energy.clone(),
            plan_words(energy.versions),
            split(&energy.id, energy.versions),
            &main_ids,
            MAIN_CONCURRENCY,
        ),
        (
            "Northwind CRM",
            software.clone(),
            plan_words(software.versions),
            json!({"id": software.id, "version": software.versions}),
            &crm_ids,
            CRM_CONCURRENCY,
        ),
    ] {
        let name = format!("Demo {stamp} · {label}");
        let started = api
            .start_campaign(&name, ids, &agent_json, concurrency)
            .await?;
        println!(
            "Started campaign \"{name}\": {} leads, {} {plan}, workflow {}",
            started.lead_count, agent.name, started.workflow_id
        );
        campaigns.push(Campaign {
            label: label.to_owned(),
            name,
            agent,
            plan,
            started,
        });
    }
    println!();

    let followed = follow(&api, &campaigns, args.timeout).await;
    let all_done = followed.iter().all(|f| f.done);
    // Once the campaigns are done, wait for their meetings; otherwise just show where they are.
    let wait = if all_done {
        MEETINGS_WAIT
    } else {
        Duration::ZERO
    };
    let ids: Vec<String> = campaigns
        .iter()
        .map(|c| c.started.campaign_id.to_string())
        .collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let booked = wait_for_meetings(&api, &sim, &ids, wait).await;

    let mut problems = Vec::new();
    match sim.calls().await {
        Ok(calls) => println!("\n{}", view::latency_section(&calls, &model_pace())),
        Err(err) => println!("\nVoice to voice: the simulator's calls could not be read ({err:#})"),
    }
    for ((campaign, followed), meetings) in campaigns.iter().zip(&followed).zip(&booked.meetings) {
        print_campaign(&api, args, &sim, campaign, followed, meetings, &booked).await;
        let detail = followed.detail.as_ref();
        if let Ok(meetings) = meetings
            && let Some(problem) = view::meetings_problem(meetings, &booked.mails, detail)
        {
            problems.push(format!("{}: {problem}", campaign.label));
        }
    }

    let late: Vec<&str> = campaigns
        .iter()
        .zip(&followed)
        .filter(|(_, f)| !f.done)
        .map(|(c, _)| c.label.as_str())
        .collect();
    if !late.is_empty() {
        return Err(TimedOut {
            campaigns: late.join(" and "),
            secs: args.timeout.as_secs(),
        }
        .into());
    }
    for (campaign, meetings) in campaigns.iter().zip(&booked.meetings) {
        if let Err(err) = meetings {
            bail!("reading the meetings of {}: {err}", campaign.label);
        }
    }
    if let Some(err) = &booked.sim_error {
        bail!(
            "reading the simulator's calendar and SMTP sink at {}: {err}",
            sim.base()
        );
    }
    if !problems.is_empty() {
        return Err(MeetingsNotSettled {
            secs: MEETINGS_WAIT.as_secs(),
            problem: problems.join("; "),
        }
        .into());
    }
    Ok(())
}

/// Prints one campaign's part of the summary: heading and agent, outcomes, meetings, results
/// per agent version, a sample of the answers, links.
async fn print_campaign(
    api: &Api,
    args: &Args,
    sim: &Sim,
    campaign: &Campaign,
    followed: &Followed,
    meetings: &Result<Vec<Meeting>, String>,
    booked: &Booked,
) {
    let id = &campaign.started.campaign_id.to_string();
    let base = args.api.trim_end_matches('/');
    println!(
        "\n{}",
        view::campaign_heading(&campaign.label, &campaign.name, &campaign.agent_line(base))
    );
    if let Some(detail) = &followed.detail {
        println!("{}", view::summary(detail));
    }
    match meetings {
        Ok(meetings) => println!(
            "{}",
            view::meetings_section(
                meetings,
                followed.detail.as_ref(),
                &booked.mails,
                &booked.events,
                sim.base()
            )
        ),
        Err(err) => println!("Meetings: could not be read ({err})\n"),
    }
    let results_url = format!("{base}/api/analytics/agents?campaign_id={id}");
    match api.agent_results(id).await {
        Ok(results) => println!("{}", view::versions_section(&results, &results_url)),
        Err(err) => println!("Agent versions: could not be read ({err:#})\n"),
    }
    let export_url = format!("{base}/api/calls/export?campaign_id={id}");
    let export = api
        .calls_export(id)
        .await
        .and_then(|text| csv::parse_rows(&text))
        .and_then(|rows| view::exported_calls(&rows));
    match export {
        Ok(export) => println!(
            "{}",
            view::answers_section(&export, ANSWER_SAMPLE, &export_url)
        ),
        Err(err) => println!("Answers: could not be read ({err:#})\n"),
    }
    print!(
        "{}",
        view::links(id, &campaign.agent.id, &args.api, &args.temporal_ui)
    );
}

/// The campaigns' meetings and what the simulator holds for them, as last read.
struct Booked {
    /// Each campaign's meetings, or why they could not be read.
    meetings: Vec<Result<Vec<Meeting>, String>>,
    /// The SMTP sink's messages.
    mails: Vec<Mail>,
    /// The simulated calendar's events.
    events: Vec<CalendarEvent>,
    /// Why the simulator could not be read, if it could not.
    sim_error: Option<String>,
}

/// Reads the campaigns' meetings and the SMTP sink every second, with a status line, until
/// no meeting is reserved and every confirmed one has its invite, or `wait` passes; then
/// reads the simulated calendar too.
async fn wait_for_meetings(api: &Api, sim: &Sim, campaign_ids: &[&str], wait: Duration) -> Booked {
    let start = Instant::now();
    let mut screen = Screen::new();
    let mut booked = Booked {
        meetings: Vec::new(),
        mails: Vec::new(),
        events: Vec::new(),
        sim_error: None,
    };
    loop {
        let tick = Instant::now();
        booked.meetings.clear();
        for id in campaign_ids {
            booked
                .meetings
                .push(api.meetings(id).await.map_err(|err| format!("{err:#}")));
        }
        match sim.mail().await {
            Ok(mails) => {
                booked.mails = mails;
                booked.sim_error = None;
            }
            Err(err) => booked.sim_error = Some(format!("{err:#}")),
        }
        let read: Option<Vec<Meeting>> = booked
            .meetings
            .iter()
            .map(|m| m.as_ref().ok().cloned())
            .collect::<Option<Vec<Vec<Meeting>>>>()
            .map(|all| all.into_iter().flatten().collect());
        let check = read.map(|m| view::check_meetings(&m, &booked.mails));
        let settled = booked.sim_error.is_none() && check.as_ref().is_some_and(|c| c.settled());
        let last = settled || start.elapsed() >= wait;
        if !wait.is_zero() {
            let api_error = booked.meetings.iter().find_map(|m| m.as_ref().err());
            let error = api_error.or(booked.sim_error.as_ref());
            screen.line(
                &view::meetings_wait_line(check.as_ref(), start.elapsed()),
                error.map(String::as_str),
                last,
            );
        }
        if last {
            break;
        }
        tokio::time::sleep(POLL_EVERY.saturating_sub(tick.elapsed())).await;
    }
    match sim.calendar_events().await {
        Ok(events) => booked.events = events,
        Err(err) => booked.sim_error = Some(format!("{err:#}")),
    }
    booked
}

/// Creates every lead of `file` (or finds the existing one with its number) and returns their
/// ids.
async fn create_leads(
    api: &Api,
    leads: &[csv::LeadRow],
    file: &str,
) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(leads.len());
    let mut existing = 0;
    for lead in leads {
        let (id, existed) = api
            .create_lead(lead)
            .await
            .with_context(|| format!("creating the leads of {file}"))?;
        existing += usize::from(existed);
        ids.push(id);
    }
    println!(
        "Leads: {} from {file} ({} new, {existing} already there)",
        leads.len(),
        leads.len() - existing
    );
    Ok(ids)
}

/// Polls the campaigns every second and redraws the live view until they are all done or the
/// timeout passes. Returns where each stood.
async fn follow(api: &Api, campaigns: &[Campaign], timeout: Duration) -> Vec<Followed> {
    let start = Instant::now();
    let mut screen = Screen::new();
    let mut followed: Vec<Followed> = campaigns
        .iter()
        .map(|_| Followed {
            detail: None,
            done: false,
        })
        .collect();
    let mut errors: Vec<Option<String>> = vec![None; campaigns.len()];
    loop {
        let tick = Instant::now();
        let mut finished_now = false;
        for ((campaign, state), error) in campaigns.iter().zip(&mut followed).zip(&mut errors) {
            if state.done {
                continue;
            }
            *error = match api
                .campaign(&campaign.started.campaign_id.to_string())
                .await
            {
                Ok(detail) => {
                    state.detail = Some(detail);
                    None
                }
                Err(err) => Some(format!("{err:#}")),
            };
            if state.detail.as_ref().is_some_and(view::is_done) {
                state.done = true;
                finished_now = true;
            }
        }
        let all_done = followed.iter().all(|f| f.done);
        let timed_out = start.elapsed() >= timeout;
        let frames: Vec<Frame<'_>> = campaigns
            .iter()
            .zip(&followed)
            .zip(&errors)
            .map(|((c, f), e)| Frame {
                name: &c.name,
                label: &c.label,
                detail: f.detail.as_ref(),
                error: e.as_deref(),
            })
            .collect();
        screen.show(
            &frames,
            start.elapsed(),
            finished_now || all_done || timed_out,
        );
        if all_done || timed_out {
            break;
        }
        tokio::time::sleep(POLL_EVERY.saturating_sub(tick.elapsed())).await;
    }
    for (campaign, state) in campaigns.iter().zip(&mut followed) {
        if state.done {
            state.detail = wait_for_projection(
                api,
                &campaign.started.campaign_id.to_string(),
                state.detail.take(),
            )
            .await;
        }
    }
    followed
}

/// Once the workflow has completed, re-reads the campaign for a few seconds until every lead
/// has its settled outcome in the projection (written by the lead workflows' activities).
async fn wait_for_projection(
    api: &Api,
    campaign_id: &str,
    mut detail: Option<CampaignDetail>,
) -> Option<CampaignDetail> {
    let deadline = Instant::now() + PROJECTION_GRACE;
    while !detail.as_ref().is_some_and(view::all_settled) && Instant::now() < deadline {
        tokio::time::sleep(POLL_EVERY).await;
        if let Ok(fresh) = api.campaign(campaign_id).await {
            detail = Some(fresh);
        }
    }
    detail
}

/// What the live view shows of one campaign.
struct Frame<'a> {
    /// The campaign's name.
    name: &'a str,
    /// Its short label (status lines).
    label: &'a str,
    /// Its last state read.
    detail: Option<&'a CampaignDetail>,
    /// The error of the last read, if it failed.
    error: Option<&'a str>,
}

/// Where the live view goes: redrawn in place on a terminal, a status line per campaign every
/// 5 s (and API errors when they change) otherwise.
struct Screen {
    tty: bool,
    /// Lines of the frame drawn last (terminal only).
    drawn: usize,
    last_line: Option<Instant>,
    /// The error shown last by [`Screen::line`].
    last_error: Option<String>,
    /// The error shown last per campaign by [`Screen::show`].
    last_errors: Vec<Option<String>>,
}

impl Screen {
    fn new() -> Self {
        Self {
            tty: std::io::stdout().is_terminal(),
            drawn: 0,
            last_line: None,
            last_error: None,
            last_errors: Vec::new(),
        }
    }

    /// Shows the campaigns' current state; `force` prints the status lines now when not on a
    /// terminal.
    fn show(&mut self, frames: &[Frame<'_>], elapsed: Duration, force: bool) {
        let mut out = std::io::stdout().lock();
        self.last_errors.resize(frames.len(), None);
        if self.tty {
            let mut lines = Vec::new();
            for (i, frame) in frames.iter().enumerate() {
                if i > 0 {
                    lines.push(String::new());
                }
                lines.extend(frame_lines(frame, elapsed));
            }
            let _ = writeln!(out, "{}{}", view::rewind(self.drawn), lines.join("\n"));
            self.drawn = lines.len();
        } else {
            for (frame, last_error) in frames.iter().zip(&mut self.last_errors) {
                let error = frame.error.map(|e| truncate(e, 100));
                if error.is_some() && error != *last_error {
                    let _ = writeln!(
                        out,
                        "API error ({}): {}",
                        frame.label,
                        error.as_deref().unwrap_or_default()
                    );
                }
                *last_error = error;
            }
            let due = self.last_line.is_none_or(|t| t.elapsed() >= LOG_EVERY);
            if due || force {
                for frame in frames {
                    if let Some(detail) = frame.detail {
                        let counts = view::counts(detail);
                        let _ =
                            writeln!(out, "{}", view::status_line(frame.label, &counts, elapsed));
                    }
                }
                self.last_line = Some(Instant::now());
            }
        }
        let _ = out.flush();
    }

    /// Shows a one-line status (redrawn in place on a terminal, every 5 s otherwise); `last`
    /// forces it out when not on a terminal.
    fn line(&mut self, line: &str, error: Option<&str>, last: bool) {
        let error = error.map(|e| truncate(e, 100));
        let mut out = std::io::stdout().lock();
        if self.tty {
            let mut lines = vec![line.to_owned()];
            if let Some(e) = &error {
                lines.push(format!("  (error: {e})"));
            }
            let _ = writeln!(out, "{}{}", view::rewind(self.drawn), lines.join("\n"));
            self.drawn = lines.len();
        } else {
            if error.is_some() && error != self.last_error {
                let _ = writeln!(out, "error: {}", error.as_deref().unwrap_or_default());
            }
            if last || self.last_line.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
                let _ = writeln!(out, "{line}");
                self.last_line = Some(Instant::now());
            }
        }
        self.last_error = error;
        let _ = out.flush();
    }
}

/// The live table of one campaign (terminal), with the error of its last read if any.
fn frame_lines(frame: &Frame<'_>, elapsed: Duration) -> Vec<String> {
    let error = frame.error.map(|e| truncate(e, 100));
    match frame.detail {
        Some(detail) => {
            view::live_lines(frame.name, &view::counts(detail), elapsed, error.as_deref())
        }
        None => {
            let mut lines = vec![format!("{} · waiting for the API …", frame.name)];
            if let Some(e) = error {
                lines.push(format!("  (API: {e})"));
            }
            lines
        }
    }
}

/// `s` cut to at most `max` characters (with an ellipsis when cut).
fn truncate(s: &str, max: usize) -> String {
    let one_line = s.replace('\n', " ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// How fast the simulator's model answers, as `make demo` set it (the figures depend on it).
fn model_pace() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match (var("SIM_LLM_DELAY_MS"), var("SIM_LLM_TOKENS_PER_SEC")) {
        (Some(delay), Some(rate)) if rate != "0" => {
            format!("the simulated model at {delay} ms to first token and {rate} tokens/s")
        }
        (Some(delay), _) => format!("the simulated model at {delay} ms, no token pacing"),
        _ => "the simulated model answering at once".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> anyhow::Result<Option<Args>> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_flags_and_defaults() {
        assert_eq!(parse(&[]).unwrap(), Some(Args::default()));
        let args = parse(&[
            "--api",
            "http://h:1",
            "--sim=http://s:3",
            "--leads=x.csv",
            "--temporal-ui",
            "http://u:2",
            "--timeout-secs",
            "7",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(args.api, "http://h:1");
        assert_eq!(args.sim, "http://s:3");
        assert_eq!(args.leads, "x.csv");
        assert_eq!(args.temporal_ui, "http://u:2");
        assert_eq!(args.timeout, Duration::from_secs(7));
        assert_eq!(args.crm_leads, "sim/data/demo-leads-crm.csv");
        assert_eq!(args.agents, "sim/data/demo-agents");
        let args = parse(&["--crm-leads", "c.csv", "--agents=dir"])
            .unwrap()
            .unwrap();
        assert_eq!(
            (args.crm_leads.as_str(), args.agents.as_str()),
            ("c.csv", "dir")
        );
        assert_eq!(args.leads, "sim/data/demo-leads.csv");
        assert_eq!(parse(&["--help"]).unwrap(), None);
    }

    #[test]
    fn rejects_bad_flags() {
        assert!(parse(&["--api"]).is_err());
        assert!(parse(&["--timeout-secs", "soon"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
    }

    #[test]
    fn truncates_error_text() {
        assert_eq!(truncate("a\nb", 10), "a b");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn timeout_is_recognised() {
        let err: anyhow::Error = TimedOut {
            campaigns: "Acme Solar A/B".into(),
            secs: 5,
        }
        .into();
        assert!(err.is::<TimedOut>());
        assert_eq!(
            err.to_string(),
            "Acme Solar A/B did not complete within 5 s (see --timeout-secs)"
        );
    }

    #[test]
    fn the_split_names_every_version_equally() {
        assert_eq!(
            split("a1", 2),
            json!({"id": "a1", "variants": [{"version": 1, "weight": 1},
                                            {"version": 2, "weight": 1}]})
        );
        assert_eq!(plan_words(2), "versions 1 and 2, split 50/50");
        assert_eq!(plan_words(3), "versions 1, 2 and 3, split 33/33/33");
        assert_eq!(plan_words(1), "version 1");
    }

    #[test]
    fn frames_show_the_campaign_or_the_wait() {
        let waiting = Frame {
            name: "Demo · CRM",
            label: "CRM",
            detail: None,
            error: Some("connection refused"),
        };
        assert_eq!(
            frame_lines(&waiting, Duration::ZERO),
            [
                "Demo · CRM · waiting for the API …",
                "  (API: connection refused)"
            ]
        );
        let detail: CampaignDetail = serde_json::from_value(json!({
            "id": "00000000-0000-0000-0000-0000000000c1", "name": "Demo",
            "workflow_id": "campaign-c1", "lead_count": 1, "created_at": "2026-01-01T00:00:00Z",
            "progress": {"campaign_id": "c1", "status": "running", "started": 1, "in_flight": 1,
                         "settled": 0, "outcomes": {}},
            "live": {"dialing": 0, "in_call": 1, "waiting": 0}, "outcomes": {},
            "leads": [{"seq": 1, "lead_id": "00000000-0000-0000-0000-0000000000a1", "name": "A",
                       "phone": "+1", "language": "en", "outcome": null, "settled_at": null}]
        }))
        .unwrap();
        let running = Frame {
            detail: Some(&detail),
            error: None,
            ..waiting
        };
        let lines = frame_lines(&running, Duration::from_secs(61));
        assert_eq!(lines[0], "Demo · CRM · running · elapsed 01:01");
    }

    #[test]
    fn unsettled_meetings_are_recognised() {
        let err: anyhow::Error = MeetingsNotSettled {
            secs: 60,
            problem: "1 meeting still reserved".into(),
        }
        .into();
        assert!(err.is::<MeetingsNotSettled>() && !err.is::<TimedOut>());
        assert_eq!(
            err.to_string(),
            "meetings not settled after 60 s: 1 meeting still reserved"
        );
        assert_eq!(Args::default().sim, "http://127.0.0.1:8090");
    }
}
