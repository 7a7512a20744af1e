//! Agents and their versions as the API reads them.

use sqlx::PgPool;
use uuid::Uuid;

/// An agent's latest version number (None: no such agent).
pub async fn latest_version(db: &PgPool, agent_id: Uuid) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!("SELECT latest_version FROM agents WHERE id = $1", agent_id)
        .fetch_optional(db)
        .await
}

/// The language an agent version's spec names, if that version exists and names one.
pub async fn spec_language(
    db: &PgPool,
    agent_id: Uuid,
    version: i32,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        "SELECT spec->>'language' FROM agent_versions WHERE agent_id = $1 AND version = $2",
        agent_id,
        version,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.flatten())
}
