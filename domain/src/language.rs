//! Languages we converse in, and every provider code for each of them in one table.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the agent can hold a call in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// Hebrew (right-to-left).
    He,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Arabic (Modern Standard; right-to-left).
    Ar,
    /// Italian.
    It,
    /// Portuguese (Brazilian).
    Pt,
    /// Dutch.
    Nl,
    /// Russian.
    Ru,
    /// Polish.
    Pl,
    /// Turkish.
    Tr,
    /// Japanese.
    Ja,
    /// Hindi.
    Hi,
    /// Mandarin Chinese (simplified characters).
    Zh,
}

/// Provider codes for one language. One row per language; a test checks none is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageProfile {
    /// The language this row describes.
    pub language: Language,
    /// English name, used in the LLM system prompt.
    pub english_name: &'static str,
    /// BCP 47 tag spoken on the call.
    pub bcp47: &'static str,
    /// Twilio `<Gather language>`: the recogniser's code, which is not always the BCP 47 tag
    /// (Hebrew is `iw-IL` on Twilio's Google recognisers, Mandarin `cmn-Hans-CN`). No
    /// `speechModel` is set: Twilio then picks the speech-to-text provider and model for the
    /// language itself and fails over to another provider in an outage, which a fixed model
    /// per language would give up.
    pub twilio_gather: &'static str,
    /// Twilio `<Say voice>`: a Google voice Twilio offers for this language.
    pub twilio_voice: &'static str,
    /// Twilio `<Say language>`: the voice's own locale (`ar-XA`, `cmn-CN` for Google's voices).
    pub twilio_say: &'static str,
    /// Text direction for display.
    pub right_to_left: bool,
    /// ElevenLabs `model_id` for this language: `eleven_flash_v2_5` (lowest latency) where it
    /// covers the language; Hebrew needs `eleven_v3` (neither `eleven_flash_v2_5` nor
    /// `eleven_multilingual_v2` speaks it).
    pub elevenlabs_model: &'static str,
    /// Deepgram `language` for transcribing recordings with `nova-3`.
    pub deepgram_language: &'static str,
    /// How Twilio ConversationRelay recognises and speaks this language, when it does: `None`
    /// keeps the language on `<Gather>` whatever the agent asks (docs/voice-modes.md says why,
    /// with sources, per language).
    pub relay: Option<RelaySpeech>,
}

/// The speech providers of a ConversationRelay session in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelaySpeech {
    /// `transcriptionProvider`: `Deepgram` or `Google`.
    pub transcription_provider: &'static str,
    /// `speechModel` of that provider.
    pub speech_model: &'static str,
    /// `ttsProvider`: `ElevenLabs`, `Google` or `Amazon`.
    pub tts_provider: &'static str,
    /// `voice`, in the provider's naming; empty leaves Twilio's documented default voice for
    /// the language.
    pub voice: &'static str,
}

impl RelaySpeech {
    /// Deepgram nova-3 listens and ElevenLabs Flash v2.5 speaks: ConversationRelay's documented
    /// defaults, and both cover every language that has a relay row (docs/voice-modes.md).
    pub const DEEPGRAM_ELEVENLABS: RelaySpeech = RelaySpeech {
        transcription_provider: "Deepgram",
        speech_model: "nova-3-general",
        tts_provider: "ElevenLabs",
        voice: "",
    };
}

const RELAY_DEEPGRAM_ELEVENLABS: Option<RelaySpeech> = Some(RelaySpeech::DEEPGRAM_ELEVENLABS);

/// How a call speaks and listens.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum VoiceMode {
    /// `<Gather input="speech">` per turn and `<Say>`/`<Play>` for the agent: every language.
    #[default]
    Gather,
    /// Twilio ConversationRelay: Twilio recognises, speaks and detects barge-in, and the
    /// agent's words go over a WebSocket as they are written. Only where the language table
    /// has a relay row; elsewhere the call falls back to `gather`.
    Relay,
}

impl VoiceMode {
    /// Whether this is `gather` (the default, left out of serialised agents).
    pub fn is_gather(&self) -> bool {
        *self == VoiceMode::Gather
    }

    /// The mode a call in `language` gets when the agent asks for `self`.
    pub fn for_language(self, language: Language) -> VoiceMode {
        match self {
            VoiceMode::Relay if language.profile().relay.is_some() => VoiceMode::Relay,
            _ => VoiceMode::Gather,
        }
    }
}

const PROFILES: [LanguageProfile; 15] = [
    LanguageProfile {
        language: Language::En,
        english_name: "English",
        bcp47: "en-US",
        twilio_gather: "en-US",
        twilio_voice: "Google.en-US-Standard-C",
        twilio_say: "en-US",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "en-US",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::He,
        english_name: "Hebrew",
        bcp47: "he-IL",
        twilio_gather: "iw-IL",
        twilio_voice: "Google.he-IL-Standard-A",
        twilio_say: "he-IL",
        right_to_left: true,
        elevenlabs_model: "eleven_v3",
        deepgram_language: "he",
        relay: None,
    },
    LanguageProfile {
        language: Language::Fr,
        english_name: "French",
        bcp47: "fr-FR",
        twilio_gather: "fr-FR",
        twilio_voice: "Google.fr-FR-Standard-A",
        twilio_say: "fr-FR",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "fr",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::De,
        english_name: "German",
        bcp47: "de-DE",
        twilio_gather: "de-DE",
        twilio_voice: "Google.de-DE-Standard-A",
        twilio_say: "de-DE",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "de",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Es,
        english_name: "Spanish",
        bcp47: "es-ES",
        twilio_gather: "es-ES",
        twilio_voice: "Google.es-ES-Standard-A",
        twilio_say: "es-ES",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "es",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    // Arabic: Saudi recogniser; Google's only Arabic voices are `ar-XA` (Modern Standard).
    LanguageProfile {
        language: Language::Ar,
        english_name: "Arabic",
        bcp47: "ar-SA",
        twilio_gather: "ar-SA",
        twilio_voice: "Google.ar-XA-Standard-A",
        twilio_say: "ar-XA",
        right_to_left: true,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "ar",
        relay: None,
    },
    LanguageProfile {
        language: Language::It,
        english_name: "Italian",
        bcp47: "it-IT",
        twilio_gather: "it-IT",
        twilio_voice: "Google.it-IT-Standard-A",
        twilio_say: "it-IT",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "it",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    // Portuguese: Brazilian for every Portuguese-speaking country (Brazil has most callees).
    LanguageProfile {
        language: Language::Pt,
        english_name: "Brazilian Portuguese",
        bcp47: "pt-BR",
        twilio_gather: "pt-BR",
        twilio_voice: "Google.pt-BR-Standard-A",
        twilio_say: "pt-BR",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "pt-BR",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Nl,
        english_name: "Dutch",
        bcp47: "nl-NL",
        twilio_gather: "nl-NL",
        twilio_voice: "Google.nl-NL-Standard-A",
        twilio_say: "nl-NL",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "nl",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Ru,
        english_name: "Russian",
        bcp47: "ru-RU",
        twilio_gather: "ru-RU",
        twilio_voice: "Google.ru-RU-Standard-A",
        twilio_say: "ru-RU",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "ru",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Pl,
        english_name: "Polish",
        bcp47: "pl-PL",
        twilio_gather: "pl-PL",
        twilio_voice: "Google.pl-PL-Standard-A",
        twilio_say: "pl-PL",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "pl",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Tr,
        english_name: "Turkish",
        bcp47: "tr-TR",
        twilio_gather: "tr-TR",
        twilio_voice: "Google.tr-TR-Standard-A",
        twilio_say: "tr-TR",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "tr",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Ja,
        english_name: "Japanese",
        bcp47: "ja-JP",
        twilio_gather: "ja-JP",
        twilio_voice: "Google.ja-JP-Standard-A",
        twilio_say: "ja-JP",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "ja",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    LanguageProfile {
        language: Language::Hi,
        english_name: "Hindi",
        bcp47: "hi-IN",
        twilio_gather: "hi-IN",
        twilio_voice: "Google.hi-IN-Standard-A",
        twilio_say: "hi-IN",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "hi",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
    // Mandarin: Google's recogniser code and its `cmn-CN` voices.
    LanguageProfile {
        language: Language::Zh,
        english_name: "Mandarin Chinese (simplified characters)",
        bcp47: "zh-CN",
        twilio_gather: "cmn-Hans-CN",
        twilio_voice: "Google.cmn-CN-Standard-A",
        twilio_say: "cmn-CN",
        right_to_left: false,
        elevenlabs_model: "eleven_flash_v2_5",
        deepgram_language: "zh-CN",
        relay: RELAY_DEEPGRAM_ELEVENLABS,
    },
];

impl Language {
    /// Every supported language.
    pub const ALL: [Language; 15] = [
        Language::En,
        Language::He,
        Language::Fr,
        Language::De,
        Language::Es,
        Language::Ar,
        Language::It,
        Language::Pt,
        Language::Nl,
        Language::Ru,
        Language::Pl,
        Language::Tr,
        Language::Ja,
        Language::Hi,
        Language::Zh,
    ];

    /// The provider codes for this language.
    pub fn profile(self) -> &'static LanguageProfile {
        // The table is ordered like the enum; the unit test below keeps it so.
        &PROFILES[self as usize]
    }

    /// The short code (`en`, `he`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::He => "he",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Es => "es",
            Language::Ar => "ar",
            Language::It => "it",
            Language::Pt => "pt",
            Language::Nl => "nl",
            Language::Ru => "ru",
            Language::Pl => "pl",
            Language::Tr => "tr",
            Language::Ja => "ja",
            Language::Hi => "hi",
            Language::Zh => "zh",
        }
    }

    /// The language a callee with this number most likely speaks: where the country speaks
    /// several and the number is tied to a place, the language of that place (Quebec's area
    /// codes French, Geneva's and Lausanne's French, Ticino's Italian, see [`REGIONAL`]);
    /// otherwise the country's ([`Language::from_country_code`]).
    pub fn from_number(phone: &crate::E164) -> Language {
        let digits = phone.as_str().trim_start_matches('+');
        phone
            .is_geographic()
            .then(|| {
                REGIONAL
                    .iter()
                    .filter(|(prefix, _)| digits.starts_with(prefix))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .map(|&(_, language)| language)
            })
            .flatten()
            .unwrap_or_else(|| Language::from_country_code(phone.country_code()))
    }

    /// The language a callee with this country calling code most likely speaks. Countries
    /// with several languages get the one most callees there speak (Switzerland German,
    /// Belgium French, for Brussels, Kazakhstan and Belarus Russian); anything unmapped is
    /// English. [`Language::from_number`] refines it by area code.
    pub fn from_country_code(code: u16) -> Language {
        match code {
            972 => Language::He,
            33 | 32 | 352 | 377 => Language::Fr,
            49 | 41 | 43 | 423 => Language::De,
            34 | 52 | 54 | 56 | 57 | 51 | 58 => Language::Es,
            // Egypt, the Maghreb, Sudan, the Levant, Iraq and the Gulf.
            20 | 212 | 213 | 216 | 218 | 249 | 961..=968 | 970 | 971 | 973 | 974 => Language::Ar,
            39 | 378 => Language::It,
            // Brazil, Portugal, Angola, Mozambique, Cape Verde, Guinea-Bissau, São Tomé.
            55 | 351 | 244 | 258 | 238 | 245 | 239 => Language::Pt,
            // The Netherlands, Suriname, Aruba, Curaçao and the Caribbean Netherlands.
            31 | 597 | 297 | 599 => Language::Nl,
            7 | 375 => Language::Ru,
            48 => Language::Pl,
            90 => Language::Tr,
            81 => Language::Ja,
            91 => Language::Hi,
            // Mainland China, Taiwan, Hong Kong, Macau.
            86 | 886 | 852 | 853 => Language::Zh,
            _ => Language::En,
        }
    }
}

/// Area codes (E.164 digits) whose landlines speak another language than their country's
/// default: Quebec's in Canada, and the French- and Italian-speaking areas of Switzerland.
/// Only numbers tied to a place use it (a Swiss mobile may belong to anyone).
pub const REGIONAL: [(&str, Language); 19] = [
    // Quebec.
    ("1263", Language::Fr),
    ("1354", Language::Fr),
    ("1367", Language::Fr),
    ("1418", Language::Fr),
    ("1438", Language::Fr),
    ("1450", Language::Fr),
    ("1468", Language::Fr),
    ("1514", Language::Fr),
    ("1579", Language::Fr),
    ("1581", Language::Fr),
    ("1819", Language::Fr),
    ("1873", Language::Fr),
    // Lausanne, Geneva, Yverdon, Fribourg, Valais, Neuchâtel and the Jura.
    ("4121", Language::Fr),
    ("4122", Language::Fr),
    ("4124", Language::Fr),
    ("4126", Language::Fr),
    ("4127", Language::Fr),
    ("4132", Language::Fr),
    // Ticino.
    ("4191", Language::It),
];

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code we do not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported language '{0}' (supported: en, he, fr, de, es, ar, it, pt, nl, ru, pl, tr, ja, hi, zh)"
)]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| {
                l.code() == primary
                    || (primary == "iw" && *l == Language::He)
                    || (primary == "cmn" && *l == Language::Zh)
            })
            .ok_or_else(|| UnknownLanguage(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_row_is_complete_and_in_enum_order() {
        for lang in Language::ALL {
            let p = lang.profile();
            assert_eq!(p.language, lang);
            for field in [
                p.english_name,
                p.bcp47,
                p.twilio_gather,
                p.twilio_voice,
                p.twilio_say,
                p.elevenlabs_model,
                p.deepgram_language,
            ] {
                assert!(!field.is_empty(), "{lang}: empty provider code");
            }
            assert!(p.bcp47.starts_with(lang.code()));
            // ElevenLabs' flash and multilingual v2 models do not speak Hebrew; v3 does.
            if lang == Language::He {
                assert_eq!(p.elevenlabs_model, "eleven_v3");
            }
        }
    }

    #[test]
    fn codes_are_unique_and_round_trip_through_serde() {
        let codes: std::collections::BTreeSet<&str> =
            Language::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes.len(), Language::ALL.len());
        for lang in Language::ALL {
            let json = serde_json::to_string(&lang).unwrap();
            assert_eq!(json, format!("\"{}\"", lang.code()));
            assert_eq!(lang.code().parse::<Language>(), Ok(lang));
            assert!(
                UnknownLanguage("xx".into())
                    .to_string()
                    .contains(&format!(" {}", lang.code())),
                "{lang} missing from the error message"
            );
        }
    }

    #[test]
    fn hebrew_uses_twilio_legacy_code() {
        assert_eq!(Language::He.profile().twilio_gather, "iw-IL");
        assert!(Language::He.profile().right_to_left);
    }

    #[test]
    fn right_to_left_only_for_hebrew_and_arabic() {
        for lang in Language::ALL {
            assert_eq!(
                lang.profile().right_to_left,
                matches!(lang, Language::He | Language::Ar),
                "{lang}"
            );
        }
    }

    #[test]
    fn mandarin_uses_google_codes() {
        let p = Language::Zh.profile();
        assert_eq!((p.twilio_gather, p.twilio_say), ("cmn-Hans-CN", "cmn-CN"));
        assert!(p.twilio_voice.starts_with("Google.cmn-CN-"));
    }

    #[test]
    fn language_from_country_code() {
        assert_eq!(Language::from_country_code(972), Language::He);
        assert_eq!(Language::from_country_code(33), Language::Fr);
        assert_eq!(Language::from_country_code(49), Language::De);
        assert_eq!(Language::from_country_code(34), Language::Es);
        assert_eq!(Language::from_country_code(1), Language::En);
        assert_eq!(Language::from_country_code(44), Language::En);
        assert_eq!(Language::from_country_code(32), Language::Fr);
        assert_eq!(Language::from_country_code(41), Language::De);
        for (codes, lang) in [
            (&[20, 212, 961, 962, 966, 971, 974][..], Language::Ar),
            (&[39][..], Language::It),
            (&[55, 351][..], Language::Pt),
            (&[31][..], Language::Nl),
            (&[7, 375][..], Language::Ru),
            (&[48][..], Language::Pl),
            (&[90][..], Language::Tr),
            (&[81][..], Language::Ja),
            (&[91][..], Language::Hi),
            (&[86, 886, 852][..], Language::Zh),
        ] {
            for code in codes {
                assert_eq!(Language::from_country_code(*code), lang, "+{code}");
            }
        }
        // Every supported language is reachable from some country.
        for lang in Language::ALL {
            assert!(
                (1..=999).any(|c| Language::from_country_code(c) == lang),
                "{lang}"
            );
        }
    }

    #[test]
    fn landlines_take_their_regions_language_mobiles_their_countrys() {
        let of = |raw: &str| Language::from_number(&crate::E164::parse(raw, None).unwrap());
        assert_eq!(of("+15145550123"), Language::Fr); // Montreal
        assert_eq!(of("+14185550123"), Language::Fr); // Quebec City
        assert_eq!(of("+14165550123"), Language::En); // Toronto
        assert_eq!(of("+14155550123"), Language::En); // San Francisco
        assert_eq!(of("+41223456789"), Language::Fr); // Geneva
        assert_eq!(of("+41913456789"), Language::It); // Lugano
        assert_eq!(of("+41443456789"), Language::De); // Zurich
        assert_eq!(of("+41791234567"), Language::De); // a Swiss mobile
        assert_eq!(of("+33612345678"), Language::Fr);
    }

    #[test]
    fn parses_codes_and_tags() {
        assert_eq!("he-IL".parse::<Language>(), Ok(Language::He));
        assert_eq!("iw".parse::<Language>(), Ok(Language::He));
        assert_eq!("FR".parse::<Language>(), Ok(Language::Fr));
        assert_eq!("pt-PT".parse::<Language>(), Ok(Language::Pt));
        assert_eq!("cmn-Hans-CN".parse::<Language>(), Ok(Language::Zh));
        assert_eq!("zh_TW".parse::<Language>(), Ok(Language::Zh));
        assert!("xx".parse::<Language>().is_err());
    }
}
