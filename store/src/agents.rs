//! Agents and their versions as the API reads them.

use callwright_contracts::api::agents::{AgentSummary, VersionSummary};
use callwright_domain::agent::AgentSpec;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
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
pub async fn version(
    db: &PgPool,
    id: Uuid,
    version: i32,
) -> Result<Option<SavedVersion>, sqlx::Error> {
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

/// A version as the agent book loads it: the spec (JSON), how its knowledge reaches the model,
/// and the embedding model of its passages.
#[derive(Debug, Clone)]
pub struct VersionRow {
    /// The spec as saved.
    pub spec: serde_json::Value,
    /// `none`, `inline` or `search`.
    pub knowledge_mode: String,
    /// The model its passages were embedded with (`search` only).
    pub embedding_model: Option<String>,
}

/// One version, for the agent book.
pub async fn version_row(
    db: &PgPool,
    id: Uuid,
    version: i32,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        "SELECT spec, knowledge_mode, embedding_model FROM agent_versions
         WHERE agent_id = $1 AND version = $2",
        id,
        version,
    )
    .fetch_optional(db)
    .await
}

/// A knowledge passage with its embedding.
#[derive(Debug, Clone)]
pub struct PassageRow {
    /// Where it comes from (a document's title).
    pub source: String,
    /// The passage.
    pub text: String,
    /// Its embedding.
    pub embedding: Vec<f32>,
}

/// A version's passages, in order.
pub async fn passages(db: &PgPool, id: Uuid, version: i32) -> Result<Vec<PassageRow>, sqlx::Error> {
    sqlx::query_as!(
        PassageRow,
        "SELECT source, text, embedding FROM knowledge_passages
         WHERE agent_id = $1 AND version = $2 ORDER BY idx",
        id,
        version,
    )
    .fetch_all(db)
    .await
}

/// The embeddings already computed by `model` for these text hashes: (hash, vector).
pub async fn known_embeddings(
    db: &PgPool,
    model: &str,
    hashes: &[Vec<u8>],
) -> Result<Vec<(Vec<u8>, Vec<f32>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT text_sha256, embedding FROM knowledge_embeddings
         WHERE model = $1 AND text_sha256 = ANY($2)",
        model,
        hashes,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.text_sha256, r.embedding))
        .collect())
}

/// Keeps computed embeddings (hash → vector) for reuse; a repeat keeps the first. The vectors
/// travel as one JSON array of arrays: Postgres has no array of arrays of varying length to
/// unnest, and a finite f32 survives the JSON round trip exactly (the caller refuses others:
/// JSON has no NaN or infinity).
pub async fn keep_embeddings(
    db: &PgPool,
    model: &str,
    hashes: &[Vec<u8>],
    vectors: &[&Vec<f32>],
) -> Result<(), sqlx::Error> {
    let vectors = serde_json::to_value(vectors).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        "INSERT INTO knowledge_embeddings (model, text_sha256, embedding)
         SELECT $1, h.hash,
                ARRAY(SELECT x::real FROM jsonb_array_elements_text(v.vector) WITH ORDINALITY AS e(x, n)
                      ORDER BY n)
         FROM UNNEST($2::bytea[]) WITH ORDINALITY AS h(hash, i)
         JOIN jsonb_array_elements($3::jsonb) WITH ORDINALITY AS v(vector, i) USING (i)
         ON CONFLICT DO NOTHING",
        model,
        hashes,
        vectors,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// Creates an agent at version 1, in the caller's transaction.
pub async fn create(tx: &mut PgConnection, id: Uuid, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO agents (id, name, latest_version) VALUES ($1, $2, 1)",
        id,
        name,
    )
    .execute(tx)
    .await
    .map(|_| ())
}

/// Numbers an agent's next version (and renames it), in the caller's transaction; None when
/// there is no such agent.
pub async fn next_version(
    tx: &mut PgConnection,
    id: Uuid,
    name: &str,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE agents SET latest_version = latest_version + 1, name = $2, updated_at = now()
         WHERE id = $1 RETURNING latest_version",
        id,
        name,
    )
    .fetch_optional(tx)
    .await
}

/// A version to save.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    /// The agent.
    pub agent_id: Uuid,
    /// Its number.
    pub version: i32,
    /// The spec (validated).
    pub spec: &'a AgentSpec,
    /// `none`, `inline` or `search`.
    pub knowledge_mode: &'a str,
    /// The embedding model of its passages (`search` only).
    pub embedding_model: Option<&'a str>,
}

/// Saves a version, in the caller's transaction.
pub async fn insert_version(tx: &mut PgConnection, v: NewVersion<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO agent_versions (agent_id, version, spec, knowledge_mode, embedding_model)
         VALUES ($1, $2, $3, $4, $5)",
        v.agent_id,
        v.version,
        Json(v.spec) as _,
        v.knowledge_mode,
        v.embedding_model,
    )
    .execute(tx)
    .await
    .map(|_| ())
}

/// Saves a version's passages in order with their embeddings, in the caller's transaction
/// (the vectors travel as JSON, as in [`keep_embeddings`]).
pub async fn insert_passages(
    tx: &mut PgConnection,
    agent_id: Uuid,
    version: i32,
    sources: &[String],
    texts: &[String],
    vectors: &[Vec<f32>],
) -> Result<(), sqlx::Error> {
    let vectors = serde_json::to_value(vectors).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query!(
        "INSERT INTO knowledge_passages (agent_id, version, idx, source, text, embedding)
         SELECT $1, $2, (p.i - 1)::int, p.source, p.text,
                ARRAY(SELECT x::real FROM jsonb_array_elements_text(v.vector) WITH ORDINALITY AS e(x, n)
                      ORDER BY n)
         FROM UNNEST($3::text[], $4::text[]) WITH ORDINALITY AS p(source, text, i)
         JOIN jsonb_array_elements($5::jsonb) WITH ORDINALITY AS v(vector, i) USING (i)",
        agent_id,
        version,
        sources,
        texts,
        vectors,
    )
    .execute(tx)
    .await
    .map(|_| ())
}
