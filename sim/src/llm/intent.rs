//! The scripted model's brain: classifies the callee's last utterance with
//! keyword tables in every supported language and decides the reply and the
//! tool to call.
//!
//! Kept in one file: the utterance classifier is mostly its keyword tables, one per intent with
//! a row per language; the decisions that use them are short.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde_json::{Value, json};

use super::grounded::{self, Grounding};
use super::replies::{self, Question};
use super::text::{fold, has_any};
use super::when;
use crate::phrases::Lang;

const OPT_OUT: &[&str] = &[
    "stop calling",
    "remove my number",
    "don't call me",
    "do not call",
    "take me off",
    "unsubscribe",
    "הפסיקו להתקשר",
    "תפסיקו להתקשר",
    "אל תתקשרו",
    "מחקו את המספר",
    "תמחקו את המספר",
    "תורידו אותי",
    "ne m'appelez plus",
    "arretez de m'appeler",
    "retirez mon numero",
    "supprimez mon numero",
    "rufen sie mich nicht mehr an",
    "nicht mehr anrufen",
    "loschen sie meine nummer",
    "dejen de llamarme",
    "deje de llamarme",
    "no me llamen",
    "borren mi numero",
    "smettete di chiamarmi",
    "non chiamatemi piu",
    "cancellate il mio numero",
    "توقفوا عن الاتصال",
    "توقف عن الاتصال",
    "لا تتصلوا بي",
    "لا تتصل بي",
    "احذفوا رقمي",
    "احذف رقمي",
    "امسحوا رقمي",
    "parem de me ligar",
    "pare de me ligar",
    "deixem de me ligar",
    "nao me liguem mais",
    "nao me ligue mais",
    "removam o meu numero",
    "remova o meu numero",
    "remova meu numero",
    "apaguem o meu numero",
    "bel me niet meer",
    "bel mij niet meer",
    "bel me alstublieft niet meer",
    "niet meer bellen",
    "stop met bellen",
    "verwijder mijn nummer",
    "haal mijn nummer",
    "не звоните мне",
    "больше не звоните",
    "перестаньте звонить",
    "перестаньте мне звонить",
    "удалите мой номер",
    "nie dzwoncie",
    "nie dzwonic",
    "przestancie dzwonic",
    "usuncie moj numer",
    "usunac moj numer",
    "usun moj numer",
    "aramayin",
    "aramayi birakin",
    "numarami silin",
    "numarami listenizden silin",
    "電話しないで",
    "電話をかけないで",
    "番号を削除",
    "リストから外して",
    "फोन मत",
    "कॉल मत",
    "मेरा नंबर हटा",
    "不要再给我打电话",
    "别再给我打电话",
    "不要给我打电话",
    "别给我打电话",
    "不要再打",
    "别再打",
    "删除我的号码",
    "把我的号码",
];
const NOT_INTERESTED: &[&str] = &[
    "not interested",
    "no thanks",
    "no thank you",
    "לא מעוניין",
    "לא מעוניינת",
    "לא מעניין",
    "ne m'interesse pas",
    "pas interesse",
    "non merci",
    "kein interesse",
    "nicht interessiert",
    "nein danke",
    "no me interesa",
    "no estoy interesado",
    "no estoy interesada",
    "no gracias",
    "non mi interessa",
    "non sono interessato",
    "non sono interessata",
    "no grazie",
    "لا شكرا",
    "غير مهتم",
    "غير مهتمة",
    "لست مهتما",
    "لست مهتمة",
    "nao tenho interesse",
    "nao estou interessado",
    "nao estou interessada",
    "nao obrigado",
    "nao obrigada",
    "geen interesse",
    "niet geinteresseerd",
    "nee dank u",
    "nee dank je",
    "nee bedankt",
    "не интересно",
    "не интересует",
    "нет спасибо",
    "nie jestem zainteresowany",
    "nie jestem zainteresowana",
    "nie interesuje mnie",
    "nie dziekuje",
    "ilgilenmiyorum",
    "hayir tesekkurler",
    "istemiyorum",
    "興味がありません",
    "興味ないです",
    "結構です",
    "दिलचस्पी नहीं",
    "रुचि नहीं",
    "नहीं चाहिए",
    "नहीं धन्यवाद",
    "不感兴趣",
    "没兴趣",
    "不用了",
    "不需要",
];
const CALLBACK: &[&str] = &[
    "call me back",
    "call back",
    "callback",
    "call me later",
    "busy right now",
    "תתקשרו אליי",
    "תתקשר אליי",
    "תחזרו אליי",
    "תחזור אליי",
    "עסוק כרגע",
    "rappelez moi",
    "rappeler",
    "rappelez",
    "rufen sie mich",
    "zuruckrufen",
    "zuruck",
    "llameme",
    "llamame",
    "vuelva a llamar",
    "vuelvan a llamar",
    "mi richiami",
    "richiamami",
    "richiamare",
    "اتصل بي",
    "اتصلوا بي",
    "عاود الاتصال",
    "عاودوا الاتصال",
    "me ligue",
    "me liga",
    "ligue me",
    "ligar mais tarde",
    "ligar de novo",
    "bel me terug",
    "belt u me",
    "terugbellen",
    "bel me later",
    "перезвоните",
    "перезвонить",
    "позвоните мне",
    "zadzwonic",
    "zadzwon",
    "oddzwonic",
    "oddzwon",
    "arayin",
    "geri arayin",
    "tekrar arayin",
    "かけ直して",
    "折り返し",
    "また電話して",
    "後で電話",
    "फोन कीजिए",
    "फोन करें",
    "फोन करना",
    "कॉल कीजिए",
    "कॉल करें",
    "再打给我",
    "打给我",
    "回电",
    "晚点打",
];
const AGREE: &[&str] = &[
    "yes",
    "yeah",
    "sure",
    "that works",
    "sounds good",
    "ok",
    "okay",
    "perfect",
    "great",
    "כן",
    "מתאים",
    "בסדר",
    "oui",
    "ca me va",
    "d accord",
    "parfait",
    "ja",
    "passt",
    "einverstanden",
    "gerne",
    "si",
    "vale",
    "me viene bien",
    "perfecto",
    "de acuerdo",
    "va bene",
    "perfetto",
    "certo",
    "نعم",
    "أكيد",
    "حسنا",
    "موافق",
    "تمام",
    "ممتاز",
    "sim",
    "claro",
    "pode ser",
    "perfeito",
    "combinado",
    "esta bem",
    "otimo",
    "goed",
    "dat past",
    "komt goed uit",
    "akkoord",
    "uitstekend",
    "да",
    "хорошо",
    "подходит",
    "согласен",
    "согласна",
    "отлично",
    "конечно",
    "tak",
    "pasuje",
    "dobrze",
    "zgoda",
    "swietnie",
    "oczywiscie",
    "evet",
    "uygun",
    "uyar",
    "olur",
    "tamam",
    "harika",
    "tabii",
    "はい",
    "大丈夫",
    "いいですね",
    "お願いします",
    "हाँ",
    "हां",
    "ठीक है",
    "ठीक रहेगा",
    "बिल्कुल",
    "जरूर",
    "चलेगा",
    "好的",
    "可以",
    "没问题",
    "好啊",
    "合适",
];
const INTERESTED: &[&str] = &[
    "interested",
    "interesting",
    "tell me more",
    "מעוניין",
    "מעוניינת",
    "מעניין",
    "interesse",
    "interessant",
    "ca m interesse",
    "me interesa",
    "interesado",
    "interesante",
    "mi interessa",
    "interessato",
    "interessante",
    "مهتم",
    "مثير للاهتمام",
    "tenho interesse",
    "interessado",
    "interessada",
    "geinteresseerd",
    "интересно",
    "интересует",
    "interesujaco",
    "ciekawe",
    "zainteresowany",
    "zainteresowana",
    "ilginc",
    "ilgileniyorum",
    "興味があります",
    "面白そう",
    "दिलचस्प",
    "रुचि है",
    "感兴趣",
    "有意思",
    "有兴趣",
];
const COST: &[&str] = &[
    "cost",
    "price",
    "how much",
    "pricing",
    "כמה",
    "מחיר",
    "combien",
    "prix",
    "tarif",
    "kostet",
    "preis",
    "kosten",
    "cuesta",
    "precio",
    "cuanto",
    "costa",
    "prezzo",
    "quanto",
    "كم يكلف",
    "كم التكلفة",
    "كم السعر",
    "بكم",
    "السعر",
    "تكلفة",
    "custa",
    "preco",
    "kost",
    "prijs",
    "hoeveel",
    "сколько",
    "стоит",
    "цена",
    "стоимость",
    "kosztuje",
    "cena",
    "ile",
    "fiyat",
    "ucret",
    "ne kadar",
    "いくら",
    "料金",
    "値段",
    "費用",
    "कितना",
    "कितनी",
    "कीमत",
    "खर्च",
    "多少钱",
    "价格",
    "费用",
];
const WHO: &[&str] = &[
    "who is this",
    "who are you",
    "who s calling",
    "who is calling",
    "מי זה",
    "מי מדבר",
    "qui est",
    "c est qui",
    "wer ist",
    "wer spricht",
    "quien",
    "chi parla",
    "chi e",
    "من معي",
    "من أنت",
    "من المتصل",
    "quem",
    "met wie",
    "wie is",
    "кто",
    "kto",
    "kimsiniz",
    "kim",
    "どちら様",
    "どなた",
    "誰",
    "कौन",
    "哪位",
    "谁",
];
/// "What do you offer?", "What is this about?" (answered with the goal of the call).
const OFFER: &[&str] = &[
    "offer",
    "what do you do",
    "what is this about",
    "what s this about",
    "what is it about",
    "what are you selling",
    "you sell",
    "מציע",
    "במה מדובר",
    "על מה",
    "מה אתם עושים",
    "propose",
    "proposez",
    "offre",
    "offrez",
    "de quoi s agit",
    "a quel sujet",
    "vous faites quoi",
    "bietet",
    "bieten",
    "worum geht",
    "was machen sie",
    "ofrece",
    "ofrecen",
    "de que se trata",
    "a que se dedican",
    "offrite",
    "di cosa si tratta",
    "di che si tratta",
    "تقدم",
    "تقدمون",
    "ما الموضوع",
    "بخصوص ماذا",
    "oferece",
    "oferecem",
    "do que se trata",
    "sobre o que",
    "biedt",
    "bieden",
    "waar gaat het over",
    "waarover",
    "предлага",
    "о чем",
    "в чем дело",
    "oferuje",
    "oferujecie",
    "o co chodzi",
    "czym sie zajmuj",
    "sunuyor",
    "sunuyorsunuz",
    "ne hakkinda",
    "konu ne",
    "提供",
    "何の件",
    "ご用件",
    "何のお電話",
    "ऑफ़र",
    "किस बारे में",
    "क्या करती है",
    "什么事",
    "关于什么",
    "做什么",
];
const QUESTION_START: &[&str] = &[
    "what",
    "how",
    "who",
    "why",
    "where",
    "when",
    "which",
    "מה",
    "כמה",
    "מי",
    "למה",
    "איך",
    "quoi",
    "qu est ce",
    "combien",
    "comment",
    "qui",
    "pourquoi",
    "was",
    "wie",
    "wer",
    "warum",
    "que",
    "cuanto",
    "como",
    "quien",
    "por que",
    "cosa",
    "quanto",
    "come",
    "chi",
    "perche",
    "ماذا",
    "ما",
    "كيف",
    "لماذا",
    "هل",
    "متى",
    "كم",
    "o que",
    "quem",
    "qual",
    "wat",
    "hoe",
    "waarom",
    "wanneer",
    "welke",
    "что",
    "как",
    "кто",
    "почему",
    "сколько",
    "когда",
    "co",
    "jak",
    "kto",
    "dlaczego",
    "ile",
    "kiedy",
    "ne",
    "neden",
    "nasil",
    "kim",
    "什么",
    "为什么",
    "怎么",
    "क्या",
    "कौन",
    "कितना",
    "क्यों",
    "कैसे",
];

/// Whether `text` asks about a price ("how much", "combien", "いくら", ...).
pub fn asks_price(text: &str) -> bool {
    has_any(&fold(text), COST)
}

/// Asking for a person instead of the assistant (matched on folded text).
pub const WANTS_PERSON: &[&str] = &[
    "real person",
    "a human",
    "speak to someone",
    "נציג אנושי",
    "vraie personne",
    "echten menschen",
    "persona de verdad",
    "persona vera",
    "شخص حقيقي",
    "pessoa de verdade",
    "echt persoon",
    "живым человеком",
    "prawdziwą osobą",
    "gerçek bir kişi",
    "人間の担当者",
    "असली इंसान",
    "真人",
];

/// Whether the callee asks to speak with a person.
pub fn wants_person(text: &str) -> bool {
    has_any(&fold(text), WANTS_PERSON)
}

/// What the callee meant.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Wants to be removed from the list.
    OptOut,
    /// Declines.
    NotInterested,
    /// Wants a call back, maybe at a given time.
    Callback(Option<DateTime<FixedOffset>>),
    /// Proposes or accepts a meeting time.
    Meeting(DateTime<FixedOffset>),
    /// Asks something.
    Question(Question),
    /// Interested but no time yet.
    Interested,
    /// Not understood.
    Unclear,
}

/// Classifies `last` (the callee's last words); `earlier` holds previous
/// messages of both sides, newest first, to find a time being agreed to.
pub fn classify(last: &str, earlier: &[&str], now: DateTime<FixedOffset>) -> Intent {
    let text = fold(last);
    if has_any(&text, OPT_OUT) {
        return Intent::OptOut;
    }
    if has_any(&text, NOT_INTERESTED) {
        return Intent::NotInterested;
    }
    let spoken_time = when::parse(last);
    if has_any(&text, CALLBACK) {
        let at = spoken_time
            .is_some()
            .then(|| when::resolve(&spoken_time, now))
            .flatten();
        return Intent::Callback(at);
    }
    if spoken_time.is_some()
        && let Some(at) = when::resolve(&spoken_time, now)
    {
        return Intent::Meeting(at);
    }
    if has_any(&text, AGREE) {
        let agreed = earlier
            .iter()
            .map(|m| when::parse(m))
            .find(|w| w.day.is_some() && w.time.is_some())
            .and_then(|w| when::resolve(&w, now));
        if let Some(at) = agreed {
            return Intent::Meeting(at);
        }
    }
    let first_words = text.trim_start();
    let asks = last.contains(['?', '¿', '？', '؟'])
        || QUESTION_START
            .iter()
            .any(|q| first_words.starts_with(&format!("{} ", fold(q).trim())));
    if asks {
        let kind = if has_any(&text, COST) {
            Question::Cost
        } else if has_any(&text, WHO) {
            Question::Who
        } else if has_any(&text, OFFER) {
            Question::Offer
        } else {
            Question::Other
        };
        return Intent::Question(kind);
    }
    if has_any(&text, INTERESTED) || has_any(&text, AGREE) {
        return Intent::Interested;
    }
    Intent::Unclear
}

/// A model answer: text to speak and optionally one tool call.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Assistant content.
    pub content: String,
    /// Tool name and JSON arguments.
    pub tool: Option<(String, Value)>,
}

fn rfc3339(at: DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Turns an intent into the reply, in `lang`; a question the callee asked in `words` is
/// answered from what the prompt gives the model ([`Grounding`]).
pub fn decide(
    intent: &Intent,
    words: &str,
    lang: Lang,
    now: DateTime<FixedOffset>,
    grounding: &Grounding<'_>,
) -> Decision {
    if let Intent::Question(kind) = intent {
        return grounded::answer(*kind, words, lang, grounding);
    }
    let (content, tool) = match intent {
        Intent::OptOut => (replies::opted_out(lang), Some(("opt_out", json!({})))),
        Intent::NotInterested => (
            replies::not_interested(lang),
            Some(("end_call", json!({"reason": "not_interested"}))),
        ),
        Intent::Callback(Some(at)) => (
            replies::callback_scheduled(lang, *at, now),
            Some(("schedule_callback", json!({"callback_at": rfc3339(*at)}))),
        ),
        Intent::Callback(None) => (replies::callback_when(lang), None),
        Intent::Meeting(at) => (replies::meeting_booked(lang, *at), None),
        Intent::Interested | Intent::Question(_) => (replies::propose_meeting(lang), None),
        Intent::Unclear => (replies::repeat(lang), None),
    };
    Decision {
        content,
        tool: tool.map(|(name, args)| (name.to_owned(), args)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::agent::Brief;
    use crate::phrases::{self, Line};

    static NO_BRIEF: Brief = Brief::EMPTY;
    const NOTHING: Grounding<'static> = Grounding {
        brief: &NO_BRIEF,
        can_search: false,
    };

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T10:15:00+02:00").expect("time")
    }

    #[test]
    fn persona_lines_are_understood_in_every_language() {
        for lang in Lang::ALL {
            let say = |l| phrases::line(l, lang);
            let c = |l| classify(say(l), &[], now());
            assert_eq!(c(Line::OptOut), Intent::OptOut, "{lang:?}");
            assert_eq!(c(Line::NotInterested), Intent::NotInterested, "{lang:?}");
            let tomorrow5 = DateTime::parse_from_rfc3339("2026-11-25T17:00:00+02:00").ok();
            assert_eq!(c(Line::Callback), Intent::Callback(tomorrow5), "{lang:?}");
            let thu3 = DateTime::parse_from_rfc3339("2026-11-26T15:00:00+02:00").expect("t");
            assert_eq!(c(Line::ProposeTime), Intent::Meeting(thu3), "{lang:?}");
            assert_eq!(
                c(Line::AskOffer),
                Intent::Question(Question::Offer),
                "{lang:?}"
            );
            assert_eq!(
                c(Line::AskCost),
                Intent::Question(Question::Cost),
                "{lang:?}"
            );
            assert_eq!(
                c(Line::WhoIsThis),
                Intent::Question(Question::Who),
                "{lang:?}"
            );
            assert_eq!(c(Line::Confirm), Intent::Interested, "{lang:?}");
            for (asked, kind) in [
                ("Which warranty do you give?", Question::Other),
                ("Is it safe?", Question::Other),
                ("What is this about?", Question::Offer),
            ] {
                assert_eq!(
                    classify(asked, &[], now()),
                    Intent::Question(kind),
                    "{asked}"
                );
            }
            let earlier = [say(Line::ProposeTime)];
            assert_eq!(
                classify(say(Line::Confirm), &earlier, now()),
                Intent::Meeting(thu3)
            );
            assert_eq!(
                classify(phrases::garbled(lang, 0), &[], now()),
                Intent::Unclear,
                "{lang:?}"
            );
        }
    }

    #[test]
    fn decisions_carry_tools() {
        let d = decide(
            &classify("jeudi à 15h", &[], now()),
            "jeudi à 15h",
            Lang::Fr,
            now(),
            &NOTHING,
        );
        assert!(d.content.contains("jeudi à 15h00"));
        let d = decide(&Intent::OptOut, "", Lang::He, now(), &NOTHING);
        assert_eq!(d.tool.map(|t| t.0).as_deref(), Some("opt_out"));
        let d = decide(
            &classify("木曜日の15時はいかがですか？", &[], now()),
            "木曜日の15時はいかがですか？",
            Lang::Ja,
            now(),
            &NOTHING,
        );
        assert!(d.content.contains("木曜日の15:00"), "{}", d.content);
        // A question is answered from the prompt only: here it says nothing.
        let d = decide(
            &Intent::Question(Question::Cost),
            "Was kostet das?",
            Lang::De,
            now(),
            &NOTHING,
        );
        assert!(
            d.content.starts_with(grounded::dont_know(Lang::De)),
            "{}",
            d.content
        );
    }

    #[test]
    fn every_reply_is_in_its_own_language() {
        // The model's replies never fall back to another language's row.
        for lang in Lang::ALL {
            let others: Vec<Lang> = Lang::ALL.into_iter().filter(|l| *l != lang).collect();
            for reply in [
                grounded::greeting(lang, &NO_BRIEF),
                replies::propose_meeting(lang),
                replies::repeat(lang),
                replies::opted_out(lang),
            ] {
                for other in &others {
                    assert_ne!(reply, grounded::greeting(*other, &NO_BRIEF), "{lang:?}");
                    assert_ne!(reply, replies::repeat(*other), "{lang:?}");
                }
            }
        }
    }

    #[test]
    fn model_lines_are_not_mistaken_for_callee_intents() {
        // Without the booking tools, the model's proposal carries a day and a time, so the
        // callee's "yes" agrees to it in every language.
        for lang in Lang::ALL {
            let proposal = replies::propose_meeting(lang);
            let yes = phrases::line(Line::Confirm, lang);
            let thu3 = DateTime::parse_from_rfc3339("2026-11-26T15:00:00+02:00").expect("t");
            assert_eq!(
                classify(yes, &[&proposal], now()),
                Intent::Meeting(thu3),
                "{lang:?}: {proposal}"
            );
        }
    }
}
