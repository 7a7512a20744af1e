//! `callwright-demo`: the driver behind `make demo`. It talks to the product only over its
//! HTTP API, like a user: creates the leads of a CSV file, starts a campaign over them,
//! follows it live and prints where each lead ended up. Then it waits for the meetings booked
//! on the calls to be confirmed (an event on the simulated calendar) and their invites to
//! reach the simulator's SMTP sink, and lists them.
//!
//! ```text
//! callwright-demo --api http://127.0.0.1:8080 --sim http://127.0.0.1:8090 \
//!     --leads sim/data/demo-leads.csv --temporal-ui http://127.0.0.1:8233 [--timeout-secs 300]
//! ```
//!
//! Exit status: 0 when the campaign completed and its meetings are confirmed with their
//! invites sent, 2 when the campaign did not complete within the timeout, 3 when a meeting is
//! still reserved or an invite is missing after the meetings wait, 1 on any other error.

#[path = "callwright-demo/api.rs"]
mod api;
#[path = "callwright-demo/csv.rs"]
mod csv;
#[path = "callwright-demo/sim.rs"]
mod sim;
#[path = "callwright-demo/view.rs"]
mod view;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::api::{Api, CampaignDetail, Meeting, Started};
use crate::sim::{CalendarEvent, Mail, Sim};

/// How often the campaign is polled.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// How often a status line is printed when stdout is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(5);
/// After the workflow completes, how long to wait for the projection to catch up.
const PROJECTION_GRACE: Duration = Duration::from_secs(10);
/// After the campaign completes, how long to wait for its meetings to be confirmed and their
/// invites to reach the SMTP sink (the campaign completes as soon as every lead has its
/// outcome, a few seconds before that).
const MEETINGS_WAIT: Duration = Duration::from_secs(60);

const USAGE: &str = "usage: callwright-demo [--api URL] [--sim URL] [--leads FILE] [--temporal-ui URL] [--timeout-secs N]

  --api URL           Callwright API base URL (default http://127.0.0.1:8080)
  --sim URL           provider simulator base URL, for its calendar and SMTP sink
                      (default http://127.0.0.1:8090)
  --leads FILE        lead CSV: name,phone,email,language (default sim/data/demo-leads.csv)
  --temporal-ui URL   Temporal Web UI base URL (default http://127.0.0.1:8233)
  --timeout-secs N    give up (exit 2) if the campaign has not completed after N s (default 300)";

/// Command-line options.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Args {
    api: String,
    sim: String,
    leads: String,
    temporal_ui: String,
    timeout: Duration,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            api: "http://127.0.0.1:8080".to_owned(),
            sim: "http://127.0.0.1:8090".to_owned(),
            leads: "sim/data/demo-leads.csv".to_owned(),
            temporal_ui: "http://127.0.0.1:8233".to_owned(),
            timeout: Duration::from_secs(300),
        }
    }
}

/// The campaign did not complete in time (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error("the campaign did not complete within {0} s (see --timeout-secs)")]
struct TimedOut(u64);

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

/// The whole demo: leads, campaign, live view, meetings wait, summary.
async fn run(args: &Args) -> anyhow::Result<()> {
    let leads = csv::read_leads(&args.leads)?;
    let api = Api::new(&args.api)?;
    let sim = Sim::new(&args.sim)?;
    api.wait_until_reachable().await?;
    let lead_ids = create_leads(&api, &leads).await?;
    let name = format!("Demo {}", chrono::Local::now().format("%Y-%m-%d %H:%M:%S"));
    let started = api.start_campaign(&name, &lead_ids).await?;
    println!(
        "Started campaign \"{name}\": {} leads, workflow {}\n",
        started.lead_count, started.workflow_id
    );
    let (detail, done) = follow(&api, &started, &name, args.timeout).await;
    // Once the campaign is done, wait for its meetings; otherwise just show where they are.
    let wait = if done { MEETINGS_WAIT } else { Duration::ZERO };
    let booked = wait_for_meetings(&api, &sim, &started.campaign_id, wait).await;
    if let Some(detail) = &detail {
        println!("\n{}", view::summary(detail));
    }
    match &booked.meetings {
        Ok(meetings) => println!(
            "{}",
            view::meetings_section(
                meetings,
                detail.as_ref(),
                &booked.mails,
                &booked.events,
                sim.base()
            )
        ),
        Err(err) => println!("Meetings: could not be read ({err})\n"),
    }
    print!(
        "{}",
        view::links(&started.campaign_id, &args.api, &args.temporal_ui)
    );
    if !done {
        return Err(TimedOut(args.timeout.as_secs()).into());
    }
    let meetings = booked
        .meetings
        .map_err(|err| anyhow::anyhow!("reading the campaign's meetings: {err}"))?;
    if let Some(err) = &booked.sim_error {
        bail!(
            "reading the simulator's calendar and SMTP sink at {}: {err}",
            sim.base()
        );
    }
    if let Some(problem) = view::meetings_problem(&meetings, &booked.mails, detail.as_ref()) {
        return Err(MeetingsNotSettled {
            secs: MEETINGS_WAIT.as_secs(),
            problem,
        }
        .into());
    }
    Ok(())
}

/// The campaign's meetings and what the simulator holds for them, as last read.
struct Booked {
    /// The meetings, or why they could not be read.
    meetings: Result<Vec<Meeting>, String>,
    /// The SMTP sink's messages.
    mails: Vec<Mail>,
    /// The simulated calendar's events.
    events: Vec<CalendarEvent>,
    /// Why the simulator could not be read, if it could not.
    sim_error: Option<String>,
}

/// Reads the campaign's meetings and the SMTP sink every second, with a status line, until
/// no meeting is reserved and every confirmed one has its invite, or `wait` passes; then
/// reads the simulated calendar too.
async fn wait_for_meetings(api: &Api, sim: &Sim, campaign_id: &str, wait: Duration) -> Booked {
    let start = Instant::now();
    let mut screen = Screen::new();
    let mut booked = Booked {
        meetings: Err("not read yet".to_owned()),
        mails: Vec::new(),
        events: Vec::new(),
        sim_error: None,
    };
    loop {
        let tick = Instant::now();
        match api.meetings(campaign_id).await {
            Ok(meetings) => booked.meetings = Ok(meetings),
            Err(err) => booked.meetings = Err(format!("{err:#}")),
        }
        match sim.mail().await {
            Ok(mails) => {
                booked.mails = mails;
                booked.sim_error = None;
            }
            Err(err) => booked.sim_error = Some(format!("{err:#}")),
        }
        let check = booked
            .meetings
            .as_ref()
            .ok()
            .map(|m| view::check_meetings(m, &booked.mails));
        let settled = booked.sim_error.is_none() && check.as_ref().is_some_and(|c| c.settled());
        let last = settled || start.elapsed() >= wait;
        if !wait.is_zero() {
            let error = booked.meetings.as_ref().err().or(booked.sim_error.as_ref());
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

/// Creates every lead (or finds the existing one with its number) and returns their ids.
async fn create_leads(api: &Api, leads: &[csv::LeadRow]) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(leads.len());
    let mut existing = 0;
    for lead in leads {
        let (id, existed) = api.create_lead(lead).await?;
        existing += usize::from(existed);
        ids.push(id);
    }
    println!(
        "Leads: {} from the file ({} new, {existing} already there)",
        leads.len(),
        leads.len() - existing
    );
    Ok(ids)
}

/// Polls the campaign every second and redraws the live view until it is done or the
/// timeout passes. Returns the last state read and whether the campaign completed.
async fn follow(
    api: &Api,
    started: &Started,
    name: &str,
    timeout: Duration,
) -> (Option<CampaignDetail>, bool) {
    let start = Instant::now();
    let mut screen = Screen::new();
    let mut last: Option<CampaignDetail> = None;
    loop {
        let tick = Instant::now();
        let error = match api.campaign(&started.campaign_id).await {
            Ok(detail) => {
                last = Some(detail);
                None
            }
            Err(err) => Some(format!("{err:#}")),
        };
        let done = last.as_ref().is_some_and(view::is_done);
        screen.show(name, last.as_ref(), start.elapsed(), error.as_deref(), done);
        if done {
            let detail = wait_for_projection(api, &started.campaign_id, last).await;
            return (detail, true);
        }
        if start.elapsed() >= timeout {
            return (last, false);
        }
        tokio::time::sleep(POLL_EVERY.saturating_sub(tick.elapsed())).await;
    }
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

/// Where the live view goes: redrawn in place on a terminal, a status line every 5 s (and
/// API errors when they change) otherwise.
struct Screen {
    tty: bool,
    /// Lines of the frame drawn last (terminal only).
    drawn: usize,
    last_line: Option<Instant>,
    last_error: Option<String>,
}

impl Screen {
    fn new() -> Self {
        Self {
            tty: std::io::stdout().is_terminal(),
            drawn: 0,
            last_line: None,
            last_error: None,
        }
    }

    /// Shows the current state; `last_frame` forces a status line when not on a terminal.
    fn show(
        &mut self,
        name: &str,
        detail: Option<&CampaignDetail>,
        elapsed: Duration,
        error: Option<&str>,
        last_frame: bool,
    ) {
        let error = error.map(|e| truncate(e, 100));
        let counts = detail.map(view::counts);
        let mut out = std::io::stdout().lock();
        if self.tty {
            let mut lines = match &counts {
                Some(c) => view::live_lines(name, c, elapsed, error.as_deref()),
                None => vec![format!("{name} · waiting for the API …")],
            };
            if counts.is_none()
                && let Some(e) = &error
            {
                lines.push(format!("  (API: {e})"));
            }
            let _ = writeln!(out, "{}{}", view::rewind(self.drawn), lines.join("\n"));
            self.drawn = lines.len();
        } else {
            if error.is_some() && error != self.last_error {
                let _ = writeln!(out, "API error: {}", error.as_deref().unwrap_or_default());
            }
            let due = self.last_line.is_none_or(|t| t.elapsed() >= LOG_EVERY);
            if let Some(c) = counts.as_ref().filter(|_| due || last_frame) {
                let _ = writeln!(out, "{}", view::status_line(c, elapsed));
                self.last_line = Some(Instant::now());
            }
        }
        self.last_error = error;
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
        let err: anyhow::Error = TimedOut(5).into();
        assert!(err.is::<TimedOut>());
        assert!(err.to_string().contains("5 s"));
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
