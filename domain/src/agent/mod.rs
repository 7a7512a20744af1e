//! Agents: what a sales team's caller sells, knows and asks, as data.
//!
//! An agent is a [`AgentSpec`] saved as immutable versions (every save is a new one). A lead's
//! workflow names the version it calls with ([`AgentRef`]); a campaign names one version or an
//! A/B split of several ([`AgentPlan`]), and each lead's variant is picked from its id
//! ([`AgentPlan::pick`]), so it is the same on every retry, replay and callback.
//!
//! The texts a user writes (instructions, greetings, the meeting's title and description) are
//! MiniJinja templates over the lead ([`template`]); an unknown variable is refused at save.
//! Knowledge up to [`knowledge::INLINE_BUDGET`] characters goes into the prompt whole; past it,
//! it is cut into passages searched per turn ([`knowledge`]).
//!
//! What the law requires is not the user's to write: the product opens every call with the
//! disclosure of its language file (business name, AI assistant, recording notice) before the
//! user's greeting, see [`opening`].

pub mod knowledge;
pub mod plan;
pub mod template;
mod validate;

pub use plan::{AgentPlan, AgentRef, PlanError, Variant};
pub use template::{TemplateVars, render};
pub use validate::FieldError;

use crate::phrases::{Phrases, fill};
use crate::{Language, VoiceMode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An agent as its owner writes it: one immutable version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// Display name, for the team (never said on a call).
    pub name: String,
    /// The business the agent calls for: said in the disclosure that opens every call.
    pub business_name: String,
    /// What the meeting is for, in one phrase ("a 30-minute demo of the product").
    pub goal: String,
    /// The language the owner writes in: the fallback for texts given per language.
    #[serde(default = "default_language")]
    pub language: Language,
    /// The pitch and how to handle objections (a template; see [`template`]).
    pub instructions: String,
    /// What the agent says after the disclosure, per language (templates). A language without
    /// one gets the neutral opener of its language file.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub greetings: BTreeMap<Language, String>,
    /// Asked naturally, one at a time, before a meeting is offered; the answers are extracted
    /// after the call into typed fields.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// What the agent answers from, and never beyond.
    #[serde(default)]
    pub knowledge: Vec<KnowledgeDoc>,
    /// The meeting the agent books.
    pub meeting: MeetingSpec,
    /// Voices per language, overriding the deployment's.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, VoiceOverride>)]
    pub voices: BTreeMap<Language, VoiceOverride>,
    /// The chat model (default: the deployment's `LLM_MODEL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Sampling temperature, 0 to 2 (default 0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// How calls speak: `gather` (the default) or `relay` (realtime, over Twilio
    /// ConversationRelay), which a language without a relay row in the language table (Hebrew,
    /// Arabic) overrides with `gather`.
    #[serde(default, skip_serializing_if = "VoiceMode::is_gather")]
    pub voice_mode: VoiceMode,
}

fn default_language() -> Language {
    Language::En
}

/// A qualification question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Key of the answer (`employees`): lowercase letters, digits and `_`, starting with a
    /// letter; unique within the agent.
    pub id: String,
    /// The question, as the agent should ask it.
    pub text: String,
    /// The type of the answer.
    #[serde(rename = "type")]
    #[schema(inline)]
    pub kind: AnswerKind,
    /// The choices of a `one_of` question (2 to 20); empty for the other types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl Question {
    /// A question of `kind` (with `options` for `one_of`).
    pub fn new(id: &str, text: &str, kind: AnswerKind, options: &[&str]) -> Self {
        Self {
            id: id.to_owned(),
            text: text.to_owned(),
            kind,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    }

    /// The answer's type with its options.
    pub fn answer(&self) -> AnswerType {
        match self.kind {
            AnswerKind::Text => AnswerType::Text,
            AnswerKind::Number => AnswerType::Number,
            AnswerKind::Boolean => AnswerType::Boolean,
            AnswerKind::OneOf => AnswerType::OneOf {
                options: self.options.clone(),
            },
        }
    }
}

/// The kinds of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// Free text.
    Text,
    /// A number.
    Number,
    /// Yes or no.
    Boolean,
    /// One of the question's `options`.
    OneOf,
}

/// What kind of answer a question takes, with the choices of a `one_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerType {
    /// Free text.
    Text,
    /// A number.
    Number,
    /// Yes or no.
    Boolean,
    /// One of a fixed list.
    OneOf {
        /// The choices.
        options: Vec<String>,
    },
}

impl AnswerType {
    /// How the type is written in the prompt (`number`, `yes/no`, `one of: a | b`).
    pub fn prompt_label(&self) -> String {
        match self {
            Self::Text => "text".to_owned(),
            Self::Number => "number".to_owned(),
            Self::Boolean => "yes/no".to_owned(),
            Self::OneOf { options } => format!("one of: {}", options.join(" | ")),
        }
    }

    /// The JSON schema of an answer of this type.
    pub fn json_schema(&self) -> serde_json::Value {
        match self {
            Self::Text => serde_json::json!({"type": "string"}),
            Self::Number => serde_json::json!({"type": "number"}),
            Self::Boolean => serde_json::json!({"type": "boolean"}),
            Self::OneOf { options } => serde_json::json!({"type": "string", "enum": options}),
        }
    }

    /// The answer held to its type: a number for `number` (a numeric string is read), a
    /// boolean for `boolean`, one of the options (matched without regard to case) for
    /// `one_of`, non-empty text for `text`. `None` for anything else.
    pub fn coerce(&self, value: &serde_json::Value) -> Option<serde_json::Value> {
        use serde_json::Value;
        match (self, value) {
            (Self::Number, Value::Number(_)) => Some(value.clone()),
            (Self::Number, Value::String(s)) => {
                let n = parse_number(s)?;
                // Whole numbers stay integers (40, not 40.0) in the API and the export.
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            }
            (Self::Boolean, Value::Bool(_)) => Some(value.clone()),
            (Self::OneOf { options }, Value::String(s)) => options
                .iter()
                .find(|o| o.trim().eq_ignore_ascii_case(s.trim()))
                .map(|o| Value::String(o.clone())),
            (Self::Text, Value::String(s)) if !s.trim().is_empty() => {
                Some(Value::String(s.trim().chars().take(1_000).collect()))
            }
            _ => None,
        }
    }
}

/// A number as a person writes it: "40", "12.5", "12,5", "1,200", "1.200,50", "€ 1 200".
/// A lone comma is a decimal mark unless three digits follow it ("1,200" is twelve hundred).
fn parse_number(text: &str) -> Option<f64> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        .collect();
    let normalised = match (kept.rfind('.'), kept.rfind(',')) {
        // Both: the last one is the decimal mark.
        (Some(dot), Some(comma)) if dot > comma => kept.replace(',', ""),
        (Some(_), Some(_)) => kept.replace('.', "").replace(',', "."),
        (None, Some(comma)) => {
            let after = &kept[comma + 1..];
            if after.len() == 3 && kept.matches(',').count() >= 1 {
                kept.replace(',', "")
            } else {
                kept.replace(',', ".")
            }
        }
        _ => kept,
    };
    normalised.parse().ok().filter(|n: &f64| n.is_finite())
}

/// A knowledge document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeDoc {
    /// Title (a file's name when uploaded).
    pub title: String,
    /// Markdown or plain text.
    #[serde(default)]
    pub format: DocFormat,
    /// The text.
    pub content: String,
}

/// Question ids a CSV export's own columns already use (an answer column must not shadow one).
pub const RESERVED_QUESTION_IDS: [&str; 19] = [
    "call_id",
    "lead_id",
    "lead_name",
    "phone",
    "email",
    "company",
    "campaign_id",
    "agent_id",
    "agent_version",
    "attempt",
    "language",
    "dialed_at",
    "ended_at",
    "duration_secs",
    "status",
    "outcome",
    "meeting_start",
    "interest_level",
    "next_step",
];

/// How a knowledge document is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocFormat {
    /// Markdown.
    #[default]
    Markdown,
    /// Plain text.
    Text,
}

/// The meeting an agent books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingSpec {
    /// Title per language (templates): the calendar event, the video meeting and the invite.
    /// The agent's own language must have one.
    #[schema(value_type = BTreeMap<String, String>)]
    pub title: BTreeMap<Language, String>,
    /// Description per language (templates), for the event and the invite.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub description: BTreeMap<Language, String>,
    /// Length in minutes (10 to 240, default 30).
    #[serde(default = "default_minutes")]
    pub minutes: u32,
}

fn default_minutes() -> u32 {
    30
}

/// Voices for one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceOverride {
    /// The text-to-speech provider's voice id (ElevenLabs), when one is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tts_voice: Option<String>,
    /// Twilio's `<Say voice>` (e.g. `Google.en-US-Chirp3-HD-Aoede`, `Polly.Joanna`), used when
    /// no text-to-speech provider is configured or it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub say_voice: Option<String>,
}

impl AgentSpec {
    /// The text of `map` for `language`, else for the agent's own language, else any.
    pub fn localized<'a>(
        &self,
        map: &'a BTreeMap<Language, String>,
        language: Language,
    ) -> Option<&'a str> {
        map.get(&language)
            .or_else(|| map.get(&self.language))
            .or_else(|| map.values().next())
            .map(String::as_str)
    }

    /// The `<Say>` voice override for `language`, if any.
    pub fn say_voice(&self, language: Language) -> Option<&str> {
        self.voices.get(&language)?.say_voice.as_deref()
    }

    /// The text-to-speech voice override for `language`, if any.
    pub fn tts_voice(&self, language: Language) -> Option<&str> {
        self.voices.get(&language)?.tts_voice.as_deref()
    }

    /// Characters of instructions plus knowledge: what a turn's prompt carries of the agent.
    pub fn size(&self) -> usize {
        self.instructions.chars().count() + knowledge::total_chars(&self.knowledge)
    }
}

/// What the agent says first on a call in `language`: the disclosure of the language file
/// (naming the business, saying it is an AI assistant and that the call is recorded), then the
/// agent's greeting for that language or the file's neutral opener. The disclosure comes from
/// the product whatever the owner writes, so no greeting can leave it out.
pub fn opening(
    spec: &AgentSpec,
    language: Language,
    vars: &TemplateVars,
    phrases: &Phrases,
) -> String {
    let disclosure = fill(&phrases.disclosure, &vars.lead_name, &spec.business_name);
    let greeting = spec
        .greetings
        .get(&language)
        .map(|g| render(g, vars))
        .filter(|g| !g.trim().is_empty())
        .unwrap_or_else(|| phrases.opener.clone());
    join_sentences(language, &disclosure, greeting.trim())
}

/// Two sentences as spoken in `language` (no space between them in Japanese and Chinese).
pub fn join_sentences(language: Language, first: &str, second: &str) -> String {
    match language {
        Language::Ja | Language::Zh => format!("{first}{second}"),
        _ => format!("{first} {second}"),
    }
}

#[cfg(test)]
mod tests;
