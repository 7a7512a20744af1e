//! `callwright-bench throughput`: leads per hour through a whole campaign.
//!
//! A fresh database, the API and the worker in processes of their own (see [`crate::stack`]),
//! the simulator (in this process) as every provider, at zero LLM delay and with its phone
//! timings scaled down to almost nothing. The leads are uploaded as a CSV (numbers ending in
//! `01`: the simulator's callee who asks what is offered, asks the price, proposes a time and
//! then picks an offered slot), and one campaign calls them all with `max_turns` 4, so every
//! call is: dial, ringing and answer callbacks, AMD, greeting, four callee turns (three model
//! calls, one with a calendar free/busy read), the wrap-up line and hang-up, the final status,
//! the outcome written to the projections, the post-call summary, the campaign told. Measured
//! from the campaign's start until every lead's row in `campaign_leads` is settled.
//!
//! ```text
//! DATABASE_URL=… TEMPORAL_ADDRESS=… callwright-bench throughput [--leads 10000]
//!   [--cps 200] [--max-concurrent 500] [--campaigns 1]
//! ```

use crate::scratch::Scratch;
use crate::stack::{self, Processes};
use callwright_contracts::api::campaigns::{CampaignAgent, StartCampaign};
use callwright_sim::SimConfig;
use callwright_testkit::ApiClient;
use serde_json::json;
use std::time::{Duration, Instant};

/// At most this many leads (10 area codes × 10 exchanges × 100 lines ending in 01).
const MAX_LEADS: usize = 10_000;

struct Args {
    leads: usize,
    cps: f64,
    max_concurrent: u32,
    campaigns: usize,
}

fn parse_args(argv: &[String]) -> anyhow::Result<Args> {
    let mut args = Args {
        leads: MAX_LEADS,
        cps: 200.0,
        max_concurrent: 500,
        campaigns: 1,
    };
    for (flag, value) in crate::stack::flag_values(argv)? {
        match flag {
            "--leads" => args.leads = value.replace('_', "").parse()?,
            "--cps" => args.cps = value.parse()?,
            "--max-concurrent" => args.max_concurrent = value.parse()?,
            "--campaigns" => args.campaigns = value.parse()?,
            other => anyhow::bail!(
                "unknown flag {other} (use --leads 10000 --cps 200 --max-concurrent 500 --campaigns 1)"
            ),
        }
    }
    anyhow::ensure!(
        (1..=MAX_LEADS).contains(&args.leads),
        "--leads is between 1 and {MAX_LEADS}"
    );
    anyhow::ensure!(args.cps > 0.0, "--cps must be positive");
    anyhow::ensure!(args.max_concurrent > 0, "--max-concurrent must be positive");
    anyhow::ensure!(
        (1..=args.leads).contains(&args.campaigns),
        "--campaigns is between 1 and the number of leads"
    );
    Ok(args)
}

/// A valid US number per index whose last two digits (`01`) pick the simulator's
/// "asks questions, then books" callee.
fn phone(i: usize) -> String {
    stack::us_number(i, "01")
}

/// Runs the benchmark and prints its Markdown table.
pub async fn run(argv: &[String]) -> anyhow::Result<()> {
    let args = parse_args(argv)?;
    println!(
        "{}",
        Scratch::around("throughput", async |scratch| measure(&args, scratch).await).await?
    );
    Ok(())
}

async fn measure(args: &Args, scratch: &Scratch) -> anyhow::Result<String> {
    let (sim_url, smtp_port) = stack::spawn_sim(0.001).await?;
    let (account, token) = (
        SimConfig::default().account_sid,
        SimConfig::default().auth_token,
    );
    let api_port = stack::free_port()?;
    let api = format!("http://127.0.0.1:{api_port}");
    let run = &scratch.id;
    let providers = stack::Providers {
        twilio_url: sim_url.clone(),
        account_sid: account,
        auth_token: token,
        sim_url,
        smtp_port,
    };
    let env = stack::ServiceEnv {
        run,
        api_port,
        database_url: &scratch.url,
        temporal_address: &scratch.temporal_address,
        dial_cps: args.cps,
    }
    .vars(&providers);
    let (mut api_child, mut worker) = stack::start_services(&env, &api).await?;
    let db = sqlx::PgPool::connect(&scratch.url).await?;
    let key = callwright_api::auth::create_key(&db, &format!("bench {run}"))
        .await?
        .key;

    let mut csv = String::from("name,phone,email,company,notes\n");
    for i in 0..args.leads {
        csv.push_str(&format!(
            "Lead {i},{},lead{i}@example.com,Company {i},\n",
            phone(i)
        ));
    }
    let client = ApiClient::new(api.clone(), &key)?;
    let report = client.upload_leads(csv, Duration::from_secs(300)).await?;
    anyhow::ensure!(report.accepted == args.leads as u64, "upload: {report:?}");
    let settings = json!({
        "max_attempts": 1, "max_turns": 4,
        "calling_window": {"start_minute": 0, "end_minute": 1440},
    });
    let agent = crate::agent::create(&client, &crate::agent::spec(0)).await?;
    let procs = Processes::new(api_child.pid, worker.pid);
    let load_before = stack::load_average();
    let cpu_before = procs.cpu();
    let started = Instant::now();
    // The upload's leads in file order, dealt into `--campaigns` campaigns (run side by side).
    let import = report.import_id;
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT lead_id FROM lead_import_rows WHERE import_id = $1 ORDER BY line",
    )
    .bind(import)
    .fetch_all(&db)
    .await?;
    anyhow::ensure!(ids.len() == args.leads, "{} leads imported", ids.len());
    let per = args.leads.div_ceil(args.campaigns);
    let mut campaigns: Vec<uuid::Uuid> = Vec::new();
    for chunk in ids.chunks(per) {
        let campaign = StartCampaign {
            lead_ids: Some(chunk.iter().map(uuid::Uuid::to_string).collect()),
            max_concurrent: Some(args.max_concurrent),
            agent: CampaignAgent {
                id: agent.parse()?,
                ..CampaignAgent::default()
            },
            settings: Some(settings.clone()),
            ..StartCampaign::default()
        };
        campaigns.push(client.start_campaign(&campaign).await?.campaign_id);
    }

    // Until every lead is settled, or no lead settles for five minutes.
    let mut last_progress = (0i64, Instant::now());
    let mut peak = (0u64, 0u64);
    loop {
        let settled: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM campaign_leads WHERE campaign_id = ANY($1) AND settled_at IS NOT NULL",
        )
        .bind(&campaigns)
        .fetch_one(&db)
        .await?;
        peak = (
            peak.0.max(stack::rss_kib(api_child.pid)),
            peak.1.max(stack::rss_kib(worker.pid)),
        );
        if settled >= args.leads as i64 {
            break;
        }
        worker.ensure_running("worker")?;
        api_child.ensure_running("API")?;
        if settled > last_progress.0 {
            eprintln!(
                "throughput: {settled}/{} settled after {:.0} s",
                args.leads,
                started.elapsed().as_secs_f64()
            );
            last_progress = (settled, Instant::now());
        }
        anyhow::ensure!(
            last_progress.1.elapsed() < Duration::from_secs(300),
            "stalled: {settled} of {} leads settled after {:.0} s",
            args.leads,
            started.elapsed().as_secs_f64()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let elapsed = started.elapsed();
    let cpu_after = procs.cpu();
    let load_after = stack::load_average();
    let (first, last): (f64, f64) = sqlx::query_as(
        "SELECT extract(epoch FROM min(cl.settled_at) - min(c.created_at))::float8,
                extract(epoch FROM max(cl.settled_at) - min(c.created_at))::float8
           FROM campaign_leads cl JOIN campaigns c ON c.id = cl.campaign_id
          WHERE cl.campaign_id = ANY($1)",
    )
    .bind(&campaigns)
    .fetch_one(&db)
    .await?;
    let outcomes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT coalesce(outcome, 'none'), count(*) FROM campaign_leads
          WHERE campaign_id = ANY($1) GROUP BY 1 ORDER BY 2 DESC",
    )
    .bind(&campaigns)
    .fetch_all(&db)
    .await?;
    let (calls, callee_turns, agent_turns): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM calls WHERE campaign_id = ANY($1)),
                count(*) FILTER (WHERE t.speaker = 'callee'), count(*) FILTER (WHERE t.speaker = 'agent')
           FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.campaign_id = ANY($1)",
    )
    .bind(&campaigns)
    .fetch_one(&db)
    .await?;
    drop((api_child, worker));
    db.close().await;

    let per_hour = args.leads as f64 / elapsed.as_secs_f64() * 3600.0;
    let outcomes = outcomes
        .iter()
        .map(|(o, n)| format!("{o} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let out = [
        format!(
            "Machine: {}. Load average (1/5/15 min) {load_before} at the campaign's start, {load_after} at its end. \
             API and worker in their own processes (release build, default worker tuning), the simulator (every provider, \
             LLM at zero delay, phone timings ×0.001) and the driver in a third; Temporal dev server (SQLite file) and \
             Postgres on the same machine. Leads dealt in file order into {} campaign(s) started together, each with `max_concurrent` {}; \
             `DIAL_CALLS_PER_SECOND` {} (the default, 1, would cap the machine at 3,600 leads per hour); `max_turns` 4, \
             one attempt per lead.",
            crate::machine(),
            args.campaigns,
            args.max_concurrent,
            args.cps,
        ),
        String::new(),
        "| leads | campaigns | calls | callee turns / call | agent lines / call | wall s | leads/hour | first outcome s | last outcome s | API peak RSS MiB | worker peak RSS MiB | CPU by process (% of one core, whole run) |".to_owned(),
        "|---|---|---|---|---|---|---|---|---|---|---|---|".to_owned(),
        format!(
            "| {} | {} | {calls} | {:.2} | {:.2} | {:.1} | {:.0} | {first:.1} | {last:.1} | {:.1} | {:.1} | {} |",
            args.leads,
            campaigns.len(),
            callee_turns as f64 / calls.max(1) as f64,
            agent_turns as f64 / calls.max(1) as f64,
            elapsed.as_secs_f64(),
            per_hour,
            peak.0 as f64 / 1024.0,
            peak.1 as f64 / 1024.0,
            procs.describe(&cpu_before, &cpu_after, elapsed),
        ),
        String::new(),
        format!("Outcomes: {outcomes}."),
    ];
    Ok(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_distinct_valid_and_pick_the_persona() {
        let phones: std::collections::BTreeSet<String> = (0..MAX_LEADS).map(phone).collect();
        assert_eq!(phones.len(), MAX_LEADS);
        for p in &phones {
            assert!(p.ends_with("01") && p.len() == 12, "{p}");
            assert!(
                callwright_domain::phone::E164::parse(p, None).is_ok(),
                "{p}"
            );
        }
    }

    #[test]
    fn args_are_checked() {
        let a = |s: &str| parse_args(&s.split_whitespace().map(str::to_owned).collect::<Vec<_>>());
        assert!(a("--leads 100 --cps 50").is_ok());
        assert!(a("--leads 0").is_err());
        assert!(a("--leads 10001").is_err());
        assert!(a("--cps 0").is_err());
        assert!(a("--leads 10 --campaigns 11").is_err());
        assert!(a("--leads 10 --campaigns 2").is_ok());
    }
}
