//! A database of its own for one benchmark run, on the server `DATABASE_URL` names.

use sqlx::{Connection, PgConnection};

/// A fresh database, created on [`Scratch::create`] and dropped by [`Scratch::drop`].
pub struct Scratch {
    admin: PgConnection,
    name: String,
    /// The admin URL (`DATABASE_URL`).
    pub admin_url: String,
    /// The scratch database's URL.
    pub url: String,
    /// `TEMPORAL_ADDRESS` (default `http://127.0.0.1:7233`).
    pub temporal_address: String,
    /// A random id naming this run (task queues and the like).
    pub id: String,
}

impl Scratch {
    /// Creates `cw_bench_<kind>_<random>` on the server of `DATABASE_URL`.
    pub async fn create(kind: &str) -> anyhow::Result<Self> {
        let admin_url = std::env::var("DATABASE_URL")
            .map_err(|_| anyhow::anyhow!("DATABASE_URL is not set"))?;
        let temporal_address = std::env::var("TEMPORAL_ADDRESS")
            .unwrap_or_else(|_| "http://127.0.0.1:7233".to_owned());
        let id = uuid::Uuid::new_v4().simple().to_string();
        let name = format!("cw_bench_{kind}_{}", &id[..12]);
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("DATABASE_URL has no database name"),
        };
        let mut admin = PgConnection::connect(&admin_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        Ok(Self {
            admin,
            name,
            admin_url,
            url,
            temporal_address,
            id,
        })
    }

    /// Runs `work` on a fresh scratch database of `kind`, then drops the database whatever
    /// `work` returned.
    pub async fn around<T>(
        kind: &str,
        work: impl AsyncFnOnce(&Scratch) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let scratch = Self::create(kind).await?;
        let result = work(&scratch).await;
        scratch.drop().await;
        result
    }

    /// Drops the database (best effort: a failed drop only leaves a database behind).
    pub async fn drop(mut self) {
        let _ = sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut self.admin)
        .await;
    }
}
