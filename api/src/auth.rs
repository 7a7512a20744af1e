//! API keys: created with `callwright-api keys create`, shown once, stored only as a SHA-256
//! hash, sent as `Authorization: Bearer <key>`, and required on every `/api/*` route.
//!
//! Keys are 32 random bytes, so a plain SHA-256 is the right hash (no salt or slow hash is
//! needed for secrets that cannot be guessed). Validated hashes are cached for a minute, so a
//! busy dashboard does not cost a database round trip per request; a revoked key stops working
//! within that minute.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Prefix of every key (recognisable in logs and secret scanners).
pub const KEY_PREFIX: &str = "cwk_";
/// How long a validated key is trusted without asking the database again.
const CACHE_FOR: Duration = Duration::from_secs(60);

/// A key's hash → its id and when it was last found valid.
type Seen = HashMap<[u8; 32], (Uuid, Instant)>;

/// Keys recently found valid, by hash, with their ids.
#[derive(Clone, Default)]
pub struct KeyCache {
    valid: Arc<Mutex<Seen>>,
}

impl KeyCache {
    fn fresh(&self, hash: &[u8; 32]) -> Option<Uuid> {
        self.valid
            .lock()
            .ok()?
            .get(hash)
            .filter(|(_, t)| t.elapsed() < CACHE_FOR)
            .map(|(id, _)| *id)
    }

    fn remember(&self, hash: [u8; 32], id: Uuid) {
        if let Ok(mut m) = self.valid.lock() {
            if m.len() > 10_000 {
                m.retain(|_, (_, t)| t.elapsed() < CACHE_FOR);
            }
            m.insert(hash, (id, Instant::now()));
        }
    }
}

/// The key a request was made with (a request extension set by [`require_key`]), for audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiKeyId(pub Uuid);

fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// A new key and its row.
#[derive(Debug)]
pub struct NewKey {
    /// Row id (to revoke it).
    pub id: Uuid,
    /// The key itself: shown once, never stored.
    pub key: String,
}

/// Creates a key named `name`.
pub async fn create_key(db: &PgPool, name: &str) -> Result<NewKey, sqlx::Error> {
    let mut secret = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut secret);
    let key = format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)
    );
    let id = Uuid::new_v4();
    callwright_store::keys::insert(
        db,
        id,
        name,
        &key[..KEY_PREFIX.len() + 6],
        hash(&key).as_slice(),
    )
    .await?;
    Ok(NewKey { id, key })
}

pub use callwright_store::keys::KeyRow;

/// Every key, newest first.
pub async fn list_keys(db: &PgPool) -> Result<Vec<KeyRow>, sqlx::Error> {
    callwright_store::keys::list(db).await
}

/// Revokes a key; false if there is no such (live) key.
pub async fn revoke_key(db: &PgPool, id: Uuid) -> Result<bool, sqlx::Error> {
    callwright_store::keys::revoke(db, id).await
}

/// Middleware: the request must carry a live key as a bearer token.
pub async fn require_key(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|k| k.starts_with(KEY_PREFIX))
        .ok_or(ApiError::Unauthorized)?;
    let digest = hash(presented);
    let id = match state.keys.fresh(&digest) {
        Some(id) => id,
        None => {
            let live = callwright_store::keys::live_by_hash(&state.db, digest.as_slice()).await?;
            let id = live.ok_or(ApiError::Unauthorized)?;
            state.keys.remember(digest, id);
            id
        }
    };
    request.extensions_mut().insert(ApiKeyId(id));
    Ok(next.run(request).await)
}

/// `callwright-api keys ...`: manage keys from the command line. Returns `None` when `args`
/// is not a `keys` command.
pub async fn command(db_url: &str, args: &[String]) -> Option<anyhow::Result<String>> {
    let (first, rest) = args.split_first()?;
    if first != "keys" {
        return None;
    }
    Some(run_command(db_url, rest).await)
}

const USAGE: &str = "usage: callwright-api keys create --name NAME | keys list | keys revoke ID";

async fn run_command(db_url: &str, args: &[String]) -> anyhow::Result<String> {
    let db = PgPool::connect(db_url).await?;
    callwright_store::MIGRATOR.run(&db).await?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["create", "--name", name] => {
            let key = create_key(&db, name).await?;
            Ok(format!(
                "{}\n# id {} ({name}); store the key now, it is not shown again",
                key.key, key.id
            ))
        }
        ["list"] => Ok(list_keys(&db)
            .await?
            .iter()
            .map(|k| {
                format!(
                    "{}  {}…  {}  {}{}",
                    k.id,
                    k.key_prefix,
                    k.created_at.format("%Y-%m-%d %H:%M"),
                    k.name,
                    if k.revoked_at.is_some() {
                        "  (revoked)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")),
        ["revoke", id] => {
            let id = Uuid::parse_str(id).map_err(|_| anyhow::anyhow!("'{id}' is not a key id"))?;
            if revoke_key(&db, id).await? {
                Ok(format!("revoked {id}"))
            } else {
                anyhow::bail!("no live key {id}")
            }
        }
        _ => anyhow::bail!(USAGE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_cache_expires_per_key() {
        assert_eq!(hash("cwk_a"), hash("cwk_a"));
        assert_ne!(hash("cwk_a"), hash("cwk_b"));
        let cache = KeyCache::default();
        assert_eq!(cache.fresh(&hash("cwk_a")), None);
        let id = Uuid::new_v4();
        cache.remember(hash("cwk_a"), id);
        assert_eq!(cache.fresh(&hash("cwk_a")), Some(id));
        assert_eq!(cache.fresh(&hash("cwk_b")), None);
    }
}
