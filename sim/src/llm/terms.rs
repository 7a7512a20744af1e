//! Terms of a text for lexical matching (knowledge passages) and hashed embeddings: folded
//! words (see [`fold`]), and for scripts written without spaces (Japanese, Chinese) character
//! bigrams, since their words have no boundaries to split on.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::text::fold;

/// Han and kana: written without spaces between words.
pub fn unspaced(c: char) -> bool {
    matches!(
        c,
        '\u{3040}'..='\u{30ff}'
            | '\u{3400}'..='\u{4dbf}'
            | '\u{4e00}'..='\u{9fff}'
            | '\u{f900}'..='\u{faff}'
            | '\u{ff66}'..='\u{ff9f}'
    )
}

fn hiragana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{309f}')
}

/// One piece of a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    /// A folded word of a spaced script.
    Word(String),
    /// Two consecutive characters of an unspaced run (one when the run is one long).
    Bigram(String),
}

/// The words and bigrams of `text`, in order.
pub fn terms(text: &str) -> Vec<Term> {
    let mut out = Vec::new();
    for token in fold(text).split_whitespace() {
        let chars: Vec<char> = token.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let cjk = unspaced(chars[start]);
            let end = chars[start..]
                .iter()
                .position(|c| unspaced(*c) != cjk)
                .map_or(chars.len(), |n| start + n);
            let run = &chars[start..end];
            if !cjk {
                out.push(Term::Word(run.iter().collect()));
            } else if run.len() == 1 {
                out.push(Term::Bigram(run.iter().collect()));
            } else {
                out.extend(run.windows(2).map(|w| Term::Bigram(w.iter().collect())));
            }
            start = end;
        }
    }
    out
}

/// Function words and question words that say nothing about a topic (folded), in every
/// supported language. Words under three letters are dropped anyway.
const STOPWORDS: &[&str] = &[
    // English
    "the",
    "and",
    "for",
    "are",
    "you",
    "your",
    "our",
    "what",
    "how",
    "does",
    "did",
    "with",
    "that",
    "this",
    "can",
    "have",
    "has",
    "was",
    "will",
    "would",
    "there",
    "they",
    "them",
    "which",
    "who",
    "why",
    "when",
    "where",
    "about",
    "from",
    "any",
    "all",
    "not",
    "but",
    "much",
    "many",
    "tell",
    "please",
    "could",
    "should",
    "its",
    "get",
    "some",
    "there",
    "here",
    "know",
    "want",
    // French
    "les",
    "des",
    "est",
    "que",
    "qui",
    "quoi",
    "pour",
    "avec",
    "vous",
    "votre",
    "vos",
    "nous",
    "notre",
    "une",
    "dans",
    "sur",
    "pas",
    "combien",
    "comment",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "ont",
    "sont",
    "avez",
    "faire",
    // German
    "der",
    "die",
    "das",
    "und",
    "ist",
    "sind",
    "sie",
    "ihr",
    "ihre",
    "ihren",
    "ihrer",
    "wir",
    "unser",
    "was",
    "wie",
    "wer",
    "warum",
    "mit",
    "fur",
    "ein",
    "eine",
    "einen",
    "den",
    "dem",
    "des",
    "von",
    "auf",
    "gibt",
    "haben",
    "hat",
    "viel",
    "viele",
    "welche",
    "welcher",
    "welches",
    // Spanish
    "los",
    "las",
    "del",
    "cual",
    "como",
    "cuanto",
    "cuanta",
    "cuantos",
    "cuantas",
    "para",
    "con",
    "uno",
    "por",
    "sus",
    "usted",
    "ustedes",
    "tiene",
    "tienen",
    "hay",
    "son",
    // Italian
    "che",
    "cosa",
    "come",
    "quanto",
    "quanti",
    "quante",
    "quale",
    "per",
    "della",
    "delle",
    "dei",
    "gli",
    "sono",
    "avete",
    "voi",
    "vostra",
    "vostro",
    // Portuguese
    "qual",
    "quantos",
    "quantas",
    "com",
    "uma",
    "dos",
    "das",
    "voce",
    "voces",
    "sua",
    "seu",
    "tem",
    "sao",
    // Dutch
    "het",
    "een",
    "wat",
    "hoe",
    "wie",
    "welke",
    "waarom",
    "voor",
    "met",
    "van",
    "zijn",
    "uw",
    "jullie",
    "heeft",
    "hebben",
    "dat",
    "ook",
    "hoeveel",
    // Russian
    "что",
    "как",
    "кто",
    "это",
    "для",
    "или",
    "вас",
    "ваш",
    "ваша",
    "ваши",
    "есть",
    "сколько",
    "какой",
    "какая",
    "какие",
    "почему",
    // Polish
    "jak",
    "jaki",
    "jaka",
    "czy",
    "dla",
    "jest",
    "sie",
    "oraz",
    "ile",
    "pan",
    "pani",
    "panstwa",
    // Turkish
    "bir",
    "nasil",
    "kadar",
    "icin",
    "var",
    "musunuz",
    "misiniz",
    "siz",
    "sizin",
    // Hebrew
    "האם",
    "איך",
    "למה",
    "כמה",
    "אתם",
    "שלכם",
    "זאת",
    // Arabic
    "ماذا",
    "كيف",
    "لماذا",
    "هذا",
    "هذه",
    "التي",
    "الذي",
    "لديكم",
    "لدي",
    // Hindi
    "क्या",
    "कैसे",
    "कितना",
    "कितनी",
    "कितने",
    "आप",
    "आपकी",
    "आपके",
    "आपका",
    "में",
    "और",
    "यह",
    "हैं",
    "होते",
    "होता",
    "होती",
    "करते",
    "करता",
    "करती",
    "लिए",
];

/// Bigrams of Chinese question and function words.
const STOP_BIGRAMS: &[&str] = &[
    "什么", "多少", "怎么", "你们", "我们", "是否", "请问", "一下", "吗？", "是多", "少钱",
];

fn stopwords() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        STOPWORDS
            .iter()
            .map(|w| fold(w).trim().to_owned())
            .collect()
    })
}

/// The terms of `text` that can carry its topic: words of three letters or more that are
/// not function words, numbers, and bigrams that are not all hiragana (Japanese particles
/// and endings) or Chinese question words.
pub fn content_terms(text: &str) -> Vec<Term> {
    terms(text)
        .into_iter()
        .filter(|term| match term {
            Term::Word(w) => {
                (w.chars().count() >= 3 || w.chars().all(|c| c.is_numeric()))
                    && !stopwords().contains(w)
            }
            Term::Bigram(b) => !b.chars().all(hiragana) && !STOP_BIGRAMS.contains(&b.as_str()),
        })
        .collect()
}

/// The word without a leading Hebrew one-letter prefix or Arabic article, when what is left
/// is still a word (those languages write them attached: "האחריות", "الضمان").
fn without_clitic(word: &str) -> &str {
    for article in ["وال", "بال", "لل", "ال"] {
        if let Some(rest) = word.strip_prefix(article)
            && rest.chars().count() >= 3
        {
            return rest;
        }
    }
    let mut chars = word.chars();
    match chars.next() {
        Some('ה' | 'ו' | 'ב' | 'ל' | 'מ' | 'ש' | 'כ') if chars.clone().count() >= 3 => {
            chars.as_str()
        }
        _ => word,
    }
}

/// Whether two words are forms of one another: equal, or sharing a prefix of at least four
/// letters covering three quarters of the shorter ("cost"/"costs", "price"/"pricing",
/// "гарантия"/"гарантию"), after dropping attached articles.
pub fn similar(a: &str, b: &str) -> bool {
    let close = |a: &str, b: &str| {
        if a == b {
            return true;
        }
        let shorter = a.chars().count().min(b.chars().count());
        let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        common >= 4 && common * 4 >= shorter * 3
    };
    close(a, b) || close(without_clitic(a), without_clitic(b))
}

/// Whether `term` (from a question) is found among `terms` (of a passage).
pub fn found_in(term: &Term, terms: &[Term]) -> bool {
    terms.iter().any(|t| match (term, t) {
        (Term::Word(a), Term::Word(b)) => similar(a, b),
        (Term::Bigram(a), Term::Bigram(b)) => a == b,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        content_terms(text)
            .into_iter()
            .map(|t| match t {
                Term::Word(w) | Term::Bigram(w) => w,
            })
            .collect()
    }

    #[test]
    fn splits_words_and_bigrams() {
        assert_eq!(
            terms("Écrivez-nous!"),
            vec![Term::Word("ecrivez".into()), Term::Word("nous".into())]
        );
        assert_eq!(
            terms("保修期多长"),
            ["保修", "修期", "期多", "多长"]
                .map(|b| Term::Bigram(b.into()))
                .to_vec()
        );
        assert_eq!(
            terms("御社はAIを"),
            vec![
                Term::Bigram("御社".into()),
                Term::Bigram("社は".into()),
                Term::Word("ai".into()),
                Term::Bigram("を".into()),
            ]
        );
        assert_eq!(words("What is the warranty?"), ["warranty"]);
        assert_eq!(words("保証はありますか？"), ["保証", "証は"]);
        assert_eq!(words("It lasts 25 years"), ["lasts", "25", "years"]);
    }

    #[test]
    fn forms_of_a_word_are_similar() {
        assert!(similar("cost", "costs"));
        assert!(similar("price", "pricing"));
        assert!(similar("гарантия", "гарантию"));
        assert!(similar("האחריות", "אחריות"));
        assert!(similar("الضمان", "ضمان"));
        assert!(!similar("install", "instant"));
        assert!(!similar("cat", "car"));
    }
}
