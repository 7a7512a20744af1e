//! The limits an agent is held to at save, each refusal naming its field.
//!
//! | field | limit |
//! | --- | --- |
//! | `name`, `business_name` | 1 to 120 characters |
//! | `goal` | 1 to 500 characters |
//! | `instructions` | 1 to 20,000 characters; a template |
//! | `greetings.<lang>` | up to 600 characters; a template |
//! | `questions` | up to 20; `id` 1 to 40 of `a-z 0-9 _` starting with a letter, unique; `text` 1 to 300 characters; `one_of` 2 to 20 distinct options of 1 to 100 characters |
//! | `knowledge` | up to 50 documents; `title` 1 to 200 characters; `content` 1 to 200,000 characters, text; 1,000,000 characters in all |
//! | `meeting.title.<lang>` | 1 to 200 characters, a template; the agent's `language` must have one |
//! | `meeting.description.<lang>` | up to 2,000 characters; a template |
//! | `meeting.minutes` | 10 to 240 |
//! | `voices.<lang>.*` | up to 100 characters of letters, digits and `. _ -` |
//! | `model` | 1 to 100 characters |
//! | `temperature` | 0 to 2 |

use super::{AgentSpec, AnswerKind, AnswerType, template};

/// Longest instructions, in characters.
pub const MAX_INSTRUCTIONS: usize = 20_000;
/// Most knowledge documents.
pub const MAX_DOCS: usize = 50;
/// Longest knowledge document, in characters.
pub const MAX_DOC_CHARS: usize = 200_000;
/// Most knowledge in all, in characters.
pub const MAX_KNOWLEDGE_CHARS: usize = 1_000_000;
/// Most qualification questions.
pub const MAX_QUESTIONS: usize = 20;

pub use crate::field::FieldError;

fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let n = value.trim().chars().count();
    if n < min {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("at most {max} characters (got {})", value.chars().count()),
        ));
    }
    Ok(())
}

fn voice_id(field: &str, value: &str) -> Result<(), FieldError> {
    length(field, value, 1, 100)?;
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "only letters, digits and . _ - are allowed in a voice id",
        ))
    }
}

/// A text that must be a document's worth of text, not a binary file pasted in.
fn text_content(field: &str, value: &str) -> Result<(), FieldError> {
    if value.contains('\0') {
        return Err(FieldError::new(
            field,
            "is not text (it holds NUL bytes): upload Markdown or plain text",
        ));
    }
    Ok(())
}

impl AgentSpec {
    /// Checks every limit and every template; the first problem found is returned.
    pub fn validate(&self) -> Result<(), FieldError> {
        length("name", &self.name, 1, 120)?;
        length("business_name", &self.business_name, 1, 120)?;
        length("goal", &self.goal, 1, 500)?;
        length("instructions", &self.instructions, 1, MAX_INSTRUCTIONS)?;
        template::check("instructions", &self.instructions)?;
        for (lang, greeting) in &self.greetings {
            let field = format!("greetings.{lang}");
            length(&field, greeting, 0, 600)?;
            template::check(&field, greeting)?;
        }
        self.validate_questions()?;
        self.validate_knowledge()?;
        self.validate_meeting()?;
        for (lang, voice) in &self.voices {
            if let Some(v) = &voice.tts_voice {
                voice_id(&format!("voices.{lang}.tts_voice"), v)?;
            }
            if let Some(v) = &voice.say_voice {
                voice_id(&format!("voices.{lang}.say_voice"), v)?;
            }
        }
        if let Some(model) = &self.model {
            length("model", model, 1, 100)?;
        }
        if let Some(t) = self.temperature
            && !(0.0..=2.0).contains(&t)
        {
            return Err(FieldError::new("temperature", "must be between 0 and 2"));
        }
        Ok(())
    }

    fn validate_questions(&self) -> Result<(), FieldError> {
        if self.questions.len() > MAX_QUESTIONS {
            return Err(FieldError::new(
                "questions",
                format!("at most {MAX_QUESTIONS} questions"),
            ));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let field = |name: &str| format!("questions[{i}].{name}");
            let id_ok = q.id.len() <= 40
                && q.id.starts_with(|c: char| c.is_ascii_lowercase())
                && q.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !id_ok {
                return Err(FieldError::new(
                    field("id"),
                    "1 to 40 of a-z, 0-9 and _, starting with a letter",
                ));
            }
            if super::RESERVED_QUESTION_IDS.contains(&q.id.as_str()) {
                return Err(FieldError::new(
                    field("id"),
                    format!(
                        "`{}` is a column of the calls export: choose another id",
                        q.id
                    ),
                ));
            }
            if self.questions[..i].iter().any(|p| p.id == q.id) {
                return Err(FieldError::new(
                    field("id"),
                    format!("`{}` is used by another question", q.id),
                ));
            }
            length(&field("text"), &q.text, 1, 300)?;
            if q.kind != AnswerKind::OneOf && !q.options.is_empty() {
                return Err(FieldError::new(
                    field("options"),
                    "only a one_of question has options",
                ));
            }
            if let AnswerType::OneOf { options } = &q.answer() {
                if !(2..=20).contains(&options.len()) {
                    return Err(FieldError::new(field("options"), "2 to 20 options"));
                }
                for (j, option) in options.iter().enumerate() {
                    length(&format!("questions[{i}].options[{j}]"), option, 1, 100)?;
                    if options[..j]
                        .iter()
                        .any(|o| o.trim().eq_ignore_ascii_case(option.trim()))
                    {
                        return Err(FieldError::new(
                            format!("questions[{i}].options[{j}]"),
                            format!("`{option}` is listed twice"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_knowledge(&self) -> Result<(), FieldError> {
        if self.knowledge.len() > MAX_DOCS {
            return Err(FieldError::new(
                "knowledge",
                format!("at most {MAX_DOCS} documents"),
            ));
        }
        for (i, doc) in self.knowledge.iter().enumerate() {
            length(&format!("knowledge[{i}].title"), &doc.title, 1, 200)?;
            let field = format!("knowledge[{i}].content");
            length(&field, &doc.content, 1, MAX_DOC_CHARS)?;
            text_content(&field, &doc.content)?;
        }
        let total = super::knowledge::total_chars(&self.knowledge);
        if total > MAX_KNOWLEDGE_CHARS {
            return Err(FieldError::new(
                "knowledge",
                format!("at most {MAX_KNOWLEDGE_CHARS} characters in all (got {total})"),
            ));
        }
        Ok(())
    }

    fn validate_meeting(&self) -> Result<(), FieldError> {
        if !(10..=240).contains(&self.meeting.minutes) {
            return Err(FieldError::new(
                "meeting.minutes",
                "between 10 and 240 minutes",
            ));
        }
        if !self.meeting.title.contains_key(&self.language) {
            return Err(FieldError::new(
                format!("meeting.title.{}", self.language),
                format!(
                    "a title in the agent's language ({}) is required",
                    self.language
                ),
            ));
        }
        for (lang, title) in &self.meeting.title {
            let field = format!("meeting.title.{lang}");
            length(&field, title, 1, 200)?;
            template::check(&field, title)?;
        }
        for (lang, description) in &self.meeting.description {
            let field = format!("meeting.description.{lang}");
            length(&field, description, 0, 2_000)?;
            template::check(&field, description)?;
        }
        Ok(())
    }
}
