//! Phrase tables: everything the scripted callees say, in every supported
//! language, plus the language model used to pick a callee's language.

use serde::Serialize;

/// Languages the simulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Hebrew.
    He,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Italian.
    It,
}

impl Lang {
    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::He => "he",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::It => "it",
        }
    }

    /// From a BCP 47 tag such as `he-IL` (primary subtag only); unknown → English.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "he" | "iw" => Self::He,
            "fr" => Self::Fr,
            "de" => Self::De,
            "es" => Self::Es,
            "it" => Self::It,
            _ => Self::En,
        }
    }

    /// The callee's language from the E.164 country calling code.
    pub fn from_number(e164: &str) -> Self {
        const PREFIXES: [(&str, Lang); 5] = [
            ("+972", Lang::He),
            ("+33", Lang::Fr),
            ("+49", Lang::De),
            ("+34", Lang::Es),
            ("+39", Lang::It),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| e164.starts_with(prefix))
            .map_or(Self::En, |(_, lang)| *lang)
    }
}

/// Something a callee can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Interested, proposes Thursday at 15:00.
    ProposeTime,
    /// Confirms a proposed meeting.
    Confirm,
    /// Polite goodbye.
    Goodbye,
    /// Asks what the company offers.
    AskOffer,
    /// Asks about the price.
    AskCost,
    /// Declines.
    NotInterested,
    /// Asks for a call back tomorrow at 17:00.
    Callback,
    /// Asks to be removed from the list.
    OptOut,
    /// Asks who is calling.
    WhoIsThis,
    /// Voicemail greeting played by the answering machine.
    VoicemailGreeting,
    /// Announces a switch to this language.
    SwitchIntro,
    /// Picks the first offered slot.
    PickFirst,
    /// Picks the second offered slot.
    PickSecond,
    /// Picks the third offered slot.
    PickThird,
    /// None of the offered slots fit: asks for another day.
    AskAnotherDay,
    /// Answers "no free slots, shall I call you back?" with tomorrow at 17:00.
    CallbackLater,
}

/// The wording of `line` in `lang`.
pub fn line(line: Line, lang: Lang) -> &'static str {
    pick(lang, table(line))
}

/// The entry for `lang` in a row of wordings ordered en, he, fr, de, es, it.
pub fn pick(lang: Lang, [en, he, fr, de, es, it]: [&'static str; 6]) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::He => he,
        Lang::Fr => fr,
        Lang::De => de,
        Lang::Es => es,
        Lang::It => it,
    }
}

fn table(line: Line) -> [&'static str; 6] {
    match line {
        Line::ProposeTime => [
            "Yes, that sounds interesting. How about Thursday at 3 pm?",
            "כן, זה נשמע מעניין. מה דעתך על יום חמישי ב-3 אחר הצהריים?",
            "Oui, ça a l'air intéressant. Que diriez-vous de jeudi à 15h ?",
            "Ja, das klingt interessant. Wie wäre es mit Donnerstag um 15 Uhr?",
            "Sí, suena interesante. ¿Qué tal el jueves a las 3 de la tarde?",
            "Sì, sembra interessante. Che ne dice di giovedì alle 15?",
        ],
        Line::Confirm => [
            "Yes, that works, thank you.",
            "כן, זה מתאים לי, תודה.",
            "Oui, ça me va, merci.",
            "Ja, das passt, danke.",
            "Sí, me viene bien, gracias.",
            "Sì, va bene, grazie.",
        ],
        Line::Goodbye => [
            "Thank you, goodbye!",
            "תודה, להתראות!",
            "Merci, au revoir !",
            "Danke, auf Wiederhören!",
            "Gracias, ¡adiós!",
            "Grazie, arrivederci!",
        ],
        Line::AskOffer => [
            "What exactly does your company offer?",
            "מה בדיוק החברה שלכם מציעה?",
            "Qu'est-ce que votre entreprise propose exactement ?",
            "Was genau bietet Ihre Firma an?",
            "¿Qué ofrece exactamente su empresa?",
            "Che cosa offre esattamente la vostra azienda?",
        ],
        Line::AskCost => [
            "What does it cost?",
            "כמה זה עולה?",
            "Combien ça coûte ?",
            "Was kostet das?",
            "¿Cuánto cuesta?",
            "Quanto costa?",
        ],
        Line::NotInterested => [
            "No thanks, I'm not interested.",
            "לא תודה, אני לא מעוניין.",
            "Non merci, ça ne m'intéresse pas.",
            "Nein danke, ich habe kein Interesse.",
            "No gracias, no me interesa.",
            "No grazie, non mi interessa.",
        ],
        Line::Callback => [
            "I'm busy right now, call me back tomorrow at 5 pm.",
            "אני עסוק כרגע, תתקשרו אליי מחר ב-5 אחר הצהריים.",
            "Je suis occupé en ce moment, rappelez-moi demain à 17h.",
            "Ich bin gerade beschäftigt, rufen Sie mich morgen um 17 Uhr zurück.",
            "Ahora estoy ocupado, llámeme mañana a las 5 de la tarde.",
            "Adesso sono occupato, mi richiami domani alle 17.",
        ],
        Line::OptOut => [
            "Please stop calling me and remove my number from your list.",
            "בבקשה הפסיקו להתקשר אליי ומחקו את המספר שלי מהרשימה שלכם.",
            "Ne m'appelez plus, s'il vous plaît, et retirez mon numéro de votre liste.",
            "Bitte rufen Sie mich nicht mehr an und löschen Sie meine Nummer von Ihrer Liste.",
            "Por favor, dejen de llamarme y borren mi número de su lista.",
            "Per favore, smettete di chiamarmi e cancellate il mio numero dalla vostra lista.",
        ],
        Line::WhoIsThis => [
            "Who is this?",
            "מי זה?",
            "C'est qui ?",
            "Wer ist da?",
            "¿Quién habla?",
            "Chi parla?",
        ],
        Line::VoicemailGreeting => [
            "Hi, you've reached my voicemail. Please leave a message after the beep.",
            "שלום, הגעתם לתא הקולי שלי. השאירו הודעה אחרי הצפצוף.",
            "Bonjour, vous êtes bien sur ma messagerie. Laissez-moi un message après le bip.",
            "Hallo, hier ist meine Mailbox. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.",
            "Hola, ha llamado a mi buzón de voz. Deje un mensaje después de la señal.",
            "Ciao, sono la segreteria telefonica. Lascia un messaggio dopo il segnale acustico.",
        ],
        Line::SwitchIntro => [
            "Sorry, can we continue in English?",
            "סליחה, אפשר להמשיך בעברית?",
            "Pardon, on peut continuer en français ?",
            "Entschuldigung, können wir auf Deutsch weitermachen?",
            "Perdone, ¿podemos seguir en español?",
            "Scusi, possiamo continuare in italiano?",
        ],
        Line::PickFirst => [
            "The first one, please.",
            "הראשון, בבקשה.",
            "Le premier, s'il vous plaît.",
            "Der erste, bitte.",
            "La primera opción, por favor.",
            "La prima opzione, per favore.",
        ],
        Line::PickSecond => [
            "The second one, please.",
            "השני, בבקשה.",
            "Le deuxième, s'il vous plaît.",
            "Der zweite, bitte.",
            "La segunda opción, por favor.",
            "La seconda opzione, per favore.",
        ],
        Line::PickThird => [
            "The third one, please.",
            "השלישי, בבקשה.",
            "Le troisième, s'il vous plaît.",
            "Der dritte, bitte.",
            "La tercera opción, por favor.",
            "La terza opzione, per favore.",
        ],
        Line::AskAnotherDay => [
            "Hmm, none of those work for me. Do you have another day?",
            "אף אחד מהמועדים האלה לא מתאים לי. יש לך יום אחר?",
            "Aucun de ces créneaux ne me convient. Vous auriez un autre jour ?",
            "Keiner dieser Termine passt mir. Haben Sie einen anderen Tag?",
            "Ninguno de esos horarios me viene bien. ¿Tiene otro día?",
            "Nessuno di questi orari mi va bene. Ha un altro giorno?",
        ],
        Line::CallbackLater => [
            "Then please call me back tomorrow at 5 pm.",
            "אז תתקשרו אליי מחר ב-5 אחר הצהריים.",
            "Alors rappelez-moi demain à 17h.",
            "Dann rufen Sie mich bitte morgen um 17 Uhr zurück.",
            "Entonces llámeme mañana a las 5 de la tarde.",
            "Allora mi richiami domani alle 17.",
        ],
    }
}

/// The callee picking the `n`-th offered slot (1-based; 1..=3, anything
/// else picks the third).
pub fn pick_line(n: usize, lang: Lang) -> &'static str {
    let which = match n {
        0 | 1 => Line::PickFirst,
        2 => Line::PickSecond,
        _ => Line::PickThird,
    };
    line(which, lang)
}

/// The callee spelling out their email address.
pub fn email_line(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("My email is {email}."),
        Lang::He => format!("המייל שלי הוא {email}."),
        Lang::Fr => format!("Mon adresse e-mail, c'est {email}."),
        Lang::De => format!("Meine E-Mail-Adresse ist {email}."),
        Lang::Es => format!("Mi correo es {email}."),
        Lang::It => format!("La mia email è {email}."),
    }
}

/// What an agent line asks of the callee during booking, as the scripted
/// callees understand it (keyed on the scripted model's wording in every
/// language, see `llm::replies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentCue {
    /// The agent says goodbye (also after confirming a booking).
    Goodbye,
    /// No free slots; the agent proposes a call back.
    NoSlots,
    /// The slot the callee picked was just taken; a fresh offer follows.
    Taken,
    /// The agent asks for the callee's email address.
    AskEmail,
    /// The agent offers slots to pick from.
    Offer,
    /// Anything else.
    Other,
}

const NO_SLOTS_CUES: &[&str] = &[
    "no free times",
    "no other free times",
    "אין לי מועדים פנויים",
    "aucun creneau libre",
    "aucun autre creneau libre",
    "keine freien termine",
    "no tengo horarios libres",
    "no tengo mas horarios libres",
    "non ho orari liberi",
    "non ho altri orari liberi",
];
const TAKEN_CUES: &[&str] = &[
    "just been taken",
    "נתפס הרגע",
    "vient d etre reserve",
    "gerade vergeben",
    "acaba de quedar ocupado",
    "appena stato prenotato",
];
const ASK_EMAIL_CUES: &[&str] = &[
    "email address",
    "כתובת מייל",
    "adresse e mail",
    "e mail adresse",
    "correo electronico",
    "indirizzo email",
];
const OFFER_CUES: &[&str] = &[
    "i can offer",
    "אני יכול להציע",
    "je peux vous proposer",
    "ich kann ihnen",
    "puedo ofrecerle",
    "posso proporle",
];

/// Classifies an agent line for the booking dialogue.
pub fn agent_cue(text: &str) -> AgentCue {
    use crate::llm::text::{fold, has_any};
    if is_goodbye(text) {
        return AgentCue::Goodbye;
    }
    let folded = fold(text);
    if has_any(&folded, NO_SLOTS_CUES) {
        AgentCue::NoSlots
    } else if has_any(&folded, TAKEN_CUES) {
        AgentCue::Taken
    } else if has_any(&folded, ASK_EMAIL_CUES) {
        AgentCue::AskEmail
    } else if has_any(&folded, OFFER_CUES) {
        AgentCue::Offer
    } else {
        AgentCue::Other
    }
}

/// Mumbled speech for the `unintelligible` persona; `n` picks a variant.
pub fn garbled(lang: Lang, n: usize) -> &'static str {
    let variants: [&str; 3] = match lang {
        Lang::En => [
            "mmh ... grr ... the ...",
            "uh ... kss ... what ... mm",
            "... hnn ... the ... ngh",
        ],
        Lang::He => [
            "אממ ... גרר ... ה ...",
            "אה ... ששש ... מה ... ממ",
            "... הממ ... ה ... נג",
        ],
        Lang::Fr => [
            "mmh ... grr ... le ...",
            "euh ... kss ... quoi ... mm",
            "... hnn ... la ... ngh",
        ],
        Lang::De => [
            "mmh ... grr ... der ...",
            "äh ... kss ... was ... mm",
            "... hnn ... die ... ngh",
        ],
        Lang::Es => [
            "mmh ... grr ... el ...",
            "eh ... kss ... qué ... mm",
            "... hnn ... la ... ngh",
        ],
        Lang::It => [
            "mmh ... grr ... il ...",
            "ehm ... kss ... cosa ... mm",
            "... hnn ... la ... ngh",
        ],
    };
    variants[n % variants.len()]
}

/// Whether the agent's words contain a farewell in any supported language.
pub fn is_goodbye(text: &str) -> bool {
    const FAREWELLS: [&str; 14] = [
        "goodbye",
        "good bye",
        "bye",
        "להתראות",
        "ביי",
        "au revoir",
        "auf wiederhören",
        "auf wiedersehen",
        "tschüss",
        "adiós",
        "adios",
        "hasta luego",
        "arrivederci",
        "ciao",
    ];
    let lower = text.to_lowercase();
    FAREWELLS.iter().any(|f| {
        lower.match_indices(f).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + f.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_number_and_tag() {
        assert_eq!(Lang::from_number("+972501234500"), Lang::He);
        assert_eq!(Lang::from_number("+33612345600"), Lang::Fr);
        assert_eq!(Lang::from_number("+4915112345600"), Lang::De);
        assert_eq!(Lang::from_number("+34612345600"), Lang::Es);
        assert_eq!(Lang::from_number("+393123456700"), Lang::It);
        assert_eq!(Lang::from_number("+15551234500"), Lang::En);
        assert_eq!(Lang::from_number("+447700900100"), Lang::En);
        assert_eq!(Lang::from_tag("he-IL"), Lang::He);
        assert_eq!(Lang::from_tag("fr_FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("xx"), Lang::En);
    }

    #[test]
    fn every_line_exists_in_every_language() {
        let langs = [Lang::En, Lang::He, Lang::Fr, Lang::De, Lang::Es, Lang::It];
        for l in langs {
            assert!(!line(Line::ProposeTime, l).is_empty());
            assert!(!garbled(l, 4).is_empty());
        }
    }

    #[test]
    fn detects_goodbyes() {
        assert!(is_goodbye("Wonderful, see you Thursday. Goodbye!"));
        assert!(is_goodbye("תודה רבה, להתראות"));
        assert!(is_goodbye("Merci, au revoir !"));
        assert!(!is_goodbye(
            "Would a short meeting suit you? Maybe by email."
        ));
    }
}
