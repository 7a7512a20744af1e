//! The do-not-call list: numbers (E.164) no campaign may dial, with why they are on it.

use callwright_contracts::api::dnc::Entry;
use sqlx::{PgConnection, PgPool};

/// Lists a number; None when it was listed already (the first reason stays).
pub async fn add(db: &PgPool, phone: &str, reason: &str) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        "INSERT INTO dnc (phone, reason) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING
         RETURNING phone, reason, created_at",
        phone,
        reason,
    )
    .fetch_optional(db)
    .await
}

/// Lists numbers with one reason; returns how many were not listed before.
pub async fn add_many(db: &PgPool, phones: &[String], reason: &str) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO dnc (phone, reason) SELECT DISTINCT p, $2 FROM UNNEST($1::text[]) AS t(p)
         ON CONFLICT (phone) DO NOTHING",
        phones,
        reason,
    )
    .execute(db)
    .await
    .map(|done| done.rows_affected())
}

/// Lists numbers each with its own reason (same lengths), in the caller's transaction; returns
/// how many were not listed before.
pub async fn add_pairs(
    tx: &mut PgConnection,
    phones: &[String],
    reasons: &[String],
) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO dnc (phone, reason) SELECT * FROM UNNEST($1::text[], $2::text[])
         ON CONFLICT (phone) DO NOTHING",
        phones,
        reasons,
    )
    .execute(tx)
    .await
    .map(|done| done.rows_affected())
}

/// The entry of a number, if it is listed.
pub async fn get(db: &PgPool, phone: &str) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        "SELECT phone, reason, created_at FROM dnc WHERE phone = $1",
        phone,
    )
    .fetch_optional(db)
    .await
}

/// Takes a number off the list; false when it was not on it.
pub async fn remove(db: &PgPool, phone: &str) -> Result<bool, sqlx::Error> {
    sqlx::query!("DELETE FROM dnc WHERE phone = $1", phone)
        .execute(db)
        .await
        .map(|done| done.rows_affected() > 0)
}
