//! Languages we converse in, and every provider code for each of them in one table.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the agent can hold a call in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// Twilio `<Gather language>` (Hebrew is `iw-IL` on Twilio's Google recognisers).
    pub twilio_gather: &'static str,
    /// Twilio `<Say voice>`.
    pub twilio_voice: &'static str,
    /// Twilio `<Say language>`.
    pub twilio_say: &'static str,
    /// Text direction for display.
    pub right_to_left: bool,
}

const PROFILES: [LanguageProfile; 5] = [
    LanguageProfile {
        language: Language::En,
        english_name: "English",
        bcp47: "en-US",
        twilio_gather: "en-US",
        twilio_voice: "Google.en-US-Standard-C",
        twilio_say: "en-US",
        right_to_left: false,
    },
    LanguageProfile {
        language: Language::He,
        english_name: "Hebrew",
        bcp47: "he-IL",
        twilio_gather: "iw-IL",
        twilio_voice: "Google.he-IL-Standard-A",
        twilio_say: "he-IL",
        right_to_left: true,
    },
    LanguageProfile {
        language: Language::Fr,
        english_name: "French",
        bcp47: "fr-FR",
        twilio_gather: "fr-FR",
        twilio_voice: "Google.fr-FR-Standard-A",
        twilio_say: "fr-FR",
        right_to_left: false,
    },
    LanguageProfile {
        language: Language::De,
        english_name: "German",
        bcp47: "de-DE",
        twilio_gather: "de-DE",
        twilio_voice: "Google.de-DE-Standard-A",
        twilio_say: "de-DE",
        right_to_left: false,
    },
    LanguageProfile {
        language: Language::Es,
        english_name: "Spanish",
        bcp47: "es-ES",
        twilio_gather: "es-ES",
        twilio_voice: "Google.es-ES-Standard-A",
        twilio_say: "es-ES",
        right_to_left: false,
    },
];

impl Language {
    /// Every supported language.
    pub const ALL: [Language; 5] = [
        Language::En,
        Language::He,
        Language::Fr,
        Language::De,
        Language::Es,
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
        }
    }

    /// The language a callee with this country calling code most likely speaks.
    pub fn from_country_code(code: u16) -> Language {
        match code {
            972 => Language::He,
            33 | 32 | 41 | 352 | 377 => Language::Fr,
            49 | 43 | 423 => Language::De,
            34 | 52 | 54 | 56 | 57 | 51 | 58 => Language::Es,
            _ => Language::En,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code we do not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language '{0}' (supported: en, he, fr, de, es)")]
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
            .find(|l| l.code() == primary || (primary == "iw" && *l == Language::He))
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
            ] {
                assert!(!field.is_empty(), "{lang}: empty provider code");
            }
            assert!(p.bcp47.starts_with(lang.code()));
        }
    }

    #[test]
    fn hebrew_uses_twilio_legacy_code() {
        assert_eq!(Language::He.profile().twilio_gather, "iw-IL");
        assert!(Language::He.profile().right_to_left);
    }

    #[test]
    fn language_from_country_code() {
        assert_eq!(Language::from_country_code(972), Language::He);
        assert_eq!(Language::from_country_code(33), Language::Fr);
        assert_eq!(Language::from_country_code(49), Language::De);
        assert_eq!(Language::from_country_code(34), Language::Es);
        assert_eq!(Language::from_country_code(1), Language::En);
        assert_eq!(Language::from_country_code(81), Language::En);
    }

    #[test]
    fn parses_codes_and_tags() {
        assert_eq!("he-IL".parse::<Language>(), Ok(Language::He));
        assert_eq!("iw".parse::<Language>(), Ok(Language::He));
        assert_eq!("FR".parse::<Language>(), Ok(Language::Fr));
        assert!("xx".parse::<Language>().is_err());
    }
}
