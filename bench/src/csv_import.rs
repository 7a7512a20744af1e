//! `callwright-bench csv-import`: throughput and memory of `POST /api/leads/upload`.
//!
//! For each file size it writes a CSV of distinct, valid leads to a temporary file, uploads it
//! to an API running as a child process (this same binary, `csv-import-api`), and samples the
//! child's resident memory while it imports (`VmRSS` every 10 ms, and `VmHWM` after resetting
//! it through `/proc/<pid>/clear_refs`). Then it times `psql \copy` of the same file into a
//! scratch table with the same columns, the floor for getting those bytes into Postgres. Each
//! run gets a fresh database, dropped at the end.
//!
//! ```text
//! DATABASE_URL=postgres://… TEMPORAL_ADDRESS=http://… \
//!   callwright-bench csv-import [--rows 100000,1000000]
//! ```

use crate::scratch::Scratch;
use callwright_api::{ApiConfig, Application};
use callwright_testkit::ApiClient;
use sqlx::{Connection, PgConnection, PgPool};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The hidden mode the benchmark starts its API child with.
pub const API_MODE: &str = "csv-import-api";

/// Runs the API from the environment until killed (the child process of the benchmark).
pub async fn serve_api() -> anyhow::Result<()> {
    let app = Application::build(ApiConfig::from_env()?).await?;
    app.run_until(std::future::pending()).await
}

/// Most distinct numbers [`phone`] makes.
const MAX_ROWS: usize = 1_000_000;

/// A valid US number per index: 10 area codes × exchanges 230-239 × 10,000 lines.
fn phone(i: usize) -> String {
    const AREAS: [u32; 10] = [415, 650, 408, 510, 212, 646, 718, 312, 617, 206];
    let area = AREAS[i / 100_000 % AREAS.len()];
    let exchange = 230 + (i / 10_000) % 10;
    format!("+1{area}{exchange}{:04}", i % 10_000)
}

fn parse_rows(args: &[String]) -> anyhow::Result<Vec<usize>> {
    let mut rows = vec![MAX_ROWS];
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| anyhow::anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--rows" => {
                rows = value
                    .split(',')
                    .map(|v| v.trim().replace('_', "").parse())
                    .collect::<Result<_, _>>()?
            }
            other => anyhow::bail!("unknown flag {other} (use --rows 100000,1000000)"),
        }
    }
    if let Some(too_many) = rows.iter().find(|r| **r > MAX_ROWS || **r == 0) {
        anyhow::bail!("--rows {too_many}: between 1 and {MAX_ROWS}");
    }
    Ok(rows)
}

/// Writes `rows` leads (`name,phone,email,company,notes`) and returns the file's size.
fn write_csv(path: &Path, rows: usize) -> anyhow::Result<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "name,phone,email,company,notes")?;
    for i in 0..rows {
        writeln!(
            out,
            "Lead {i},{},lead{i}@example.com,Company {},\"asked about panels, call back\"",
            phone(i),
            i % 997
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// A `/proc/<pid>/status` value in KiB.
fn status_kib(pid: u32, key: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// The API child: killed when dropped.
struct ApiChild(Child);

impl Drop for ApiChild {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Measured {
    rows: usize,
    bytes: u64,
    upload: Duration,
    rss_before_kib: u64,
    rss_peak_kib: u64,
    psql: Duration,
}

/// Runs the benchmark and prints a Markdown table.
pub async fn run(args: &[String]) -> anyhow::Result<()> {
    let sizes = parse_rows(args)?;
    let db = Scratch::create("csv").await?;
    let result = run_on(&sizes, &db.url, &db.temporal_address, &db.id).await;
    let admin_url = db.admin_url.clone();
    db.drop().await;
    let measured = result?;

    let mut out = vec![
        format!(
            "Machine: {}. API in its own process (release build); Postgres {} on the same machine.",
            crate::machine(),
            server_version(&admin_url).await.unwrap_or_default()
        ),
        String::new(),
        "| rows | file MiB | upload s | rows/s | MiB/s | API RSS before MiB | API peak RSS MiB | psql \\copy s | psql rows/s | upload ÷ \\copy |".to_owned(),
        "|---|---|---|---|---|---|---|---|---|---|".to_owned(),
    ];
    for m in &measured {
        let secs = m.upload.as_secs_f64().max(1e-9);
        let psql = m.psql.as_secs_f64().max(1e-9);
        out.push(format!(
            "| {} | {:.1} | {:.2} | {:.0} | {:.1} | {} | {} | {:.2} | {:.0} | {:.1} |",
            m.rows,
            m.bytes as f64 / 1048576.0,
            secs,
            m.rows as f64 / secs,
            m.bytes as f64 / 1048576.0 / secs,
            mib(m.rss_before_kib),
            mib(m.rss_peak_kib),
            psql,
            m.rows as f64 / psql,
            secs / psql,
        ));
    }
    println!("{}", out.join("\n"));
    Ok(())
}

async fn server_version(url: &str) -> anyhow::Result<String> {
    let mut conn = PgConnection::connect(url).await?;
    let version: String = sqlx::query_scalar("SHOW server_version")
        .fetch_one(&mut conn)
        .await?;
    Ok(version
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned())
}

async fn run_on(
    sizes: &[usize],
    database_url: &str,
    temporal_address: &str,
    id: &str,
) -> anyhow::Result<Vec<Measured>> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let api = format!("http://127.0.0.1:{port}");
    let child = Command::new(std::env::current_exe()?)
        .arg(API_MODE)
        .env("API_BIND", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database_url)
        .env("TEMPORAL_ADDRESS", temporal_address)
        .env("TASK_QUEUE", format!("bench-csv-{id}"))
        .env("DIAL_TASK_QUEUE", format!("bench-csv-dial-{id}"))
        .env("PUBLIC_BASE_URL", &api)
        .env("TWILIO_AUTH_TOKEN", "bench")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let child = ApiChild(child);
    let pid = child.0.id();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(1800))
        .build()?;
    let started = Instant::now();
    while http
        .get(format!("{api}/healthz"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the API did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let db = PgPool::connect(database_url).await?;
    let key = callwright_api::auth::create_key(&db, "csv-import bench")
        .await?
        .key;

    let mut measured = Vec::new();
    for &rows in sizes {
        let path: PathBuf = std::env::temp_dir().join(format!("callwright-bench-{id}-{rows}.csv"));
        let result = measure_one(&api, &key, &db, database_url, pid, rows, &path).await;
        let _ = std::fs::remove_file(&path);
        let m = result?;
        eprintln!(
            "{rows} rows: upload {:.2} s, peak RSS {} MiB, psql \\copy {:.2} s",
            m.upload.as_secs_f64(),
            mib(m.rss_peak_kib),
            m.psql.as_secs_f64()
        );
        measured.push(m);
    }
    drop(child);
    Ok(measured)
}

#[allow(clippy::too_many_arguments)]
async fn measure_one(
    api: &str,
    key: &str,
    db: &PgPool,
    database_url: &str,
    pid: u32,
    rows: usize,
    path: &Path,
) -> anyhow::Result<Measured> {
    sqlx::query("TRUNCATE leads, lead_imports, lead_import_rows CASCADE")
        .execute(db)
        .await?;
    let bytes = write_csv(path, rows)?;
    // The client holds the file; only the API's memory is measured.
    let body = std::fs::read(path)?;

    // Reset the child's high-water mark, and sample its RSS as well.
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    let rss_before_kib = status_kib(pid, "VmRSS:").unwrap_or(0);
    let peak = Arc::new(AtomicU64::new(rss_before_kib));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn({
        let (peak, done) = (peak.clone(), done.clone());
        async move {
            while !done.load(Ordering::SeqCst) {
                if let Some(rss) = status_kib(pid, "VmRSS:") {
                    peak.fetch_max(rss, Ordering::SeqCst);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });
    let started = Instant::now();
    let report = ApiClient::new(api, key)?
        .upload_leads(body, Duration::from_secs(1800))
        .await;
    let upload = started.elapsed();
    done.store(true, Ordering::SeqCst);
    let _ = sampler.await;
    let hwm = status_kib(pid, "VmHWM:").unwrap_or(0);
    let rss_peak_kib = peak.load(Ordering::SeqCst).max(hwm);
    let report = report.map_err(|e| anyhow::anyhow!("upload of {rows} rows: {e}"))?;
    anyhow::ensure!(
        report.accepted == rows as u64,
        "upload of {rows} rows accepted {}: {:?}",
        report.accepted,
        report.rejected_rows
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
        .fetch_one(db)
        .await?;
    anyhow::ensure!(count == rows as i64, "{count} leads after importing {rows}");

    // The floor: the same file through psql's \copy into a table of the same columns.
    sqlx::query("DROP TABLE IF EXISTS csv_import_scratch")
        .execute(db)
        .await?;
    sqlx::query(
        "CREATE TABLE csv_import_scratch (name text, phone text, email text, company text, notes text)",
    )
    .execute(db)
    .await?;
    let copy = format!(
        "\\copy csv_import_scratch FROM '{}' WITH (FORMAT csv, HEADER true)",
        path.display()
    );
    let started = Instant::now();
    let output = Command::new("psql")
        .arg(database_url)
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", &copy])
        .output()
        .map_err(|e| anyhow::anyhow!("psql: {e} (is the PostgreSQL client installed?)"))?;
    let psql = started.elapsed();
    anyhow::ensure!(
        output.status.success(),
        "psql \\copy: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    sqlx::query("DROP TABLE csv_import_scratch")
        .execute(db)
        .await?;
    Ok(Measured {
        rows,
        bytes,
        upload,
        rss_before_kib,
        rss_peak_kib,
        psql,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_distinct_and_e164() {
        let mut seen = std::collections::HashSet::new();
        for i in (0..MAX_ROWS).step_by(997).chain([MAX_ROWS - 1]) {
            let p = phone(i);
            assert_eq!(p.len(), 12, "{p}");
            assert!(seen.insert(p));
        }
        assert_ne!(phone(0), phone(100_000));
        assert_ne!(phone(0), phone(10_000));
    }
}
