//! The API and the worker as processes of their own (children of the benchmark, started from
//! its own binary), so their memory and CPU can be read apart from the load driver's in
//! `/proc/<pid>/status` and `/proc/<pid>/stat`; and the same readings for the Temporal server
//! and Postgres when `scripts/bench.sh` names their process ids (`BENCH_TEMPORAL_PID`,
//! `BENCH_POSTGRES_PID`: the postmaster, whose backends are counted with it).

use callwright_sim::{Sim, SimConfig};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `callwright-bench serve-api`: the API from the environment, until killed.
pub const API_MODE: &str = "serve-api";
/// `callwright-bench serve-worker`: the worker from the environment, until killed.
pub const WORKER_MODE: &str = "serve-worker";

/// Runs the API from the environment until killed (a child of the benchmark).
pub async fn serve_api() -> anyhow::Result<()> {
    let config = callwright_api::ApiConfig::from_env()?;
    let app = callwright_api::Application::build(config).await?;
    app.run_until(std::future::pending()).await
}

/// Runs the worker from the environment until killed (a child of the benchmark).
pub async fn serve_worker() -> anyhow::Result<()> {
    let config = callwright_worker::WorkerConfig::from_env()?;
    callwright_worker::run(config, std::future::pending()).await
}

/// A child process, killed when dropped.
pub struct Child {
    /// Its process id.
    pub pid: u32,
    inner: std::process::Child,
}

impl Child {
    /// Fails (naming `what` and its exit status) when the process has exited.
    pub fn ensure_running(&mut self, what: &str) -> anyhow::Result<()> {
        match self.inner.try_wait()? {
            None => Ok(()),
            Some(status) => {
                anyhow::bail!("the {what} process exited ({status}); see its log above")
            }
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.inner.kill();
        let _ = self.inner.wait();
    }
}

/// Starts this binary in `mode` with exactly `env` added to the environment.
pub fn spawn(mode: &str, env: &BTreeMap<String, String>) -> anyhow::Result<Child> {
    let inner = Command::new(std::env::current_exe()?)
        .arg(mode)
        .envs(env)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()?;
    Ok(Child {
        pid: inner.id(),
        inner,
    })
}

/// How a benchmark's API and worker reach the simulated providers.
pub struct Providers {
    /// The simulator's base URL: Google, the LLM (at `/v1`), mail settings.
    pub sim_url: String,
    /// Twilio's REST base URL (the simulator, or the turn benchmark's stub).
    pub twilio_url: String,
    /// The Twilio account SID.
    pub account_sid: String,
    /// The Twilio auth token (webhook signatures).
    pub auth_token: String,
    /// The simulator's SMTP port.
    pub smtp_port: u16,
}

/// A benchmark run's services: its scratch database and task queues (`run`), the API on
/// `api_port`, every provider at the simulator, dials at `dial_cps` a second.
pub struct ServiceEnv<'a> {
    /// The run id (task queue names).
    pub run: &'a str,
    /// The API's port.
    pub api_port: u16,
    /// The scratch database.
    pub database_url: &'a str,
    /// The Temporal frontend.
    pub temporal_address: &'a str,
    /// `DIAL_CALLS_PER_SECOND`.
    pub dial_cps: f64,
}

impl ServiceEnv<'_> {
    /// The environment the API and the worker are configured from.
    pub fn vars(&self, p: &Providers) -> BTreeMap<String, String> {
        let (run, sim_url) = (self.run, &p.sim_url);
        [
            ("API_BIND", format!("127.0.0.1:{}", self.api_port)),
            ("DATABASE_URL", self.database_url.to_owned()),
            ("TEMPORAL_ADDRESS", self.temporal_address.to_owned()),
            ("TASK_QUEUE", format!("bench-{run}")),
            ("DIAL_TASK_QUEUE", format!("bench-dial-{run}")),
            ("DIAL_CALLS_PER_SECOND", self.dial_cps.to_string()),
            (
                "PUBLIC_BASE_URL",
                format!("http://127.0.0.1:{}", self.api_port),
            ),
            ("TWILIO_BASE_URL", p.twilio_url.clone()),
            ("TWILIO_ACCOUNT_SID", p.account_sid.clone()),
            ("TWILIO_AUTH_TOKEN", p.auth_token.clone()),
            ("TWILIO_FROM_NUMBER", "+15005550006".to_owned()),
            ("LLM_BASE_URL", format!("{sim_url}/v1")),
            ("LLM_API_KEY", "bench".to_owned()),
            ("LLM_MODEL", "scripted".to_owned()),
            ("GOOGLE_CALENDAR_BASE_URL", format!("{sim_url}/calendar/v3")),
            ("GOOGLE_TOKEN_URI", format!("{sim_url}/token")),
            ("GOOGLE_OAUTH_CLIENT_ID", "sim-client-id".to_owned()),
            ("GOOGLE_OAUTH_CLIENT_SECRET", "sim-client-secret".to_owned()),
            ("GOOGLE_OAUTH_REFRESH_TOKEN", "sim-refresh-token".to_owned()),
            ("SMTP_URL", format!("smtp://127.0.0.1:{}", p.smtp_port)),
            ("BOOKING_ORGANIZER_EMAIL", "bench@example.com".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

/// Starts the worker, then the API (both run the migrations, under Postgres's advisory lock),
/// from `env`, and waits until the API at `api` is ready and both still run.
pub async fn start_services(
    env: &BTreeMap<String, String>,
    api: &str,
) -> anyhow::Result<(Child, Child)> {
    let mut worker = spawn(WORKER_MODE, env)?;
    let mut api_child = spawn(API_MODE, env)?;
    wait_ready(&format!("{api}/readyz"), Duration::from_secs(60)).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    worker.ensure_running("worker")?;
    api_child.ensure_running("API")?;
    Ok((api_child, worker))
}

/// Waits until `url` answers 200 (the API's `/readyz`).
pub async fn wait_ready(url: &str, within: Duration) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + within;
    loop {
        if let Ok(resp) = http.get(url).send().await
            && resp.status().is_success()
        {
            return Ok(());
        }
        anyhow::ensure!(Instant::now() < deadline, "{url} not ready in {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A port nobody listens on right now.
/// `--flag value` pairs of a benchmark's arguments, in order; a flag without a value is an
/// error naming it.
pub fn flag_values(argv: &[String]) -> anyhow::Result<Vec<(&str, &str)>> {
    let mut pairs = Vec::new();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        pairs.push((flag.as_str(), value.as_str()));
    }
    Ok(pairs)
}

/// The simulator at `speed` (lower is faster) with no model delay, serving in the background:
/// its base URL and its SMTP port.
pub async fn spawn_sim(speed: f64) -> anyhow::Result<(String, u16)> {
    spawn_sim_with(SimConfig {
        llm_delay_ms: 0,
        ..SimConfig::for_tests(speed)
    })
    .await
}

/// Starts the simulator with `config` in this process; returns its base URL and SMTP port.
pub async fn spawn_sim_with(config: SimConfig) -> anyhow::Result<(String, u16)> {
    let sim = Sim::build(config).await?;
    let (url, smtp) = (sim.base_url(), sim.smtp_port());
    sim.spawn();
    Ok((url, smtp))
}

/// A valid US number per index (up to 10,000) ending in `suffix`, the two digits that pick the
/// simulator's callee.
pub fn us_number(i: usize, suffix: &str) -> String {
    const AREAS: [u32; 10] = [415, 650, 408, 510, 212, 646, 718, 312, 617, 206];
    let area = AREAS[i / 1_000 % AREAS.len()];
    let exchange = 230 + (i / 100) % 10;
    format!("+1{area}{exchange}{:02}{suffix}", i % 100)
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident memory of `pid` in KiB (`VmRSS` in `/proc/<pid>/status`), 0 when unreadable.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU seconds (user + system) `pid` has used, with its children: the ones that exited
/// (`cutime`, `cstime`) and, with `live_children`, the ones still running (Postgres backends).
pub fn cpu_secs(pid: u32, live_children: bool) -> f64 {
    let mut ticks = stat_ticks(pid, true);
    if live_children && let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            if parent_of(child) == Some(pid) {
                ticks += stat_ticks(child, false);
            }
        }
    }
    // USER_HZ is 100 on Linux.
    ticks as f64 / 100.0
}

/// The fields of `/proc/<pid>/stat` after the command name (which may hold spaces).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

fn parent_of(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

fn stat_ticks(pid: u32, with_reaped: bool) -> u64 {
    let Some(fields) = stat_fields(pid) else {
        return 0;
    };
    // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
    let take = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    take(11) + take(12) + if with_reaped { take(13) + take(14) } else { 0 }
}

/// The processes whose CPU a benchmark reports: this one (load driver and simulator), the
/// API and worker children, and the servers when their pids are known.
pub struct Processes {
    /// Label and (pid, count live children) of each.
    pub entries: Vec<(&'static str, u32, bool)>,
}

impl Processes {
    /// This process, `api`, `worker`, and the servers named in the environment.
    pub fn new(api: u32, worker: u32) -> Self {
        let mut entries = vec![
            ("bench driver + simulator", std::process::id(), false),
            ("API", api, false),
            ("worker", worker, false),
        ];
        let pid = |name: &str| std::env::var(name).ok()?.trim().parse::<u32>().ok();
        if let Some(p) = pid("BENCH_TEMPORAL_PID") {
            entries.push(("Temporal server", p, false));
        }
        if let Some(p) = pid("BENCH_POSTGRES_PID") {
            entries.push(("Postgres", p, true));
        }
        Self { entries }
    }

    /// CPU seconds of each, in the order of `entries`.
    pub fn cpu(&self) -> Vec<f64> {
        self.entries
            .iter()
            .map(|(_, pid, children)| cpu_secs(*pid, *children))
            .collect()
    }

    /// "name X% of a core, …" for the CPU used between `before` and `after` over `wall`.
    pub fn describe(&self, before: &[f64], after: &[f64], wall: Duration) -> String {
        let wall = wall.as_secs_f64().max(1e-9);
        self.entries
            .iter()
            .zip(before.iter().zip(after))
            .map(|((name, _, _), (b, a))| format!("{name} {:.0}%", (a - b) / wall * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The 1, 5 and 15-minute load averages, as `/proc/loadavg` gives them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_come_in_pairs_and_a_missing_value_is_named() {
        let argv: Vec<String> = ["--leads", "10", "--cps", "5"].map(String::from).to_vec();
        assert_eq!(
            flag_values(&argv).unwrap(),
            [("--leads", "10"), ("--cps", "5")]
        );
        let argv: Vec<String> = ["--leads", "10", "--cps"].map(String::from).to_vec();
        assert_eq!(
            flag_values(&argv).unwrap_err().to_string(),
            "--cps needs a value"
        );
    }

    #[test]
    fn reads_its_own_process() {
        let me = std::process::id();
        assert!(rss_kib(me) > 0);
        // Burn a little CPU so the counter moves from zero on any machine.
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(cpu_secs(me, false) > 0.0);
        assert_eq!(rss_kib(u32::MAX), 0);
        assert!(load_average().split_whitespace().count() == 3);
    }
}
