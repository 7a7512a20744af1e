//! What the scripted callees say, in every supported language (the texts themselves are in
//! `sim/lang`, see [`crate::texts`]), how they pick a callee's language, and how they hear the
//! agent's lines.

use serde::Serialize;

use crate::texts::{fill, texts};

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
    /// Arabic.
    Ar,
    /// Portuguese.
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
    /// Mandarin Chinese.
    Zh,
}

/// How many languages the simulator speaks.
pub const LANGS: usize = 15;

impl Lang {
    /// Every language, each once.
    pub const ALL: [Lang; LANGS] = [
        Self::En,
        Self::He,
        Self::Fr,
        Self::De,
        Self::Es,
        Self::It,
        Self::Ar,
        Self::Pt,
        Self::Nl,
        Self::Ru,
        Self::Pl,
        Self::Tr,
        Self::Ja,
        Self::Hi,
        Self::Zh,
    ];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::He => "he",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::It => "it",
            Self::Ar => "ar",
            Self::Pt => "pt",
            Self::Nl => "nl",
            Self::Ru => "ru",
            Self::Pl => "pl",
            Self::Tr => "tr",
            Self::Ja => "ja",
            Self::Hi => "hi",
            Self::Zh => "zh",
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
            "ar" => Self::Ar,
            "pt" => Self::Pt,
            "nl" => Self::Nl,
            "ru" => Self::Ru,
            "pl" => Self::Pl,
            "tr" => Self::Tr,
            "ja" => Self::Ja,
            "hi" => Self::Hi,
            "zh" | "cmn" => Self::Zh,
            _ => Self::En,
        }
    }

    /// The callee's language from the E.164 number (the longest matching
    /// prefix: a country calling code, or an area code where the country speaks
    /// several languages). The same choice as the product's
    /// `Language::from_number`, so a lead is called in the language its callee
    /// speaks; unlisted codes speak English.
    pub fn from_number(e164: &str) -> Self {
        const PREFIXES: &[(&str, Lang)] = &[
            ("+972", Lang::He),
            ("+33", Lang::Fr),
            ("+32", Lang::Fr),
            ("+41", Lang::De),
            // Landlines of Quebec and of French- and Italian-speaking Switzerland.
            ("+1263", Lang::Fr),
            ("+1354", Lang::Fr),
            ("+1367", Lang::Fr),
            ("+1418", Lang::Fr),
            ("+1438", Lang::Fr),
            ("+1450", Lang::Fr),
            ("+1468", Lang::Fr),
            ("+1514", Lang::Fr),
            ("+1579", Lang::Fr),
            ("+1581", Lang::Fr),
            ("+1819", Lang::Fr),
            ("+1873", Lang::Fr),
            ("+4121", Lang::Fr),
            ("+4122", Lang::Fr),
            ("+4124", Lang::Fr),
            ("+4126", Lang::Fr),
            ("+4127", Lang::Fr),
            ("+4132", Lang::Fr),
            ("+4191", Lang::It),
            ("+352", Lang::Fr),
            ("+377", Lang::Fr),
            ("+49", Lang::De),
            ("+43", Lang::De),
            ("+423", Lang::De),
            ("+34", Lang::Es),
            ("+51", Lang::Es),
            ("+52", Lang::Es),
            ("+54", Lang::Es),
            ("+56", Lang::Es),
            ("+57", Lang::Es),
            ("+58", Lang::Es),
            ("+39", Lang::It),
            ("+378", Lang::It),
            ("+20", Lang::Ar),
            ("+212", Lang::Ar),
            ("+213", Lang::Ar),
            ("+216", Lang::Ar),
            ("+218", Lang::Ar),
            ("+249", Lang::Ar),
            ("+961", Lang::Ar),
            ("+962", Lang::Ar),
            ("+963", Lang::Ar),
            ("+964", Lang::Ar),
            ("+965", Lang::Ar),
            ("+966", Lang::Ar),
            ("+967", Lang::Ar),
            ("+968", Lang::Ar),
            ("+970", Lang::Ar),
            ("+971", Lang::Ar),
            ("+973", Lang::Ar),
            ("+974", Lang::Ar),
            ("+55", Lang::Pt),
            ("+351", Lang::Pt),
            ("+244", Lang::Pt),
            ("+258", Lang::Pt),
            ("+238", Lang::Pt),
            ("+245", Lang::Pt),
            ("+239", Lang::Pt),
            ("+31", Lang::Nl),
            ("+597", Lang::Nl),
            ("+297", Lang::Nl),
            ("+599", Lang::Nl),
            ("+7", Lang::Ru),
            ("+375", Lang::Ru),
            ("+48", Lang::Pl),
            ("+90", Lang::Tr),
            ("+81", Lang::Ja),
            ("+91", Lang::Hi),
            ("+86", Lang::Zh),
            ("+886", Lang::Zh),
            ("+852", Lang::Zh),
            ("+853", Lang::Zh),
        ];
        PREFIXES
            .iter()
            .filter(|(prefix, _)| e164.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
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
    /// Asks to speak with a person instead of the assistant.
    AskForPerson,
    /// A short acknowledgement while the agent talks ("Uh-huh.").
    Backchannel,
}

/// The wording of `line` in `lang`.
pub fn line(line: Line, lang: Lang) -> &'static str {
    let callee = &texts(lang).callee;
    match line {
        Line::ProposeTime => &callee.propose_time,
        Line::Confirm => &callee.confirm,
        Line::Goodbye => &callee.goodbye,
        Line::AskOffer => &callee.ask_offer,
        Line::AskCost => &callee.ask_cost,
        Line::NotInterested => &callee.not_interested,
        Line::Callback => &callee.callback,
        Line::OptOut => &callee.opt_out,
        Line::WhoIsThis => &callee.who_is_this,
        Line::VoicemailGreeting => &callee.voicemail_greeting,
        Line::SwitchIntro => &callee.switch_intro,
        Line::PickFirst => &callee.pick_first,
        Line::PickSecond => &callee.pick_second,
        Line::PickThird => &callee.pick_third,
        Line::AskAnotherDay => &callee.ask_another_day,
        Line::CallbackLater => &callee.callback_later,
        Line::AskForPerson => &callee.ask_for_person,
        Line::Backchannel => &callee.backchannel,
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
    fill(&texts(lang).callee.my_email, &[("email", email)])
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
    "مواعيد متاحة",
    "nao tenho horarios livres",
    "nao tenho outros horarios livres",
    "geen vrije tijden",
    "geen andere vrije tijden",
    "нет свободного времени",
    "другого свободного времени",
    "wolnych terminow",
    "bos saatim yok",
    "空いている日時がございません",
    "खाली समय नहीं",
    "没有空闲",
    "没有其他空闲",
];
const TAKEN_CUES: &[&str] = &[
    "just been taken",
    "נתפס הרגע",
    "vient d etre reserve",
    "gerade vergeben",
    "acaba de quedar ocupado",
    "appena stato prenotato",
    "حجزه شخص اخر",
    "acabou de ser reservado",
    "net door iemand anders geboekt",
    "только что заняли",
    "wlasnie zarezerwowal",
    "az once baskasi tarafindan alindi",
    "たった今ほかの方",
    "किसी और ने बुक",
    "刚刚被别人",
];
const ASK_EMAIL_CUES: &[&str] = &[
    "email address",
    "כתובת מייל",
    "adresse e mail",
    "e mail adresse",
    "correo electronico",
    "indirizzo email",
    "عنوان بريد الكتروني",
    "endereco de e mail",
    "welk e mailadres",
    "адрес электронной почты",
    "adres e mail",
    "e posta adresine",
    "メールアドレス",
    "ईमेल पते",
    "邮箱地址",
];
const OFFER_CUES: &[&str] = &[
    "i can offer",
    "אני יכול להציע",
    "je peux vous proposer",
    "ich kann ihnen",
    "puedo ofrecerle",
    "posso proporle",
    "يمكنني ان اقترح",
    "posso oferecer",
    "ik kan u",
    "могу предложить",
    "moge zaproponowac",
    "onerebilirim",
    "ご提案できます",
    "सुझा सकता",
    "我可以为您安排",
];

/// The scripted model's own questions that ask the callee for nothing but to go on (a
/// minute to talk, a short meeting, to repeat, when to call back): a callee hears them as a
/// prompt to continue its script, not as a question to answer.
const SCRIPT_QUESTION_CUES: &[&str] = &[
    "short meeting",
    "a minute",
    "say that again",
    "call you back",
    "פגישה קצרה",
    "יש לך דקה",
    "לחזור על זה",
    "שנחזור אליך",
    "court rendez vous",
    "une minute",
    "pourriez vous repeter",
    "vous rappeler",
    "kurzer termin",
    "eine minute",
    "wiederholen",
    "zuruckrufen",
    "breve reunion",
    "un minuto",
    "repetirlo",
    "que le llame",
    "breve incontro",
    "ripetere",
    "richiamarla",
    "اجتماع قصير",
    "لديك دقيقة",
    "تعيد ما قلت",
    "نعاود الاتصال",
    "reuniao rapida",
    "um minuto",
    "pode repetir",
    "ligar de volta",
    "kort gesprek",
    "minuutje",
    "herhalen",
    "terugbellen",
    "короткую встречу",
    "встретиться ненадолго",
    "минутк",
    "повторить",
    "перезвонили",
    "krotkie spotkanie",
    "zajac chwile",
    "powtorzyc",
    "moge oddzwonic",
    "kisa bir toplanti",
    "dakikaniz var",
    "tekrar edebilir",
    "tekrar arayabilirim",
    "短いお打ち合わせ",
    "少しだけお時間",
    "もう一度おっしゃって",
    "いつ頃お電話",
    "छोटी मीटिंग",
    "एक मिनट",
    "दोबारा कह",
    "दोबारा फ़ोन करना",
    "简短开个会",
    "一分钟",
    "再说一遍",
    "回电话",
];

/// Whether an agent line asks the callee something to answer (a qualification question):
/// a question that is none of the scripted model's prompts to go on.
pub fn is_open_question(text: &str) -> bool {
    use crate::llm::text::{fold, has_any};
    text.contains(['?', '？', '؟']) && !has_any(&fold(text), SCRIPT_QUESTION_CUES)
}

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
    let variants = &texts(lang).callee.mumbles;
    &variants[n % variants.len()]
}

/// Farewells in every supported language, lowercase.
const FAREWELLS: &[&str] = &[
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
    "مع السلامة",
    "إلى اللقاء",
    "tchau",
    "até logo",
    "adeus",
    "tot ziens",
    "tot horens",
    "doei",
    "до свидания",
    "всего доброго",
    "do widzenia",
    "do usłyszenia",
    "hoşça kalın",
    "görüşmek üzere",
    "さようなら",
    "失礼いたします",
    "失礼します",
    "अलविदा",
    "फिर मिलेंगे",
    "再见",
];

/// Japanese and Chinese are written without spaces, so their words have no
/// boundaries to check.
fn unspaced(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}')
}

/// Whether the agent's words contain a farewell in any supported language.
pub fn is_goodbye(text: &str) -> bool {
    let lower = text.to_lowercase();
    FAREWELLS.iter().any(|f| {
        if f.chars().any(unspaced) {
            return lower.contains(f);
        }
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
        for (number, lang) in [
            ("+966501234500", Lang::Ar),
            ("+201012345600", Lang::Ar),
            ("+212612345600", Lang::Ar),
            ("+5511912345600", Lang::Pt),
            ("+351912345600", Lang::Pt),
            ("+31612345600", Lang::Nl),
            ("+79123456700", Lang::Ru),
            ("+48512345600", Lang::Pl),
            ("+905321234500", Lang::Tr),
            ("+819012345600", Lang::Ja),
            ("+919812345600", Lang::Hi),
            ("+8613812345600", Lang::Zh),
            ("+85291234500", Lang::Zh),
            ("+32470123400", Lang::Fr),
            ("+3522345600", Lang::Fr),
            ("+41791234500", Lang::De),
            ("+41223456700", Lang::Fr),
            ("+41913456700", Lang::It),
            ("+15145550100", Lang::Fr),
            ("+14165550100", Lang::En),
        ] {
            assert_eq!(Lang::from_number(number), lang, "{number}");
        }
        assert_eq!(Lang::from_tag("he-IL"), Lang::He);
        assert_eq!(Lang::from_tag("fr_FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("xx"), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.code()), lang);
        }
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("cmn-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ar-SA"), Lang::Ar);
        assert_eq!(Lang::from_tag("pt-BR"), Lang::Pt);
    }

    #[test]
    fn every_line_exists_in_every_language() {
        const LINES: [Line; 16] = [
            Line::ProposeTime,
            Line::Confirm,
            Line::Goodbye,
            Line::AskOffer,
            Line::AskCost,
            Line::NotInterested,
            Line::Callback,
            Line::OptOut,
            Line::WhoIsThis,
            Line::VoicemailGreeting,
            Line::SwitchIntro,
            Line::PickFirst,
            Line::PickSecond,
            Line::PickThird,
            Line::AskAnotherDay,
            Line::CallbackLater,
        ];
        for l in Lang::ALL {
            for which in LINES {
                assert!(!line(which, l).trim().is_empty(), "{l:?} {which:?}");
            }
            assert!(!garbled(l, 4).is_empty());
            assert!(email_line(l, "a@b.example").contains("a@b.example"));
        }
        // The wordings differ per language (one language's text copied into another's file
        // shows up here).
        for which in LINES {
            let distinct: std::collections::HashSet<&str> =
                Lang::ALL.iter().map(|l| line(which, *l)).collect();
            assert!(distinct.len() >= LANGS - 1, "{which:?}");
        }
    }

    #[test]
    fn detects_goodbyes() {
        assert!(is_goodbye("Wonderful, see you Thursday. Goodbye!"));
        assert!(is_goodbye("תודה רבה, להתראות"));
        assert!(is_goodbye("Merci, au revoir !"));
        assert!(is_goodbye(
            "ありがとうございました。それでは失礼いたします。"
        ));
        assert!(is_goodbye("谢谢，再见！"));
        assert!(is_goodbye("شكرا، مع السلامة!"));
        assert!(is_goodbye("Спасибо, до свидания!"));
        assert!(is_goodbye("Teşekkürler, hoşça kalın!"));
        assert!(is_goodbye("धन्यवाद, अलविदा!"));
        assert!(!is_goodbye("Goedendag, u spreekt met Alex."));
        assert!(!is_goodbye("नमस्ते, मैं एलेक्स बोल रहा हूँ।"));
        assert!(!is_goodbye(
            "Would a short meeting suit you? Maybe by email."
        ));
    }
}
