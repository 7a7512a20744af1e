//! Agent versions in Postgres: saved by the API (validated, knowledge past the inline budget
//! cut into passages and embedded), read by the activities of every call.
//!
//! A version never changes once written (a trigger refuses it), so the worker keeps the
//! versions it has read in memory ([`AgentBook`]): a turn reads its agent without a database
//! round trip.

use callwright_domain::agent::knowledge::{self, KnowledgeMode, Passage};
use callwright_domain::agent::{AgentRef, AgentSpec};
use callwright_providers::ProviderError;
use callwright_providers::embeddings::Embedder;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Memory the worker gives the versions it keeps, in bytes: a searched version holds its
/// passages' vectors (a 1,500-dimension model over a million characters of knowledge is about
/// 8 MB), the others little more than their prompt.
const CACHE_BYTES: usize = 256 * 1024 * 1024;

/// One saved version of an agent, as the activities use it.
#[derive(Debug, Clone)]
pub struct AgentVersion {
    /// Which version.
    pub agent: AgentRef,
    /// What its owner wrote.
    pub spec: AgentSpec,
    /// How its knowledge reaches the model.
    pub mode: KnowledgeMode,
    /// Searchable passages (`Search` mode only).
    pub passages: Vec<Passage>,
    /// Their embeddings, in the same order.
    pub vectors: Vec<Vec<f32>>,
    /// The model the passages were embedded with.
    pub embedding_model: Option<String>,
    /// The part of every turn's system prompt that is the same for all its calls
    /// ([`crate::prompt::preamble`]).
    pub preamble: String,
}

impl AgentVersion {
    /// A version not (yet) saved, as an editor's preview builds its prompt from: no passages.
    pub fn unsaved(spec: AgentSpec) -> Self {
        let mode = knowledge::mode(&spec.knowledge);
        Self {
            agent: AgentRef {
                agent_id: String::new(),
                version: 0,
            },
            preamble: crate::prompt::preamble(&spec, mode),
            spec,
            mode,
            passages: Vec::new(),
            vectors: Vec::new(),
            embedding_model: None,
        }
    }

    /// Bytes it holds, roughly (its vectors dominate a searched version).
    fn weight(&self) -> usize {
        let vectors: usize = self.vectors.iter().map(|v| v.len() * 4).sum();
        let passages: usize = self.passages.iter().map(|p| p.text.len()).sum();
        vectors + passages + self.preamble.len() + self.spec.instructions.len()
    }

    /// The passages nearest to `query_vector`, nearest first.
    pub fn nearest(&self, query_vector: &[f32], k: usize) -> Vec<&Passage> {
        knowledge::nearest(query_vector, &self.vectors, k)
            .into_iter()
            .filter_map(|i| self.passages.get(i))
            .collect()
    }
}

/// Why a version could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// No such agent version.
    #[error("agent {0} version {1} does not exist")]
    NotFound(String, u32),
    /// The stored spec no longer reads (a bug: specs are validated before they are stored).
    #[error("agent {0} version {1} is unreadable: {2}")]
    Corrupt(String, u32, String),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Reads agent versions, keeping the latest few in memory.
pub struct AgentBook {
    pool: PgPool,
    cache: Mutex<Cache>,
}

/// The versions in memory, least recently read first.
#[derive(Default)]
struct Cache {
    versions: HashMap<AgentRef, (u64, Arc<AgentVersion>)>,
    clock: u64,
    bytes: usize,
}

impl Cache {
    fn get(&mut self, agent: &AgentRef) -> Option<Arc<AgentVersion>> {
        self.clock += 1;
        let clock = self.clock;
        let (used, version) = self.versions.get_mut(agent)?;
        *used = clock;
        Some(version.clone())
    }

    fn insert(&mut self, version: Arc<AgentVersion>) {
        self.clock += 1;
        self.bytes += version.weight();
        if let Some((_, old)) = self
            .versions
            .insert(version.agent.clone(), (self.clock, version))
        {
            self.bytes = self.bytes.saturating_sub(old.weight());
        }
        while self.bytes > CACHE_BYTES && self.versions.len() > 1 {
            let Some(oldest) = self
                .versions
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, gone)) = self.versions.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(gone.weight());
            }
        }
    }
}

impl AgentBook {
    /// A book over this database.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The version `agent` names.
    pub async fn get(&self, agent: &AgentRef) -> Result<Arc<AgentVersion>, AgentError> {
        if let Some(hit) = self.cache.lock().ok().and_then(|mut c| c.get(agent)) {
            return Ok(hit);
        }
        let loaded = Arc::new(load(&self.pool, agent).await?);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(loaded.clone());
        }
        Ok(loaded)
    }
}

fn parse_id(agent: &AgentRef) -> Result<Uuid, AgentError> {
    Uuid::parse_str(&agent.agent_id)
        .map_err(|_| AgentError::NotFound(agent.agent_id.clone(), agent.version))
}

/// Reads one version and, for a searched one, its passages.
pub async fn load(pool: &PgPool, agent: &AgentRef) -> Result<AgentVersion, AgentError> {
    let id = parse_id(agent)?;
    let version = i32::try_from(agent.version).unwrap_or(i32::MAX);
    let row = callwright_store::agents::version_row(pool, id, version).await?;
    let Some(callwright_store::agents::VersionRow {
        spec,
        knowledge_mode: mode,
        embedding_model,
    }) = row
    else {
        return Err(AgentError::NotFound(agent.agent_id.clone(), agent.version));
    };
    let spec: AgentSpec = serde_json::from_value(spec)
        .map_err(|e| AgentError::Corrupt(agent.agent_id.clone(), agent.version, e.to_string()))?;
    let mode = KnowledgeMode::from_code(&mode);
    let (mut passages, mut vectors) = (Vec::new(), Vec::new());
    if mode == KnowledgeMode::Search {
        let rows = callwright_store::agents::passages(pool, id, version).await?;
        for callwright_store::agents::PassageRow {
            source,
            text,
            embedding: vector,
        } in rows
        {
            passages.push(Passage { source, text });
            vectors.push(vector);
        }
    }
    Ok(AgentVersion {
        agent: agent.clone(),
        preamble: crate::prompt::preamble(&spec, mode),
        spec,
        mode,
        passages,
        vectors,
        embedding_model,
    })
}

/// Why a version could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// No such agent to add a version to.
    #[error("no agent {0}")]
    NotFound(Uuid),
    /// The knowledge is past the inline budget and no embeddings endpoint is configured.
    #[error(
        "knowledge: over {} characters the knowledge is searched per turn, which needs an embeddings endpoint (LLM_BASE_URL, LLM_API_KEY, EMBEDDING_MODEL); shorten it or configure one",
        knowledge::INLINE_BUDGET
    )]
    NoEmbedder,
    /// The embeddings provider failed.
    #[error("knowledge: the embeddings provider failed: {0}")]
    Embeddings(ProviderError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The text a passage is embedded as: its source's title gives it context.
fn embedding_text(p: &Passage) -> String {
    format!("{}\n{}", p.source, p.text)
}

/// Embeds `passages` with `embedder`, reusing vectors already computed for the same model and
/// text.
async fn embed_passages(
    pool: &PgPool,
    embedder: &dyn Embedder,
    passages: &[Passage],
) -> Result<Vec<Vec<f32>>, SaveError> {
    let texts: Vec<String> = passages.iter().map(embedding_text).collect();
    let hashes: Vec<Vec<u8>> = texts
        .iter()
        .map(|t| Sha256::digest(t.as_bytes()).to_vec())
        .collect();
    let known = callwright_store::agents::known_embeddings(pool, embedder.model(), &hashes).await?;
    let known: HashMap<Vec<u8>, Vec<f32>> = known.into_iter().collect();
    let missing: Vec<usize> = (0..texts.len())
        .filter(|&i| !known.contains_key(&hashes[i]))
        .collect();
    let fresh = if missing.is_empty() {
        Vec::new()
    } else {
        let inputs: Vec<String> = missing.iter().map(|&i| texts[i].clone()).collect();
        embedder
            .embed(&inputs)
            .await
            .map_err(SaveError::Embeddings)?
    };
    // A provider that answers with fewer vectors, or vectors of other lengths, would leave
    // passages no search can find: refuse the save instead.
    let dimension = fresh.first().or(known.values().next()).map_or(0, Vec::len);
    if fresh.len() != missing.len()
        || dimension == 0
        || fresh
            .iter()
            .chain(known.values())
            .any(|v| v.len() != dimension || v.iter().any(|x| !x.is_finite()))
    {
        return Err(SaveError::Embeddings(ProviderError::protocol(
            "embeddings",
            format!(
                "{} vectors of unequal or zero length, or not finite, for {} texts",
                fresh.len(),
                missing.len()
            ),
        )));
    }
    let mut fresh_by_hash: HashMap<Vec<u8>, Vec<f32>> = HashMap::new();
    for (&i, vector) in missing.iter().zip(fresh) {
        fresh_by_hash.insert(hashes[i].clone(), vector);
    }
    for batch in fresh_by_hash.iter().collect::<Vec<_>>().chunks(1_000) {
        let (hashes, vectors): (Vec<Vec<u8>>, Vec<&Vec<f32>>) =
            batch.iter().map(|(h, v)| ((*h).clone(), *v)).unzip();
        callwright_store::agents::keep_embeddings(pool, embedder.model(), &hashes, &vectors)
            .await?;
    }
    Ok(hashes
        .iter()
        .map(|h| {
            known
                .get(h)
                .or_else(|| fresh_by_hash.get(h))
                .cloned()
                .unwrap_or_default()
        })
        .collect())
}

/// Saves `spec` (already validated) as a new agent (`agent_id` None) or as the next version of
/// one; returns the agent's id and the new version. Knowledge past the inline budget is cut
/// into passages and embedded first (outside the transaction: a provider may be slow).
pub async fn save_version(
    pool: &PgPool,
    agent_id: Option<Uuid>,
    spec: &AgentSpec,
    embedder: Option<&dyn Embedder>,
) -> Result<(Uuid, u32), SaveError> {
    let mode = knowledge::mode(&spec.knowledge);
    let (passages, vectors, model) = if mode == KnowledgeMode::Search {
        let embedder = embedder.ok_or(SaveError::NoEmbedder)?;
        let passages = knowledge::passages(&spec.knowledge);
        let vectors = embed_passages(pool, embedder, &passages).await?;
        (passages, vectors, Some(embedder.model().to_owned()))
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let mut tx = pool.begin().await?;
    let (id, version) = match agent_id {
        None => {
            let id = Uuid::new_v4();
            callwright_store::agents::create(&mut tx, id, &spec.name).await?;
            (id, 1)
        }
        Some(id) => {
            let version = callwright_store::agents::next_version(&mut tx, id, &spec.name).await?;
            (id, version.ok_or(SaveError::NotFound(id))?)
        }
    };
    callwright_store::agents::insert_version(
        &mut tx,
        callwright_store::agents::NewVersion {
            agent_id: id,
            version,
            spec,
            knowledge_mode: mode.code(),
            embedding_model: model.as_deref(),
        },
    )
    .await?;
    if !passages.is_empty() {
        let sources: Vec<String> = passages.iter().map(|p| p.source.clone()).collect();
        let texts: Vec<String> = passages.iter().map(|p| p.text.clone()).collect();
        callwright_store::agents::insert_passages(&mut tx, id, version, &sources, &texts, &vectors)
            .await?;
    }
    tx.commit().await?;
    Ok((id, u32::try_from(version).unwrap_or_default()))
}
