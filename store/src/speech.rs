//! Synthesised speech, cached by the hash of (voice, text): a line is synthesised once and
//! served from here to the phone provider.

use sqlx::PgPool;

/// Whether a line's audio is cached.
pub async fn cached(db: &PgPool, hash: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM tts_audio WHERE hash = $1) AS "cached!""#,
        hash,
    )
    .fetch_one(db)
    .await
}

/// A line's audio and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct NewAudio<'a> {
    /// The cache key.
    pub hash: &'a str,
    /// The speech provider.
    pub provider: &'a str,
    /// Its voice.
    pub voice_id: &'a str,
    /// Its model.
    pub model_id: &'a str,
    /// The provider's output format.
    pub format: &'a str,
    /// The line spoken.
    pub text: &'a str,
    /// The audio's media type.
    pub content_type: &'a str,
    /// The audio.
    pub audio: &'a [u8],
}

/// Caches a line's audio (a repeat keeps the first).
pub async fn store(db: &PgPool, new: NewAudio<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO tts_audio (hash, provider, voice_id, model_id, format, text, content_type, audio)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING",
        new.hash,
        new.provider,
        new.voice_id,
        new.model_id,
        new.format,
        new.text,
        new.content_type,
        new.audio,
    )
    .execute(db)
    .await
    .map(|_| ())
}

/// A cached line's media type and audio.
pub async fn audio(db: &PgPool, hash: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT content_type, audio FROM tts_audio WHERE hash = $1",
        hash,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.content_type, r.audio)))
}
