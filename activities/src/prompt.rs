//! What the model is told on every turn (system prompt, tools) and how its tool calls become
//! [`AgentAction`]s.

use crate::llm::{ChatMessage, ToolCall, ToolSpec};
use callwright_domain::conversation::{OfferedSlot, Speaker, Turn};
use callwright_domain::{AgentAction, EndCallReason, LeadProfile};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::json;

/// The system prompt for a call with `lead` (in `lead.language`, the conversation's), at
/// `local_now` in the lead's zone, with the slots currently offered and the language recognised
/// in the callee's last words.
pub fn system_prompt(
    lead: &LeadProfile,
    business: &str,
    local_now: DateTime<FixedOffset>,
    offered: &[OfferedSlot],
    heard: Option<callwright_domain::Language>,
) -> String {
    let lang = lead.language.profile();
    let heard = heard.map_or("not recognised", |l| l.profile().english_name);
    let company = lead
        .company
        .as_deref()
        .map(|c| format!(" of {c}"))
        .unwrap_or_default();
    let email = lead.email.as_deref().unwrap_or("none");
    // Each slot in the offset it has on its own day (the zone may change offset before then).
    let tz: chrono_tz::Tz = lead.timezone.parse().unwrap_or(chrono_tz::UTC);
    let slots = if offered.is_empty() {
        "Offered slots: none".to_owned()
    } else {
        let lines: Vec<String> = offered
            .iter()
            .map(|s| {
                format!(
                    "- {}: {} | {}",
                    s.id,
                    s.start.with_timezone(&tz).fixed_offset().to_rfc3339(),
                    s.label
                )
            })
            .collect();
        format!("Offered slots:\n{}", lines.join("\n"))
    };
    format!(
        "You are the AI phone assistant of {business}, on a live outbound phone call with {name}{company}.\n\
         Conversation language: {tag}\n\
         Language recognised in the callee's last words: {heard}\n\
         Current local time for the callee: {now} ({weekday})\n\
         Callee email on file: {email}\n\
         {slots}\n\
         Always answer in {language_name}, in one or two short spoken sentences: no lists, no markdown, no emoji. \
         (If the callee has just moved to another of our languages, the conversation language above has \
         already followed them.)\n\
         You have already greeted the callee, said you are an AI assistant and that the call is recorded; \
         if asked, confirm again that you are an AI.\n\
         Your goal: find out whether the callee is interested in a short meeting with one of our advisers \
         about lowering their energy costs, and if so book it.\n\
         Booking: when the callee is interested, call check_availability (with the day and time they \
         mention, if any) and propose two or three of the returned slots by their labels. Never propose \
         or confirm a time that check_availability did not return. When the callee picks one, call \
         book_meeting with its slot id and, if no email is on file, the email address they give you \
         (ask for it). If book_meeting says the slot was taken, apologise and offer the new slots it \
         returns. Once booked, confirm the time and the email address and say goodbye.\n\
         Other tools: when the callee asks to be called back later, call schedule_callback. When they \
         ask not to be called again, call opt_out. When they are not interested, call end_call. Whenever \
         you call one of these, also write the short sentence you say before hanging up. Never make up \
         prices or promises; offer the meeting instead.",
        name = lead.name,
        tag = lang.bcp47,
        now = local_now.to_rfc3339(),
        weekday = local_now.format("%A"),
        language_name = lang.english_name,
    )
}

/// The tools the agent may use: the booking tools, then the ones that end the call.
pub fn tools(can_transfer: bool) -> Vec<ToolSpec> {
    let mut tools = crate::booking::tools();
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

/// The `record_summary` tool, the only one offered when summarising a call.
pub fn summary_tool() -> ToolSpec {
    ToolSpec {
        name: "record_summary",
        description: "Record the summary of the sales call for the sales team.",
        parameters: callwright_domain::summary::summary_schema(),
    }
}

/// Asks for a call's summary: the transcript as one user message, `Agent:`/`Lead:` lines.
pub fn summary_messages(
    language: callwright_domain::Language,
    transcript: &str,
) -> Vec<ChatMessage> {
    let system = format!(
        "You summarise outbound sales calls for the sales team. Read the transcript and call \
         record_summary exactly once: the lead's interest from 1 (not at all) to 5 (agreed to a \
         meeting), the objections and questions the lead raised (in the words of the call), the \
         next step agreed, and the language spoken.\nConversation language: {}",
        language.code()
    );
    vec![
        ChatMessage::new("system", system),
        ChatMessage::new("user", format!("Transcript:\n{transcript}")),
    ]
}

/// The chat history: system prompt, then the transcript as assistant/user messages.
pub fn messages(system: String, turns: &[Turn]) -> Vec<ChatMessage> {
    let mut out = vec![ChatMessage::new("system", system)];
    for turn in turns.iter().filter(|t| !t.text.is_empty()) {
        let role = match turn.speaker {
            Speaker::Agent => "assistant",
            Speaker::Callee => "user",
        };
        out.push(ChatMessage::new(role, turn.text.clone()));
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
        let future_time = |key: &str| {
            text(key).filter(|t| {
                DateTime::parse_from_rfc3339(t).is_ok_and(|at| at.with_timezone(&Utc) > now)
            })
        };
        match call.name.as_str() {
            "record_interest" => {
                future_time("meeting_time").map(|meeting_time| AgentAction::RecordInterest {
                    meeting_time,
                    notes: text("notes"),
                })
            }
            "schedule_callback" => future_time("callback_at")
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
mod tests {
    use super::*;

    fn call(name: &str, args: serde_json::Value) -> ToolCall {
        ToolCall {
            id: "call_1".into(),
            name: name.into(),
            arguments: args,
        }
    }

    #[test]
    fn parses_tool_calls_into_actions() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let interest = call(
            "record_interest",
            json!({"meeting_time": "2026-11-26T15:00:00+02:00"}),
        );
        assert!(matches!(
            parse_action(&[interest], now),
            Some(AgentAction::RecordInterest { .. })
        ));
        assert_eq!(
            parse_action(&[call("opt_out", json!(null))], now),
            Some(AgentAction::OptOut)
        );
        let bad_time = call("record_interest", json!({"meeting_time": "Thursday at 3"}));
        assert_eq!(parse_action(&[bad_time], now), None);
        let past = call(
            "schedule_callback",
            json!({"callback_at": "2020-01-01T10:00:00Z"}),
        );
        assert_eq!(parse_action(&[past], now), None);
        assert_eq!(parse_action(&[call("unknown_tool", json!({}))], now), None);
    }

    #[test]
    fn prompt_names_language_and_local_time() {
        let lead = LeadProfile {
            lead_id: "l".into(),
            name: "Dana".into(),
            phone: callwright_domain::E164::parse("+972527654321", None).unwrap(),
            language: callwright_domain::Language::He,
            timezone: "Asia/Jerusalem".into(),
            window_timezones: vec![],
            email: None,
            company: None,
        };
        let now = DateTime::parse_from_rfc3339("2026-11-24T12:00:00+02:00").unwrap();
        let p = system_prompt(&lead, "Acme", now, &[], None);
        assert!(p.contains("Conversation language: he-IL"));
        assert!(p.contains("Language recognised in the callee's last words: not recognised"));
        let heard = system_prompt(
            &lead,
            "Acme",
            now,
            &[],
            Some(callwright_domain::Language::En),
        );
        assert!(heard.contains("Language recognised in the callee's last words: English"));
        assert!(
            p.contains("Current local time for the callee: 2026-11-24T12:00:00+02:00 (Tuesday)")
        );
        assert!(p.contains("Hebrew"));
        assert!(p.contains("Callee email on file: none"));
        assert!(p.contains("Offered slots: none"));
        let slot = OfferedSlot {
            id: "s1".into(),
            start: DateTime::parse_from_rfc3339("2026-11-26T13:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            end: DateTime::parse_from_rfc3339("2026-11-26T13:30:00Z")
                .unwrap()
                .with_timezone(&Utc),
            label: "יום חמישי, 26 בנובמבר בשעה 15:00".into(),
        };
        let p = system_prompt(&lead, "Acme", now, &[slot], None);
        assert!(
            p.contains(
                "Offered slots:\n- s1: 2026-11-26T15:00:00+02:00 | יום חמישי, 26 בנובמבר בשעה 15:00"
            ),
            "{p}"
        );
    }
}
