//! What the product's system prompt tells the model about the agent it plays: the business,
//! the goal of the call, the qualification questions and the inline knowledge. The scripted
//! model says nothing about the business beyond this, so a user's agent is heard as configured.
//!
//! ```text
//! ## Agent
//! Business: Acme Solar
//! Goal: a 30-minute review of the callee's energy bills with one of our advisers
//!
//! ## Qualification questions
//! - employees (number): How many people work at your company?
//! - plan (one of: basic | pro | enterprise): Which plan are you on today?
//!
//! ## Knowledge
//! ### Pricing
//! Panels start at 49 euros a month with no upfront cost.
//! ```
//!
//! Every section may be absent. The summary request lists the questions the same way under a
//! line starting `Qualification questions`.

/// How a qualification question is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerKind {
    /// `number`.
    Number,
    /// `yes/no`.
    YesNo,
    /// `one of: a | b | c`.
    OneOf(Vec<String>),
    /// `text`, and any type this simulator does not know.
    Text,
}

/// One qualification question: `- id (type): text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The answer's key in the summary.
    pub id: String,
    /// The answer's type.
    pub kind: AnswerKind,
    /// The question as the user wrote it.
    pub text: String,
}

/// One inline knowledge passage: a paragraph of a `###` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The document's title.
    pub source: String,
    /// The paragraph, its lines joined by spaces.
    pub text: String,
}

/// The agent as the system prompt describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brief {
    /// `Business:`, else the name in "You are the AI phone assistant of X, ...".
    pub business: Option<String>,
    /// `Goal:`.
    pub goal: Option<String>,
    /// The qualification questions, in order.
    pub questions: Vec<Question>,
    /// Inline knowledge passages, in document order.
    pub passages: Vec<Passage>,
}

impl Brief {
    /// A prompt that says nothing about the agent.
    pub const EMPTY: Brief = Brief {
        business: None,
        goal: None,
        questions: Vec::new(),
        passages: Vec::new(),
    };
}

/// Reads the agent from a system prompt (tolerant of absent sections).
pub fn parse(system: &str) -> Brief {
    Brief {
        business: section_value(system, "Agent", "Business").or_else(|| opening_business(system)),
        goal: section_value(system, "Agent", "Goal"),
        questions: questions(system),
        passages: passages(system),
    }
}

/// The heading of a `## Section` line, if `line` is one (not `###`).
fn heading(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("##")?;
    (!rest.starts_with('#')).then(|| rest.trim())
}

/// The lines of section `name` (after its heading, up to the next `##` heading).
fn section<'a>(system: &'a str, name: &str) -> Vec<&'a str> {
    let mut lines = system.lines();
    for line in lines.by_ref() {
        if heading(line).is_some_and(|h| h.eq_ignore_ascii_case(name)) {
            return lines.take_while(|l| heading(l).is_none()).collect();
        }
    }
    Vec::new()
}

/// `Label: value` inside section `name`.
fn section_value(system: &str, name: &str, label: &str) -> Option<String> {
    section(system, name).into_iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let value = value.trim();
        (key.trim().eq_ignore_ascii_case(label) && !value.is_empty()).then(|| value.to_owned())
    })
}

/// The business named in the opening sentence, for prompts without an `## Agent` section.
fn opening_business(system: &str) -> Option<String> {
    const MARK: &str = "assistant of ";
    let line = system.lines().find(|l| l.contains(MARK))?;
    let start = line.find(MARK)? + MARK.len();
    let rest = &line[start..];
    let end = rest.find(", on ").or_else(|| rest.find(','))?;
    let name = rest[..end].trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// `- id (type): text` → a question.
fn parse_question(line: &str) -> Option<Question> {
    let item = line.trim_start().strip_prefix('-')?.trim();
    let open = item.find(" (")?;
    let id = item[..open].trim();
    let after = &item[open + 2..];
    let close = after.find("):")?;
    let kind_text = after[..close].trim();
    let text = after[close + 2..].trim();
    if id.is_empty() || id.contains(char::is_whitespace) || text.is_empty() {
        return None;
    }
    let lower = kind_text.to_ascii_lowercase();
    let kind = if lower == "number" {
        AnswerKind::Number
    } else if lower == "yes/no" {
        AnswerKind::YesNo
    } else if let Some(options) = lower.starts_with("one of").then(|| {
        kind_text["one of".len()..]
            .trim_start_matches([':', ' '])
            .split('|')
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect::<Vec<_>>()
    }) {
        AnswerKind::OneOf(options)
    } else {
        AnswerKind::Text
    };
    Some(Question {
        id: id.to_owned(),
        kind,
        text: text.to_owned(),
    })
}

/// The questions listed after the first line starting `Qualification questions` (a heading
/// or not): prose may come first, then the consecutive `- id (type): text` items.
pub fn questions(system: &str) -> Vec<Question> {
    let mut lines = system.lines().skip_while(|l| {
        !l.trim_start_matches(['#', ' '])
            .starts_with("Qualification questions")
    });
    if lines.next().is_none() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for line in lines {
        if heading(line).is_some() {
            break;
        }
        match parse_question(line) {
            Some(q) => found.push(q),
            None if line.trim().is_empty() || found.is_empty() => {}
            None => break,
        }
    }
    found
}

/// The paragraphs of the `###` documents in `## Knowledge`.
fn passages(system: &str) -> Vec<Passage> {
    let mut found = Vec::new();
    let mut source: Option<String> = None;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |source: &Option<String>, paragraph: &mut Vec<&str>, found: &mut Vec<Passage>| {
        if let Some(source) = source
            && !paragraph.is_empty()
        {
            found.push(Passage {
                source: source.clone(),
                text: paragraph.join(" "),
            });
        }
        paragraph.clear();
    };
    for line in section(system, "Knowledge") {
        if let Some(title) = line.trim_start().strip_prefix("###") {
            flush(&source, &mut paragraph, &mut found);
            source = Some(title.trim_start_matches('#').trim().to_owned());
        } else if line.trim().is_empty() {
            flush(&source, &mut paragraph, &mut found);
        } else if source.is_some() {
            paragraph.push(line.trim());
        }
    }
    flush(&source, &mut paragraph, &mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROMPT: &str = "You are the AI phone assistant of Acme Solar, on a live outbound phone call. Be kind.\n\
\n\
## Agent\n\
Business: Acme Solar\n\
Goal: a 30-minute review of the callee's energy bills with one of our advisers\n\
\n\
## Qualification questions\n\
Ask each question below naturally, one at a time, before you offer a meeting.\n\
- employees (number): How many people work at your company?\n\
- owns_building (yes/no): Do you own the building you work in?\n\
- plan (one of: basic | pro | enterprise): Which plan are you on today?\n\
- challenge (text): What is your biggest challenge with energy today?\n\
\n\
## Knowledge\n\
Answer questions about Acme Solar only from this knowledge.\n\
### Pricing\n\
Panels start at 49 euros a month with no upfront cost.\n\
### Warranty\n\
Every installation carries a 25-year warranty.\n\
\n\
It covers panels and inverters.\n\
\n\
## Booking and tools\n\
- Never invent (a rule): not a question.\n\
\n\
## Instructions\n\
Goal: not this one\n\
\n\
## This call\n\
Callee: Dana Levi of Acme Ltd\n\
Conversation language: he-IL\n\
Offered slots:\n\
- s1: 2026-11-26T15:00:00+02:00 | Thursday";

    #[test]
    fn reads_every_section() {
        let brief = parse(PROMPT);
        assert_eq!(brief.business.as_deref(), Some("Acme Solar"));
        assert_eq!(
            brief.goal.as_deref(),
            Some("a 30-minute review of the callee's energy bills with one of our advisers")
        );
        let ids: Vec<&str> = brief.questions.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["employees", "owns_building", "plan", "challenge"]);
        assert_eq!(brief.questions[0].kind, AnswerKind::Number);
        assert_eq!(brief.questions[1].kind, AnswerKind::YesNo);
        assert_eq!(
            brief.questions[2].kind,
            AnswerKind::OneOf(vec!["basic".into(), "pro".into(), "enterprise".into()])
        );
        assert_eq!(brief.questions[3].kind, AnswerKind::Text);
        assert_eq!(brief.questions[2].text, "Which plan are you on today?");
        assert_eq!(
            brief.passages,
            vec![
                Passage {
                    source: "Pricing".into(),
                    text: "Panels start at 49 euros a month with no upfront cost.".into()
                },
                Passage {
                    source: "Warranty".into(),
                    text: "Every installation carries a 25-year warranty.".into()
                },
                Passage {
                    source: "Warranty".into(),
                    text: "It covers panels and inverters.".into()
                },
            ]
        );
    }

    #[test]
    fn absent_sections_are_empty() {
        let brief = parse("You are Alex.\nConversation language: fr-FR\nBe brief.");
        assert_eq!(brief, Brief::default());
        // Today's prompt names the business in its opening sentence only.
        let brief = parse(
            "You are the AI phone assistant of Acme, Inc, on a live outbound phone call with Dana.\nConversation language: en-US",
        );
        assert_eq!(brief.business.as_deref(), Some("Acme, Inc"));
        // Knowledge that points at the search tool has no documents.
        let brief = parse(
            "## Agent\nBusiness: B\n## Knowledge\nUse the search_knowledge tool to look things up.\n## This call\nCallee: X",
        );
        assert!(brief.passages.is_empty());
        assert!(brief.goal.is_none());
    }

    #[test]
    fn summary_prompt_lists_questions_without_a_heading() {
        let system = "You summarise calls.\nQualification questions (fill answers):\n- employees (number): How many people work at your company?\n- color (one of: red|blue): Which colour?\nConversation language: fr";
        let qs = questions(system);
        assert_eq!(qs.len(), 2);
        assert_eq!(
            qs[1].kind,
            AnswerKind::OneOf(vec!["red".into(), "blue".into()])
        );
        assert!(questions("Conversation language: fr").is_empty());
        // An unknown type is free text; a malformed line is no question.
        assert_eq!(
            parse_question("- size (range 1-9): How big?").map(|q| q.kind),
            Some(AnswerKind::Text)
        );
        assert_eq!(
            parse_question("- s1: 2026-11-26T15:00:00+02:00 | Thu"),
            None
        );
    }
}
