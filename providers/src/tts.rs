//! Text to speech: the [`SpeechSynthesizer`] port and its ElevenLabs adapter, the cache key
//! of a synthesised line ([`VoiceChoice::content_hash`]) and the WAV container Twilio plays.
//! The cache and the signed links in front of them are the activities' `speech::Voice`.

use crate::error::{ProviderError, check_status};
use async_trait::async_trait;
use callwright_domain::Language;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
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
        let response = check_status("elevenlabs", response).await?;
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
