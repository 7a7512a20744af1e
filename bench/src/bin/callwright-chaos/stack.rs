//! The system under test as real OS processes: the simulator, `callwright-api` and
//! `callwright-worker` as children of the driver, Postgres and the Temporal dev server (SQLite
//! file) through `scripts/pg.sh` and `scripts/temporal.sh`, so each can be killed, stopped and
//! restarted like in production.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

/// Where the binaries, scripts and servers are.
#[derive(Debug, Clone)]
pub struct Env {
    /// Directory holding `callwright-{sim,api,worker}`.
    pub bin_dir: PathBuf,
    /// Repository root (for `scripts/`).
    pub repo: PathBuf,
    /// `scripts/pg.sh` cluster directory and port.
    pub pg_dir: PathBuf,
    /// Postgres port.
    pub pg_port: u16,
    /// `scripts/temporal.sh` directory.
    pub temporal_dir: PathBuf,
    /// Temporal gRPC port.
    pub temporal_port: u16,
    /// Temporal UI port (needed to restart it the same way).
    pub temporal_ui_port: u16,
    /// Where process logs go.
    pub log_dir: PathBuf,
    /// Simulator time scale.
    pub sim_speed: f64,
    /// Ports for the simulator (HTTP, SMTP) and the API.
    pub sim_port: u16,
    /// Simulator SMTP port.
    pub smtp_port: u16,
    /// API port.
    pub api_port: u16,
}

impl Env {
    /// `postgres://…/NAME` on the suite's Postgres.
    pub fn database_url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.pg_port)
    }

    /// `http://127.0.0.1:PORT` of the Temporal frontend.
    pub fn temporal_address(&self) -> String {
        format!("http://127.0.0.1:{}", self.temporal_port)
    }

    /// The simulator's base URL.
    pub fn sim(&self) -> String {
        format!("http://127.0.0.1:{}", self.sim_port)
    }

    /// The API's base URL.
    pub fn api(&self) -> String {
        format!("http://127.0.0.1:{}", self.api_port)
    }

    fn script(&self, args: &[&str]) -> anyhow::Result<()> {
        let status = Command::new("bash")
            .args(args)
            .current_dir(&self.repo)
            .status()
            .with_context(|| format!("running {args:?}"))?;
        if !status.success() {
            bail!("{args:?} failed ({status})");
        }
        Ok(())
    }

    /// Stops Postgres (`pg_ctl -m fast`: connections are cut).
    pub fn stop_postgres(&self) -> anyhow::Result<()> {
        self.script(&["scripts/pg.sh", "stop", &self.pg_dir.display().to_string()])
    }

    /// Starts Postgres again on its port.
    pub fn start_postgres(&self) -> anyhow::Result<()> {
        self.script(&[
            "scripts/pg.sh",
            "start",
            &self.pg_dir.display().to_string(),
            &self.pg_port.to_string(),
        ])
    }

    /// Kills the Temporal dev server's process group with SIGKILL and waits until it is gone.
    pub fn kill_temporal(&self) -> anyhow::Result<()> {
        let pidfile = self.temporal_dir.join("temporal.pid");
        let pid: u32 = std::fs::read_to_string(&pidfile)?
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: {e}", pidfile.display()))?;
        // The server was started as the leader of its own process group (setsid).
        let status = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status()?;
        anyhow::ensure!(status.success(), "kill -KILL -{pid} failed: {status}");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        // Gone, or a zombie waiting to be reaped (state `Z`): either way no longer serving.
        let alive = || {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(')')
                    .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z'))
            })
        };
        while alive() {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "Temporal (pid {pid}) still there 20 s after SIGKILL"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        // What a clean stop removes, so `start` does not take the dead server for a live one.
        for stale in ["temporal.pid", "temporal.ports"] {
            let _ = std::fs::remove_file(self.temporal_dir.join(stale));
        }
        Ok(())
    }

    /// Starts the Temporal dev server on the same file and ports.
    pub fn start_temporal(&self) -> anyhow::Result<()> {
        self.script(&[
            "scripts/temporal.sh",
            "start",
            &self.temporal_dir.display().to_string(),
            &self.temporal_port.to_string(),
            &self.temporal_ui_port.to_string(),
            "headless",
        ])
    }
}

/// A child process that is killed when dropped.
pub struct Proc {
    name: String,
    child: Child,
}

impl Proc {
    fn spawn(env: &Env, name: &str, vars: &[(String, String)]) -> anyhow::Result<Proc> {
        let log_path = env.log_dir.join(format!("{name}.log"));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("opening {}", log_path.display()))?;
        let binary = env.bin_dir.join(name.split('#').next().unwrap_or(name));
        let child = Command::new(&binary)
            .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        Ok(Proc {
            name: name.to_owned(),
            child,
        })
    }

    /// SIGKILL, no goodbye.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether it is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Its name (for messages).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The simulator process, shared by every scenario (reset between them).
pub async fn start_sim(env: &Env) -> anyhow::Result<Proc> {
    let vars = vec![
        ("SIM_BIND".into(), format!("127.0.0.1:{}", env.sim_port)),
        (
            "SIM_SMTP_BIND".into(),
            format!("127.0.0.1:{}", env.smtp_port),
        ),
        ("SIM_SPEED".into(), env.sim_speed.to_string()),
        ("SIM_LLM_API_KEY".into(), "sim-llm-key".into()),
        ("RUST_LOG".into(), "warn".into()),
    ];
    let proc = Proc::spawn(env, "callwright-sim", &vars)?;
    wait_http(
        &format!("{}/sim/health", env.sim()),
        Duration::from_secs(30),
    )
    .await?;
    Ok(proc)
}

/// Environment shared by the API and the worker of one scenario.
pub fn app_vars(
    env: &Env,
    database: &str,
    queue: &str,
    extra: &[(&str, String)],
) -> Vec<(String, String)> {
    let sim = env.sim();
    let mut vars: Vec<(String, String)> = [
        ("TEMPORAL_ADDRESS", env.temporal_address()),
        ("TEMPORAL_NAMESPACE", "default".into()),
        ("DATABASE_URL", env.database_url(database)),
        ("TASK_QUEUE", format!("chaos-{queue}")),
        ("DIAL_TASK_QUEUE", format!("chaos-dial-{queue}")),
        ("DIAL_CALLS_PER_SECOND", "50".into()),
        ("API_BIND", format!("127.0.0.1:{}", env.api_port)),
        ("PUBLIC_BASE_URL", env.api()),
        ("TWILIO_BASE_URL", sim.clone()),
        (
            "TWILIO_ACCOUNT_SID",
            "ACsimulator0000000000000000000000".into(),
        ),
        ("TWILIO_AUTH_TOKEN", "sim-auth-token".into()),
        ("TWILIO_FROM_NUMBER", "+15005550006".into()),
        ("LLM_BASE_URL", format!("{sim}/v1")),
        ("LLM_API_KEY", "sim-llm-key".into()),
        ("LLM_MODEL", "scripted-sales-1".into()),
        ("GOOGLE_CALENDAR_BASE_URL", format!("{sim}/calendar/v3")),
        ("GOOGLE_CALENDAR_ID", "sales@acme-solar.example".into()),
        ("GOOGLE_TOKEN_URI", format!("{sim}/token")),
        ("GOOGLE_OAUTH_CLIENT_ID", "sim-client-id".into()),
        ("GOOGLE_OAUTH_CLIENT_SECRET", "sim-client-secret".into()),
        ("GOOGLE_OAUTH_REFRESH_TOKEN", "sim-refresh-token".into()),
        ("ZOOM_OAUTH_BASE_URL", sim.clone()),
        ("ZOOM_API_BASE_URL", format!("{sim}/v2")),
        ("ZOOM_ACCOUNT_ID", "sim-zoom-account".into()),
        ("ZOOM_CLIENT_ID", "sim-zoom-client".into()),
        ("ZOOM_CLIENT_SECRET", "sim-zoom-secret".into()),
        ("SMTP_URL", format!("smtp://127.0.0.1:{}", env.smtp_port)),
        ("BOOKING_ORGANIZER_NAME", "Acme Solar".into()),
        ("BOOKING_ORGANIZER_EMAIL", "sales@acme-solar.example".into()),
        ("BOOKING_TIMEZONE", "Europe/London".into()),
        ("BOOKING_HOURS", "08:00-18:00".into()),
        ("RUST_LOG", "warn".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for (k, v) in extra {
        vars.retain(|(key, _)| key != k);
        vars.push(((*k).to_owned(), v.clone()));
    }
    vars
}

/// Starts the API and waits for `/healthz`.
pub async fn start_api(env: &Env, vars: &[(String, String)]) -> anyhow::Result<Proc> {
    let mut proc = Proc::spawn(env, "callwright-api", vars)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http_ok(&format!("{}/healthz", env.api())).await {
        if !proc.alive() {
            bail!(
                "callwright-api exited during startup (see its log in {})",
                env.log_dir.display()
            );
        }
        if Instant::now() > deadline {
            bail!("callwright-api not healthy after 60 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(proc)
}

/// Starts a worker (it connects, registers and polls on its own).
pub fn start_worker(env: &Env, vars: &[(String, String)]) -> anyhow::Result<Proc> {
    Proc::spawn(env, "callwright-worker", vars)
}

async fn http_ok(url: &str) -> bool {
    let client = reqwest::Client::new();
    matches!(
        client.get(url).timeout(Duration::from_secs(2)).send().await,
        Ok(r) if r.status().is_success()
    )
}

async fn wait_http(url: &str, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    while !http_ok(url).await {
        if Instant::now() > deadline {
            bail!("{url} not answering after {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// The simulator's control API.
pub struct SimClient {
    /// Base URL.
    pub base: String,
    http: reqwest::Client,
}

impl SimClient {
    /// A client for the simulator at `base`.
    pub fn new(base: String) -> SimClient {
        SimClient {
            base,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
        }
    }

    /// `GET /sim/PATH` as JSON.
    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let r = self
            .http
            .get(format!("{}/sim/{path}", self.base))
            .send()
            .await?;
        Ok(r.error_for_status()?.json().await?)
    }

    /// Forgets calls, calendar, mail, faults and chaos.
    pub async fn reset(&self) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/sim/reset", self.base))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    /// Sets chaos mode (`json!({})` turns it off).
    pub async fn chaos(&self, config: Value) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/sim/chaos", self.base))
            .json(&config)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}
