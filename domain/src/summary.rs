//! The post-call summary: after every answered call the model fills this from the transcript
//! (a `record_summary` tool call whose parameters are [`summary_schema`]); it is stored with the
//! call and returned by the API.

use crate::agent::Question;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Longest text kept per field, in characters.
const MAX_TEXT: usize = 500;
/// Most items kept per list.
const MAX_ITEMS: usize = 10;

/// What a sales rep needs to know about a call, in a fixed shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallSummary {
    /// 1 (not interested at all) to 5 (agreed to a meeting).
    #[schema(minimum = 1, maximum = 5)]
    pub interest_level: u8,
    /// Objections the lead raised.
    pub objections: Vec<String>,
    /// Questions the lead asked.
    pub questions: Vec<String>,
    /// The next step agreed (or "none").
    pub next_step: String,
    /// Language the conversation was held in (code, e.g. `he`).
    pub language: String,
}

/// The JSON schema of the `record_summary` tool's parameters: the fixed summary, and an
/// `answers` object with one typed property per qualification question (none required: a lead
/// may not have answered).
pub fn summary_schema(questions: &[Question]) -> Value {
    let mut schema = json!({
        "type": "object",
        "properties": {
            "interest_level": {"type": "integer", "minimum": 1, "maximum": 5,
                               "description": "1 = not interested at all, 5 = agreed to a meeting"},
            "objections": {"type": "array", "items": {"type": "string"}},
            "questions": {"type": "array", "items": {"type": "string"}},
            "next_step": {"type": "string"},
            "language": {"type": "string", "description": "code of the language spoken, e.g. en"}
        },
        "required": ["interest_level", "objections", "questions", "next_step", "language"]
    });
    if !questions.is_empty() {
        let properties: serde_json::Map<String, Value> = questions
            .iter()
            .map(|q| {
                let mut property = q.answer().json_schema();
                property["description"] = Value::String(q.text.clone());
                (q.id.clone(), property)
            })
            .collect();
        schema["properties"]["answers"] = json!({"type": "object", "properties": properties});
    }
    schema
}

/// The typed answers in the model's `record_summary` arguments: for each question, its answer
/// held to the question's type ([`crate::agent::AnswerType::coerce`]); answers of unknown
/// questions, of the wrong type or empty are left out.
pub fn answers_from_tool_args(args: &Value, questions: &[Question]) -> BTreeMap<String, Value> {
    let Some(given) = args.get("answers").and_then(Value::as_object) else {
        return BTreeMap::new();
    };
    questions
        .iter()
        .filter_map(|q| {
            let value = q.answer().coerce(given.get(&q.id)?)?;
            Some((q.id.clone(), value))
        })
        .collect()
}

impl CallSummary {
    /// Reads the model's tool arguments, holding them to the schema: the level clamped to 1..=5,
    /// lists and texts trimmed to sane sizes. `None` if the shape is wrong.
    pub fn from_tool_args(args: &Value) -> Option<Self> {
        let text = |v: &Value| -> Option<String> {
            let s = v.as_str()?.trim();
            (!s.is_empty()).then(|| s.chars().take(MAX_TEXT).collect())
        };
        let list = |key: &str| -> Vec<String> {
            args.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(text).take(MAX_ITEMS).collect())
                .unwrap_or_default()
        };
        let level = args
            .get("interest_level")?
            .as_f64()?
            .round()
            .clamp(1.0, 5.0) as u8;
        Some(Self {
            interest_level: level,
            objections: list("objections"),
            questions: list("questions"),
            next_step: args
                .get("next_step")
                .and_then(text)
                .unwrap_or_else(|| "none".to_owned()),
            language: args.get("language").and_then(text)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_arguments_are_held_to_the_schema() {
        let s = CallSummary::from_tool_args(&json!({
            "interest_level": 9, "objections": ["price", "  ", 3], "questions": [],
            "next_step": "", "language": "he"
        }))
        .unwrap();
        assert_eq!(s.interest_level, 5);
        assert_eq!(s.objections, ["price"]);
        assert_eq!(s.next_step, "none");
        assert!(CallSummary::from_tool_args(&json!({"interest_level": 3})).is_none());
        assert!(CallSummary::from_tool_args(&json!({"language": "en"})).is_none());
        let long = "x".repeat(2_000);
        let s = CallSummary::from_tool_args(
            &json!({"interest_level": 0, "next_step": long, "language": "en"}),
        )
        .unwrap();
        assert_eq!((s.interest_level, s.next_step.len()), (1, MAX_TEXT));
    }

    #[test]
    fn answers_follow_the_questions_types() {
        use crate::agent::{AnswerKind, Question};
        let questions = vec![
            Question::new("seats", "How many seats?", AnswerKind::Number, &[]),
            Question::new("owner", "Own it?", AnswerKind::Boolean, &[]),
            Question::new("plan", "Which plan?", AnswerKind::OneOf, &["basic", "pro"]),
        ];
        let schema = summary_schema(&questions);
        assert_eq!(
            schema["properties"]["answers"]["properties"]["seats"]["type"],
            "number"
        );
        assert_eq!(
            schema["properties"]["answers"]["properties"]["plan"]["enum"],
            json!(["basic", "pro"])
        );
        assert!(summary_schema(&[])["properties"].get("answers").is_none());
        let answers = answers_from_tool_args(
            &json!({"answers": {"seats": "40", "owner": "maybe", "plan": "Pro", "other": 1}}),
            &questions,
        );
        assert_eq!(answers.get("seats"), Some(&json!(40)));
        assert_eq!(answers.get("plan"), Some(&json!("pro")));
        assert!(!answers.contains_key("owner") && !answers.contains_key("other"));
        assert!(answers_from_tool_args(&json!({}), &questions).is_empty());
    }
}
