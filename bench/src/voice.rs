//! `callwright-bench voice`: voice to voice, per voice mode, as the simulated callee hears it.
//!
//! A fresh database, the API and the worker in processes of their own (see [`crate::stack`]),
//! the simulator (in this process) as every provider, with its model at a realistic pace (by
//! default 300 ms to the first token, then 80 tokens/s) and its phone at real time, so each
//! live call takes a turn about every ten seconds. For each number of live calls, one campaign
//! calls that many English leads at once (the simulator's booking callee) with an agent in
//! `relay` mode (ConversationRelay over the simulator's WebSockets), then again with the same
//! agent in `gather` mode, each on fresh servers, database and simulator (an empty calendar, so
//! both modes' callers find the same free slots and hold the same conversations). The simulator times each callee turn in real time: from handing over
//! the callee's finished words (the final `prompt`; the Gather's POST) to receiving the agent's
//! first words (the first `text` message; the TwiML response). Twilio's own end-of-turn
//! detection and speech synthesis come on top on a real call and are not measured here.
//!
//! Replies are not streamed yet: a relay turn's first words are its whole reply, so both modes
//! wait for the model's whole answer.
//!
//! ```text
//! DATABASE_URL=… TEMPORAL_ADDRESS=… callwright-bench voice [--calls 1,100]
//!   [--ttft-ms 300] [--tokens-per-sec 80]
//! ```

use crate::scratch::Scratch;
use crate::stack::{self, Processes};
use callwright_contracts::api::campaigns::{CampaignAgent, StartCampaign};
use callwright_domain::stats::nearest_rank;
use callwright_sim::SimConfig;
use callwright_testkit::ApiClient;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The most live calls one level may ask for (the simulator's numbering).
const MAX_CALLS: usize = 2_000;

struct Args {
    calls: Vec<usize>,
    ttft_ms: u64,
    tokens_per_sec: f64,
}

fn parse_args(argv: &[String]) -> anyhow::Result<Args> {
    let mut args = Args {
        calls: vec![1, 100],
        ttft_ms: 300,
        tokens_per_sec: 80.0,
    };
    for (flag, value) in stack::flag_values(argv)? {
        match flag {
            "--calls" => {
                args.calls = value
                    .split(',')
                    .map(|v| v.trim().parse())
                    .collect::<Result<_, _>>()?;
            }
            "--ttft-ms" => args.ttft_ms = value.parse()?,
            "--tokens-per-sec" => args.tokens_per_sec = value.parse()?,
            other => anyhow::bail!(
                "unknown flag {other} (use --calls 1,100 --ttft-ms 300 --tokens-per-sec 80)"
            ),
        }
    }
    anyhow::ensure!(
        args.calls.iter().all(|n| (1..=MAX_CALLS).contains(n)),
        "--calls are between 1 and {MAX_CALLS}"
    );
    anyhow::ensure!(
        args.tokens_per_sec >= 0.0,
        "--tokens-per-sec must not be negative"
    );
    Ok(args)
}

/// Runs the benchmark and prints its Markdown table.
pub async fn run(argv: &[String]) -> anyhow::Result<()> {
    let args = parse_args(argv)?;
    let load_before = stack::load_average();
    let mut rows = Vec::new();
    for &calls in &args.calls {
        for mode in ["relay", "gather"] {
            // Each row on fresh servers, database and calendar: the two modes meet the same
            // free slots, so their callers hold the same conversations.
            let row = Scratch::around("voice", async |scratch| {
                measure(&args, scratch, mode, calls).await
            })
            .await?;
            rows.push(row);
        }
    }
    println!(
        "{}",
        table(&args, &rows, &load_before, &stack::load_average())
    );
    Ok(())
}

/// One row: a mode at a number of live calls.
struct Row {
    mode: &'static str,
    calls: usize,
    latencies: Vec<u64>,
    wall: Duration,
    cpu: String,
    /// The campaign's outcomes, most frequent first (`interested 98, hung_up 2`).
    outcomes: String,
}

/// One campaign of `calls` live calls in `mode` on its own servers.
async fn measure(
    args: &Args,
    scratch: &Scratch,
    mode: &'static str,
    calls: usize,
) -> anyhow::Result<Row> {
    let (sim_url, smtp_port) = stack::spawn_sim_with(SimConfig {
        llm_delay_ms: args.ttft_ms,
        llm_tokens_per_sec: args.tokens_per_sec,
        ..SimConfig::for_tests(1.0)
    })
    .await?;
    let api_port = stack::free_port()?;
    let api = format!("http://127.0.0.1:{api_port}");
    let providers = stack::Providers {
        twilio_url: sim_url.clone(),
        account_sid: SimConfig::default().account_sid,
        auth_token: SimConfig::default().auth_token,
        sim_url: sim_url.clone(),
        smtp_port,
    };
    let env = stack::ServiceEnv {
        run: &scratch.id,
        api_port,
        database_url: &scratch.url,
        temporal_address: &scratch.temporal_address,
        dial_cps: 200.0,
    }
    .vars(&providers);
    let (mut api_child, mut worker) = stack::start_services(&env, &api).await?;
    let db = sqlx::PgPool::connect(&scratch.url).await?;
    let key = callwright_api::auth::create_key(&db, &format!("bench {}", scratch.id))
        .await?
        .key;
    let client = ApiClient::new(api.clone(), &key)?;
    let procs = Processes::new(api_child.pid, worker.pid);
    let mut spec = crate::agent::spec(0);
    spec["voice_mode"] = json!(mode);
    let agent = crate::agent::create(&client, &spec).await?;
    let phones: Vec<String> = (0..calls).map(|i| stack::us_number(i, "00")).collect();
    let mut ids = Vec::with_capacity(calls);
    for (i, phone) in phones.iter().enumerate() {
        let lead = callwright_contracts::api::leads::NewLeadBody {
            name: format!("Voice Lead {i}"),
            phone: phone.clone(),
            ..Default::default()
        };
        ids.push(client.create_lead(&lead).await?.id.to_string());
    }
    let cpu_before = procs.cpu();
    let started = Instant::now();
    let campaign = StartCampaign {
        name: Some(format!("voice {mode} {calls}")),
        lead_ids: Some(ids),
        max_concurrent: Some(u32::try_from(calls)?),
        agent: CampaignAgent {
            id: agent.parse()?,
            ..CampaignAgent::default()
        },
        settings: Some(json!({
            "max_attempts": 1, "max_turns": 6,
            "calling_window": {"start_minute": 0, "end_minute": 1440},
        })),
        ..StartCampaign::default()
    };
    let id = client.start_campaign(&campaign).await?.campaign_id;
    wait_settled(&db, id, calls, &mut api_child, &mut worker).await?;
    let wall = started.elapsed();
    let cpu = procs.describe(&cpu_before, &procs.cpu(), wall);
    let outcomes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(outcome, 'none'), count(*) FROM campaign_leads
          WHERE campaign_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    .bind(id)
    .fetch_all(&db)
    .await?;
    let outcomes = outcomes
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sim_calls: Vec<Value> = reqwest::get(format!("{sim_url}/sim/calls"))
        .await?
        .error_for_status()?
        .json()
        .await?;
    let mut latencies = Vec::new();
    for call in &sim_calls {
        let relayed = call["relay_sessions"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        anyhow::ensure!(
            relayed == (mode == "relay"),
            "a {mode} call went {}: {call}",
            if relayed {
                "over the socket"
            } else {
                "over <Gather>"
            }
        );
        latencies.extend(
            call["reply_latencies_ms"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_u64),
        );
    }
    eprintln!(
        "voice: {mode} at {calls} live calls: {} turns in {:.0} s ({outcomes})",
        latencies.len(),
        wall.as_secs_f64()
    );
    latencies.sort_unstable();
    drop((api_child, worker));
    db.close().await;
    Ok(Row {
        mode,
        calls,
        latencies,
        wall,
        cpu,
        outcomes,
    })
}

/// Waits until the campaign's `n` leads are settled (or nothing settles for five minutes).
async fn wait_settled(
    db: &sqlx::PgPool,
    campaign: uuid::Uuid,
    n: usize,
    api: &mut stack::Child,
    worker: &mut stack::Child,
) -> anyhow::Result<()> {
    let mut last = (0i64, Instant::now());
    loop {
        let settled: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM campaign_leads WHERE campaign_id = $1 AND settled_at IS NOT NULL",
        )
        .bind(campaign)
        .fetch_one(db)
        .await?;
        if settled >= n as i64 {
            return Ok(());
        }
        worker.ensure_running("worker")?;
        api.ensure_running("API")?;
        if settled > last.0 {
            last = (settled, Instant::now());
        }
        anyhow::ensure!(
            last.1.elapsed() < Duration::from_secs(300),
            "stalled: {settled} of {n} leads settled"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn table(args: &Args, rows: &[Row], load_before: &str, load_after: &str) -> String {
    let mut out = format!(
        "Simulated model: {} ms to the first token, {} tokens/s; simulator phone at real time; \
         load average before {load_before}, after {load_after}.\n\n",
        args.ttft_ms, args.tokens_per_sec
    );
    out.push_str("| mode | live calls | turns | p50 | p90 | p99 | max | wall | outcomes | CPU |\n");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for row in rows {
        let at = |q| {
            nearest_rank(&row.latencies, q).map_or_else(|| "-".to_owned(), |v| format!("{v} ms"))
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.0} s | {} | {} |\n",
            row.mode,
            row.calls,
            row.latencies.len(),
            at(0.5),
            at(0.9),
            at(0.99),
            at(1.0),
            row.wall.as_secs_f64(),
            row.outcomes,
            row.cpu
        ));
    }
    out
}
