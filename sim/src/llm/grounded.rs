//! What the model says about the agent, built only from the system prompt ([`Brief`]): the
//! opening, who is calling, what the call is about, answers quoted from the knowledge, "I don't
//! know", and the qualification questions. The frames are localised; the user's words (business,
//! goal, passages, questions) are quoted as written, whatever their language.

use serde_json::json;

use super::agent::{AnswerKind, Brief, Passage, Question as Qualifying};
use super::intent::Decision;
use super::knowledge;
use super::replies::{Question, spoken_list};
use crate::phrases::Lang;
use crate::texts::{fill, texts};

/// What the model may answer from: the prompt's brief and whether it can search.
#[derive(Debug, Clone, Copy)]
pub struct Grounding<'a> {
    /// The agent as the system prompt describes it.
    pub brief: &'a Brief,
    /// Whether the request offers the `search_knowledge` tool.
    pub can_search: bool,
}

/// Sentences joined as the language writes them (no spaces in Japanese and Chinese).
fn join(lang: Lang, parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(texts(lang).writing.space())
}

/// The user's sentence without its final full stop, to go inside a frame that ends one.
fn clause(text: &str) -> &str {
    text.trim().trim_end_matches(['.', '。', '।', '!', '！'])
}

/// Asks for the meeting after an answer (the scripted callees hear it as no question of
/// their own to answer, see `phrases::is_open_question`).
pub fn meeting_ask(lang: Lang) -> &'static str {
    &texts(lang).model.meeting_ask
}

/// "This is the AI assistant of {business}." (or of no one in particular).
pub fn who(lang: Lang, brief: &Brief) -> String {
    let model = &texts(lang).model;
    match &brief.business {
        Some(b) => fill(&model.who, &[("business", b)]),
        None => model.who_anonymous.clone(),
    }
}

/// "I'm calling about: {goal}." without the business (the opening names it already).
fn calling_about(lang: Lang, goal: &str) -> String {
    fill(&texts(lang).model.calling_about, &[("goal", clause(goal))])
}

/// "I'm calling on behalf of {business} about: {goal}.", for "what is this about?".
pub fn about(lang: Lang, brief: &Brief) -> Option<String> {
    let goal = brief.goal.as_deref()?;
    Some(match &brief.business {
        Some(b) => fill(
            &texts(lang).model.calling_for,
            &[("business", b), ("goal", clause(goal))],
        ),
        None => calling_about(lang, goal),
    })
}

/// The opening when the model speaks first: who is calling, what about, a minute to talk.
pub fn greeting(lang: Lang, brief: &Brief) -> String {
    let model = &texts(lang).model;
    let about = brief
        .goal
        .as_deref()
        .map(|g| calling_about(lang, g))
        .unwrap_or_default();
    join(
        lang,
        &[&model.hello, &who(lang, brief), &about, &model.a_minute],
    )
}

/// A passage quoted verbatim in a frame.
pub fn from_knowledge(lang: Lang, passage: &Passage) -> String {
    fill(
        &texts(lang).model.from_knowledge,
        &[("passage", passage.text.trim())],
    )
}

/// Nothing in the knowledge answers the question.
pub fn dont_know(lang: Lang) -> &'static str {
    &texts(lang).model.dont_know
}

/// Said with the `search_knowledge` call (the product may not speak it).
pub fn checking_knowledge(lang: Lang) -> &'static str {
    &texts(lang).model.checking_knowledge
}

/// A qualification question as asked: its text verbatim, and for a choice the options in
/// brackets, "(basic, pro or enterprise)" with the language's own "or".
pub fn ask(lang: Lang, question: &Qualifying) -> String {
    match &question.kind {
        AnswerKind::OneOf(options) if !options.is_empty() => fill(
            &texts(lang).writing.choice,
            &[
                ("question", &question.text),
                ("options", &spoken_list(lang, options)),
            ],
        ),
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
            (Lang::En, " or "),
            (Lang::He, " או "),
            (Lang::Fr, " ou "),
            (Lang::De, " oder "),
            (Lang::Es, " o "),
            (Lang::It, " o "),
            (Lang::Ar, " أو "),
            (Lang::Pt, " ou "),
            (Lang::Nl, " of "),
            (Lang::Ru, " или "),
            (Lang::Pl, " lub "),
            (Lang::Tr, " veya "),
            (Lang::Ja, "、または"),
            (Lang::Hi, " या "),
            (Lang::Zh, "或者"),
        ];
        for (lang, or) in ors {
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
