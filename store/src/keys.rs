//! API keys: only a key's SHA-256 is kept, with a short prefix to recognise it by.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// One key as listed (never the key itself).
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// Row id.
    pub id: Uuid,
    /// The name it was created with.
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub key_prefix: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Saves a new key by its hash.
pub async fn insert(
    db: &PgPool,
    id: Uuid,
    name: &str,
    prefix: &str,
    hash: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO api_keys (id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4)",
        id,
        name,
        prefix,
        hash,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Every key, newest first.
pub async fn list(db: &PgPool) -> Result<Vec<KeyRow>, sqlx::Error> {
    sqlx::query_as!(
        KeyRow,
        "SELECT id, name, key_prefix, created_at, revoked_at FROM api_keys ORDER BY created_at DESC",
    )
    .fetch_all(db)
    .await
}

/// Revokes a key; false if there is no such (live) key.
pub async fn revoke(db: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
        id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The id of the live key with this hash.
pub async fn live_by_hash(db: &PgPool, hash: &[u8]) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        hash,
    )
    .fetch_optional(db)
    .await
}
