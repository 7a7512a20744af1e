//! Outbound webhooks: the operator's endpoint and the outbox of events to deliver to it (written
//! in the same transaction as what they report, delivered at least once by the worker).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

/// Sets the one endpoint events go to, or removes it (None).
pub async fn set_endpoint(db: &PgPool, url: Option<&str>) -> Result<(), sqlx::Error> {
    match url {
        Some(url) => sqlx::query!(
            "INSERT INTO webhook_endpoints (id, url) VALUES ('default', $1)
             ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, updated_at = now()",
            url,
        )
        .execute(db)
        .await
        .map(|_| ()),
        None => sqlx::query!("DELETE FROM webhook_endpoints")
            .execute(db)
            .await
            .map(|_| ()),
    }
}

/// An event due for delivery.
#[derive(Debug, Clone)]
pub struct Due {
    /// Event id (the receiver's idempotency key).
    pub id: Uuid,
    /// Event type.
    pub event_type: String,
    /// Its payload.
    pub payload: Value,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

/// Claims up to `limit` due events, oldest first, for two minutes (another worker skips them;
/// one that is not settled by then is due again).
pub async fn claim_due(db: &PgPool, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as!(
        Due,
        "UPDATE webhook_outbox SET attempts = attempts + 1,
                next_attempt_at = now() + interval '2 minutes'
         WHERE id IN (SELECT id FROM webhook_outbox
                      WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                      ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, event_type, payload, created_at, attempts",
        limit,
    )
    .fetch_all(db)
    .await
}

/// Marks an event delivered.
pub async fn delivered(db: &PgPool, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_outbox SET delivered_at = now(), last_error = NULL WHERE id = $1",
        id,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Records a failed attempt: due again after `retry_in_secs`, given up after `max_attempts`.
pub async fn failed(
    db: &PgPool,
    id: Uuid,
    error: &str,
    retry_in_secs: f64,
    max_attempts: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE webhook_outbox SET last_error = $2,
                next_attempt_at = now() + make_interval(secs => $3),
                failed_at = CASE WHEN attempts >= $4 THEN now() END
         WHERE id = $1",
        id,
        error,
        retry_in_secs,
        max_attempts,
    )
    .execute(db)
    .await
    .map(|_| ())
}
