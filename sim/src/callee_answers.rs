//! How a scripted callee answers an agent's question it has no other cue for (a
//! qualification question), as a person would from what is asked: one of the options the
//! line lists, a number when asked how many, yes or no to a yes/no question, else a few words.
//! Every choice is deterministic per callee (`seed`, from the dialled number).

use crate::llm::terms::unspaced;
use crate::llm::text::fold;
use crate::phrases::Lang;
use crate::texts::{fill, texts};

/// What kind of answer a question wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// One of these options.
    Options(Vec<String>),
    /// A number ("how many", "combien", "何人", ...).
    HowMany,
    /// Yes or no.
    YesNo,
    /// A few words.
    Open,
}

/// "Or" as the agents list options: "(a, b or c)", "(a, b ou c)", "（a、bまたはc）".
const OR: &[&str] = &[
    " or ",
    " או ",
    " ou ",
    " oder ",
    " o ",
    " أو ",
    " of ",
    " или ",
    " lub ",
    " veya ",
    "、または",
    "または",
    " या ",
    "或者",
    "或",
];

/// Splits "a, b or c" into its options (at least two).
fn split_options(list: &str) -> Option<Vec<String>> {
    let mut list = list.to_owned();
    for or in OR {
        list = list.replace(or, ",");
    }
    let options: Vec<String> = list
        .split([',', '،', '、'])
        .map(|o| o.trim().to_owned())
        .filter(|o| !o.is_empty())
        .collect();
    (options.len() >= 2).then_some(options)
}

/// The options a question lists: in its last brackets, else after its last colon when an
/// "or" joins them.
pub fn options(question: &str) -> Option<Vec<String>> {
    if let Some(open) = question.rfind(['(', '（']) {
        let inner = &question[open..];
        let inner = &inner[inner.chars().next().map_or(1, char::len_utf8)..];
        if let Some(close) = inner.find([')', '）']) {
            return split_options(&inner[..close]);
        }
    }
    let colon = question.rfind([':', '：'])?;
    let tail = question[colon..]
        .trim_start_matches([':', '：'])
        .trim_end_matches(['?', '？', '؟', ' ']);
    OR.iter()
        .any(|or| tail.contains(or))
        .then(|| split_options(tail))
        .flatten()
}

/// "How many / how much" in every supported language (folded).
const HOW_MANY: &[&str] = &[
    "how many",
    "how much",
    "combien",
    "wie viele",
    "wie viel",
    "cuantos",
    "cuantas",
    "cuanto",
    "cuanta",
    "quanti",
    "quante",
    "quanto",
    "quantos",
    "quantas",
    "hoeveel",
    "сколько",
    "ile",
    "kac",
    "何人",
    "いくつ",
    "どのくらい",
    "何件",
    "何台",
    "कितने",
    "कितनी",
    "कितना",
    "多少",
    "几",
    "כמה",
    "كم",
];

/// Question words opening a question that wants words, not yes or no (folded).
const WH_FIRST: &[&str] = &[
    "what",
    "which",
    "why",
    "where",
    "when",
    "who",
    "how",
    "מה",
    "מי",
    "איך",
    "למה",
    "איפה",
    "מתי",
    "איזה",
    "איזו",
    "אילו",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "quoi",
    "pourquoi",
    "quand",
    "comment",
    "qui",
    "qu",
    "was",
    "welche",
    "welcher",
    "welches",
    "warum",
    "wo",
    "wann",
    "wer",
    "wie",
    "que",
    "cual",
    "cuales",
    "como",
    "donde",
    "cuando",
    "quien",
    "por",
    "qual",
    "quali",
    "cosa",
    "che",
    "come",
    "perche",
    "dove",
    "quando",
    "chi",
    "quais",
    "onde",
    "wat",
    "welke",
    "waarom",
    "waar",
    "wanneer",
    "hoe",
    "ما",
    "ماذا",
    "كيف",
    "لماذا",
    "اين",
    "متى",
    "اي",
    "что",
    "какой",
    "какая",
    "какое",
    "какие",
    "почему",
    "где",
    "когда",
    "кто",
    "как",
    "co",
    "jaki",
    "jaka",
    "jakie",
    "dlaczego",
    "gdzie",
    "kiedy",
    "kto",
    "jak",
    "którą",
    "ktora",
];

/// Question words anywhere in languages that put them late (folded; Turkish and Hindi as
/// words, Japanese and Chinese anywhere).
const WH_ANYWHERE: &[&str] = &[
    "ne",
    "nedir",
    "neden",
    "nasil",
    "hangi",
    "kim",
    "nerede",
    "कौन",
    "क्यों",
    "कहाँ",
    "कब",
    "कैसे",
    "何",
    "どう",
    "どの",
    "どこ",
    "いつ",
    "誰",
    "なぜ",
    "どれ",
    "どんな",
    "什么",
    "哪",
    "为什么",
    "怎么",
    "谁",
];

/// Whether folded `text` says `word`: whole words, or anywhere for Japanese and Chinese.
fn says(text: &str, word: &str) -> bool {
    let folded = fold(word);
    let core = folded.trim();
    !core.is_empty()
        && if core.chars().any(unspaced) {
            text.contains(core)
        } else {
            text.contains(folded.as_str())
        }
}

/// What `question` asks for.
pub fn asked(question: &str) -> Asked {
    if let Some(options) = options(question) {
        return Asked::Options(options);
    }
    let text = fold(question);
    if HOW_MANY.iter().any(|w| says(&text, w)) {
        return Asked::HowMany;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let opens_with_wh = words.iter().take(2).enumerate().any(|(i, w)| {
        // German "was" is "what"; English "was it / was your ..." asks yes or no.
        let english_was = *w == "was"
            && words.get(i + 1).is_some_and(|next| {
                [
                    "it", "your", "the", "there", "that", "this", "he", "she", "you",
                ]
                .contains(next)
            });
        !english_was && WH_FIRST.iter().any(|wh| fold(wh).trim() == *w)
    });
    // Hindi "क्या" opens a yes/no question but means "what" anywhere else.
    let hindi_what = words.iter().skip(1).any(|w| *w == fold("क्या").trim());
    if opens_with_wh || hindi_what || WH_ANYWHERE.iter().any(|w| says(&text, w)) {
        Asked::Open
    } else {
        Asked::YesNo
    }
}

/// A short answer as a sentence of `lang`.
fn sentence(lang: Lang, words: &str) -> String {
    fill(&texts(lang).writing.sentence, &[("words", words)])
}

/// The number a callee gives: above 24, so it is never taken for an hour.
pub fn number_for(seed: u32) -> u32 {
    25 + 5 * (seed % 40)
}

/// The callee's answer to `question`, in `lang`.
pub fn answer(question: &str, lang: Lang, seed: u32) -> String {
    let callee = &texts(lang).callee;
    match asked(question) {
        Asked::Options(options) => {
            let index = usize::try_from(seed).unwrap_or(0) % options.len();
            sentence(lang, &options[index])
        }
        Asked::HowMany => fill(
            &callee.about_number,
            &[("number", &number_for(seed).to_string())],
        ),
        Asked::YesNo if seed.is_multiple_of(2) => callee.yes.clone(),
        Asked::YesNo => callee.no.clone(),
        Asked::Open => callee.open_answer.clone(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Per language: a how-many, a yes/no, a choice (with the options as the scripted model
    /// lists them) and an open question.
    pub(crate) const QUESTIONS: [(Lang, [&str; 4]); crate::phrases::LANGS] = [
        (
            Lang::En,
            [
                "How many people work at your company?",
                "Do you own the building you work in?",
                "Which plan are you on today? (basic, pro or enterprise)",
                "What is your biggest challenge with energy today?",
            ],
        ),
        (
            Lang::He,
            [
                "כמה אנשים עובדים בחברה שלכם?",
                "האם הבניין שבו אתם עובדים בבעלותכם?",
                "באיזו תוכנית אתם היום? (בסיסית, מקצועית או ארגונית)",
                "מה האתגר הגדול ביותר שלכם עם אנרגיה?",
            ],
        ),
        (
            Lang::Fr,
            [
                "Combien de personnes travaillent dans votre entreprise ?",
                "Êtes-vous propriétaire de vos locaux ?",
                "Quelle formule avez-vous aujourd'hui ? (basique, pro ou entreprise)",
                "Quel est votre plus grand défi avec l'énergie ?",
            ],
        ),
        (
            Lang::De,
            [
                "Wie viele Mitarbeiter hat Ihre Firma?",
                "Gehört Ihnen das Gebäude, in dem Sie arbeiten?",
                "Welchen Tarif haben Sie heute? (Basis, Pro oder Enterprise)",
                "Was ist Ihre größte Herausforderung bei Energie?",
            ],
        ),
        (
            Lang::Es,
            [
                "¿Cuántas personas trabajan en su empresa?",
                "¿Es usted propietario del edificio?",
                "¿Qué plan tiene hoy? (básico, pro o empresa)",
                "¿Cuál es su mayor reto con la energía?",
            ],
        ),
        (
            Lang::It,
            [
                "Quante persone lavorano nella sua azienda?",
                "L'edificio in cui lavorate è di vostra proprietà?",
                "Che piano avete oggi? (base, pro o enterprise)",
                "Qual è la vostra sfida più grande con l'energia?",
            ],
        ),
        (
            Lang::Ar,
            [
                "كم عدد الموظفين في شركتكم؟",
                "هل تملكون المبنى الذي تعملون فيه؟",
                "ما هي خطتكم الحالية؟ (أساسية، احترافية أو مؤسسية)",
                "ما هو أكبر تحد لديكم في مجال الطاقة؟",
            ],
        ),
        (
            Lang::Pt,
            [
                "Quantas pessoas trabalham na sua empresa?",
                "O prédio onde vocês trabalham é próprio?",
                "Qual plano vocês têm hoje? (básico, pro ou empresarial)",
                "Qual é o seu maior desafio com energia?",
            ],
        ),
        (
            Lang::Nl,
            [
                "Hoeveel mensen werken er bij uw bedrijf?",
                "Bent u eigenaar van het pand?",
                "Welk abonnement heeft u nu? (basis, pro of enterprise)",
                "Wat is uw grootste uitdaging met energie?",
            ],
        ),
        (
            Lang::Ru,
            [
                "Сколько человек работает в вашей компании?",
                "Здание, в котором вы работаете, принадлежит вам?",
                "Какой у вас сейчас тариф? (базовый, про или корпоративный)",
                "Какая у вас самая большая проблема с энергией?",
            ],
        ),
        (
            Lang::Pl,
            [
                "Ile osób pracuje w Państwa firmie?",
                "Czy budynek, w którym Państwo pracują, jest Państwa własnością?",
                "Jaki macie dziś plan? (podstawowy, pro lub firmowy)",
                "Jakie jest Państwa największe wyzwanie związane z energią?",
            ],
        ),
        (
            Lang::Tr,
            [
                "Şirketinizde kaç kişi çalışıyor?",
                "Çalıştığınız binanın sahibi misiniz?",
                "Bugün hangi paketi kullanıyorsunuz? (temel, pro veya kurumsal)",
                "Enerjiyle ilgili en büyük zorluğunuz nedir?",
            ],
        ),
        (
            Lang::Ja,
            [
                "御社には何人の社員がいますか？",
                "お仕事をされている建物は自社所有ですか？",
                "現在のプランはどれですか？（ベーシック、プロ、またはエンタープライズ）",
                "エネルギーに関する一番の課題は何ですか？",
            ],
        ),
        (
            Lang::Hi,
            [
                "आपकी कंपनी में कितने लोग काम करते हैं?",
                "क्या जिस इमारत में आप काम करते हैं वह आपकी अपनी है?",
                "आज आप कौन सा प्लान इस्तेमाल करते हैं? (बेसिक, प्रो या एंटरप्राइज़)",
                "ऊर्जा को लेकर आपकी सबसे बड़ी चुनौती क्या है?",
            ],
        ),
        (
            Lang::Zh,
            [
                "贵公司有多少员工？",
                "你们办公的大楼是自有的吗？",
                "您目前使用哪个套餐？（基础、专业或者企业）",
                "您在能源方面最大的挑战是什么？",
            ],
        ),
    ];

    #[test]
    fn tells_what_is_asked_in_every_language() {
        for (lang, [many, yes_no, choice, open]) in QUESTIONS {
            assert_eq!(asked(many), Asked::HowMany, "{lang:?}: {many}");
            assert_eq!(asked(yes_no), Asked::YesNo, "{lang:?}: {yes_no}");
            assert!(
                matches!(asked(choice), Asked::Options(o) if o.len() == 3),
                "{lang:?}: {choice}"
            );
            assert_eq!(asked(open), Asked::Open, "{lang:?}: {open}");
        }
        assert_eq!(
            options("Quelle formule : basique, pro ou entreprise ?"),
            Some(vec!["basique".into(), "pro".into(), "entreprise".into()])
        );
        assert_eq!(options("Which plan (if any)?"), None);
        assert_eq!(options("At 10:30?"), None);
        assert_eq!(asked("Was your last bill higher?"), Asked::YesNo);
        assert_eq!(asked("Was kostet Ihr Strom?"), Asked::Open);
    }

    #[test]
    fn answers_are_deterministic_per_callee() {
        let choice = "Which plan? (basic, pro or enterprise)";
        assert_eq!(answer(choice, Lang::En, 4500), "basic.");
        assert_eq!(answer(choice, Lang::En, 4501), "pro.");
        assert_eq!(answer(choice, Lang::Ja, 4502), "enterprise。");
        assert_eq!(answer("How many?", Lang::En, 4500), "About 125.");
        assert_eq!(
            answer("How many?", Lang::En, 4500),
            answer("How many?", Lang::En, 4500)
        );
        assert_eq!(answer("Do you own it?", Lang::En, 4500), "Yes.");
        assert_eq!(answer("Do you own it?", Lang::En, 4501), "No.");
        assert!(number_for(u32::MAX) > 24 && number_for(0) > 24);
    }
}
