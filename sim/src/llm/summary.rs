//! The scripted model's post-call summary (`record_summary`): the lead's lines of the
//! transcript classified like during the call, folded into interest, questions, objections and
//! the next step.

use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};

use super::intent::{self, Intent};
use crate::phrases::Lang;

/// The `record_summary` arguments for a transcript of `Agent:`/`Lead:` lines.
pub fn summarize(transcript: &str, lang: Lang, now: DateTime<FixedOffset>) -> Value {
    let mut earlier: Vec<&str> = Vec::new();
    let mut intents = Vec::new();
    let mut questions = Vec::new();
    let mut objections = Vec::new();
    for line in transcript.lines() {
        if let Some(said) = line.strip_prefix("Lead: ") {
            let intent = intent::classify(said, &earlier, now);
            match &intent {
                Intent::Question(_) => questions.push(said.to_owned()),
                Intent::NotInterested | Intent::OptOut => objections.push(said.to_owned()),
                _ => {}
            }
            intents.push(intent);
            earlier.insert(0, said);
        } else if let Some(said) = line.strip_prefix("Agent: ") {
            earlier.insert(0, said);
        }
    }
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
    } else if !questions.is_empty() {
        (3, "answer the open questions")
    } else {
        (2, "none")
    };
    json!({
        "interest_level": level,
        "objections": objections,
        "questions": questions,
        "next_step": next_step,
        "language": lang.code(),
    })
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
        );
        assert_eq!(booked["interest_level"], 5, "{booked}");
        assert_eq!(booked["questions"][0], "What do you offer?");
        let declined = summarize(
            "Agent: Hello\nLead: No thanks, I'm not interested.",
            Lang::En,
            now,
        );
        assert_eq!(declined["interest_level"], 1, "{declined}");
        assert_eq!(declined["language"], "en");
    }
}
