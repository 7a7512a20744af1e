//! What the store's integration tests share: a fresh database with every migration applied.

#![allow(clippy::unwrap_used, dead_code)] // test code; each test file uses part of it

use callwright_store::MIGRATOR;
use sqlx::{Connection, PgConnection, PgPool};
use uuid::Uuid;

/// A new database of its own on the test server (`CALLWRIGHT_TEST_DATABASE_URL`), migrated.
pub async fn fresh_pool() -> PgPool {
    let admin_url = std::env::var("CALLWRIGHT_TEST_DATABASE_URL")
        .expect("CALLWRIGHT_TEST_DATABASE_URL (make test sets it)");
    let name = format!("cw_store_{}", &Uuid::new_v4().simple().to_string()[..16]);
    let mut admin = PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let pool = PgPool::connect(&url).await.unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    pool
}
