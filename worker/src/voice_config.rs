//! Settings of the voice providers: ElevenLabs text to speech and Deepgram speech to text.
//! Unset `ELEVENLABS_API_KEY` turns speech off (every line is spoken with Twilio's `<Say>`);
//! unset `DEEPGRAM_API_KEY` skips transcribing recordings (shown as `skipped`).

use callwright_domain::Language;
use callwright_providers::stt::DeepgramConfig;
use callwright_providers::tts::ElevenLabsConfig;
use callwright_runtime::settings::{ConfigError, number, var};
use secrecy::SecretString;
use std::collections::HashMap;
use std::time::Duration;

/// Text-to-speech settings.
#[derive(Debug, Clone)]
pub struct SpeechConfig {
    /// The ElevenLabs account and voices.
    pub elevenlabs: ElevenLabsConfig,
    /// How long a signed `<Play>` link works (it must outlast a call).
    pub link_ttl: Duration,
}

impl SpeechConfig {
    /// `None` when `ELEVENLABS_API_KEY` is unset; an error names a malformed variable.
    pub fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(key) = lookup("ELEVENLABS_API_KEY").filter(|v| !v.trim().is_empty()) else {
            return Ok(None);
        };
        let base_url = var(
            lookup,
            "ELEVENLABS_BASE_URL",
            Some("https://api.elevenlabs.io"),
        )?;
        url::Url::parse(&base_url).map_err(|e| {
            ConfigError(format!(
                "ELEVENLABS_BASE_URL '{base_url}' is not a URL: {e}"
            ))
        })?;
        let default_voice_id = var(lookup, "ELEVENLABS_VOICE_ID", None)?;
        let voices: HashMap<Language, String> = Language::ALL
            .into_iter()
            .filter_map(|lang| {
                let name = format!("ELEVENLABS_VOICE_ID_{}", lang.code().to_ascii_uppercase());
                lookup(&name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (lang, v))
            })
            .collect();
        let timeout_ms: u64 = number(lookup, "ELEVENLABS_TIMEOUT_MS", "2000")?;
        if timeout_ms == 0 {
            return Err(ConfigError("ELEVENLABS_TIMEOUT_MS must be above 0".into()));
        }
        Ok(Some(Self {
            elevenlabs: ElevenLabsConfig {
                base_url,
                api_key: SecretString::from(key),
                default_voice_id,
                voices,
                timeout: Duration::from_millis(timeout_ms),
            },
            link_ttl: Duration::from_secs(number(lookup, "TTS_LINK_TTL_SECS", "7200")?),
        }))
    }
}

/// Deepgram settings; `None` when `DEEPGRAM_API_KEY` is unset.
pub fn deepgram_from_lookup(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Option<DeepgramConfig>, ConfigError> {
    let Some(key) = lookup("DEEPGRAM_API_KEY").filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let base_url = var(
        lookup,
        "DEEPGRAM_BASE_URL",
        Some("https://api.deepgram.com"),
    )?;
    url::Url::parse(&base_url)
        .map_err(|e| ConfigError(format!("DEEPGRAM_BASE_URL '{base_url}' is not a URL: {e}")))?;
    Ok(Some(DeepgramConfig {
        base_url,
        api_key: SecretString::from(key),
        model: var(lookup, "DEEPGRAM_MODEL", Some("nova-3"))?,
        timeout: Duration::from_millis(number(lookup, "DEEPGRAM_TIMEOUT_MS", "120000")?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deepgram_is_off_without_a_key_and_defaults_to_nova_3() {
        assert!(deepgram_from_lookup(&|_: &str| None).unwrap().is_none());
        let lookup = |k: &str| (k == "DEEPGRAM_API_KEY").then(|| "dg".to_owned());
        let config = deepgram_from_lookup(&lookup).unwrap().unwrap();
        assert_eq!(config.model, "nova-3");
        assert_eq!(config.base_url, "https://api.deepgram.com");
        let bad = |k: &str| match k {
            "DEEPGRAM_API_KEY" => Some("dg".to_owned()),
            "DEEPGRAM_BASE_URL" => Some("not a url".to_owned()),
            _ => None,
        };
        assert!(
            deepgram_from_lookup(&bad)
                .unwrap_err()
                .to_string()
                .contains("DEEPGRAM_BASE_URL")
        );
    }

    #[test]
    fn off_without_a_key_and_per_language_voices_with_one() {
        assert!(
            SpeechConfig::from_lookup(&|_: &str| None)
                .unwrap()
                .is_none()
        );
        let lookup = |k: &str| match k {
            "ELEVENLABS_API_KEY" => Some("xi".to_owned()),
            "ELEVENLABS_VOICE_ID" => Some("default".to_owned()),
            "ELEVENLABS_VOICE_ID_HE" => Some("hebrew".to_owned()),
            _ => None,
        };
        let config = SpeechConfig::from_lookup(&lookup).unwrap().unwrap();
        assert_eq!(config.elevenlabs.base_url, "https://api.elevenlabs.io");
        assert_eq!(
            config
                .elevenlabs
                .voices
                .get(&Language::He)
                .map(String::as_str),
            Some("hebrew")
        );
        assert!(!config.elevenlabs.voices.contains_key(&Language::En));
        let missing_voice = |k: &str| (k == "ELEVENLABS_API_KEY").then(|| "xi".to_owned());
        assert!(
            SpeechConfig::from_lookup(&missing_voice)
                .unwrap_err()
                .to_string()
                .contains("ELEVENLABS_VOICE_ID")
        );
    }
}
