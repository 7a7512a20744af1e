//! The scripted model's post-call summary (`record_summary`): the lead's lines of the
//! transcript classified like during the call, folded into interest, questions, objections and
//! the next step, and the answers to the qualification questions read by their type.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value, json};

use super::agent::Question;
use super::answers;
use super::intent::{self, Intent};
use super::qualify::{asked_in, asks};
use crate::phrases::Lang;

/// One line of the transcript: whether the agent said it, and what.
type Line<'a> = (bool, &'a str);

fn lines(transcript: &str) -> Vec<Line<'_>> {
    transcript
        .lines()
        .filter_map(|line| {
            line.strip_prefix("Agent: ")
                .map(|said| (true, said))
                .or_else(|| line.strip_prefix("Lead: ").map(|said| (false, said)))
        })
        .collect()
}

/// For each question the agent asked, the lead's next line read by the question's type;
/// unanswered questions are left out.
fn answers(lines: &[Line<'_>], questions: &[Question]) -> Map<String, Value> {
    questions
        .iter()
        .filter_map(|q| {
            let asked = lines
                .iter()
                .position(|(agent, said)| *agent && asks(said, q))?;
            let (_, reply) = lines[asked + 1..].iter().find(|(agent, _)| !agent)?;
            Some((q.id.clone(), answers::read(&q.kind, reply)?))
        })
        .collect()
}

/// The `record_summary` arguments for a transcript of `Agent:`/`Lead:` lines; with
/// qualification `questions`, an `answers` object too.
pub fn summarize(
    transcript: &str,
    lang: Lang,
    now: DateTime<FixedOffset>,
    questions: &[Question],
) -> Value {
    let lines = lines(transcript);
    let mut earlier: Vec<&str> = Vec::new();
    let mut intents = Vec::new();
    let mut asked = Vec::new();
    let mut objections = Vec::new();
    for (i, (agent, said)) in lines.iter().enumerate() {
        if !agent {
            let intent = intent::classify(said, &earlier, now);
            // An answer to a qualification question says nothing about a meeting ("about 12"
            // is no time), unless it declines.
            let answers_question =
                i > 0 && lines[i - 1].0 && asked_in(lines[i - 1].1, questions).is_some();
            match &intent {
                Intent::Question(_) => asked.push((*said).to_owned()),
                Intent::NotInterested | Intent::OptOut => objections.push((*said).to_owned()),
                _ => {}
            }
            if !answers_question
                || matches!(
                    intent,
                    Intent::NotInterested | Intent::OptOut | Intent::Callback(_)
                )
            {
                intents.push(intent);
            }
        }
        earlier.insert(0, *said);
    }
    let questions_asked = asked;
    let has = |f: fn(&Intent) -> bool| intents.iter().any(f);
    let (level, next_step) = if has(|i| matches!(i, Intent::Meeting(_))) {
        (5, "meeting booked")
    } else if has(|i| matches!(i, Intent::OptOut)) {
        (1, "removed from the calling list")
    } else if has(|i| matches!(i, Intent::NotInterested)) {
        (1, "none")
    } else if has(|i| matches!(i, Intent::Callback(_))) {
        (3, "call back at the time asked")
    } else if has(|i| matches!(i, Intent::Interested)) {
        (4, "send information and follow up")
    } else if !questions_asked.is_empty() {
        (3, "answer the open questions")
    } else {
        (2, "none")
    };
    let mut summary = json!({
        "interest_level": level,
        "objections": objections,
        "questions": questions_asked,
        "next_step": next_step,
        "language": lang.code(),
    });
    if !questions.is_empty() {
        summary["answers"] = Value::Object(answers(&lines, questions));
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booked_call_is_a_five_and_a_refusal_a_one() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00+01:00").unwrap();
        let booked = summarize(
            "Agent: Hello\nLead: What do you offer?\nAgent: Solar.\nLead: Yes, that sounds interesting. How about Thursday at 3 pm?",
            Lang::En,
            now,
            &[],
        );
        assert_eq!(booked["interest_level"], 5, "{booked}");
        assert!(booked.get("answers").is_none());
        assert_eq!(booked["questions"][0], "What do you offer?");
        let declined = summarize(
            "Agent: Hello\nLead: No thanks, I'm not interested.",
            Lang::En,
            now,
            &[],
        );
        assert_eq!(declined["interest_level"], 1, "{declined}");
        assert_eq!(declined["language"], "en");
    }
}
