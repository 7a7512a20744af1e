//! The booking tools the model may call inside a turn, as the model is told them, and what a
//! tool answers when the calendar cannot.

use callwright_providers::llm::{ToolCall, ToolSpec};
use serde_json::{Value, json};

/// The booking tools, for the model.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "check_availability",
            description: "Find free meeting slots to propose. Offer only slots this tool returns, by their labels.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "day": {"type": "string", "description": "Callee-local date to search from, YYYY-MM-DD (optional)"},
                    "time": {"type": "string", "description": "Callee-local preferred time, HH:MM (optional)"}
                }
            }),
        },
        ToolSpec {
            name: "book_meeting",
            description: "Book the offered slot the callee chose. Needs the callee's email unless one is on file.",
            parameters: json!({
                "type": "object",
                "properties": {
                    "slot_id": {"type": "string", "description": "Id of an offered slot"},
                    "email": {"type": "string", "description": "Email address for the invitation, if the callee gave one"}
                },
                "required": ["slot_id"]
            }),
        },
    ]
}

/// The tool result when the calendar (or our database) cannot answer: nothing to offer, so the
/// agent apologises and proposes a callback rather than inventing a time.
pub fn unavailable(call: &ToolCall) -> Value {
    match call.name.as_str() {
        "book_meeting" => {
            json!({"tool": "book_meeting", "booked": false, "reason": "calendar_unavailable", "slots": []})
        }
        _ => json!({"tool": "check_availability", "slots": [], "error": "calendar_unavailable"}),
    }
}

/// Whether a tool call is one of the booking tools.
pub fn is_booking_tool(call: &ToolCall) -> bool {
    matches!(call.name.as_str(), "check_availability" | "book_meeting")
}
