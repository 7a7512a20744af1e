//! Which supported language a callee's words are in, from the text alone.
//!
//! The speech recogniser hands us text, not a language, so the agent notices a callee who
//! answers in another language from what was transcribed:
//! - languages with their own script (Hebrew, Arabic, Russian, Hindi, Japanese, Chinese) are
//!   recognised by the script: Japanese by its kana, Chinese by Han characters without kana;
//! - the Latin-script languages by their most common short words and by letters only one of
//!   them uses (`ł`, `ğ`, `ñ`, `ß`, ...).
//!
//! The answer is `None` unless the evidence is clear: a lone "OK" or a name proves nothing, and
//! switching a conversation on a guess would be worse than staying.

use crate::Language;

/// The language `text` is clearly in, if any.
pub fn detect_language(text: &str) -> Option<Language> {
    by_script(text).or_else(|| by_words(text))
}

/// Counts letters per script; a non-Latin script wins when it holds most of the letters.
fn by_script(text: &str) -> Option<Language> {
    let (mut hebrew, mut arabic, mut cyrillic, mut devanagari, mut kana, mut han, mut latin) =
        (0u32, 0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    for c in text.chars() {
        match c as u32 {
            0x0590..=0x05FF => hebrew += 1,
            0x0600..=0x06FF | 0x0750..=0x077F => arabic += 1,
            0x0400..=0x04FF => cyrillic += 1,
            0x0900..=0x097F => devanagari += 1,
            0x3040..=0x30FF => kana += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
            _ if c.is_alphabetic() => latin += 1,
            _ => {}
        }
    }
    let (language, count) = [
        (Language::He, hebrew),
        (Language::Ar, arabic),
        (Language::Ru, cyrillic),
        (Language::Hi, devanagari),
        // Japanese writes with kana and kanji; Chinese with Han characters alone.
        (Language::Ja, if kana > 0 { kana + han } else { 0 }),
        (Language::Zh, if kana == 0 { han } else { 0 }),
    ]
    .into_iter()
    .max_by_key(|&(_, count)| count)?;
    // Two letters at least (one stray character proves nothing), and more than the Latin ones.
    (count >= 2 && count > latin).then_some(language)
}

/// Frequent words of each Latin-script language. A word listed for two languages (`la`, `con`,
/// `per`, ...) counts for neither, so every hit points one way.
const WORDS: [(Language, &str); 9] = [
    (
        Language::En,
        concat!(
            "the and you yes i'm me my is are can could we what not please thanks thank ",
            "sorry call later speak english does don't it that this with of to would like ",
            "interested time good who hello hi yeah sure okay tomorrow meeting let's ",
            "continue have how much where our your for will be was just there still one ",
            "calling recorded from about bye goodbye an by which when",
        ),
    ),
    (
        Language::Fr,
        concat!(
            "je vous oui est les et pas merci bonjour pouvez peut on ce c'est qui quoi nous ",
            "rappeler demain plaît s'il français continuer suis d'accord très avec pour une ",
            "du des au mais appel rendez-vous ici cet cette vôtre votre vos nos notre sera ",
            "été êtes avez ai j'ai ça m'intéresse revoir toujours là temps bientôt coûts ",
            "conseillers l'un car comme aux rappellerons qu'est-ce est-ce entreprise exactement ",
            "proposez combien coûte intéressé intéressée",
        ),
    ),
    (
        Language::De,
        concat!(
            "ich sie ja nicht und ist das der die bitte danke können wir auf deutsch wer ",
            "was mit morgen gerne entschuldigung weitermachen mich mir haben ein eine gut ",
            "hallo termin später zurückrufen sprechen wie hier spricht dieser dieses anruf ",
            "wird aufgezeichnet unsere unseren ihre ihr für noch vielen dank zeit ",
            "wiedersehen tschüss leider sind",
        ),
    ),
    (
        Language::Es,
        concat!(
            "sí que el los las y por favor gracias puede podemos español seguir perdone ",
            "quién qué usted estoy mañana llamar hola bueno claro cita me mi yo una con ",
            "para es está muy pero llámeme habla esta llamada porque ayudamos su sus ",
            "nuestra nuestros nuestro lista volveremos adiós siento tengo del lo hemos ",
            "eliminado sigue ahí le tiempo nuevo pronto enseguida mucho interesa interesado ",
            "interesada",
        ),
    ),
    (
        Language::It,
        concat!(
            "sì che il gli e grazie per favore può possiamo italiano continuare scusi chi ",
            "cosa sono domani richiamare ciao buongiorno certo appuntamento mi una con è ",
            "molto ma va bene non di della questa chiamata perché aiutiamo sua nostri ",
            "ancora andrebbe dei arrivederci ho richiameremo contatterà ci lei",
        ),
    ),
    (
        Language::Pt,
        concat!(
            "sim não obrigado obrigada você podemos português continuar desculpe quem é o ",
            "os e por favor amanhã ligar olá bom dia claro reunião eu uma com para muito ",
            "mas está me pelo seu sua tchau nossa nossos nosso estou ajudamos ligação ",
            "gravada em do da ao dos das um",
        ),
    ),
    (
        Language::Nl,
        concat!(
            "ik u ja nee niet is het een alstublieft dank bedankt kunnen we nederlands ",
            "verder wie wat met morgen graag sorry mij heb goed hallo afspraak later ",
            "terugbellen spreken hoe dat zijn voor uw tijd tot ziens wij onze ons bent ",
            "wordt opgenomen bel nog er naar zou heeft",
        ),
    ),
    (
        Language::Pl,
        concat!(
            "tak nie dziękuję proszę możemy polsku rozmawiać przepraszam kto co jest jestem ",
            "jutro zadzwonić dzień dobry dobrze spotkanie mnie się w z na czy pan pani ",
            "naszej nasz nasi rozmowę czas widzenia mam techniczny że przez od jak",
        ),
    ),
    (
        Language::Tr,
        concat!(
            "evet hayır teşekkür ederim lütfen türkçe devam edebilir miyiz pardon kim ne ",
            "bir bu ben siz yarın arayın merhaba iyi tamam toplantı olur değil için ile mi ",
            "mı teşekkürler biri sizinle hoşça kalın adına sizi kısa süre içinde tekrar ",
            "üzgünüm sorun ve çok var yok",
        ),
    ),
];

/// Letters (lower case) only one Latin-script language among ours uses, each worth a word.
const LETTERS: [(Language, &str); 6] = [
    (Language::Pl, "łśżźćńąę"),
    (Language::Tr, "ğşı"),
    (Language::Es, "ñ¿¡"),
    (Language::De, "ßä"),
    (Language::Pt, "ãõ"),
    (Language::Fr, "œî"),
];

/// Each Latin-script language's score: its words and letters found in `text`.
fn scores(text: &str) -> Vec<(u32, Language)> {
    let lower = text.to_lowercase();
    let mut scores = [0u32; WORDS.len()];
    for word in lower
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
    {
        let word = word.replace('’', "'");
        let mut hits = WORDS
            .iter()
            .enumerate()
            .filter(|(_, (_, words))| words.split(' ').any(|w| w == word));
        if let (Some((i, _)), None) = (hits.next(), hits.next()) {
            scores[i] += 1;
        }
    }
    for (language, letters) in LETTERS {
        let hits = lower.chars().filter(|c| letters.contains(*c)).count();
        if let Some(i) = WORDS.iter().position(|(l, _)| *l == language) {
            scores[i] += u32::try_from(hits.min(3)).unwrap_or(3);
        }
    }
    scores
        .iter()
        .zip(WORDS.iter())
        .map(|(&score, &(language, _))| (score, language))
        .collect()
}

/// Scores each Latin-script language by its words and letters; the best wins when it has two
/// hits at least and clearly more than the runner-up.
fn by_words(text: &str) -> Option<Language> {
    let mut ranked = scores(text);
    ranked.sort_by_key(|&(score, _)| std::cmp::Reverse(score));
    let (best, language) = ranked[0];
    let second = ranked[1].0;
    (best >= 2 && best >= second * 2 && best > second).then_some(language)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrases::phrases;

    /// What callees say, a few lines per language, each clearly in its language.
    const SAID: [(Language, &[&str]); 15] = [
        (
            Language::En,
            &[
                "Sorry, can we continue in English?",
                "Yes, I'm interested, what do you have on Thursday?",
                "Please call me back tomorrow at five.",
            ],
        ),
        (
            Language::He,
            &["סליחה, אפשר להמשיך בעברית?", "כן, זה מעניין אותי"],
        ),
        (
            Language::Fr,
            &[
                "Pardon, on peut continuer en français ?",
                "Qu'est-ce que votre entreprise propose exactement ?",
                "Oui, je suis intéressé, rappelez-moi demain",
                "Non merci, ça ne m'intéresse pas.",
            ],
        ),
        (
            Language::De,
            &[
                "Entschuldigung, können wir auf Deutsch weitermachen?",
                "Ja, das passt mir gut.",
                "Nein danke, ich habe kein Interesse.",
            ],
        ),
        (
            Language::Es,
            &[
                "Perdone, ¿podemos seguir en español?",
                "Sí, me interesa, llámeme mañana.",
                "No gracias, no me interesa.",
            ],
        ),
        (
            Language::Ar,
            &["عذرا، هل يمكننا أن نكمل بالعربية؟", "نعم، أنا مهتم"],
        ),
        (
            Language::It,
            &[
                "Scusi, possiamo continuare in italiano?",
                "Sì, va bene, grazie.",
                "Mi può richiamare domani?",
            ],
        ),
        (
            Language::Pt,
            &[
                "Desculpe, podemos continuar em português?",
                "Sim, tenho interesse, obrigado.",
                "Não, obrigada, não tenho interesse.",
            ],
        ),
        (
            Language::Nl,
            &[
                "Sorry, kunnen we in het Nederlands verder?",
                "Ja, dat is goed, dank u.",
                "Nee, ik heb geen interesse.",
            ],
        ),
        (
            Language::Ru,
            &[
                "Извините, можем продолжить по-русски?",
                "Да, мне интересно.",
            ],
        ),
        (
            Language::Pl,
            &[
                "Przepraszam, możemy rozmawiać po polsku?",
                "Tak, jestem zainteresowany, proszę zadzwonić jutro.",
            ],
        ),
        (
            Language::Tr,
            &[
                "Pardon, Türkçe devam edebilir miyiz?",
                "Evet, ilgileniyorum, yarın arayın lütfen.",
            ],
        ),
        (
            Language::Ja,
            &[
                "すみません、日本語で話してもいいですか？",
                "はい、木曜日の午後がいいです。",
            ],
        ),
        (
            Language::Hi,
            &[
                "माफ़ कीजिए, क्या हम हिंदी में बात कर सकते हैं?",
                "हाँ, मुझे दिलचस्पी है।",
            ],
        ),
        (
            Language::Zh,
            &["不好意思，我们可以用中文继续吗？", "好的，星期四下午可以。"],
        ),
    ];

    #[test]
    fn callee_lines_are_recognised_in_every_language() {
        for (language, lines) in SAID {
            for line in lines {
                assert_eq!(detect_language(line), Some(language), "{line}");
            }
        }
    }

    /// The agent's own fixed phrases in each language: none may be taken for another language,
    /// and the sentences long enough to tell must be recognised as their own.
    #[test]
    fn every_fixed_phrase_is_recognised_as_its_language() {
        for language in Language::ALL {
            let p = phrases(language);
            for text in [&p.opener, &p.reprompt_silence] {
                let detected = detect_language(text);
                assert!(
                    detected.is_none_or(|d| d == language),
                    "{language:?} phrase detected as {detected:?}: {text}"
                );
            }
            for text in [
                &p.disclosure,
                &p.goodbye,
                &p.max_turns_goodbye,
                &p.opt_out_confirmation,
                &p.voicemail,
                &p.error_apology,
            ] {
                let detected = detect_language(text);
                assert!(
                    detected == Some(language),
                    "{language:?} phrase detected as {detected:?}: {text}"
                );
            }
        }
    }

    #[test]
    fn too_little_evidence_is_no_answer() {
        for text in [
            "",
            "OK",
            "Hmm",
            "Anna Schmidt",
            "12345",
            "lead0042@example.com",
            "a",
        ] {
            assert_eq!(detect_language(text), None, "{text:?}");
        }
    }

    #[test]
    fn japanese_is_told_from_chinese_by_its_kana() {
        assert_eq!(detect_language("木曜日でお願いします"), Some(Language::Ja));
        assert_eq!(detect_language("星期四下午"), Some(Language::Zh));
    }
}
