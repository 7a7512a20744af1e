//! What the model is told on every turn (system prompt, tools) and how its tool calls become
//! [`AgentAction`]s.
//!
//! The system prompt is ordered from what never changes to what changes every turn, so a
//! provider's prompt cache holds the longest possible prefix:
//!
//! 1. the product's rules and the agent (business, goal, questions, knowledge, tool rules):
//!    the same for every call of an agent version ([`preamble`], built once per version);
//! 2. the agent's instructions rendered for the lead, and who the callee is: the same for
//!    every turn of a call (unless the instructions name the lead's local time);
//! 3. this turn: the conversation's language, the language heard, the callee's local time and
//!    the slots on offer.

use crate::versions::AgentVersion;
use callwright_domain::agent::knowledge::KnowledgeMode;
use callwright_domain::agent::{AgentSpec, Question};
use callwright_domain::conversation::{OfferedSlot, Speaker, Turn};
use callwright_domain::{AgentAction, EndCallReason, Language, LeadProfile};
use callwright_providers::llm::{ChatMessage, ToolCall, ToolSpec};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::json;
use std::fmt::Write as _;

/// The part of the system prompt shared by every call of an agent version: the product's
/// rules, the agent, its questions, its knowledge (whole, or how to search it) and how to use
/// the tools.
pub fn preamble(spec: &AgentSpec, mode: KnowledgeMode) -> String {
    let business = &spec.business_name;
    let mut p = format!(
        "You are the AI phone assistant of {business}, on a live outbound phone call. Speak \
         in one or two short spoken sentences: no lists, no markdown, no emoji. You have \
         already greeted the callee, said you are an AI assistant and that the call is \
         recorded; if asked, confirm again that you are an AI. Never make up facts, prices or \
         promises.\n\n## Agent\nBusiness: {business}\nGoal: {}\n",
        spec.goal
    );
    if !spec.questions.is_empty() {
        p.push_str(
            "\n## Qualification questions\nAsk each question below naturally, one at a time, \
             before you offer a meeting (skip any the callee has already answered; if they \
             would rather not say, move on). Do not offer a meeting before the questions are \
             asked, unless the callee asks for one.\n",
        );
        for q in &spec.questions {
            let _ = writeln!(p, "{}", question_line(q));
        }
    }
    match mode {
        KnowledgeMode::None => {
            let _ = write!(
                p,
                "\n## Knowledge\nYou have no documents about {business}: for any question \
                 about its offer, say you do not know and offer the meeting.\n"
            );
        }
        KnowledgeMode::Inline => {
            let _ = write!(
                p,
                "\n## Knowledge\nAnswer questions about {business} only from this knowledge; \
                 when it does not say, say you do not know and offer the meeting.\n"
            );
            for doc in &spec.knowledge {
                let _ = write!(p, "### {}\n{}\n", doc.title, doc.content.trim());
            }
        }
        KnowledgeMode::Search => {
            let _ = write!(
                p,
                "\n## Knowledge\nThe knowledge about {business} is in a search index: before \
                 you answer a question about {business} or its offer, call search_knowledge \
                 with the question, and answer only from the passages it returns; when they do \
                 not say, say you do not know and offer the meeting.\n"
            );
        }
    }
    p.push_str(
        "\n## Booking and tools\nWhen the callee is interested (and the questions are asked), \
         call check_availability (with the day and time they mention, if any) and propose two \
         or three of the returned slots by their labels. Never propose or confirm a time that \
         check_availability did not return. When the callee picks one, call book_meeting with \
         its slot id and, if no email is on file, the email address they give you (ask for \
         it). If book_meeting says the slot was taken, apologise and offer the new slots it \
         returns. Once booked, confirm the time and the email address and say goodbye. When \
         the callee asks to be called back later, call schedule_callback. When they ask not to \
         be called again, call opt_out. When they are not interested, call end_call. Whenever \
         you call one of these, also write the short sentence you say before hanging up.\n",
    );
    p
}

/// A question as the prompt lists it: `- id (type): text`.
pub fn question_line(q: &Question) -> String {
    format!("- {} ({}): {}", q.id, q.answer().prompt_label(), q.text)
}

/// The system prompt of one turn of a call with `lead` (in `lead.language`, the
/// conversation's), at `local_now` in the lead's zone, with the instructions already rendered
/// for the lead, the slots currently offered and the language recognised in the callee's last
/// words.
pub fn system_prompt(
    agent: &AgentVersion,
    lead: &LeadProfile,
    instructions: &str,
    local_now: DateTime<FixedOffset>,
    offered: &[OfferedSlot],
    heard: Option<Language>,
) -> String {
    let lang = lead.language.profile();
    let heard = heard.map_or("not recognised", |l| l.profile().english_name);
    let company = lead
        .company
        .as_deref()
        .map(|c| format!(" of {c}"))
        .unwrap_or_default();
    let email = lead.email.as_deref().unwrap_or("none");
    let mut p = String::with_capacity(agent.preamble.len() + instructions.len() + 600);
    p.push_str(&agent.preamble);
    let _ = write!(
        p,
        "\n## Instructions\n{}\n\n## This call\nCallee: {}{company}\nCallee email on file: {email}\n\
         Conversation language: {}\nLanguage recognised in the callee's last words: {heard}\n\
         Current local time for the callee: {} ({})\n",
        instructions.trim(),
        lead.name,
        lang.bcp47,
        local_now.to_rfc3339(),
        local_now.format("%A"),
    );
    // Each slot in the offset it has on its own day (the zone may change offset before then).
    let tz = lead.timezone;
    if offered.is_empty() {
        p.push_str("Offered slots: none\n");
    } else {
        p.push_str("Offered slots:\n");
        for s in offered {
            let _ = writeln!(
                p,
                "- {}: {} | {}",
                s.id,
                s.start.with_timezone(&tz).fixed_offset().to_rfc3339(),
                s.label
            );
        }
    }
    let _ = write!(
        p,
        "Always answer in {}. (If the callee has just moved to another of our languages, the \
         conversation language above has already followed them.)",
        lang.english_name
    );
    p
}

/// The tools the agent may use: the booking tools, the knowledge search when the agent's
/// knowledge is searched, then the ones that end the call.
pub fn tools(can_transfer: bool, search: bool) -> Vec<ToolSpec> {
    let mut tools = crate::tools::tools();
    if search {
        tools.push(ToolSpec {
            name: "search_knowledge",
            description: "Search the business's knowledge for passages that answer a question. Answer only from what it returns.",
            parameters: json!({
                "type": "object",
                "properties": {"query": {"type": "string", "description": "The question, in the callee's words"}},
                "required": ["query"]
            }),
        });
    }
    tools.extend([
        ToolSpec {
            name: "schedule_callback",
            description: "The callee asked to be called back at a later time.",
            parameters: json!({
                "type": "object",
                "properties": {"callback_at": {"type": "string", "description": "RFC 3339 with the callee's UTC offset"}},
                "required": ["callback_at"]
            }),
        },
        ToolSpec {
            name: "opt_out",
            description: "The callee asked not to be called again.",
            parameters: json!({"type": "object", "properties": {}}),
        },
        ToolSpec {
            name: "end_call",
            description: "The conversation is over without a meeting.",
            parameters: json!({
                "type": "object",
                "properties": {"reason": {"type": "string", "enum": ["not_interested", "wrong_person", "other"]}},
                "required": ["reason"]
            }),
        },
    ]);
    if can_transfer {
        tools.push(ToolSpec {
            name: "transfer_to_human",
            description: "The callee asked to speak with a person, or needs help you cannot give: say you are putting them through, and they are connected to a colleague.",
            parameters: json!({
                "type": "object",
                "properties": {"reason": {"type": "string", "description": "What the colleague should know"}}
            }),
        });
    }
    tools
}

/// The `record_summary` tool, the only one offered when summarising a call: the fixed summary
/// and, when the agent has questions, their typed answers.
pub fn summary_tool(questions: &[Question]) -> ToolSpec {
    ToolSpec {
        name: "record_summary",
        description: "Record the summary of the sales call, and the lead's answers to the qualification questions, for the sales team.",
        parameters: callwright_domain::summary::summary_schema(questions),
    }
}

/// Asks for a call's summary: the transcript as one user message, `Agent:`/`Lead:` lines.
pub fn summary_messages(
    language: Language,
    questions: &[Question],
    transcript: &str,
) -> Vec<ChatMessage> {
    let mut system = format!(
        "You summarise outbound sales calls for the sales team. Read the transcript and call \
         record_summary exactly once: the lead's interest from 1 (not at all) to 5 (agreed to a \
         meeting), the objections and questions the lead raised (in the words of the call), the \
         next step agreed, and the language spoken.\nConversation language: {}",
        language.code()
    );
    if !questions.is_empty() {
        system.push_str(
            "\nQualification questions (fill `answers` with what the lead said, typed as the \
             schema says; leave out any the lead did not answer):\n",
        );
        for q in questions {
            let _ = writeln!(system, "{}", question_line(q));
        }
    }
    vec![
        ChatMessage::new("system", system),
        ChatMessage::new("user", format!("Transcript:\n{transcript}")),
    ]
}

/// What the model is told after a line the callee cut off: it said only what was heard.
pub const CUT_OFF_NOTE: &str = "The callee interrupted you there: they heard only the words above, \
    not the rest of your reply. Answer what they said next; repeat anything they missed only if \
    it still matters.";

/// What the model is told when the callee cut a line off before hearing any of it.
pub const CUT_OFF_UNHEARD_NOTE: &str = "The callee interrupted your last reply before hearing any \
    of it. Answer what they said next; repeat anything they missed only if it still matters.";

/// The chat history: system prompt, then the transcript as assistant/user messages. An agent
/// line the callee cut off is given as the words they heard, followed by [`CUT_OFF_NOTE`] (or
/// [`CUT_OFF_UNHEARD_NOTE`] alone when they heard none). The note is a system message in the
/// conversation, which the OpenAI chat API and the compatible servers we target accept.
pub fn messages(system: String, turns: &[Turn]) -> Vec<ChatMessage> {
    let mut out = Vec::with_capacity(turns.len() + 1);
    out.push(ChatMessage::new("system", system));
    for turn in turns.iter().filter(|t| !t.text.is_empty()) {
        match (turn.speaker, &turn.heard) {
            (Speaker::Agent, Some(heard)) => {
                let note = if heard.trim().is_empty() {
                    CUT_OFF_UNHEARD_NOTE
                } else {
                    out.push(ChatMessage::new("assistant", heard.clone()));
                    CUT_OFF_NOTE
                };
                out.push(ChatMessage::new("system", note.to_owned()));
            }
            (Speaker::Agent, None) => out.push(ChatMessage::new("assistant", turn.text.clone())),
            (Speaker::Callee, _) => out.push(ChatMessage::new("user", turn.text.clone())),
        }
    }
    out
}

/// The first valid decision among the model's tool calls. A call with unusable arguments (a
/// time that is not RFC 3339, say) is ignored so the conversation goes on rather than recording
/// nonsense.
pub fn parse_action(calls: &[ToolCall], now: DateTime<Utc>) -> Option<AgentAction> {
    calls.iter().find_map(|call| {
        let text = |key: &str| {
            call.arguments
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        match call.name.as_str() {
            "schedule_callback" => text("callback_at")
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .filter(|at| at.with_timezone(&Utc) > now)
                .map(|callback_at| AgentAction::ScheduleCallback { callback_at }),
            "opt_out" => Some(AgentAction::OptOut),
            "transfer_to_human" => Some(AgentAction::TransferToHuman {
                reason: text("reason"),
            }),
            "end_call" => Some(AgentAction::EndCall {
                reason: match text("reason").as_deref() {
                    Some("wrong_person") => EndCallReason::WrongPerson,
                    Some("other") => EndCallReason::Other,
                    _ => EndCallReason::NotInterested,
                },
            }),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests;
