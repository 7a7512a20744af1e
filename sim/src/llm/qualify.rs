//! Qualification questions in booking mode. Where the booking protocol would call
//! `check_availability` (the callee is interested or proposes a time), the model first asks
//! the next question no earlier assistant line asked, one per turn. An answer to the last one
//! resumes the protocol with the day and time the callee proposed before the questions. An
//! agent without questions books exactly as [`booking::decide`] does.

use chrono::Duration;

use super::agent::Question;
use super::booking::{self, Turn};
use super::grounded;
use super::intent::{self, Decision, Intent};
use super::replies;
use super::text::fold;
use super::when;

/// Whether the assistant line `said` asks `question` (contains its text).
pub fn asks(said: &str, question: &Question) -> bool {
    let text = fold(&question.text);
    let text = text.trim();
    !text.is_empty() && fold(said).contains(text)
}

/// The question the assistant line `said` asks, if any.
pub fn asked_in<'q>(said: &str, questions: &'q [Question]) -> Option<&'q Question> {
    questions.iter().find(|q| asks(said, q))
}

fn ask(turn: &Turn<'_>, question: &Question) -> Decision {
    Decision {
        content: grounded::ask(turn.lang, question),
        tool: None,
    }
}

/// The callee's earlier lines that were not answers to a question, newest first.
fn own_words<'a>(turn: &'a Turn<'_>, questions: &'a [Question]) -> impl Iterator<Item = &'a str> {
    let history = &turn.history;
    history
        .iter()
        .enumerate()
        .filter_map(move |(i, (role, text))| {
            let answer = history
                .get(i + 1)
                .is_some_and(|(r, t)| *r == "assistant" && asked_in(t, questions).is_some());
            (*role == "user" && !answer).then_some(*text)
        })
}

/// All questions answered: search around the time the callee proposed before them (or from
/// tomorrow), or offer again the slots already on offer.
fn resume(turn: &Turn<'_>, questions: &[Question]) -> Decision {
    let lang = turn.lang;
    if !turn.offered.is_empty() {
        let labels: Vec<String> = turn.offered.iter().map(|s| s.label.clone()).collect();
        return Decision {
            content: replies::offer(lang, &labels),
            tool: None,
        };
    }
    let proposed = own_words(turn, questions).find_map(|words| {
        let spoken = when::parse(&booking::without_emails(words));
        let at = when::resolve(&spoken, turn.now).filter(|_| spoken.is_some())?;
        Some((at.date_naive(), spoken.time))
    });
    let (day, time) = proposed.unwrap_or_else(|| (turn.now.date_naive() + Duration::days(1), None));
    booking::check_availability(lang, day, time)
}

/// Decides the reply to the callee's `last` words in booking mode, asking `questions` first.
pub fn decide(last: &str, turn: &Turn<'_>, questions: &[Question]) -> Decision {
    if questions.is_empty() {
        return booking::decide(last, turn);
    }
    let next = questions.iter().find(|q| {
        !turn
            .history
            .iter()
            .any(|(role, said)| *role == "assistant" && asks(said, q))
    });
    let answering = turn
        .last_agent
        .is_some_and(|said| asked_in(said, questions).is_some());
    if answering {
        // Whatever the callee says to a question is its answer (a number may look like a time),
        // unless they end the call or ask something themselves.
        let intent = intent::classify(&booking::without_emails(last), &turn.earlier, turn.now);
        if !matches!(
            intent,
            Intent::OptOut | Intent::NotInterested | Intent::Callback(_) | Intent::Question(_)
        ) {
            return match next {
                Some(question) => ask(turn, question),
                None => resume(turn, questions),
            };
        }
    }
    let decision = booking::decide(last, turn);
    match (&decision.tool, next) {
        (Some((tool, _)), Some(question)) if tool == "check_availability" => ask(turn, question),
        _ => decision,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset};
    use serde_json::json;

    use super::*;
    use crate::llm::agent::{AnswerKind, Brief};
    use crate::llm::grounded::Grounding;
    use crate::phrases::{self, Lang, Line};

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T12:00:00+02:00").expect("time")
    }

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: "employees".into(),
                kind: AnswerKind::Number,
                text: "How many people work at your company?".into(),
            },
            Question {
                id: "plan".into(),
                kind: AnswerKind::OneOf(vec!["basic".into(), "pro".into()]),
                text: "Which plan are you on today?".into(),
            },
        ]
    }

    /// The model's reply after `history` (oldest first, alternating agent / callee, the
    /// callee last).
    fn reply(lang: Lang, history: &[&str], questions: &[Question]) -> Decision {
        let (last, before) = history.split_last().expect("a callee line");
        let roles = ["assistant", "user"];
        let mut newest_first: Vec<(&str, &str)> = before
            .iter()
            .enumerate()
            .map(|(i, t)| (roles[i % 2], *t))
            .collect();
        newest_first.reverse();
        let brief = Brief::EMPTY;
        let turn = Turn {
            lang,
            now: now(),
            offered: vec![],
            earlier: newest_first.iter().map(|(_, t)| *t).collect(),
            earlier_user: newest_first
                .iter()
                .filter(|(r, _)| *r == "user")
                .map(|(_, t)| *t)
                .collect(),
            last_agent: newest_first
                .iter()
                .find(|(r, _)| *r == "assistant")
                .map(|(_, t)| *t),
            history: newest_first.clone(),
            grounding: Grounding {
                brief: &brief,
                can_search: false,
            },
        };
        decide(last, &turn, questions)
    }

    #[test]
    fn asks_each_question_then_searches_around_the_proposed_time_in_every_language() {
        let qs = questions();
        for lang in Lang::ALL {
            let hello = "Hello, this is the assistant.";
            let propose = phrases::line(Line::ProposeTime, lang);
            let d = reply(lang, &[hello, propose], &qs);
            assert_eq!(
                (d.content.as_str(), d.tool.is_none()),
                (qs[0].text.as_str(), true)
            );
            let q1 = d.content;
            // A number that could be an hour is still an answer.
            let d = reply(lang, &[hello, propose, &q1, "12"], &qs);
            assert!(
                d.content.starts_with(&qs[1].text) && d.tool.is_none(),
                "{lang:?}"
            );
            let q2 = d.content;
            let d = reply(lang, &[hello, propose, &q1, "12", &q2, "pro"], &qs);
            assert_eq!(
                d.tool,
                Some((
                    "check_availability".to_owned(),
                    json!({"day": "2026-11-26", "time": "15:00"})
                )),
                "{lang:?}"
            );
            // Plain interest: from tomorrow once answered.
            let confirm = phrases::line(Line::Confirm, lang);
            let d = reply(lang, &[hello, confirm, &q1, "40", &q2, "basic"], &qs);
            assert_eq!(
                d.tool,
                Some((
                    "check_availability".to_owned(),
                    json!({"day": "2026-11-25"})
                )),
                "{lang:?}"
            );
            // Ending the call still ends it mid-questions.
            let no = phrases::line(Line::NotInterested, lang);
            let d = reply(lang, &[hello, propose, &q1, no], &qs);
            assert_eq!(d.tool.map(|t| t.0).as_deref(), Some("end_call"));
            let opt_out = phrases::line(Line::OptOut, lang);
            let d = reply(lang, &[hello, propose, &q1, opt_out], &qs);
            assert_eq!(d.tool.map(|t| t.0).as_deref(), Some("opt_out"));
        }
    }

    #[test]
    fn without_questions_it_books_as_before() {
        for lang in Lang::ALL {
            let propose = phrases::line(Line::ProposeTime, lang);
            let d = reply(lang, &["Hello.", propose], &[]);
            assert_eq!(
                d.tool,
                Some((
                    "check_availability".to_owned(),
                    json!({"day": "2026-11-26", "time": "15:00"})
                ))
            );
        }
    }

    #[test]
    fn recognises_asked_questions() {
        let qs = questions();
        let said = grounded::ask(Lang::Fr, &qs[1]);
        assert_eq!(asked_in(&said, &qs).map(|q| q.id.as_str()), Some("plan"));
        assert!(asks("So: how many people work at your company?", &qs[0]));
        assert!(asked_in("Thursday at 3?", &qs).is_none());
    }
}
