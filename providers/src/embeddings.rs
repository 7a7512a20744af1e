//! The embeddings port and its OpenAI-compatible adapter (`POST {base}/embeddings`): an
//! agent's knowledge past the inline budget is embedded once when the version is saved, and a
//! search embeds the model's query per use. Any OpenAI-compatible server with a multilingual
//! embeddings model works (OpenAI's `text-embedding-3-small` covers all our languages).

use crate::error::{ProviderError, check_status};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

/// The embeddings model when none is configured: OpenAI's small multilingual one.
pub const DEFAULT_MODEL: &str = "text-embedding-3-small";

/// Texts per request: providers cap a request's inputs (OpenAI at 2,048).
const BATCH: usize = 256;

/// Turns texts into vectors.
#[async_trait]
pub trait Embedder: Send + Sync {
    /// The model name (stored with the vectors: vectors of different models never mix).
    fn model(&self) -> &str;
    /// One vector per text, in order.
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ProviderError>;
}

/// Endpoint, key and model of an OpenAI-compatible embeddings server.
#[derive(Debug, Clone)]
pub struct EmbeddingsConfig {
    /// Base URL including `/v1`.
    pub base_url: String,
    /// Bearer key.
    pub api_key: SecretString,
    /// Model name.
    pub model: String,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// OpenAI-compatible `/embeddings` adapter.
pub struct OpenAiEmbeddings {
    http: reqwest::Client,
    config: EmbeddingsConfig,
}

impl OpenAiEmbeddings {
    /// A client for this endpoint.
    pub fn new(config: EmbeddingsConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self { http, config })
    }
}

#[derive(Deserialize)]
struct EmbeddingList {
    data: Vec<EmbeddingItem>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    index: usize,
    embedding: Vec<f32>,
}

#[async_trait]
impl Embedder for OpenAiEmbeddings {
    fn model(&self) -> &str {
        &self.config.model
    }

    #[tracing::instrument(skip_all, fields(model = %self.config.model, texts = texts.len()), err)]
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, ProviderError> {
        let url = format!("{}/embeddings", self.config.base_url.trim_end_matches('/'));
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            let body = serde_json::json!({"model": self.config.model, "input": batch});
            let resp = self
                .http
                .post(&url)
                .bearer_auth(self.config.api_key.expose_secret())
                .json(&body)
                .send()
                .await
                .map_err(|e| ProviderError::transport("embeddings", &e))?;
            let resp = check_status("embeddings", resp).await?;
            let mut list: EmbeddingList = resp.json().await.map_err(|e| {
                ProviderError::protocol("embeddings", format!("unexpected response: {e}"))
            })?;
            if list.data.len() != batch.len() {
                return Err(ProviderError::protocol(
                    "embeddings",
                    format!("{} vectors for {} texts", list.data.len(), batch.len()),
                ));
            }
            list.data.sort_by_key(|item| item.index);
            out.extend(list.data.into_iter().map(|item| item.embedding));
        }
        Ok(out)
    }
}
