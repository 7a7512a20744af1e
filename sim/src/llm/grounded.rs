//! What the model says about the agent, built only from the system prompt ([`Brief`]): the
//! opening, who is calling, what the call is about, answers quoted from the knowledge, "I don't
//! know", and the qualification questions. The frames are localised; the user's words (business,
//! goal, passages, questions) are quoted as written, whatever their language.

use serde_json::json;

use super::agent::{AnswerKind, Brief, Passage, Question as Qualifying};
use super::intent::Decision;
use super::knowledge;
use super::replies::{Question, spoken_list};
use crate::phrases::{LANGS, Lang, pick};

/// What the model may answer from: the prompt's brief and whether it can search.
#[derive(Debug, Clone, Copy)]
pub struct Grounding<'a> {
    /// The agent as the system prompt describes it.
    pub brief: &'a Brief,
    /// Whether the request offers the `search_knowledge` tool.
    pub can_search: bool,
}

/// `template` with `{b}`, `{g}` and `{p}` replaced in one pass (so a value containing a
/// placeholder is left alone).
fn fill(template: &str, values: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let mut chars = after.chars();
        match (chars.next(), chars.next()) {
            (Some(key), Some('}')) if values.iter().any(|(k, _)| *k == key) => {
                let value = values.iter().find(|(k, _)| *k == key).map_or("", |v| v.1);
                out.push_str(value);
                rest = &after[key.len_utf8() + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Sentences joined as the language writes them (no spaces in Japanese and Chinese).
fn join(lang: Lang, parts: &[&str]) -> String {
    let sep = if matches!(lang, Lang::Ja | Lang::Zh) {
        ""
    } else {
        " "
    };
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(sep)
}

/// The user's sentence without its final full stop, to go inside a frame that ends one.
fn clause(text: &str) -> &str {
    text.trim().trim_end_matches(['.', '。', '।', '!', '！'])
}

/// Asks for the meeting after an answer (the scripted callees hear it as no question of
/// their own to answer, see `phrases::is_open_question`).
pub fn meeting_ask(lang: Lang) -> &'static str {
    pick(
        lang,
        [
            "Would a short meeting this week suit you?",
            "האם פגישה קצרה השבוע תתאים לך?",
            "Un court rendez-vous cette semaine vous conviendrait-il ?",
            "Würde Ihnen ein kurzer Termin diese Woche passen?",
            "¿Le vendría bien una breve reunión esta semana?",
            "Le andrebbe bene un breve incontro questa settimana?",
            "هل يناسبك اجتماع قصير هذا الأسبوع؟",
            "Uma reunião rápida esta semana seria boa para você?",
            "Zou een kort gesprek deze week u uitkomen?",
            "Вам удобно провести короткую встречу на этой неделе?",
            "Czy odpowiadałoby Państwu krótkie spotkanie w tym tygodniu?",
            "Bu hafta kısa bir toplantı size uyar mı?",
            "今週、短いお打ち合わせのお時間をいただけますでしょうか？",
            "क्या इस हफ़्ते एक छोटी मीटिंग आपके लिए ठीक रहेगी?",
            "这周方便抽时间简短开个会吗？",
        ],
    )
}

/// "This is the AI assistant of {business}." (or of no one in particular).
pub fn who(lang: Lang, brief: &Brief) -> String {
    const NAMED: [&str; LANGS] = [
        "This is the AI assistant of {b}.",
        "כאן עוזר הבינה המלאכותית של {b}.",
        "Ici l'assistant IA de {b}.",
        "Hier spricht der KI-Assistent von {b}.",
        "Le habla el asistente de IA de {b}.",
        "Sono l'assistente IA di {b}.",
        "معك مساعد الذكاء الاصطناعي الخاص بـ {b}.",
        "Aqui é o assistente de IA de {b}.",
        "U spreekt met de AI-assistent van {b}.",
        "Это ИИ-ассистент компании {b}.",
        "Tu asystent AI firmy {b}.",
        "Ben {b} şirketinin yapay zekâ asistanıyım.",
        "{b}のAIアシスタントです。",
        "मैं {b} का एआई सहायक हूँ।",
        "我是{b}的AI助手。",
    ];
    const ANONYMOUS: [&str; LANGS] = [
        "This is an AI assistant.",
        "כאן עוזר בינה מלאכותית.",
        "Ici un assistant IA.",
        "Hier spricht ein KI-Assistent.",
        "Le habla un asistente de IA.",
        "Sono un assistente IA.",
        "معك مساعد ذكاء اصطناعي.",
        "Aqui é um assistente de IA.",
        "U spreekt met een AI-assistent.",
        "Это ИИ-ассистент.",
        "Tu asystent AI.",
        "Ben bir yapay zekâ asistanıyım.",
        "AIアシスタントです。",
        "मैं एक एआई सहायक हूँ।",
        "我是AI助手。",
    ];
    match &brief.business {
        Some(b) => fill(pick(lang, NAMED), &[('b', b)]),
        None => pick(lang, ANONYMOUS).to_owned(),
    }
}

/// "I'm calling about: {goal}." without the business (the opening names it already).
fn calling_about(lang: Lang, goal: &str) -> String {
    const ROW: [&str; LANGS] = [
        "I'm calling about: {g}.",
        "אני מתקשר בנושא: {g}.",
        "Je vous appelle au sujet de : {g}.",
        "Ich rufe an wegen: {g}.",
        "Le llamo por lo siguiente: {g}.",
        "La chiamo per questo: {g}.",
        "أتصل بك بخصوص: {g}.",
        "Estou ligando sobre: {g}.",
        "Ik bel u over: {g}.",
        "Я звоню по поводу: {g}.",
        "Dzwonię w sprawie: {g}.",
        "Şu konuda arıyorum: {g}.",
        "次の件でお電話しました：{g}。",
        "मैं इस बारे में फ़ोन कर रहा हूँ: {g}।",
        "我致电的事由是：{g}。",
    ];
    fill(pick(lang, ROW), &[('g', clause(goal))])
}

/// "I'm calling on behalf of {business} about: {goal}.", for "what is this about?".
pub fn about(lang: Lang, brief: &Brief) -> Option<String> {
    const NAMED: [&str; LANGS] = [
        "I'm calling on behalf of {b} about: {g}.",
        "אני מתקשר בשם {b} בנושא: {g}.",
        "Je vous appelle de la part de {b} au sujet de : {g}.",
        "Ich rufe im Auftrag von {b} an, es geht um: {g}.",
        "Le llamo de parte de {b} por lo siguiente: {g}.",
        "La chiamo per conto di {b} per questo: {g}.",
        "أتصل بك نيابة عن {b} بخصوص: {g}.",
        "Estou ligando em nome de {b} sobre: {g}.",
        "Ik bel u namens {b} over: {g}.",
        "Я звоню от имени {b} по поводу: {g}.",
        "Dzwonię w imieniu {b} w sprawie: {g}.",
        "{b} adına şu konuda arıyorum: {g}.",
        "{b}を代表して、次の件でお電話しました：{g}。",
        "मैं {b} की ओर से इस बारे में फ़ोन कर रहा हूँ: {g}।",
        "我代表{b}致电，事由是：{g}。",
    ];
    let goal = brief.goal.as_deref()?;
    Some(match &brief.business {
        Some(b) => fill(pick(lang, NAMED), &[('b', b), ('g', clause(goal))]),
        None => calling_about(lang, goal),
    })
}

/// The opening when the model speaks first: who is calling, what about, a minute to talk.
pub fn greeting(lang: Lang, brief: &Brief) -> String {
    let hello = pick(
        lang,
        [
            "Hello!",
            "שלום!",
            "Bonjour !",
            "Guten Tag!",
            "¡Hola!",
            "Buongiorno!",
            "مرحبا!",
            "Olá!",
            "Goedendag!",
            "Здравствуйте!",
            "Dzień dobry!",
            "Merhaba!",
            "こんにちは。",
            "नमस्ते!",
            "您好！",
        ],
    );
    let minute = pick(
        lang,
        [
            "Do you have a minute?",
            "יש לך דקה?",
            "Avez-vous une minute ?",
            "Haben Sie eine Minute?",
            "¿Tiene un minuto?",
            "Ha un minuto?",
            "هل لديك دقيقة؟",
            "Você tem um minuto?",
            "Heeft u even een minuutje?",
            "У вас есть минутка?",
            "Czy mogę zająć chwilę?",
            "Bir dakikanız var mı?",
            "少しだけお時間よろしいでしょうか？",
            "क्या आपके पास एक मिनट है?",
            "您现在方便聊一分钟吗？",
        ],
    );
    let about = brief
        .goal
        .as_deref()
        .map(|g| calling_about(lang, g))
        .unwrap_or_default();
    join(lang, &[hello, &who(lang, brief), &about, minute])
}

/// A passage quoted verbatim in a frame.
pub fn from_knowledge(lang: Lang, passage: &Passage) -> String {
    const ROW: [&str; LANGS] = [
        "Here is what I can tell you: {p}",
        "הנה מה שאני יכול לומר לך: {p}",
        "Voici ce que je peux vous dire : {p}",
        "Dazu kann ich Ihnen Folgendes sagen: {p}",
        "Esto es lo que le puedo decir: {p}",
        "Ecco cosa posso dirle: {p}",
        "إليك ما يمكنني قوله: {p}",
        "Posso dizer o seguinte: {p}",
        "Dit kan ik u vertellen: {p}",
        "Вот что я могу сказать: {p}",
        "Mogę powiedzieć tyle: {p}",
        "Size şunu söyleyebilirim: {p}",
        "お答えできるのは次のとおりです：{p}",
        "मैं आपको यह बता सकता हूँ: {p}",
        "我可以告诉您的是：{p}",
    ];
    fill(pick(lang, ROW), &[('p', passage.text.trim())])
}

/// Nothing in the knowledge answers the question.
pub fn dont_know(lang: Lang) -> &'static str {
    pick(
        lang,
        [
            "I'm sorry, I don't have that information.",
            "מצטער, אין לי את המידע הזה.",
            "Je suis désolé, je n'ai pas cette information.",
            "Das tut mir leid, diese Information habe ich nicht.",
            "Lo siento, no tengo esa información.",
            "Mi dispiace, non ho questa informazione.",
            "آسف، ليست لدي هذه المعلومة.",
            "Desculpe, não tenho essa informação.",
            "Het spijt me, die informatie heb ik niet.",
            "К сожалению, у меня нет этой информации.",
            "Przykro mi, nie mam tej informacji.",
            "Üzgünüm, bu bilgiye sahip değilim.",
            "申し訳ございません、その情報は持ち合わせておりません。",
            "माफ़ कीजिए, मेरे पास यह जानकारी नहीं है।",
            "抱歉，我没有这方面的信息。",
        ],
    )
}

/// Said with the `search_knowledge` call (the product may not speak it).
pub fn checking_knowledge(lang: Lang) -> &'static str {
    pick(
        lang,
        [
            "Let me check that for you.",
            "רגע, אני בודק.",
            "Je vérifie pour vous.",
            "Einen Moment, ich sehe nach.",
            "Déjeme comprobarlo.",
            "Verifico subito.",
            "لحظة، سأتحقق من ذلك.",
            "Deixe-me verificar isso.",
            "Ik zoek het even voor u op.",
            "Сейчас уточню.",
            "Już sprawdzam.",
            "Hemen kontrol ediyorum.",
            "確認いたします。",
            "एक पल, मैं देख लेता हूँ।",
            "我帮您查一下。",
        ],
    )
}

/// A qualification question as asked: its text verbatim, and for a choice the options in
/// brackets, "(basic, pro or enterprise)" with the language's own "or".
pub fn ask(lang: Lang, question: &Qualifying) -> String {
    match &question.kind {
        AnswerKind::OneOf(options) if !options.is_empty() => {
            let list = spoken_list(lang, options);
            match lang {
                Lang::Ja | Lang::Zh => format!("{}（{list}）", question.text),
                _ => format!("{} ({list})", question.text),
            }
        }
        _ => question.text.clone(),
    }
}

/// An answer, then the meeting.
fn with_meeting(lang: Lang, answer: &str) -> Decision {
    Decision {
        content: join(lang, &[answer, meeting_ask(lang)]),
        tool: None,
    }
}

/// The reply to a question of `kind` the callee asked in `words`: who is calling, what the
/// call is about, or what the knowledge says (searching it first when it is behind the
/// `search_knowledge` tool); "I don't know" when nothing answers it.
pub fn answer(kind: Question, words: &str, lang: Lang, grounding: &Grounding<'_>) -> Decision {
    let brief = grounding.brief;
    match kind {
        Question::Who => with_meeting(lang, &who(lang, brief)),
        Question::Offer => match about(lang, brief) {
            Some(about) => with_meeting(lang, &about),
            None if brief.business.is_some() => with_meeting(lang, &who(lang, brief)),
            None => with_meeting(lang, dont_know(lang)),
        },
        Question::Cost | Question::Other if brief.passages.is_empty() && grounding.can_search => {
            Decision {
                content: checking_knowledge(lang).to_owned(),
                tool: Some((
                    "search_knowledge".to_owned(),
                    json!({"query": words.trim()}),
                )),
            }
        }
        Question::Cost | Question::Other => {
            match knowledge::best(words, kind == Question::Cost, &brief.passages) {
                Some(passage) => with_meeting(lang, &from_knowledge(lang, passage)),
                None => with_meeting(lang, dont_know(lang)),
            }
        }
    }
}

/// The reply to a `search_knowledge` result for the callee's `words`, or `None` when the tool
/// result is not one.
pub fn after_search(lang: Lang, content: &str, words: &str, about_price: bool) -> Option<String> {
    let passages = knowledge::search_result(content)?;
    let reply = match knowledge::best(words, about_price, &passages) {
        Some(passage) => with_meeting(lang, &from_knowledge(lang, passage)),
        None => with_meeting(lang, dont_know(lang)),
    };
    Some(reply.content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrases::{self, AgentCue};

    fn brief() -> Brief {
        Brief {
            business: Some("Acme Solar".into()),
            goal: Some("a 30-minute review of your energy bills.".into()),
            questions: vec![],
            passages: vec![
                Passage {
                    source: "Pricing".into(),
                    text: "Panels start at 49 euros a month.".into(),
                },
                Passage {
                    source: "Warranty".into(),
                    text: "Every installation carries a 25-year warranty.".into(),
                },
            ],
        }
    }

    #[test]
    fn fills_placeholders_once() {
        assert_eq!(
            fill("a {b} c {g}", &[('b', "{g}"), ('g', "x")]),
            "a {g} c x"
        );
        assert_eq!(fill("{x} {b", &[('b', "B")]), "{x} {b");
    }

    #[test]
    fn frames_quote_the_prompt_in_every_language() {
        let b = brief();
        let anonymous = Brief::default();
        for lang in Lang::ALL {
            let greeting = greeting(lang, &b);
            assert!(
                greeting.contains("Acme Solar")
                    && greeting.contains("a 30-minute review of your energy bills")
                    && !greeting.contains("bills.."),
                "{lang:?}: {greeting}"
            );
            let plain = super::greeting(lang, &anonymous);
            assert!(!plain.contains("{"), "{lang:?}: {plain}");
            let about = about(lang, &b).expect("a goal");
            assert!(about.contains("Acme Solar") && about.contains("energy bills"));
            assert_eq!(super::about(lang, &anonymous), None);
            assert!(who(lang, &b).contains("Acme Solar"));
            // None of them sounds like an offer of slots or a goodbye to the callees, and the
            // meeting question after an answer is no question for them to answer.
            for line in [
                greeting.clone(),
                plain,
                who(lang, &anonymous),
                with_meeting(lang, &about).content,
                with_meeting(lang, &from_knowledge(lang, &b.passages[0])).content,
                with_meeting(lang, dont_know(lang)).content,
                checking_knowledge(lang).to_owned(),
            ] {
                assert_eq!(
                    phrases::agent_cue(&line),
                    AgentCue::Other,
                    "{lang:?}: {line}"
                );
                assert!(!phrases::is_open_question(&line), "{lang:?}: {line}");
            }
        }
    }

    #[test]
    fn answers_from_the_knowledge_or_says_it_does_not_know() {
        let b = brief();
        let g = Grounding {
            brief: &b,
            can_search: false,
        };
        for lang in Lang::ALL {
            let d = answer(Question::Other, "What about the warranty?", lang, &g);
            assert!(d.content.contains("25-year warranty"), "{}", d.content);
            assert!(d.content.ends_with(meeting_ask(lang)));
            let d = answer(Question::Cost, "How much?", lang, &g);
            assert!(d.content.contains("49 euros"), "{}", d.content);
            let d = answer(Question::Other, "Do you sell cars?", lang, &g);
            assert!(d.content.starts_with(dont_know(lang)), "{}", d.content);
            let d = answer(Question::Offer, "What is this about?", lang, &g);
            assert!(d.content.contains("energy bills"));
            let d = answer(Question::Who, "Who is this?", lang, &g);
            assert!(d.content.contains("Acme Solar") && d.tool.is_none());
        }
        // Behind the search tool: search with the callee's words, then quote what came back.
        let empty = Brief::default();
        let g = Grounding {
            brief: &empty,
            can_search: true,
        };
        let d = answer(Question::Cost, " What does it cost? ", Lang::Fr, &g);
        assert_eq!(d.content, checking_knowledge(Lang::Fr));
        assert_eq!(
            d.tool,
            Some((
                "search_knowledge".to_owned(),
                json!({"query": "What does it cost?"})
            ))
        );
        let result = r#"{"tool":"search_knowledge","passages":[{"source":"Warranty","text":"Ten years."},{"source":"Pricing","text":"Dès 49 € par mois."}]}"#;
        let said = after_search(Lang::Fr, result, "Combien ça coûte ?", true).expect("search");
        assert!(said.contains("Dès 49 € par mois."), "{said}");
        let none = r#"{"tool":"search_knowledge","passages":[]}"#;
        let said = after_search(Lang::Fr, none, "Combien ?", true).expect("search");
        assert!(said.starts_with(dont_know(Lang::Fr)));
        assert_eq!(after_search(Lang::Fr, r#"{"slots":[]}"#, "x", false), None);
        // Nothing to answer from at all.
        let g = Grounding {
            brief: &empty,
            can_search: false,
        };
        for kind in [Question::Offer, Question::Cost, Question::Other] {
            let d = answer(kind, "?", Lang::En, &g);
            assert!(d.content.starts_with(dont_know(Lang::En)), "{kind:?}");
        }
    }

    #[test]
    fn questions_carry_their_options_with_the_local_or() {
        let plan = Qualifying {
            id: "plan".into(),
            kind: AnswerKind::OneOf(vec!["basic".into(), "pro".into(), "enterprise".into()]),
            text: "Which plan?".into(),
        };
        let ors = [
            " or ",
            " או ",
            " ou ",
            " oder ",
            " o ",
            " o ",
            " أو ",
            " ou ",
            " of ",
            " или ",
            " lub ",
            " veya ",
            "、または",
            " या ",
            "或者",
        ];
        for (lang, or) in Lang::ALL.into_iter().zip(ors) {
            let asked = ask(lang, &plan);
            assert!(asked.starts_with("Which plan?"), "{asked}");
            assert!(
                asked.contains(or) && asked.contains("enterprise"),
                "{lang:?}: {asked}"
            );
        }
        assert_eq!(
            ask(Lang::En, &plan),
            "Which plan? (basic, pro or enterprise)"
        );
        assert_eq!(
            ask(Lang::Ja, &plan),
            "Which plan?（basic、pro、またはenterprise）"
        );
        let yes_no = Qualifying {
            id: "own".into(),
            kind: AnswerKind::YesNo,
            text: "Do you own it?".into(),
        };
        assert_eq!(ask(Lang::De, &yes_no), "Do you own it?");
    }
}
