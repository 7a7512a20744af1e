//! Text to speech: the [`SpeechSynthesizer`] port, its ElevenLabs adapter, and [`Voice`],
//! which puts a content-addressed Postgres cache and signed links in front of it.
//!
//! A line the agent says is synthesised once per (provider, voice, model, format, text): the
//! audio is stored in `tts_audio` under the SHA-256 of those five, which every API and worker
//! replica shares, and the API serves it at `/tts/{hash}.wav` behind a signed, expiring link
//! (see [`crate::links`]) that Twilio fetches for `<Play>`. Anything that goes wrong (no
//! configuration, a provider error or timeout, a database error) gives no audio, and the
//! conversation says the line with `<Say>` instead: speech is an improvement, never a reason
//! for the callee to hear silence.

use crate::error::{ProviderError, retry_after};
use crate::links::{LinkSigner, SPEECH_LINKS};
use async_trait::async_trait;
use callwright_domain::Language;
use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// The audio format we ask for: 8 kHz μ-law, the phone network's own encoding, so Twilio
/// plays it without resampling.
pub const ULAW_8000: &str = "ulaw_8000";
/// What `/tts/{hash}.wav` answers with: the μ-law samples in a WAV container, one of the
/// content types Twilio's `<Play>` accepts.
pub const WAV_CONTENT_TYPE: &str = "audio/x-wav";

/// Which voice says a language's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceChoice {
    /// Provider name, part of the cache key (`elevenlabs`).
    pub provider: &'static str,
    /// Provider voice id.
    pub voice_id: String,
    /// Provider model id.
    pub model_id: String,
    /// Provider output format.
    pub format: &'static str,
}

impl VoiceChoice {
    /// The cache key of `text` in this voice: hex SHA-256 over every field and the text.
    pub fn content_hash(&self, text: &str) -> String {
        let mut hash = Sha256::new();
        for part in [
            self.provider,
            &self.voice_id,
            &self.model_id,
            self.format,
            text,
        ] {
            hash.update(part.as_bytes());
            hash.update([0u8]);
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Turns text into phone audio.
#[async_trait]
pub trait SpeechSynthesizer: Send + Sync {
    /// The voice that speaks `language`.
    fn voice(&self, language: Language) -> VoiceChoice;
    /// Synthesises `text` in `voice`; returns a playable WAV file.
    async fn synthesize(&self, voice: &VoiceChoice, text: &str) -> Result<Vec<u8>, ProviderError>;
}

/// ElevenLabs credentials, endpoint and voices.
#[derive(Debug, Clone)]
pub struct ElevenLabsConfig {
    /// `https://api.elevenlabs.io` in production.
    pub base_url: String,
    /// `xi-api-key`.
    pub api_key: SecretString,
    /// Voice for languages without their own.
    pub default_voice_id: String,
    /// Per-language voices (`ELEVENLABS_VOICE_ID_HE`, ...).
    pub voices: HashMap<Language, String>,
    /// Per request: a person is waiting on the line.
    pub timeout: Duration,
}

/// ElevenLabs text-to-speech adapter (`POST /v1/text-to-speech/{voice_id}`).
pub struct ElevenLabs {
    http: reqwest::Client,
    config: ElevenLabsConfig,
}

impl ElevenLabs {
    /// A client with the configured timeout.
    pub fn new(config: ElevenLabsConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(2))
            .build()?;
        Ok(Self { http, config })
    }
}

#[async_trait]
impl SpeechSynthesizer for ElevenLabs {
    fn voice(&self, language: Language) -> VoiceChoice {
        VoiceChoice {
            provider: "elevenlabs",
            voice_id: self
                .config
                .voices
                .get(&language)
                .unwrap_or(&self.config.default_voice_id)
                .clone(),
            model_id: language.profile().elevenlabs_model.to_owned(),
            format: ULAW_8000,
        }
    }

    async fn synthesize(&self, voice: &VoiceChoice, text: &str) -> Result<Vec<u8>, ProviderError> {
        let url = format!(
            "{}/v1/text-to-speech/{}",
            self.config.base_url.trim_end_matches('/'),
            voice.voice_id
        );
        let response = self
            .http
            .post(url)
            .query(&[("output_format", voice.format)])
            .header("xi-api-key", self.config.api_key.expose_secret())
            .json(&serde_json::json!({ "text": text, "model_id": voice.model_id }))
            .send()
            .await
            .map_err(|e| ProviderError::transport("elevenlabs", &e))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let wait = retry_after(response.headers());
            let body = response.text().await.unwrap_or_default();
            return Err(ProviderError::from_status(
                "elevenlabs",
                status,
                wait,
                &body,
            ));
        }
        let raw = response
            .bytes()
            .await
            .map_err(|e| ProviderError::transport("elevenlabs", &e))?;
        if raw.is_empty() {
            return Err(ProviderError::protocol("elevenlabs", "empty audio"));
        }
        Ok(ulaw_wav(&raw))
    }
}

/// Wraps raw 8 kHz mono μ-law samples in a WAV container (format tag 7, with the `fact`
/// chunk non-PCM WAV files carry).
pub fn ulaw_wav(samples: &[u8]) -> Vec<u8> {
    let len = u32::try_from(samples.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(58 + samples.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(50u32.saturating_add(len)).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&18u32.to_le_bytes());
    out.extend_from_slice(&7u16.to_le_bytes()); // WAVE_FORMAT_MULAW
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&8_000u32.to_le_bytes()); // sample rate
    out.extend_from_slice(&8_000u32.to_le_bytes()); // byte rate
    out.extend_from_slice(&1u16.to_le_bytes()); // block align
    out.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(&0u16.to_le_bytes()); // no extension
    out.extend_from_slice(b"fact");
    out.extend_from_slice(&4u32.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(samples);
    out
}

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
        let cached = sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM tts_audio WHERE hash = $1)",
        )
        .bind(&hash)
        .fetch_one(&self.pool)
        .await;
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
        sqlx::query(
            "INSERT INTO tts_audio (hash, provider, voice_id, model_id, format, text, content_type, audio)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash)
        .bind(voice.provider)
        .bind(&voice.voice_id)
        .bind(&voice.model_id)
        .bind(voice.format)
        .bind(text)
        .bind(WAV_CONTENT_TYPE)
        .bind(audio)
        .execute(&self.pool)
        .await
        .map(|_| ())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_key_covers_voice_model_format_and_text() {
        let voice = VoiceChoice {
            provider: "elevenlabs",
            voice_id: "v1".into(),
            model_id: "eleven_v3".into(),
            format: ULAW_8000,
        };
        let hash = voice.content_hash("shalom");
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, voice.content_hash("shalom"));
        assert_ne!(hash, voice.content_hash("shalom!"));
        let other_model = VoiceChoice {
            model_id: "eleven_flash_v2_5".into(),
            ..voice.clone()
        };
        assert_ne!(hash, other_model.content_hash("shalom"));
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        let a = VoiceChoice {
            voice_id: "ab".into(),
            model_id: "c".into(),
            ..voice.clone()
        };
        let b = VoiceChoice {
            voice_id: "a".into(),
            model_id: "bc".into(),
            ..voice
        };
        assert_ne!(a.content_hash("x"), b.content_hash("x"));
    }

    #[test]
    fn wraps_ulaw_in_a_consistent_wav() {
        let wav = ulaw_wav(&[0xff; 100]);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..12], b"WAVE");
        assert_eq!(wav.len(), 58 + 100);
        let riff_len = u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]);
        assert_eq!(riff_len as usize, wav.len() - 8);
        assert_eq!(u16::from_le_bytes([wav[20], wav[21]]), 7);
        assert_eq!(&wav[50..54], b"data");
    }
}
