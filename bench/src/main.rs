//! `callwright-bench`: the turn-overhead benchmark behind `make bench`.
//!
//! For each concurrency level it measures, in the same run and on the same servers:
//! - the turn path: a signed Twilio `turn` webhook into the API → the lead workflow's `turn`
//!   update → the model's local activity (simulator LLM at zero delay) → TwiML back;
//! - the floor: the bare `execute_update` round trip on a minimal workflow whose handler awaits
//!   one local activity;
//!
//! and prints a Markdown table with percentiles and their ratio.
//!
//! ```text
//! TEMPORAL_ADDRESS=http://127.0.0.1:7233 DATABASE_URL=postgres://… \
//!   callwright-bench [--levels 1,10,100] [--turns 20]
//! ```
//!
//! `callwright-bench csv-import [--rows 1000000]` measures the CSV lead upload instead (see
//! [`csv_import`]); `callwright-bench analytics [--calls 1000000]` the analytics endpoints on a
//! seeded database (see [`analytics`]); `callwright-bench concurrency` the live calls one
//! machine holds at a 10-second turn cadence (see [`concurrency`]); `callwright-bench
//! throughput [--leads 10000]` leads per hour through a whole campaign (see [`throughput`]);
//! `callwright-bench voice [--calls 1,100]` voice to voice per voice mode (see [`voice`]).

mod agent;
mod analytics;
mod concurrency;
mod csv_import;
mod floor;
mod prompt_build;
mod scratch;
mod stack;
mod stats;
mod throughput;
mod turns;
mod voice;

use callwright_api::{ApiConfig, Application};
use callwright_worker::WorkerConfig;
use stats::{Summary, ms};
use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions};

struct Args {
    levels: Vec<usize>,
    turns: usize,
    agent_kb: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        levels: vec![1, 10, 100],
        turns: 20,
        agent_kb: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--levels" => {
                args.levels = value
                    .split(',')
                    .map(|v| v.trim().parse())
                    .collect::<Result<_, _>>()?
            }
            "--turns" => args.turns = value.parse()?,
            "--agent-kb" => args.agent_kb = value.parse()?,
            other => anyhow::bail!(
                "unknown flag {other} (use --levels 1,10,100 --turns 20 --agent-kb 0)"
            ),
        }
    }
    Ok(args)
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem_kib: u64 = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    format!(
        "{cores} cores, {:.1} GiB memory",
        mem_kib as f64 / 1024.0 / 1024.0
    )
}

fn row(level: usize, turn: &Summary, failed: usize, floor: &Summary) -> String {
    let ratio = |a: std::time::Duration, b: std::time::Duration| {
        a.as_secs_f64() / b.as_secs_f64().max(1e-9)
    };
    format!(
        "| {level} | {} | {failed} | {} | {} | {} | {} | {:.0} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} |",
        turn.samples,
        ms(turn.p50),
        ms(turn.p90),
        ms(turn.p99),
        ms(turn.max),
        turn.per_second,
        ms(floor.p50),
        ms(floor.p90),
        ms(floor.p99),
        ms(floor.max),
        floor.per_second,
        ratio(turn.p50, floor.p50),
        ratio(turn.p99, floor.p99),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match argv.first().map(String::as_str) {
        Some("analytics") => {
            callwright_runtime::telemetry::init("warn");
            return analytics::run(&argv[1..]).await;
        }
        Some("csv-import") => {
            callwright_runtime::telemetry::init("warn");
            return csv_import::run(&argv[1..]).await;
        }
        Some("concurrency") => {
            callwright_runtime::telemetry::init("warn");
            return concurrency::run(&argv[1..]).await;
        }
        Some("prompt") => return prompt_build::run(&argv[1..]),
        Some("throughput") => {
            callwright_runtime::telemetry::init("warn");
            return throughput::run(&argv[1..]).await;
        }
        Some("voice") => {
            callwright_runtime::telemetry::init("warn");
            return voice::run(&argv[1..]).await;
        }
        Some(stack::API_MODE) => {
            callwright_runtime::telemetry::init("warn");
            return stack::serve_api().await;
        }
        Some(stack::WORKER_MODE) => {
            callwright_runtime::telemetry::init("warn");
            return stack::serve_worker().await;
        }
        Some(csv_import::API_MODE) => {
            callwright_runtime::telemetry::init("warn");
            return csv_import::serve_api().await;
        }
        _ => {}
    }
    let args = parse_args()?;
    callwright_runtime::telemetry::init("warn");
    let temporal_address =
        std::env::var("TEMPORAL_ADDRESS").unwrap_or_else(|_| "http://127.0.0.1:7233".to_owned());
    let database_url =
        std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
    let run = uuid::Uuid::new_v4().simple().to_string();

    let (sim_url, smtp_port) = stack::spawn_sim(0.01).await?;
    let turns::TwilioStub {
        url: twilio_url,
        dialled,
        ..
    } = turns::twilio_stub().await?;
    let api_port = stack::free_port()?;
    let api = format!("http://127.0.0.1:{api_port}");
    // Booking goes to the simulator's Google, Zoom and mail server.
    let providers = stack::Providers {
        sim_url,
        twilio_url,
        account_sid: "ACbench".to_owned(),
        auth_token: turns::AUTH_TOKEN.to_owned(),
        smtp_port,
    };
    let env = stack::ServiceEnv {
        run: &run,
        api_port,
        database_url: &database_url,
        temporal_address: &temporal_address,
        dial_cps: 1000.0,
    }
    .vars(&providers);
    let lookup = |k: &str| env.get(k).cloned();
    let app = Application::build(ApiConfig::from_lookup(lookup)?).await?;
    tokio::spawn(app.run_until(std::future::pending()));
    let api_key = callwright_api::auth::create_key(
        &sqlx::PgPool::connect(&database_url).await?,
        &format!("bench {run}"),
    )
    .await?
    .key;
    let worker_config = WorkerConfig::from_lookup(lookup)?;
    let url = url::Url::parse(&temporal_address)?;
    let client = Client::new(
        Connection::connect(ConnectionOptions::new(url).build()).await?,
        ClientOptions::new("default").build(),
    )?;

    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let worker = callwright_worker::run(worker_config, async {
        let _ = stop_rx.await;
    });
    let bench = async {
        let result = measure(&args, &client, api, &api_key, dialled).await;
        let _ = stop_tx.send(());
        result
    };
    let (worker_result, table) = tokio::join!(worker, bench);
    worker_result?;
    println!("{}", table?);
    Ok(())
}

async fn measure(
    args: &Args,
    client: &Client,
    api: String,
    api_key: &str,
    dialled: turns::Dialled,
) -> anyhow::Result<String> {
    let mut out = vec![
        format!(
            "Machine: {}. Each caller takes turns back to back (closed loop), {} per caller; the agent: {}.",
            machine(),
            args.turns,
            if args.agent_kb == 0 {
                "small (~0.2 KB of instructions and knowledge)".to_owned()
            } else {
                format!("{} KB of instructions and inline knowledge", args.agent_kb)
            }
        ),
        String::new(),
        "| concurrent calls | turns | failed | turn p50 ms | p90 | p99 | max | turns/s | floor p50 ms | p90 | p99 | max | updates/s | p50 ratio | p99 ratio |".to_owned(),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    let mut bench = turns::TurnBench::new(api, api_key, dialled)?;
    bench.agent_kb = args.agent_kb;
    for &level in &args.levels {
        eprintln!("level {level}: floor …");
        let floor = floor::run(client, level, args.turns).await?;
        eprintln!("level {level}: turns …");
        let (turn, failed) = bench.run(level, args.turns).await?;
        let line = row(level, &turn, failed, &floor);
        eprintln!("{line}");
        out.push(line);
    }
    Ok(out.join("\n"))
}
