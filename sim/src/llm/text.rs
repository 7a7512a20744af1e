//! Text normalisation and phrase matching for the scripted model: lowercase,
//! Latin diacritics folded (Polish and Turkish letters too), Arabic hamza
//! seats and vowel marks, Devanagari viramas and nuktas dropped, punctuation
//! turned into spaces.

/// Normalises `text` to ` word word ... ` (leading and trailing space kept so
/// whole-word matches can be checked with `contains(" word ")`).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.to_lowercase().chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => out.push('a'),
            'ç' | 'ć' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'ę' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => out.push('i'),
            'ñ' | 'ń' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ł' => out.push('l'),
            'ś' | 'ş' => out.push('s'),
            'ź' | 'ż' => out.push('z'),
            'ğ' => out.push('g'),
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ё' => out.push('е'),
            // Arabic: one alef for every hamza seat, one final ya.
            'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            c if is_dropped_mark(c) => {}
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

/// Marks that speech recognisers write inconsistently, dropped inside words:
/// Latin combining accents (Turkish `İ` lowercases to `i` and one of them),
/// Arabic vowel marks and tatweel, the Devanagari nukta and virama, kana
/// voicing marks.
fn is_dropped_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036f}'
            | '\u{0640}'
            | '\u{064b}'..='\u{065f}'
            | '\u{0670}'
            | '\u{093c}'
            | '\u{094d}'
            | '\u{3099}'
            | '\u{309a}'
    )
}

/// Scripts written with spaces whose words take endings (Cyrillic,
/// Devanagari): a phrase must start a word there but may end inside one.
fn word_start_script(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04ff}' | '\u{0900}'..='\u{097f}')
}

/// Where folded `text` last contains `phrase`:
/// - Latin-script phrases as whole words;
/// - Cyrillic and Devanagari phrases at the start of a word (`четверг`
///   matches `четверга`, `कल` does not match `विकल्प`);
/// - other scripts as plain substrings (Hebrew and Arabic attach prefixes,
///   Japanese and Chinese have no spaces).
pub fn rfind(text: &str, phrase: &str) -> Option<usize> {
    let folded = fold(phrase);
    let core = folded.trim();
    if core.is_empty() {
        return None;
    }
    if core.chars().all(|c| c.is_ascii() || !c.is_alphabetic()) {
        text.rfind(folded.as_str())
    } else if core
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(word_start_script)
    {
        text.rfind(&format!(" {core}"))
    } else {
        text.rfind(core)
    }
}

/// Whether folded `text` contains `phrase` (see [`rfind`] for how).
pub fn has(text: &str, phrase: &str) -> bool {
    rfind(text, phrase).is_some()
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
        assert_eq!(fold("Żaden z tych terminów"), " zaden z tych terminow ");
        assert_eq!(fold("İkinci seçenek, lütfen"), " ikinci secenek lutfen ");
        assert_eq!(fold("Başka bir gün"), " baska bir gun ");
        assert_eq!(fold("Ещё"), " еще ");
        assert_eq!(fold("غداً"), fold("غدا"));
        assert_eq!(fold("الأول"), " الاول ");
        assert_eq!(fold("फ़ोन"), fold("फोन"));
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

    #[test]
    fn matches_word_starts_in_cyrillic_and_devanagari_and_substrings_in_cjk() {
        assert!(has(&fold("Как насчёт четверга в 15:00?"), "четверг"));
        assert!(!has(&fold("Что именно?"), "кто"));
        assert!(has(&fold("कल शाम 5 बजे"), "कल"));
        assert!(!has(&fold("पहला विकल्प, कृपया।"), "कल"));
        assert!(has(&fold("明天下午5点再打给我吧。"), "明天"));
        assert!(has(&fold("ولا واحد من هذه المواعيد يناسبني"), "ولا واحد"));
        assert_eq!(rfind(&fold("not the first, the second"), "first"), Some(8));
    }
}
