//! `callwright-bench analytics`: latency of the analytics endpoints on a seeded database.
//!
//! Creates a fresh database on the given Postgres, runs the migrations, seeds it in SQL
//! (`INSERT … SELECT generate_series`) with leads, campaigns, calls spread over the last 90
//! days and meetings for the interested ones, runs `VACUUM ANALYZE`, then starts the real API
//! in-process and drives every endpoint over HTTP, one request at a time, with several query
//! variants: a warm-up, then `--iterations` timed requests each. The seeding time is printed
//! apart from the latencies. The database is dropped at the end (unless `--keep-db`).
//!
//! ```text
//! DATABASE_URL=postgres://… TEMPORAL_ADDRESS=http://… \
//!   callwright-bench analytics [--calls 1000000] [--iterations 50] [--warmup 5] [--keep-db]
//! ```

use crate::scratch::Scratch;
use crate::stats::{Summary, ms, summarise};
use callwright_api::{ApiConfig, Application};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgConnection};
use std::collections::HashMap;
use std::time::{Duration, Instant};

struct Args {
    calls: usize,
    iterations: usize,
    warmup: usize,
    keep_db: bool,
}

fn parse_args(args: &[String]) -> anyhow::Result<Args> {
    let mut parsed = Args {
        calls: 1_000_000,
        iterations: 50,
        warmup: 5,
        keep_db: false,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--keep-db" {
            parsed.keep_db = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?
            .replace('_', "");
        match flag.as_str() {
            "--calls" => parsed.calls = value.parse()?,
            "--iterations" => parsed.iterations = value.parse()?,
            "--warmup" => parsed.warmup = value.parse()?,
            other => anyhow::bail!(
                "unknown flag {other} (use --calls 1000000 --iterations 50 --warmup 5 --keep-db)"
            ),
        }
    }
    anyhow::ensure!(parsed.calls >= 10, "--calls: at least 10");
    anyhow::ensure!(parsed.iterations >= 1, "--iterations: at least 1");
    Ok(parsed)
}

/// Seeding statements, run in order on one connection. `{calls}` and `{leads}` are filled in.
///
/// Leads and campaigns are derived from the lead's number (`j`), so a call finds its lead's
/// id, campaign and language without a join. Calls fall on the last 90 days, between 13:00 and
/// 01:00 UTC (a US calling day); the ones of the last 15 minutes are still in progress.
const SEED: &[&str] = &[
    "SELECT setseed(0.42)",
    // Stable pseudo-random buckets per lead number.
    "CREATE FUNCTION pg_temp.bucket(j bigint, salt text) RETURNS int IMMUTABLE LANGUAGE sql
     AS $$ SELECT abs(hashtext(salt || j::text)) % 100 $$",
    "CREATE FUNCTION pg_temp.lang(j bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$
       SELECT CASE WHEN b < 55 THEN 'en' WHEN b < 75 THEN 'es' WHEN b < 81 THEN 'he'
                   WHEN b < 86 THEN 'fr' WHEN b < 90 THEN 'de' WHEN b < 93 THEN 'pt'
                   WHEN b < 95 THEN 'it' WHEN b < 97 THEN 'ar' WHEN b < 99 THEN 'zh' ELSE 'ja' END
       FROM (SELECT pg_temp.bucket(j, 'lang') AS b) s $$",
    "CREATE FUNCTION pg_temp.campaign(j bigint) RETURNS uuid IMMUTABLE LANGUAGE sql AS $$
       SELECT CASE WHEN b < 45 THEN md5('bench-campaign-1')::uuid
                   WHEN b < 75 THEN md5('bench-campaign-2')::uuid
                   WHEN b < 90 THEN md5('bench-campaign-3')::uuid
                   WHEN b < 97 THEN md5('bench-campaign-4')::uuid END
       FROM (SELECT pg_temp.bucket(j, 'campaign') AS b) s $$",
    "INSERT INTO campaigns (id, name, workflow_id, settings, lead_count, created_at)
     SELECT md5('bench-campaign-' || k)::uuid, 'Bench campaign ' || k, 'campaign-bench-' || k,
            '{}'::jsonb, 0, now() - interval '91 days'
     FROM generate_series(1, 4) k",
    "INSERT INTO leads (id, name, phone, email, company, language, timezone, created_at)
     SELECT md5('bench-lead-' || j)::uuid, 'Lead ' || j, '+1' || (2002000000 + j)::text,
            'lead' || j || '@example.com', 'Company ' || (j % 997), pg_temp.lang(j),
            'America/New_York', now() - interval '91 days'
     FROM generate_series(0, {leads} - 1) j",
    "UPDATE campaigns c SET lead_count = n
     FROM (SELECT pg_temp.campaign(j) AS id, count(*) AS n
           FROM generate_series(0, {leads} - 1) j GROUP BY 1) s
     WHERE s.id = c.id",
    // r1: how the call ended; r2: who answered; r3: what they said; r4: duration.
    "INSERT INTO calls (id, lead_id, campaign_id, workflow_id, attempt, call_sid, status,
                        answered_by, outcome, language, dialed_at, ended_at, duration_secs)
     SELECT md5('bench-call-' || i)::uuid, md5('bench-lead-' || j)::uuid, pg_temp.campaign(j),
            'lead-bench-' || j, i / {leads} + 1,
            CASE WHEN r1 >= 0.015 THEN 'CA' || md5('bench-sid-' || i) END,
            status, answered_by, outcome, pg_temp.lang(j), dialed_at,
            CASE WHEN outcome IS NOT NULL
                 THEN dialed_at + make_interval(secs => COALESCE(duration_secs, 30)) END,
            duration_secs
     FROM (
       SELECT i, j, r1, dialed_at,
              CASE WHEN live THEN 'in-progress' WHEN r1 < 0.015 THEN 'failed'
                   WHEN r1 < 0.35 THEN 'no-answer' WHEN r1 < 0.42 THEN 'busy'
                   WHEN r1 < 0.45 THEN 'failed' WHEN r1 < 0.46 THEN 'canceled'
                   ELSE 'completed' END AS status,
              CASE WHEN live OR r1 < 0.46 THEN NULL WHEN r2 < 0.62 THEN 'human'
                   WHEN r2 < 0.80 THEN 'machine_end_beep' WHEN r2 < 0.90 THEN 'machine_end_silence'
                   WHEN r2 < 0.93 THEN 'machine_start' WHEN r2 < 0.97 THEN 'unknown' END
                AS answered_by,
              CASE WHEN live THEN NULL WHEN r1 < 0.015 THEN 'failed'
                   WHEN r1 < 0.35 THEN 'no_answer' WHEN r1 < 0.42 THEN 'busy'
                   WHEN r1 < 0.45 THEN 'failed' WHEN r1 < 0.46 THEN 'canceled'
                   WHEN r2 >= 0.62 AND r2 < 0.93 THEN 'voicemail'
                   WHEN r2 >= 0.93 AND r2 < 0.97 THEN 'hung_up'
                   WHEN r3 < 0.06 THEN 'interested' WHEN r3 < 0.41 THEN 'not_interested'
                   WHEN r3 < 0.53 THEN 'callback_requested' WHEN r3 < 0.57 THEN 'opted_out'
                   WHEN r3 < 0.65 THEN 'undecided' WHEN r3 < 0.85 THEN 'hung_up'
                   WHEN r3 < 0.95 THEN 'no_response' ELSE 'do_not_call' END AS outcome,
              CASE WHEN live OR r1 < 0.46 THEN NULL
                   WHEN r2 >= 0.62 AND r2 < 0.93 THEN 8 + (r4 * 40)::int
                   ELSE 15 + (r4 * r4 * 600)::int END AS duration_secs
       FROM (
         SELECT i, j, r1, r2, r3, r4, dialed_at, dialed_at > now() - interval '15 minutes' AS live
         FROM (
           SELECT i, j, r1, r2, r3, r4,
                  CASE WHEN t > now() THEN t - interval '1 day' ELSE t END AS dialed_at
           FROM (
             SELECT i, i % {leads} AS j, random() AS r1, random() AS r2, random() AS r3,
                    random() AS r4,
                    date_trunc('day', now(), 'UTC')
                      - make_interval(days => floor(random() * 90)::int)
                      + make_interval(secs => 46800 + random() * 43200) AS t
             FROM generate_series(0, {calls} - 1) i
           ) a
         ) a2
       ) b
     ) c",
    // Meetings for the interested calls: 20 calendars, one hour apart, a tenth failed.
    "INSERT INTO meetings (id, lead_id, campaign_id, call_id, workflow_id, calendar_id,
                           starts_at, ends_at, blocks, title, timezone, language, attendee_name,
                           attendee_email, status, calendar_event_id, created_at, updated_at)
     SELECT md5('bench-meeting-' || n)::uuid, lead_id, campaign_id, id,
            workflow_id || '-' || attempt, 'sales-' || (n % 20) || '@example.com',
            s, s + interval '30 minutes', tstzrange(s, s + interval '45 minutes'),
            'Intro call', 'America/New_York', language, 'Lead', 'lead@example.com',
            CASE WHEN n % 10 = 0 THEN 'failed' WHEN n % 10 = 1 THEN 'confirmed'
                 ELSE 'completed' END,
            'bench-event-' || n, ended_at, ended_at
     FROM (SELECT c.*, row_number() OVER (ORDER BY dialed_at, id) AS n,
                  date_trunc('hour', now(), 'UTC') + interval '1 day'
                    + make_interval(hours => (row_number() OVER (ORDER BY dialed_at, id) / 20)::int)
                    AS s
           FROM calls c WHERE outcome = 'interested') m",
];

/// The live-event triggers are switched off while seeding: nobody listens yet, and a million
/// `pg_notify` calls in one transaction would only measure the notification queue.
const QUIET_TRIGGERS: &[(&str, &str)] =
    &[("calls", "calls_notify"), ("meetings", "meetings_notify")];

/// Seeds the database and returns how long it took.
async fn seed(db: &mut PgConnection, calls: usize) -> anyhow::Result<Duration> {
    let leads = (calls * 3 / 10).max(1);
    let started = Instant::now();
    for (table, trigger) in QUIET_TRIGGERS {
        sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
            .execute(&mut *db)
            .await?;
    }
    for statement in SEED {
        let sql = statement
            .replace("{calls}", &calls.to_string())
            .replace("{leads}", &leads.to_string());
        let step = Instant::now();
        sqlx::query(&sql).execute(&mut *db).await?;
        let first = sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        eprintln!("  {first} …: {:.1} s", step.elapsed().as_secs_f64());
    }
    for (table, trigger) in QUIET_TRIGGERS {
        sqlx::query(&format!("ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
            .execute(&mut *db)
            .await?;
    }
    sqlx::query("VACUUM ANALYZE").execute(&mut *db).await?;
    Ok(started.elapsed())
}

/// One request shape to time.
struct Variant {
    endpoint: &'static str,
    label: &'static str,
    query: String,
}

fn variants(now: DateTime<Utc>, campaign: uuid::Uuid) -> Vec<Variant> {
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let days90 = format!(
        "from={}&to={}",
        at(now - chrono::Duration::days(90)),
        at(now)
    );
    let mut out = Vec::new();
    for endpoint in ["overview", "call-outcomes", "language-distribution"] {
        out.push(Variant {
            endpoint,
            label: "default (30 days)",
            query: String::new(),
        });
        out.push(Variant {
            endpoint,
            label: "90 days",
            query: days90.clone(),
        });
        out.push(Variant {
            endpoint,
            label: "30 days, one campaign",
            query: format!("campaign_id={campaign}"),
        });
    }
    for (label, query) in [
        ("day, 30 days", "bucket=day".to_owned()),
        ("day, 90 days", format!("bucket=day&{days90}")),
        (
            "hour, America/New_York, 30 days",
            "bucket=hour&tz=America/New_York".to_owned(),
        ),
        (
            "hour, America/New_York, 90 days",
            format!("bucket=hour&tz=America/New_York&{days90}"),
        ),
        (
            "day, 30 days, one campaign",
            format!("bucket=day&campaign_id={campaign}"),
        ),
    ] {
        out.push(Variant {
            endpoint: "calls-over-time",
            label,
            query,
        });
    }
    out
}

/// Runs the benchmark and prints a Markdown table.
pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let args = parse_args(args)?;
    let db = Scratch::create("analytics").await?;
    let result = run_on(&args, &db.url, &db.temporal_address, &db.id).await;
    if args.keep_db {
        eprintln!("kept the database: {}", db.url);
    } else {
        db.drop().await;
    }
    println!("{}", result?);
    Ok(())
}

/// `/proc/loadavg`'s three load averages.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

async fn run_on(
    args: &Args,
    database_url: &str,
    temporal_address: &str,
    id: &str,
) -> anyhow::Result<String> {
    // Seeding statements take seconds by design: no slow-statement warnings for them.
    let mut db = database_url
        .parse::<PgConnectOptions>()?
        .disable_statement_logging()
        .connect()
        .await?;
    callwright_store::MIGRATOR.run(&mut db).await?;
    eprintln!("seeding {} calls …", args.calls);
    let seeding = seed(&mut db, args.calls).await?;
    let (calls, meetings, leads): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM meetings),
                (SELECT count(*) FROM leads)",
    )
    .fetch_one(&mut db)
    .await?;
    let size: String =
        sqlx::query_scalar("SELECT pg_size_pretty(pg_database_size(current_database()))")
            .fetch_one(&mut db)
            .await?;
    let settings: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, current_setting(name) FROM pg_settings
         WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size',
                        'max_parallel_workers_per_gather', 'jit')
         ORDER BY name",
    )
    .fetch_all(&mut db)
    .await?;
    eprintln!(
        "seeded in {:.1} s: {calls} calls, {leads} leads, {meetings} meetings, {size}",
        seeding.as_secs_f64()
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let api = format!("http://127.0.0.1:{port}");
    let env: HashMap<&str, String> = HashMap::from([
        ("API_BIND", format!("127.0.0.1:{port}")),
        ("DATABASE_URL", database_url.to_owned()),
        ("TEMPORAL_ADDRESS", temporal_address.to_owned()),
        ("TASK_QUEUE", format!("bench-analytics-{id}")),
        ("DIAL_TASK_QUEUE", format!("bench-analytics-dial-{id}")),
        ("PUBLIC_BASE_URL", api.clone()),
        ("TWILIO_AUTH_TOKEN", "bench".to_owned()),
    ]);
    let app = Application::build(ApiConfig::from_lookup(|k| env.get(k).cloned())?).await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));
    let pool = sqlx::PgPool::connect(database_url).await?;
    let key = callwright_api::auth::create_key(&pool, "analytics bench")
        .await?
        .key;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;

    let now = Utc::now();
    let campaign: uuid::Uuid = sqlx::query_scalar("SELECT md5('bench-campaign-1')::uuid")
        .fetch_one(&pool)
        .await?;
    // The answers are checked against the raw table once, outside the timings.
    let expected_dials: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM calls WHERE call_sid IS NOT NULL
           AND dialed_at >= $1 - interval '90 days' AND dialed_at < $1",
    )
    .bind(now)
    .fetch_one(&pool)
    .await?;

    let load_before = load();
    let mut rows = Vec::new();
    for v in variants(now, campaign) {
        let url = format!("{api}/api/analytics/{}?{}", v.endpoint, v.query);
        let mut samples = Vec::with_capacity(args.iterations);
        let mut body = serde_json::Value::Null;
        let started = Instant::now();
        for i in 0..args.warmup + args.iterations {
            let t = Instant::now();
            let response = http.get(&url).bearer_auth(&key).send().await?;
            let status = response.status();
            let bytes = response.bytes().await?;
            let took = t.elapsed();
            anyhow::ensure!(
                status.is_success(),
                "GET {url}: {status} {}",
                String::from_utf8_lossy(&bytes)
            );
            if i >= args.warmup {
                samples.push(took);
            } else {
                body = serde_json::from_slice(&bytes)?;
            }
        }
        if v.endpoint == "overview" && v.label == "90 days" {
            anyhow::ensure!(
                body["dials"].as_i64() == Some(expected_dials),
                "overview over 90 days: dials {} but the table has {expected_dials}",
                body["dials"]
            );
        }
        let answer = match &body {
            serde_json::Value::Array(items) => format!("{} rows", items.len()),
            other => format!("{} dials", other["dials"]),
        };
        let summary = summarise(samples, started.elapsed());
        eprintln!(
            "{} {}: p50 {} p99 {} ms ({answer})",
            v.endpoint,
            v.label,
            ms(summary.p50),
            ms(summary.p99)
        );
        rows.push((v, answer, summary));
    }
    let load_after = load();
    let _ = stop_tx.send(());
    let _ = server.await;
    pool.close().await;

    let settings = settings
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![
        format!(
            "Machine: {}. Load average (1/5/15 min) {load_before} before the requests, {load_after} after. \
             API in-process (release build), one request at a time over HTTP with keep-alive; Postgres on the same machine ({settings}).",
            crate::machine()
        ),
        String::new(),
        format!(
            "Seeded: {calls} calls over the last 90 days, {leads} leads, 4 campaigns, {meetings} meetings; database {size}. \
             Seeding, VACUUM ANALYZE included: {:.1} s (not in the latencies). {} timed requests per row after {} warm-up.",
            seeding.as_secs_f64(),
            args.iterations,
            args.warmup
        ),
        String::new(),
        "| endpoint | variant | answer | p50 ms | p90 | p99 | max | under 100 ms at p99 |"
            .to_owned(),
        "|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for (v, answer, s) in &rows {
        out.push(row(v, answer, s));
    }
    Ok(out.join("\n"))
}

fn row(v: &Variant, answer: &str, s: &Summary) -> String {
    format!(
        "| `/api/analytics/{}` | {} | {answer} | {} | {} | {} | {} | {} |",
        v.endpoint,
        v.label,
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max),
        if s.p99 < Duration::from_millis(100) {
            "yes"
        } else {
            "**no**"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_has_variants() {
        let v = variants(Utc::now(), uuid::Uuid::nil());
        for endpoint in [
            "overview",
            "call-outcomes",
            "language-distribution",
            "calls-over-time",
        ] {
            assert!(v.iter().filter(|v| v.endpoint == endpoint).count() >= 3);
        }
        assert!(v.iter().all(|v| !v.query.contains('+')), "offsets need %2B");
    }

    #[test]
    fn flags() {
        let a = parse_args(&["--calls".into(), "1_000".into(), "--keep-db".into()]).unwrap();
        assert_eq!((a.calls, a.iterations, a.keep_db), (1000, 50, true));
        assert!(parse_args(&["--rows".into(), "1".into()]).is_err());
    }
}
