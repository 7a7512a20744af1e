//! The keyword safety net under the LLM: an opt-out said in any supported language ends the
//! call even if the model misses it.

/// Phrases that mean "never call me again", lowercase, per language.
const OPT_OUT_PHRASES: &[&str] = &[
    // English
    "stop calling",
    "don't call me",
    "do not call me",
    "remove my number",
    "take me off your list",
    "take me off the list",
    "put me on your do not call",
    // Hebrew
    "תפסיקו להתקשר",
    "הפסיקו להתקשר",
    "אל תתקשרו",
    "תורידו אותי",
    "תמחקו את המספר",
    "הסירו את המספר",
    // French
    "arrêtez de m'appeler",
    "ne m'appelez plus",
    "retirez mon numéro",
    "supprimez mon numéro",
    // German
    "hören sie auf, mich anzurufen",
    "hören sie auf mich anzurufen",
    "rufen sie mich nicht mehr an",
    "löschen sie meine nummer",
    "entfernen sie meine nummer",
    // Spanish
    "dejen de llamarme",
    "deje de llamarme",
    "no me llamen más",
    "no me llame más",
    "borren mi número",
    "eliminen mi número",
];

/// True when `speech` contains an opt-out request in any supported language.
pub fn is_opt_out_request(speech: &str) -> bool {
    let text = speech.to_lowercase().replace('’', "'");
    OPT_OUT_PHRASES.iter().any(|p| text.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_opt_outs_in_every_language() {
        for s in [
            "Please STOP calling me and remove my number from your list.",
            "בבקשה תפסיקו להתקשר אליי",
            "Ne m’appelez plus, s'il vous plaît",
            "Bitte rufen Sie mich nicht mehr an.",
            "Por favor, dejen de llamarme.",
        ] {
            assert!(is_opt_out_request(s), "{s}");
        }
    }

    #[test]
    fn ordinary_speech_is_not_an_opt_out() {
        for s in [
            "Yes, call me on Thursday",
            "I'm not interested",
            "Rufen Sie mich morgen an",
            "מה זה?",
        ] {
            assert!(!is_opt_out_request(s), "{s}");
        }
    }
}
