//! Speech for the calls: [`Voice`] puts a content-addressed Postgres cache and signed links in
//! front of the speech provider (`callwright_providers::tts`).
//!
//! A line the agent says is synthesised once per (provider, voice, model, format, text): the
//! audio is stored in `tts_audio` under the SHA-256 of those five, which every API and worker
//! replica shares, and the API serves it at `/tts/{hash}.wav` behind a signed, expiring link
//! (see `callwright_providers::links`) that Twilio fetches for `<Play>`. Anything that goes wrong (no
//! configuration, a provider error or timeout, a database error) gives no audio, and the
//! conversation says the line with `<Say>` instead: speech is an improvement, never a reason
//! for the callee to hear silence.

use callwright_domain::Language;
use callwright_providers::links::{LinkSigner, SPEECH_LINKS};
use callwright_providers::tts::{SpeechSynthesizer, VoiceChoice, WAV_CONTENT_TYPE};
use chrono::Utc;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::Duration;

/// Speech for the calls: cache first, then the provider; links signed for Twilio.
pub struct Voice {
    synth: std::sync::Arc<dyn SpeechSynthesizer>,
    pool: PgPool,
    signer: LinkSigner,
    public_base_url: String,
    link_ttl: Duration,
}

impl Voice {
    /// `signing_secret` is the Twilio auth token (the API checks links with the same key);
    /// links made now play for `link_ttl`, which must outlast a call.
    pub fn new(
        synth: std::sync::Arc<dyn SpeechSynthesizer>,
        pool: PgPool,
        signing_secret: &str,
        public_base_url: &str,
        link_ttl: Duration,
    ) -> Self {
        Self {
            synth,
            pool,
            signer: LinkSigner::new(signing_secret, SPEECH_LINKS),
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
            link_ttl,
        }
    }

    /// A signed link to `text` spoken in `language` (in the agent's own voice `voice_id` when
    /// it has one for the language), synthesising it on a cache miss; `None` (say it with
    /// `<Say>`) when that fails.
    #[tracing::instrument(skip_all, fields(language = %language, chars = text.len()))]
    pub async fn audio_url(
        &self,
        language: Language,
        voice_id: Option<&str>,
        text: &str,
    ) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut voice = self.synth.voice(language);
        if let Some(id) = voice_id {
            voice.voice_id = id.to_owned();
        }
        let hash = voice.content_hash(text);
        let started = std::time::Instant::now();
        let cached = callwright_store::speech::cached(&self.pool, &hash).await;
        let result = match cached {
            Ok(true) => "hit",
            Ok(false) => match self.synth.synthesize(&voice, text).await {
                Ok(audio) => match self.store(&hash, &voice, text, &audio).await {
                    Ok(()) => "miss",
                    Err(err) => {
                        tracing::warn!(error = %err, "speech not cached; saying the line instead");
                        return None;
                    }
                },
                Err(err) => {
                    tracing::warn!(error = %err, "speech synthesis failed; saying the line instead");
                    metrics::counter!("callwright_tts_failures_total").increment(1);
                    return None;
                }
            },
            Err(err) => {
                tracing::warn!(error = %err, "speech cache unavailable; saying the line instead");
                return None;
            }
        };
        metrics::histogram!("callwright_tts_seconds", "cache" => result)
            .record(started.elapsed().as_secs_f64());
        Some(self.link(&hash))
    }

    /// Links for several lines at once (synthesised concurrently); lines that failed are left
    /// out.
    pub async fn audio_urls(
        &self,
        language: Language,
        voice_id: Option<&str>,
        texts: &[String],
    ) -> BTreeMap<String, String> {
        let found = futures::future::join_all(texts.iter().map(|text| async move {
            let url = self.audio_url(language, voice_id, text).await?;
            Some((text.trim().to_owned(), url))
        }))
        .await;
        found.into_iter().flatten().collect()
    }

    async fn store(
        &self,
        hash: &str,
        voice: &VoiceChoice,
        text: &str,
        audio: &[u8],
    ) -> Result<(), sqlx::Error> {
        callwright_store::speech::store(
            &self.pool,
            callwright_store::speech::NewAudio {
                hash,
                provider: voice.provider,
                voice_id: &voice.voice_id,
                model_id: &voice.model_id,
                format: voice.format,
                text,
                content_type: WAV_CONTENT_TYPE,
                audio,
            },
        )
        .await
    }

    fn link(&self, hash: &str) -> String {
        let ttl = i64::try_from(self.link_ttl.as_secs()).unwrap_or(i64::MAX / 2);
        let expires = Utc::now().timestamp().saturating_add(ttl);
        format!(
            "{}/tts/{hash}.wav?expires={expires}&signature={}",
            self.public_base_url,
            self.signer.sign(hash, expires)
        )
    }
}
