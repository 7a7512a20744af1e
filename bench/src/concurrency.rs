//! `callwright-bench concurrency`: how many simultaneous live calls one machine sustains at a
//! realistic turn cadence.
//!
//! The API and the worker run as processes of their own (see [`crate::stack`]), on a fresh
//! database. The benchmark plays Twilio (a REST stub that accepts dials, and signed webhooks),
//! the simulator's LLM answers at zero delay. Calls are opened step by step (leads, a campaign,
//! the dials, the voice webhook that starts the conversation), and every open call keeps taking
//! a turn every `--cadence-secs` (±`--jitter`, a random phase per call) for as long as the run
//! lasts, so a step measures all calls opened so far. Per step, after one cadence of warm-up,
//! the turns that start within `--hold-secs` are measured: p50/p90/p99/max and errors, the
//! API's and the worker's resident memory above what they used before the first call, and the
//! CPU each process used. The ramp stops after the first step over the limits (p99 ≥ 300 ms or
//! any error).
//!
//! ```text
//! DATABASE_URL=… TEMPORAL_ADDRESS=… callwright-bench concurrency \
//!   [--steps 250,500,750,1000,1250,1500] [--hold-secs 60] [--cadence-secs 10] [--jitter 0.2]
//! ```

use crate::scratch::Scratch;
use crate::stack::{self, Processes};
use crate::stats::{ms, summarise};
use crate::turns::{self, Call, TurnBench};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A step passes when its turn p99 is under this and no turn failed.
const P99_LIMIT: Duration = Duration::from_millis(300);

struct Args {
    steps: Vec<usize>,
    hold: Duration,
    cadence: Duration,
    jitter: f64,
}

fn parse_args(argv: &[String]) -> anyhow::Result<Args> {
    let mut args = Args {
        steps: vec![250, 500, 750, 1000, 1250, 1500],
        hold: Duration::from_secs(60),
        cadence: Duration::from_secs(10),
        jitter: 0.2,
    };
    for (flag, value) in crate::stack::flag_values(argv)? {
        match flag {
            "--steps" => {
                args.steps = value
                    .split(',')
                    .map(|v| v.trim().replace('_', "").parse())
                    .collect::<Result<_, _>>()?
            }
            "--hold-secs" => args.hold = Duration::from_secs(value.parse()?),
            "--cadence-secs" => args.cadence = Duration::from_secs_f64(value.parse()?),
            "--jitter" => args.jitter = value.parse()?,
            other => anyhow::bail!(
                "unknown flag {other} (use --steps 250,500 --hold-secs 60 --cadence-secs 10 --jitter 0.2)"
            ),
        }
    }
    anyhow::ensure!(
        !args.steps.is_empty() && args.steps.windows(2).all(|w| w[0] < w[1]) && args.steps[0] > 0,
        "--steps must be increasing positive numbers of calls"
    );
    anyhow::ensure!(
        (0.0..1.0).contains(&args.jitter),
        "--jitter is a fraction of the cadence, in [0, 1)"
    );
    anyhow::ensure!(
        args.cadence >= Duration::from_millis(100),
        "--cadence-secs must be at least 0.1"
    );
    Ok(args)
}

/// One turn as a driver saw it.
struct Sample {
    started: Instant,
    latency: Duration,
    ok: bool,
}

/// A small deterministic generator (xorshift64*), one per call: phases and jitter without a
/// dependency, reproducible from the call's index.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// Uniform in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Drives one call until `stop`: a turn every cadence ± jitter, starting at a random phase.
/// A turn that is not answered with the next `<Gather>` ends the call (as on a phone).
async fn drive(
    http: reqwest::Client,
    call: Call,
    index: u64,
    args: (Duration, f64),
    samples: Arc<Mutex<Vec<Sample>>>,
    stop: Arc<AtomicBool>,
    live: Arc<AtomicUsize>,
) {
    let (cadence, jitter) = args;
    let mut rng = Rng::new(index + 1);
    tokio::time::sleep(cadence.mul_f64(rng.next())).await;
    let base = call
        .voice_url
        .replacen("/twilio/voice?", "/twilio/turn?", 1);
    let mut turn = 1u32;
    while !stop.load(Ordering::Relaxed) {
        let url = format!("{base}&turn={turn}");
        let started = Instant::now();
        let answer = turns::signed(
            &http,
            &url,
            &[
                ("CallSid", call.sid.as_str()),
                ("SpeechResult", "What does it cost?"),
                ("Confidence", "0.93"),
            ],
        )
        .await;
        let latency = started.elapsed();
        let ok = matches!(&answer, Ok((200, twiml)) if twiml.contains("<Gather"));
        if let Ok(mut s) = samples.lock() {
            s.push(Sample {
                started,
                latency,
                ok,
            });
        }
        if !ok {
            tracing::warn!(
                turn,
                ?answer,
                "turn not answered with a Gather; the call ends"
            );
            live.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        turn += 1;
        let spread = 1.0 + jitter * (2.0 * rng.next() - 1.0);
        tokio::time::sleep_until((started + cadence.mul_f64(spread)).into()).await;
    }
    live.fetch_sub(1, Ordering::SeqCst);
}

/// Runs the benchmark and prints its Markdown table.
pub async fn run(argv: &[String]) -> anyhow::Result<()> {
    let args = parse_args(argv)?;
    println!(
        "{}",
        Scratch::around("concurrency", async |scratch| measure(&args, scratch).await).await?
    );
    Ok(())
}

async fn measure(args: &Args, scratch: &Scratch) -> anyhow::Result<String> {
    let (sim_url, smtp_port) = stack::spawn_sim(0.01).await?;
    let turns::TwilioStub {
        url: twilio_url,
        dialled,
        lookups,
    } = turns::twilio_stub().await?;
    let api_port = stack::free_port()?;
    let api = format!("http://127.0.0.1:{api_port}");
    let run = &scratch.id;
    // The worker needs a calendar configured; these turns never book.
    let providers = stack::Providers {
        sim_url,
        twilio_url,
        account_sid: "ACbench".to_owned(),
        auth_token: turns::AUTH_TOKEN.to_owned(),
        smtp_port,
    };
    let env = stack::ServiceEnv {
        run,
        api_port,
        database_url: &scratch.url,
        temporal_address: &scratch.temporal_address,
        dial_cps: 1000.0,
    }
    .vars(&providers);
    let (mut api_child, mut worker) = stack::start_services(&env, &api).await?;
    let api_key = callwright_api::auth::create_key(
        &sqlx::PgPool::connect(&scratch.url).await?,
        &format!("bench {run}"),
    )
    .await?
    .key;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (api_base, worker_base) = (stack::rss_kib(api_child.pid), stack::rss_kib(worker.pid));
    let procs = Processes::new(api_child.pid, worker.pid);

    let mut bench = TurnBench::new(api, &api_key, dialled)?;
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let live = Arc::new(AtomicUsize::new(0));
    let mut opened = 0usize;
    let mut status_urls: Vec<(String, String)> = Vec::new();
    let mut rows = Vec::new();
    let mut best: Option<usize> = None;
    let load_before = stack::load_average();
    // When each step's calls were being opened (dials, voice webhooks, campaign starts).
    let mut openings: Vec<(Instant, Instant)> = Vec::new();
    for &step in &args.steps {
        eprintln!("concurrency: opening calls {}..{step}", opened + 1);
        worker.ensure_running("worker")?;
        api_child.ensure_running("API")?;
        let opening = Instant::now();
        let calls = bench.open_calls(step - opened).await?;
        openings.push((opening, Instant::now()));
        for call in calls {
            status_urls.push((call.status_url.clone(), call.sid.clone()));
            live.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(drive(
                bench.http.clone(),
                call,
                opened as u64,
                (args.cadence, args.jitter),
                samples.clone(),
                stop.clone(),
                live.clone(),
            ));
            opened += 1;
        }
        // One cadence for the new calls to fall into their phases, then the measured window.
        tokio::time::sleep(args.cadence).await;
        let window_start = Instant::now();
        let cpu_before = procs.cpu();
        tokio::time::sleep(args.hold).await;
        let window_end = Instant::now();
        let cpu_after = procs.cpu();
        let (api_rss, worker_rss) = (stack::rss_kib(api_child.pid), stack::rss_kib(worker.pid));
        // The provider's call lookups in the window, and the seconds they fell in.
        let window_lookups: Vec<Duration> = lookups
            .lock()
            .map_err(|_| anyhow::anyhow!("lookups lock poisoned"))?
            .iter()
            .filter(|t| **t >= window_start && **t < window_end)
            .map(|t| *t - window_start)
            .collect();
        let lookups_in_window = window_lookups.len();
        let lookup_seconds: std::collections::BTreeSet<u64> =
            window_lookups.iter().map(Duration::as_secs).collect();
        let (latencies, near_lookups, errors) = {
            let all = samples
                .lock()
                .map_err(|_| anyhow::anyhow!("samples lock poisoned"))?;
            let window: Vec<&Sample> = all
                .iter()
                .filter(|s| s.started >= window_start && s.started < window_end)
                .collect();
            let errors = window.iter().filter(|s| !s.ok).count();
            let latencies: Vec<Duration> =
                window.iter().filter(|s| s.ok).map(|s| s.latency).collect();
            let near_lookups: Vec<Duration> = window
                .iter()
                .filter(|s| s.ok && lookup_seconds.contains(&(s.started - window_start).as_secs()))
                .map(|s| s.latency)
                .collect();
            (latencies, near_lookups, errors)
        };
        let near = summarise(near_lookups, window_end - window_start);
        let summary = summarise(latencies, window_end - window_start);
        let still_live = live.load(Ordering::SeqCst);
        let per_call =
            |now: u64, base: u64| now.saturating_sub(base) as f64 / still_live.max(1) as f64;
        let passed = summary.p99 < P99_LIMIT && errors == 0 && summary.samples > 0;
        if passed {
            best = Some(step);
        }
        let line = format!(
            "| {step} | {still_live} | {} | {errors} | {} | {} | {} | {} | {:.1} | {lookups_in_window} | {} | {:.1} | {:.1} | {:.0} | {:.0} | {} | {} |",
            summary.samples,
            ms(summary.p50),
            ms(summary.p90),
            ms(summary.p99),
            ms(summary.max),
            summary.per_second,
            if near.samples == 0 {
                "–".to_owned()
            } else {
                format!("{} ({} turns)", ms(near.p99), near.samples)
            },
            api_rss as f64 / 1024.0,
            worker_rss as f64 / 1024.0,
            per_call(api_rss, api_base),
            per_call(worker_rss, worker_base),
            procs.describe(&cpu_before, &cpu_after, window_end - window_start),
            if passed { "yes" } else { "no" },
        );
        eprintln!("{line}");
        rows.push(line);
        if !passed {
            break;
        }
    }
    let load_after = stack::load_average();
    let bursts = whole_run(&samples, &lookups, &openings, args.cadence)?;
    stop.store(true, Ordering::SeqCst);
    // Hang up every call so the workflows finish while the worker still runs.
    eprintln!("concurrency: hanging up {} calls", status_urls.len());
    let http = bench.http.clone();
    let hangups = futures::stream::iter(status_urls.iter().map(|(url, sid)| {
        let http = &http;
        async move {
            turns::signed(
                http,
                url,
                &[
                    ("CallSid", sid.as_str()),
                    ("CallStatus", "completed"),
                    ("SequenceNumber", "9"),
                ],
            )
            .await
        }
    }));
    use futures::StreamExt as _;
    hangups.buffer_unordered(50).for_each(|_| async {}).await;
    drop((api_child, worker));

    let mut out = vec![
        format!(
            "Machine: {}. Load average (1/5/15 min) {load_before} before the first step, {load_after} after the last. \
             API and worker in their own processes (release build), the driver and the simulator's LLM in a third; \
             Temporal dev server (SQLite file) and Postgres on the same machine.",
            crate::machine()
        ),
        String::new(),
        format!(
            "Each call takes a turn every {:.0} s ± {:.0}% (random phase per call); a step measures the turns started in {} s, \
             after {:.0} s of warm-up, with every call opened so far still live. Memory per call is the process's RSS above \
             its RSS before the first call ({:.1} MiB API, {:.1} MiB worker), divided by the live calls. CPU is % of one core \
             over the window. Call lookups are the provider's `GET …/Calls/{{sid}}` in the window (a lead workflow's follow \
             timer firing and its `fetch_call` activity); beside them, the p99 of the turns that started in the same seconds.",
            args.cadence.as_secs_f64(),
            args.jitter * 100.0,
            args.hold.as_secs(),
            args.cadence.as_secs_f64(),
            api_base as f64 / 1024.0,
            worker_base as f64 / 1024.0,
        ),
        String::new(),
        "| step (calls) | live calls | turns | errors | turn p50 ms | p90 | p99 | max | turns/s | call lookups | p99 ms in their seconds | API RSS MiB | worker RSS MiB | API KiB/call | worker KiB/call | CPU by process | p99 < 300 ms, no errors |".to_owned(),
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    out.extend(rows);
    out.push(String::new());
    out.push(bursts);
    out.push(String::new());
    out.push(match best {
        Some(calls) => format!(
            "Largest step with turn p99 under 300 ms and no errors: **{calls} live calls**."
        ),
        None => "No step stayed under 300 ms at p99 without errors.".to_owned(),
    });
    Ok(out.join("\n"))
}

/// Over the whole run (windows, warm-ups and openings alike), where the slow turns were: the
/// turns that started while a step's calls were being opened, in the cadence after (while the
/// new calls settle, outside the measured window), those that started in a second
/// in which the provider was asked for a call's state (follow timers firing), and the rest.
/// A burst need not fall inside a step's window to exist, so this does not depend on where the
/// windows fall.
fn whole_run(
    samples: &Mutex<Vec<Sample>>,
    lookups: &turns::Lookups,
    openings: &[(Instant, Instant)],
    cadence: Duration,
) -> anyhow::Result<String> {
    let lookups = lookups
        .lock()
        .map_err(|_| anyhow::anyhow!("lookups lock poisoned"))?
        .clone();
    let samples = samples
        .lock()
        .map_err(|_| anyhow::anyhow!("samples lock poisoned"))?;
    let Some(origin) = samples
        .iter()
        .map(|s| s.started)
        .chain(lookups.iter().copied())
        .min()
    else {
        return Ok("No turns were taken.".to_owned());
    };
    let second = |t: Instant| (t.saturating_duration_since(origin)).as_secs();
    let seconds: std::collections::BTreeSet<u64> = lookups.iter().map(|t| second(*t)).collect();
    let opening = |t: Instant| openings.iter().any(|(from, to)| t >= *from && t <= *to);
    let settling = |t: Instant| openings.iter().any(|(_, to)| t > *to && t <= *to + cadence);
    let mut groups: [Vec<Duration>; 4] = Default::default();
    for s in samples.iter().filter(|s| s.ok) {
        let group = if opening(s.started) {
            0
        } else if settling(s.started) {
            1
        } else if seconds.contains(&second(s.started)) {
            2
        } else {
            3
        };
        groups[group].push(s.latency);
    }
    let describe = |what: &str, latencies: &[Duration]| {
        if latencies.is_empty() {
            return format!("{what}: none");
        }
        let summary = summarise(latencies.to_vec(), Duration::from_secs(1));
        format!(
            "{what}: {} turns, p50 {} ms, p99 {} ms",
            summary.samples,
            ms(summary.p50),
            ms(summary.p99)
        )
    };
    Ok(format!(
        "Whole run, where the slow turns were: {}; {}; {} ({} lookups in {} seconds); {}.",
        describe("started while calls were being opened", &groups[0]),
        describe("in the cadence after an opening", &groups[1]),
        describe("in the seconds of call lookups", &groups[2]),
        lookups.len(),
        seconds.len(),
        describe("all other turns", &groups[3]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_uniform_enough_and_reproducible() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<f64> = (0..10_000).map(|_| a.next()).collect();
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert_eq!(b.next(), xs[0]);
    }

    #[test]
    fn args_are_checked() {
        let a = |s: &str| parse_args(&s.split_whitespace().map(str::to_owned).collect::<Vec<_>>());
        assert!(a("--steps 10,20 --hold-secs 5").is_ok());
        assert!(a("--steps 20,10").is_err());
        assert!(a("--jitter 1.5").is_err());
        assert!(a("--cadence-secs 0").is_err());
        assert!(a("--bogus 1").is_err());
    }
}
