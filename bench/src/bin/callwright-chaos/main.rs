//! `callwright-chaos`: the reliability suite behind `make chaos` (`scripts/chaos.sh` starts
//! Postgres and the Temporal dev server, builds, and runs this driver).
//!
//! It runs the simulator, `callwright-api` and `callwright-worker` as real OS processes and,
//! for each scenario, a fresh database, task queues and simulator state, then a campaign with
//! something going wrong in the middle of it:
//!
//! - `worker-kill`: the worker is SIGKILLed at random moments, several times;
//! - `temporal-restart`: the Temporal dev server (SQLite file) is stopped and started again;
//! - `postgres-outage`: Postgres is stopped for 30 s; `/readyz` must say not-ready meanwhile;
//! - `webhook-chaos`: a clean run, then the same leads with 10% of the Twilio status callbacks
//!   duplicated, 10% reordered, 5% delayed by seconds and 1% preceded by a forged copy (bad
//!   signature): the outcomes must be the same, every forgery refused with 403;
//! - `provider-faults`: LLM 429s, 5xx and responses slower than the worker's timeout, calendar
//!   5xx and SMTP 451s at a rate;
//! - `relay-chaos`: realtime calls (ConversationRelay): a clean run, then the same leads with
//!   10% of the callee's final prompts sent twice and 5% of the sockets dropped after a prompt
//!   (the call reconnects): the outcomes must be the same.
//!
//! Kept in one file: each scenario is one function over the same campaign run and fault
//! clock, and they are read side by side; the processes are in `stack.rs` and the invariant
//! checks in `check.rs`.
//!
//! After each campaign it checks the invariants from independent sources ([`check`]) and prints
//! a summary: leads, outcomes, lost, duplicated, double-booked (the last three must be zero),
//! projection mismatches. Exit status 1 when any invariant fails.
//!
//! ```text
//! callwright-chaos --bin-dir target/debug --repo . --pg-dir D --pg-port P \
//!   --temporal-dir D --temporal-port P --temporal-ui-port P --log-dir D \
//!   [--leads 200] [--small 60] [--only worker-kill,webhook-chaos] [--out summary.md]
//! ```
//!
//! Kept in one file: the scenarios, one function each, in the order the suite runs them, over
//! the shared process harness; the invariants are in `check.rs`.

mod check;
mod stack;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use callwright_domain::Language;
use rand::Rng as _;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection, PgPool};
use temporalio_client::{
    Client, ClientOptions, Connection as TemporalConnection, ConnectionOptions,
};

use callwright_contracts::api::campaigns::{CampaignAgent, StartCampaign};
use callwright_contracts::api::leads::NewLeadBody;
use callwright_contracts::messages::{CampaignStatus, LeadPhase};
use callwright_testkit::ApiClient;
use check::Report;
use stack::{Env, Proc, SimClient};

/// Every scenario, in the order they run.
const SCENARIOS: [&str; 6] = [
    "worker-kill",
    "temporal-restart",
    "postgres-outage",
    "webhook-chaos",
    "provider-faults",
    "relay-chaos",
];

struct Args {
    env: Env,
    leads: usize,
    small: usize,
    concurrency: u32,
    kills: u32,
    outage_secs: u64,
    only: Vec<String>,
    out: Option<PathBuf>,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let Some(name) = flag.strip_prefix("--") else {
            bail!("unexpected argument {flag:?} (see the module docs of callwright-chaos)");
        };
        let value = it
            .next()
            .with_context(|| format!("--{name} needs a value"))?;
        map.insert(name.to_owned(), value);
    }
    let need = |name: &str| -> anyhow::Result<String> {
        map.get(name)
            .cloned()
            .with_context(|| format!("--{name} is required"))
    };
    let num = |name: &str, default: u64| -> anyhow::Result<u64> {
        map.get(name).map_or(Ok(default), |v| {
            v.parse()
                .with_context(|| format!("--{name} must be a number, got {v:?}"))
        })
    };
    let port = |name: &str| -> anyhow::Result<u16> {
        need(name)?
            .parse()
            .with_context(|| format!("--{name} must be a port number"))
    };
    let only: Vec<String> = map
        .get("only")
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
        .unwrap_or_default();
    for name in &only {
        if !SCENARIOS.contains(&name.as_str()) {
            bail!(
                "unknown scenario {name:?}; scenarios: {}",
                SCENARIOS.join(", ")
            );
        }
    }
    let base_port = num("port-base", 56110)?;
    let base_port = u16::try_from(base_port).context("--port-base")?;
    Ok(Args {
        env: Env {
            bin_dir: need("bin-dir")?.into(),
            repo: need("repo")?.into(),
            pg_dir: need("pg-dir")?.into(),
            pg_port: port("pg-port")?,
            temporal_dir: need("temporal-dir")?.into(),
            temporal_port: port("temporal-port")?,
            temporal_ui_port: port("temporal-ui-port")?,
            log_dir: need("log-dir")?.into(),
            sim_speed: map
                .get("sim-speed")
                .map_or(Ok(0.05), |v| v.parse())
                .context("--sim-speed")?,
            sim_port: base_port,
            smtp_port: base_port + 1,
            api_port: base_port + 2,
        },
        leads: usize::try_from(num("leads", 200)?)?,
        small: usize::try_from(num("small", 60)?)?,
        concurrency: u32::try_from(num("concurrency", 30)?)?,
        kills: u32::try_from(num("kills", 4)?)?,
        outage_secs: num("outage-secs", 30)?,
        only,
        out: map.get("out").map(PathBuf::from),
    })
}

/// Lead phone numbers: the last two digits pick the simulated callee's persona (00–15: books,
/// asks questions, declines, callback, opt-out, voicemail, no answer, busy, hangs up, silent,
/// unintelligible, fails, no answer then books, switches language, asks another day, gives its
/// email), the country (Germany, France, Spain) its language.
fn phones(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let persona = i % 16;
            match (i / 16) % 3 {
                0 => format!("+491512{i:05}{persona:02}"),
                1 => format!("+336{i:06}{persona:02}"),
                _ => format!("+346{i:06}{persona:02}"),
            }
        })
        .collect()
}

/// One scenario's processes and database.
struct Run {
    name: String,
    db: PgPool,
    api: ApiClient,
    api_proc: Option<Proc>,
    worker: Option<Proc>,
    vars: Vec<(String, String)>,
    started: Instant,
    notes: Vec<String>,
}

struct Suite {
    args: Args,
    sim: SimClient,
    temporal: Client,
    apologies: BTreeSet<String>,
}

impl Suite {
    fn log(&self, scenario: &str, msg: impl AsRef<str>) {
        println!("[chaos {scenario}] {}", msg.as_ref());
    }

    /// A fresh database, the API and a worker for one scenario.
    async fn start_run(&self, name: &str, extra: &[(&str, String)]) -> anyhow::Result<Run> {
        let env = &self.args.env;
        let id = uuid::Uuid::new_v4().simple().to_string();
        let db_name = format!("chaos_{}_{}", name.replace('-', "_"), &id[..8]);
        let mut admin = PgConnection::connect(&env.database_url("postgres")).await?;
        sqlx::query(&format!("CREATE DATABASE {db_name}"))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        self.sim.reset().await?;
        let vars = stack::app_vars(env, &db_name, &format!("{name}-{}", &id[..8]), extra);
        let api_proc = stack::start_api(env, &vars).await?;
        let db = PgPool::connect(&env.database_url(&db_name)).await?;
        let key = callwright_api::auth::create_key(&db, "chaos").await?.key;
        let worker = stack::start_worker(env, &vars)?;
        Ok(Run {
            name: name.to_owned(),
            db,
            api: ApiClient::new(env.api(), &key)?,
            api_proc: Some(api_proc),
            worker: Some(worker),
            vars,
            started: Instant::now(),
            notes: Vec::new(),
        })
    }

    /// Creates `n` leads and starts a campaign over them; returns the campaign id.
    async fn start_campaign(&self, run: &Run, n: usize) -> anyhow::Result<String> {
        self.start_campaign_with(run, n, chaos_agent()).await
    }

    /// As [`Self::start_campaign`], calling with `agent`.
    async fn start_campaign_with(
        &self,
        run: &Run,
        n: usize,
        agent: Value,
    ) -> anyhow::Result<String> {
        let mut ids = Vec::with_capacity(n);
        for (i, phone) in phones(n).into_iter().enumerate() {
            let lead = NewLeadBody {
                name: format!("Chaos Lead {i}"),
                phone,
                ..NewLeadBody::default()
            };
            ids.push(run.api.create_lead(&lead).await?.id.to_string());
        }
        let agent = run
            .api
            .create_agent(&serde_json::from_value(agent)?)
            .await?;
        let retry = json!({"no_answer_secs": 1, "busy_secs": 1, "voicemail_secs": 1, "failed_secs": 1, "incomplete_secs": 1});
        let campaign = StartCampaign {
            name: Some(format!("chaos {}", run.name)),
            lead_ids: Some(ids),
            max_concurrent: Some(self.args.concurrency),
            agent: CampaignAgent {
                id: agent.agent_id,
                ..CampaignAgent::default()
            },
            settings: Some(json!({"max_attempts": 3, "retry": retry,
                         "ring_timeout_secs": 10, "max_call_secs": 120,
                         "calling_window": {"start_minute": 0, "end_minute": 1440}})),
            ..StartCampaign::default()
        };
        let id = run
            .api
            .start_campaign(&campaign)
            .await?
            .campaign_id
            .to_string();
        self.log(&run.name, format!("campaign {id} started with {n} leads"));
        Ok(id)
    }

    /// Settled leads and live calls right now (None while the API cannot say).
    async fn progress(&self, run: &Run, campaign: &str) -> Option<(u64, u64, bool)> {
        let detail = run.api.campaign(campaign).await.ok()?;
        let progress = detail.progress.as_ref();
        let settled = progress.map_or(0, |p| p.settled);
        let done = progress.is_some_and(|p| p.status == CampaignStatus::Completed);
        let live = self
            .sim
            .get("calls")
            .await
            .ok()?
            .as_array()
            .map_or(0, |calls| {
                calls
                    .iter()
                    .filter(|c| c["status"] == "in-progress")
                    .count() as u64
            });
        Some((settled, live, done))
    }

    /// Waits until at least `live` calls are in progress (the campaign is in full swing).
    async fn wait_live(&self, run: &Run, campaign: &str, live: u64) -> anyhow::Result<String> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some((settled, now_live, done)) = self.progress(run, campaign).await {
                if done {
                    bail!("the campaign completed before the fault could be injected");
                }
                if now_live >= live {
                    return Ok(format!("{settled} leads settled, {now_live} calls live"));
                }
            }
            if Instant::now() > deadline {
                bail!("no {live} live calls within 120 s");
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Waits for the campaign to complete and every lead workflow to finish (or park until its
    /// callback), printing progress; then checks the invariants.
    async fn finish(&self, mut run: Run, campaign: &str) -> anyhow::Result<Report> {
        let deadline = Instant::now() + Duration::from_secs(900);
        let mut last_print = Instant::now();
        loop {
            if let Some(worker) = run.worker.as_mut()
                && !worker.alive()
            {
                let note = format!(
                    "{} exited on its own at {:.0} s: restarted",
                    worker.name(),
                    run.started.elapsed().as_secs_f64()
                );
                self.log(&run.name, &note);
                run.notes.push(note);
                run.worker = Some(stack::start_worker(&self.args.env, &run.vars)?);
            }
            let progress = self.progress(&run, campaign).await;
            if let Some((_, _, true)) = progress {
                break;
            }
            if last_print.elapsed() > Duration::from_secs(10) {
                last_print = Instant::now();
                match progress {
                    Some((settled, live, _)) => self.log(
                        &run.name,
                        format!(
                            "{settled} settled, {live} calls live, {:.0} s",
                            run.started.elapsed().as_secs_f64()
                        ),
                    ),
                    None => self.log(&run.name, "progress unavailable (API not answering)"),
                }
            }
            if Instant::now() > deadline {
                run.notes
                    .push("the campaign did not complete within 15 minutes".into());
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let campaign_secs = run.started.elapsed().as_secs_f64();
        self.wait_leads_finished(&run, campaign).await;
        let mut report = check::collect(
            &run.name,
            &run.db,
            &self.sim,
            &self.temporal,
            campaign,
            &self.apologies,
        )
        .await?;
        report.secs = run.started.elapsed().as_secs_f64();
        report
            .notes
            .push(format!("campaign completed after {campaign_secs:.0} s"));
        report.notes.append(&mut run.notes);
        if let Some(api) = run.api_proc.take() {
            api.kill();
        }
        if let Some(worker) = run.worker.take() {
            worker.kill();
        }
        run.db.close().await;
        Ok(report)
    }

    /// Booked leads still confirm their meeting and send the invite after the campaign counted
    /// them: wait until every lead workflow is done or waiting for a callback.
    async fn wait_leads_finished(&self, run: &Run, campaign: &str) {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let mut pending = 0;
            match run
                .api
                .leads(&[("campaign_id", campaign), ("limit", "500")])
                .await
            {
                Ok(page) => {
                    for lead in &page.leads {
                        let phase = match run.api.lead(&lead.id.to_string()).await {
                            Ok(detail) => detail.workflow.map(|w| w.phase),
                            Err(_) => None,
                        };
                        if !matches!(phase, Some(LeadPhase::Done | LeadPhase::WaitingCallback)) {
                            pending += 1;
                        }
                    }
                }
                Err(_) => pending = usize::MAX,
            }
            if pending == 0 {
                return;
            }
            if Instant::now() > deadline {
                self.log(
                    &run.name,
                    format!("{pending} lead workflows still busy after 300 s"),
                );
                return;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }

    /// Waits until at least `settled` leads have settled, with a call live (None when the
    /// campaign completed first).
    async fn wait_settled(&self, run: &Run, campaign: &str, settled: u64) -> Option<String> {
        loop {
            match self.progress(run, campaign).await {
                Some((_, _, true)) => return None,
                Some((now, live, false)) if now >= settled && live > 0 => {
                    return Some(format!("{now} leads settled, {live} calls live"));
                }
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn worker_kill(&self) -> anyhow::Result<Report> {
        let mut run = self.start_run("worker-kill", &[]).await?;
        let campaign = self.start_campaign(&run, self.args.leads).await?;
        // Random points spread over the whole campaign: when 3%–90% of the leads have settled.
        let mut points: Vec<u64> = (0..self.args.kills)
            .map(|_| {
                let share = rand::thread_rng().gen_range(0.03..0.90);
                (share * self.args.leads as f64) as u64
            })
            .collect();
        points.sort_unstable();
        for (kill, point) in points.into_iter().enumerate() {
            let Some(state) = self.wait_settled(&run, &campaign, point).await else {
                run.notes.push(format!(
                    "kill {} skipped: the campaign completed first",
                    kill + 1
                ));
                break;
            };
            // A random moment within the next second and a half, not on a progress tick.
            let jitter = rand::thread_rng().gen_range(0..1_500);
            tokio::time::sleep(Duration::from_millis(jitter)).await;
            if let Some(worker) = run.worker.take() {
                worker.kill();
            }
            let note = format!(
                "SIGKILL {} at {:.0} s ({state})",
                kill + 1,
                run.started.elapsed().as_secs_f64()
            );
            self.log(&run.name, &note);
            run.notes.push(note);
            let down = rand::thread_rng().gen_range(500..3_000);
            tokio::time::sleep(Duration::from_millis(down)).await;
            run.worker = Some(stack::start_worker(&self.args.env, &run.vars)?);
        }
        self.finish(run, &campaign).await
    }

    async fn temporal_restart(&self) -> anyhow::Result<Report> {
        let mut run = self.start_run("temporal-restart", &[]).await?;
        let campaign = self.start_campaign(&run, self.args.small).await?;
        let state = self.wait_live(&run, &campaign, 3).await?;
        let t0 = Instant::now();
        // SIGKILL, as a crash or the OOM killer would: no chance to flush or to finish a
        // write; the server must come back from what its SQLite file (and WAL) holds.
        self.args.env.kill_temporal()?;
        self.log(&run.name, format!("Temporal killed ({state})"));
        tokio::time::sleep(Duration::from_secs(5)).await;
        self.args.env.start_temporal()?;
        let note = format!(
            "Temporal dev server killed (SIGKILL) at {:.0} s ({state}), serving again after {:.1} s",
            (t0 - run.started).as_secs_f64(),
            t0.elapsed().as_secs_f64()
        );
        self.log(&run.name, &note);
        run.notes.push(note);
        self.finish(run, &campaign).await
    }

    async fn postgres_outage(&self) -> anyhow::Result<Report> {
        let mut run = self.start_run("postgres-outage", &[]).await?;
        let campaign = self.start_campaign(&run, self.args.small).await?;
        let state = self.wait_live(&run, &campaign, 3).await?;
        self.args.env.stop_postgres()?;
        let stopped = Instant::now();
        self.log(&run.name, format!("Postgres stopped ({state})"));
        let mut answers: BTreeMap<u16, u32> = BTreeMap::new();
        while stopped.elapsed() < Duration::from_secs(self.args.outage_secs) {
            *answers.entry(run.api.status("/readyz").await).or_default() += 1;
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        self.args.env.start_postgres()?;
        let restarted = Instant::now();
        let recovered = loop {
            if run.api.status("/readyz").await == 200 {
                break Some(restarted.elapsed().as_secs_f64());
            }
            if restarted.elapsed() > Duration::from_secs(60) {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let answered: Vec<String> = answers
            .iter()
            .map(|(s, n)| match s {
                0 => format!("{n}× no answer within 5 s"),
                s => format!("{n}× {s}"),
            })
            .collect();
        let note = format!(
            "Postgres down for {:.0} s ({state}); /readyz meanwhile: {}; ready again {}",
            restarted.duration_since(stopped).as_secs_f64(),
            answered.join(", "),
            recovered.map_or("never (60 s)".to_owned(), |s| format!(
                "{s:.1} s after restart"
            ))
        );
        self.log(&run.name, &note);
        run.notes.push(note);
        let mut report = self.finish(run, &campaign).await?;
        // Not ready means a prompt 503, not a 200 and not a probe left hanging.
        if answers.keys().any(|status| *status != 503) {
            report.mismatches.push(format!(
                "/readyz while Postgres was down answered {}, not only 503",
                answered.join(", ")
            ));
        }
        if recovered.is_none() {
            report
                .mismatches
                .push("/readyz did not recover within 60 s".into());
        }
        Ok(report)
    }

    async fn webhook_chaos(&self) -> anyhow::Result<Vec<Report>> {
        let run = self.start_run("webhook-clean", &[]).await?;
        let campaign = self.start_campaign(&run, self.args.small).await?;
        let clean = self.finish(run, &campaign).await?;

        let run = self.start_run("webhook-chaos", &[]).await?;
        self.sim
            .chaos(json!({
                "webhook_duplicate": 0.10, "webhook_reorder": 0.10,
                "webhook_delay": 0.05, "webhook_delay_ms": 3000,
                "webhook_bad_signature": 0.01,
                "document_duplicate": 0.10, "document_delay": 0.05,
                "document_bad_signature": 0.01,
            }))
            .await?;
        let campaign = self.start_campaign(&run, self.args.small).await?;
        let mut chaotic = self.finish(run, &campaign).await?;
        let counters = self.sim.get("chaos").await?["counters"].clone();
        chaotic.notes.push(format!(
            "status and AMD callbacks sent {}, duplicated {}, reordered {}, delayed {}; voice and Gather requests sent {}, duplicated {} (answered differently {}), delayed {}; forged {} → 403 {}, accepted {}, other {}",
            counters["webhooks_sent"], counters["webhooks_duplicated"],
            counters["webhooks_reordered"], counters["webhooks_delayed"],
            counters["documents_sent"], counters["documents_duplicated"],
            counters["documents_duplicate_differs"], counters["documents_delayed"],
            counters["bad_signatures_sent"], counters["bad_signatures_rejected"],
            counters["bad_signatures_accepted"], counters["bad_signatures_other"]
        ));
        if counters["documents_duplicate_differs"] != 0 {
            chaotic.mismatches.push(format!(
                "a repeated voice or Gather request was answered with another document: {counters}"
            ));
        }
        if counters["bad_signatures_sent"] != counters["bad_signatures_rejected"] {
            chaotic.mismatches.push(format!(
                "forged callbacks not all refused with 403: {counters}"
            ));
        }
        same_outcomes(&clean, &mut chaotic);
        Ok(vec![clean, chaotic])
    }

    /// Realtime calls with the socket misbehaving: prompts sent twice, sockets dropped.
    async fn relay_chaos(&self) -> anyhow::Result<Vec<Report>> {
        let mut agent = chaos_agent();
        agent["voice_mode"] = json!("relay");
        let run = self.start_run("relay-clean", &[]).await?;
        let campaign = self
            .start_campaign_with(&run, self.args.small, agent.clone())
            .await?;
        let clean = self.finish(run, &campaign).await?;

        let run = self.start_run("relay-chaos", &[]).await?;
        self.sim
            .chaos(json!({"relay_duplicate_prompt": 0.10, "relay_drop": 0.05}))
            .await?;
        let campaign = self
            .start_campaign_with(&run, self.args.small, agent)
            .await?;
        let mut chaotic = self.finish(run, &campaign).await?;
        let counters = self.sim.get("chaos").await?["counters"].clone();
        chaotic.notes.push(format!(
            "final prompts sent twice {}, sockets dropped {} (each call reconnected by the <Connect action>)",
            counters["relay_prompts_duplicated"], counters["relay_sockets_dropped"]
        ));
        same_outcomes(&clean, &mut chaotic);
        Ok(vec![clean, chaotic])
    }

    async fn provider_faults(&self) -> anyhow::Result<Report> {
        let run = self
            .start_run("provider-faults", &[("LLM_TIMEOUT_MS", "1500".to_owned())])
            .await?;
        self.sim
            .chaos(json!({
                "llm_429": 0.08, "llm_500": 0.08, "llm_slow": 0.05, "llm_slow_ms": 2500,
                "calendar_500": 0.1, "smtp_451": 0.3,
            }))
            .await?;
        let campaign = self.start_campaign(&run, self.args.small).await?;
        let mut report = self.finish(run, &campaign).await?;
        let c = self.sim.get("chaos").await?["counters"].clone();
        report.notes.push(format!(
            "injected: LLM 429 ×{}, LLM 500 ×{}, LLM slower than the timeout ×{}, calendar 500 ×{}, SMTP 451 ×{}; the agent apologised and hung up (to call back) on {} calls",
            c["llm_429"], c["llm_500"], c["llm_slow"], c["calendar_500"], c["smtp_451"], report.apologies
        ));
        Ok(report)
    }
}

/// Notes that the chaotic run's outcomes match the clean run's, lead for lead, or records
/// each difference as a mismatch.
fn same_outcomes(clean: &Report, chaotic: &mut Report) {
    let differ: Vec<String> = clean
        .by_phone
        .iter()
        .filter(|(phone, outcome)| chaotic.by_phone.get(*phone) != Some(*outcome))
        .map(|(phone, outcome)| {
            format!(
                "{phone}: clean {outcome}, chaos {}",
                chaotic.by_phone.get(phone).map_or("none", String::as_str)
            )
        })
        .collect();
    if differ.is_empty() {
        chaotic.notes.push(format!(
            "outcomes identical to the clean run for all {} leads",
            clean.by_phone.len()
        ));
    } else {
        chaotic.mismatches.push(format!(
            "{} outcomes differ from the clean run: {}",
            differ.len(),
            differ.join("; ")
        ));
    }
}

fn summary(reports: &[Report]) -> String {
    let mut out = String::new();
    out.push_str("| scenario | leads | outcomes | lost | duplicated | double-booked | projection mismatches | dials | meetings | invites | time |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for r in reports {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} s |\n",
            r.scenario,
            r.leads,
            r.settled,
            r.lost.len(),
            r.duplicated.len(),
            r.double_booked.len(),
            r.mismatches.len(),
            r.dials,
            r.meetings,
            r.invites,
            r.secs
        ));
    }
    let total = |f: fn(&Report) -> usize| reports.iter().map(f).sum::<usize>();
    out.push_str(&format!(
        "\n**Total: {} leads, {} outcomes, lost {}, duplicated {}, double-booked {}, projection mismatches {}.**\n",
        total(|r| r.leads),
        total(|r| r.settled),
        total(|r| r.lost.len()),
        total(|r| r.duplicated.len()),
        total(|r| r.double_booked.len()),
        total(|r| r.mismatches.len()),
    ));
    for r in reports {
        out.push_str(&format!("\n**{}**", r.scenario));
        let outcomes: Vec<String> = r.outcomes.iter().map(|(o, n)| format!("{o} {n}")).collect();
        out.push_str(&format!(" (outcomes: {})\n", outcomes.join(", ")));
        for note in &r.notes {
            out.push_str(&format!("- {note}\n"));
        }
        for (label, items) in [
            ("LOST", &r.lost),
            ("DUPLICATED", &r.duplicated),
            ("DOUBLE-BOOKED", &r.double_booked),
            ("MISMATCH", &r.mismatches),
        ] {
            for item in items.iter().take(20) {
                out.push_str(&format!("- {label}: {item}\n"));
            }
            if items.len() > 20 {
                out.push_str(&format!("- {label}: … and {} more\n", items.len() - 20));
            }
        }
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    std::fs::create_dir_all(&args.env.log_dir)?;
    let url = temporalio_client::Url::parse(&args.env.temporal_address())?;
    let connection = TemporalConnection::connect(ConnectionOptions::new(url).build()).await?;
    let temporal = Client::new(connection, ClientOptions::new("default").build())?;
    let _sim_proc = stack::start_sim(&args.env).await?;
    let apologies = Language::ALL
        .iter()
        .map(|l| {
            callwright_domain::phrases::phrases(*l)
                .error_apology
                .clone()
        })
        .collect();
    let suite = Suite {
        sim: SimClient::new(args.env.sim()),
        temporal,
        apologies,
        args,
    };
    let wanted =
        |name: &str| suite.args.only.is_empty() || suite.args.only.iter().any(|o| o == name);
    let started = Instant::now();
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for name in SCENARIOS {
        if !wanted(name) {
            continue;
        }
        suite.log(name, "starting");
        let result = match name {
            "worker-kill" => suite.worker_kill().await.map(|r| vec![r]),
            "temporal-restart" => suite.temporal_restart().await.map(|r| vec![r]),
            "postgres-outage" => suite.postgres_outage().await.map(|r| vec![r]),
            "webhook-chaos" => suite.webhook_chaos().await,
            "relay-chaos" => suite.relay_chaos().await,
            _ => suite.provider_faults().await.map(|r| vec![r]),
        };
        match result {
            Ok(mut rs) => {
                for r in &rs {
                    suite.log(
                        name,
                        format!(
                            "{}: {} leads, {} outcomes, lost {}, duplicated {}, double-booked {}, mismatches {} ({:.0} s)",
                            r.scenario, r.leads, r.settled, r.lost.len(), r.duplicated.len(),
                            r.double_booked.len(), r.mismatches.len(), r.secs
                        ),
                    );
                }
                reports.append(&mut rs);
            }
            Err(e) => {
                suite.log(name, format!("could not run: {e:#}"));
                failures.push(format!("{name}: {e:#}"));
            }
        }
    }
    let mut text = summary(&reports);
    for f in &failures {
        text.push_str(&format!("- SCENARIO FAILED TO RUN: {f}\n"));
    }
    text.push_str(&format!(
        "\nWhole suite: {:.1} min.\n",
        started.elapsed().as_secs_f64() / 60.0
    ));
    println!("\n{text}");
    if let Some(out) = &suite.args.out {
        std::fs::write(out, &text)?;
    }
    if !failures.is_empty() || reports.iter().any(|r| !r.ok()) {
        std::process::exit(1);
    }
    Ok(())
}

/// The agent the chaos campaigns call with (the scripted callers book, decline and opt out as
/// they do with any agent).
fn chaos_agent() -> Value {
    json!({
        "name": "Chaos agent",
        "business_name": "Acme Solar",
        "goal": "a short meeting with an adviser about lowering your energy costs",
        "instructions": "Offer {{ lead.first_name }} a free review of their energy bills and book it.",
        "knowledge": [{"title": "Pricing", "content": "The review is free."}],
        "meeting": {"title": {"en": "Energy review"}, "minutes": 30}
    })
}
