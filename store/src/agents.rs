//! Agents and their versions as the API reads them.

use callwright_domain::agent::AgentSpec;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use sqlx::types::Json;
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

/// An agent in the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgentSummary {
    /// Id.
    pub id: Uuid,
    /// Name (of its latest version).
    pub name: String,
    /// Its latest version.
    pub latest_version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last saved.
    pub updated_at: DateTime<Utc>,
}

/// The agents, last saved first (at most 1,000).
pub async fn list(db: &PgPool) -> Result<Vec<AgentSummary>, sqlx::Error> {
    sqlx::query_as!(
        AgentSummary,
        "SELECT id, name, latest_version, created_at, updated_at FROM agents
         ORDER BY updated_at DESC, id LIMIT 1000",
    )
    .fetch_all(db)
    .await
}

/// One agent.
pub async fn summary(db: &PgPool, id: Uuid) -> Result<Option<AgentSummary>, sqlx::Error> {
    sqlx::query_as!(
        AgentSummary,
        "SELECT id, name, latest_version, created_at, updated_at FROM agents WHERE id = $1",
        id,
    )
    .fetch_optional(db)
    .await
}

/// A version in an agent's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionSummary {
    /// The version.
    pub version: i32,
    /// The agent's name in it.
    pub name: String,
    /// `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// Saved.
    pub created_at: DateTime<Utc>,
}

/// An agent's versions, newest first.
pub async fn versions(db: &PgPool, id: Uuid) -> Result<Vec<VersionSummary>, sqlx::Error> {
    // `name!`: every saved spec has a name (the spec is checked before it is saved).
    sqlx::query_as!(
        VersionSummary,
        r#"SELECT version, spec->>'name' AS "name!", knowledge_mode, created_at FROM agent_versions
           WHERE agent_id = $1 ORDER BY version DESC"#,
        id,
    )
    .fetch_all(db)
    .await
}

/// A saved version: its spec, how its knowledge reaches the model, when it was saved.
#[derive(Debug, Clone)]
pub struct SavedVersion {
    /// The spec as saved.
    pub spec: Json<AgentSpec>,
    /// `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// Saved.
    pub created_at: DateTime<Utc>,
}

/// One version of an agent.
pub async fn version(db: &PgPool, id: Uuid, version: i32) -> Result<Option<SavedVersion>, sqlx::Error> {
    sqlx::query_as!(
        SavedVersion,
        r#"SELECT spec AS "spec: Json<AgentSpec>", knowledge_mode, created_at FROM agent_versions
           WHERE agent_id = $1 AND version = $2"#,
        id,
        version,
    )
    .fetch_optional(db)
    .await
}
