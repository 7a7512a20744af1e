//! A callee's answer to a qualification question, read by the question's type for the
//! post-call summary: the first number, yes or no in any supported language, the option
//! named, or the words themselves.

use serde_json::{Value, json};

use super::agent::AnswerKind;
use super::terms::unspaced;
use super::text::fold;

/// "Yes" in every supported language (folded).
const YES: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "sure",
    "of course",
    "correct",
    "indeed",
    "כן",
    "בטח",
    "oui",
    "bien sur",
    "ja",
    "genau",
    "si",
    "claro",
    "certo",
    "sim",
    "نعم",
    "اجل",
    "да",
    "конечно",
    "tak",
    "owszem",
    "evet",
    "はい",
    "ええ",
    "हाँ",
    "हां",
    "是",
    "对",
    "有",
    "当然",
];

/// "No" in every supported language (folded).
const NO: &[&str] = &[
    "no",
    "nope",
    "not",
    "don t",
    "לא",
    "non",
    "nein",
    "nee",
    "nao",
    "لا",
    "нет",
    "nie",
    "hayir",
    "yok",
    "いいえ",
    "いえ",
    "नहीं",
    "नही",
    "不",
    "没有",
    "否",
];

/// Where folded `text` first says `word`: as a whole word, or anywhere for Japanese and
/// Chinese.
fn position(text: &str, word: &str) -> Option<usize> {
    let folded = fold(word);
    let core = folded.trim();
    if core.is_empty() {
        return None;
    }
    if core.chars().any(unspaced) {
        text.find(core)
    } else {
        text.find(folded.as_str())
    }
}

fn first_of(text: &str, words: &[&str]) -> Option<usize> {
    words.iter().filter_map(|w| position(text, w)).min()
}

/// Yes or no, whichever the callee says first.
pub fn yes_no(said: &str) -> Option<bool> {
    let text = fold(said);
    match (first_of(&text, YES), first_of(&text, NO)) {
        (Some(yes), Some(no)) => Some(yes < no),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// The value of a decimal digit in any script the callees use (ASCII, Arabic-Indic, Persian,
/// Devanagari, full-width).
fn digit(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| {
        ['\u{0660}', '\u{06f0}', '\u{0966}', '\u{ff10}']
            .iter()
            .find_map(|zero| {
                let d = u32::from(c).checked_sub(u32::from(*zero))?;
                (d < 10).then_some(d)
            })
    })
}

/// The first number the callee says: "about 1,200" is 1200, "2.5" is 2.5.
pub fn number(said: &str) -> Option<f64> {
    let chars: Vec<char> = said.chars().collect();
    let start = chars.iter().position(|c| digit(*c).is_some())?;
    let mut value = String::new();
    if start > 0 && chars[start - 1] == '-' {
        value.push('-');
    }
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if let Some(d) = digit(c) {
            value.push(char::from_digit(d, 10).unwrap_or('0'));
            i += 1;
            continue;
        }
        let run = chars[i + 1..]
            .iter()
            .take_while(|c| digit(**c).is_some())
            .count();
        if matches!(c, '.' | ',') && run > 0 && !value.contains('.') {
            // Three digits after a separator are a thousands group, fewer or more a fraction.
            if run != 3 {
                value.push('.');
            }
            i += 1;
            continue;
        }
        break;
    }
    value.parse().ok()
}

/// The option the callee names (the first one said).
pub fn option<'a>(said: &str, options: &'a [String]) -> Option<&'a str> {
    let text = fold(said);
    options
        .iter()
        .filter_map(|o| position(&text, o).map(|p| (p, o.as_str())))
        .min_by_key(|(p, _)| *p)
        .map(|(_, o)| o)
}

/// The answer as the summary's `answers` schema types it, or `None` when it cannot be read.
pub fn read(kind: &AnswerKind, said: &str) -> Option<Value> {
    match kind {
        AnswerKind::Number => number(said).map(|n| {
            if n.fract() == 0.0 && n.abs() < 9e15 {
                json!(n as i64)
            } else {
                json!(n)
            }
        }),
        AnswerKind::YesNo => yes_no(said).map(Value::Bool),
        AnswerKind::OneOf(options) => option(said, options).map(|o| json!(o)),
        AnswerKind::Text => {
            let text = said.trim();
            (!text.is_empty()).then(|| json!(text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_several_writings() {
        assert_eq!(number("About 40."), Some(40.0));
        assert_eq!(number("Roughly 1,200 people"), Some(1200.0));
        assert_eq!(number("2.5 million"), Some(2.5));
        assert_eq!(number("Environ 3,75"), Some(3.75));
        assert_eq!(number("-4 degrees"), Some(-4.0));
        assert_eq!(number("حوالي ٤٠"), Some(40.0));
        assert_eq!(number("लगभग ४०।"), Some(40.0));
        assert_eq!(number("大约４０。"), Some(40.0));
        assert_eq!(number("none"), None);
        assert_eq!(read(&AnswerKind::Number, "About 40."), Some(json!(40)));
        assert_eq!(read(&AnswerKind::Number, "2.5"), Some(json!(2.5)));
    }

    #[test]
    fn yes_and_no_in_every_language() {
        let yes = [
            "Yes.",
            "כן.",
            "Oui.",
            "Ja.",
            "Sí.",
            "Sì.",
            "نعم.",
            "Sim.",
            "Ja.",
            "Да.",
            "Tak.",
            "Evet.",
            "はい。",
            "हाँ।",
            "是的。",
        ];
        let no = [
            "No.",
            "לא.",
            "Non.",
            "Nein.",
            "No.",
            "No.",
            "لا.",
            "Não.",
            "Nee.",
            "Нет.",
            "Nie.",
            "Hayır.",
            "いいえ。",
            "नहीं।",
            "不是。",
        ];
        for (y, n) in yes.iter().zip(no) {
            assert_eq!(yes_no(y), Some(true), "{y}");
            assert_eq!(yes_no(n), Some(false), "{n}");
        }
        assert_eq!(yes_no("I'm not sure"), Some(false));
        assert_eq!(yes_no("没有"), Some(false));
        assert_eq!(yes_no("Maybe"), None);
        assert_eq!(yes_no("Dalej"), None);
    }

    #[test]
    fn options_and_text() {
        let options = [
            "basic".to_owned(),
            "Pro".to_owned(),
            "enterprise".to_owned(),
        ];
        assert_eq!(
            option("We are on pro, maybe enterprise later", &options),
            Some("Pro")
        );
        assert_eq!(option("Professional", &options), None);
        let kanji = ["ベーシック".to_owned(), "プロ".to_owned()];
        assert_eq!(option("プロです。", &kanji), Some("プロ"));
        assert_eq!(
            read(&AnswerKind::Text, "  Mostly costs. "),
            Some(json!("Mostly costs."))
        );
        assert_eq!(read(&AnswerKind::Text, " "), None);
    }
}
