//! Text normalisation and phrase matching for the scripted model: lowercase,
//! Latin diacritics folded, punctuation turned into spaces.

/// Normalises `text` to ` word word ... ` (leading and trailing space kept so
/// whole-word matches can be checked with `contains(" word ")`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.to_lowercase().chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether folded `text` contains `phrase`: as whole words for Latin-script
/// phrases, as a plain substring for others (Hebrew attaches prefixes).
pub fn has(text: &str, phrase: &str) -> bool {
    let folded = fold(phrase);
    let core = folded.trim();
    if core.is_empty() {
        return false;
    }
    if core.chars().all(|c| c.is_ascii() || !c.is_alphabetic()) {
        text.contains(folded.as_str())
    } else {
        text.contains(core)
    }
}

/// Whether folded `text` contains any of `phrases`.
pub fn has_any(text: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has(text, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_punctuation() {
        assert_eq!(fold("Ça ne m'intéresse PAS!"), " ca ne m interesse pas ");
        assert_eq!(fold("¿Cuánto cuesta?"), " cuanto cuesta ");
        assert_eq!(fold("ב-3"), " ב 3 ");
    }

    #[test]
    fn matches_whole_words_and_hebrew_substrings() {
        let t = fold("Sí, me viene bien");
        assert!(has(&t, "si"));
        assert!(!has(&fold("this is it"), "si"));
        assert!(has(&fold("בבקשה הפסיקו להתקשר אליי"), "הפסיקו להתקשר"));
        assert!(has(&fold("ותמחקו את המספר"), "תמחקו את המספר"));
        assert!(has_any(&fold("Ne m’appelez plus"), &["ne m'appelez plus"]));
    }
}
