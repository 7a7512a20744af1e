//! OpenAI-compatible chat completions and embeddings endpoints backed by a scripted model.
//!
//! The model reads the agent from the system prompt ([`agent`]: business, goal,
//! qualification questions, inline knowledge) and the call's context (`Conversation
//! language:`, `Current local time for the callee:`, `Callee email on file:`, `Offered
//! slots:`), classifies the last user message (see [`intent`]) and answers with localised
//! content and, when the request offers it, a tool call. What it says about the business
//! comes from the prompt only ([`grounded`]): the goal, who is calling, passages quoted from
//! the knowledge ([`knowledge`], searched first when `search_knowledge` is offered), else "I
//! don't know".
//!
//! When `check_availability` or `book_meeting` is offered it follows the
//! booking protocol ([`booking`]), asking the qualification questions first ([`qualify`]):
//! interest → questions → `check_availability`, a pick → `book_meeting`, and after a tool
//! result it speaks from the last result (offer, slot taken, email needed, confirmation).
//! Without those tools it books nothing: a time the callee proposes or agrees to is only
//! acknowledged in words, and the tools it may call end the call (`schedule_callback`,
//! `opt_out`, `end_call`).
//!
//! Every request body is kept for inspection ([`requests`], `GET /sim/llm/requests`).

pub mod agent;
pub mod answers;
pub mod booking;
pub mod embeddings;
pub mod grounded;
pub mod intent;
pub mod knowledge;
pub mod qualify;
pub mod replies;
pub mod requests;
pub mod stream;
pub mod summary;
pub mod terms;
pub mod text;
pub mod when;

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::phrases::Lang;
use crate::state::SharedState;
use crate::store::FaultKind;
use grounded::Grounding;
use requests::Endpoint;

/// Routes under `/v1`, and the inspection of what the model received.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/v1/chat/completions", post(completions))
        .route("/v1/embeddings", post(embeddings::embeddings))
        .route("/v1/models", get(models))
        .route("/sim/llm/requests", get(requests::list))
}

#[derive(Debug, Deserialize)]
struct ChatRequest {
    model: Option<String>,
    messages: Vec<Message>,
    #[serde(default)]
    tools: Vec<ToolDef>,
    #[serde(default)]
    tool_choice: Option<Value>,
    #[serde(default)]
    stream: bool,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
}

#[derive(Debug, Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: bool,
}

#[derive(Debug, Deserialize)]
struct Message {
    role: String,
    #[serde(default)]
    content: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ToolDef {
    function: Option<FunctionDef>,
}

#[derive(Debug, Deserialize)]
struct FunctionDef {
    name: String,
    #[serde(default)]
    parameters: Option<Value>,
}

fn openai_error(status: StatusCode, kind: &str, message: &str, code: Option<&str>) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    (status, Json(body)).into_response()
}

fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn prompt_value<'a>(system: &'a str, label: &str) -> Option<&'a str> {
    system.lines().find_map(|line| {
        let idx = line.find(label)?;
        Some(line[idx + label.len()..].trim_start_matches(':').trim())
    })
}

/// The callee's language and local time, from the system prompt.
fn prompt_context(system: &str) -> (Lang, DateTime<FixedOffset>) {
    let lang = prompt_value(system, "Conversation language").map_or(Lang::En, Lang::from_tag);
    let now = prompt_value(system, "Current local time for the callee")
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        .unwrap_or_else(|| Utc::now().fixed_offset());
    (lang, now)
}

/// What every model request goes through: the bearer key (when one is configured), the
/// request log, the configured delay and chaos stall, and the injected 500 and 429 faults.
async fn admit(
    state: &SharedState,
    headers: &HeaderMap,
    endpoint: Endpoint,
    body: &Bytes,
) -> Result<(), Response> {
    if let Some(key) = &state.config.llm_api_key {
        let expected = format!("Bearer {key}");
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if given.map(str::trim) != Some(expected.as_str()) {
            return Err(openai_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "Incorrect API key provided.",
                Some("invalid_api_key"),
            ));
        }
    }
    state.llm_requests.record(endpoint, body);
    if state.config.llm_delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(state.config.llm_delay_ms)).await;
    }
    if let Some(stall) = state.store.llm_stall() {
        tokio::time::sleep(stall).await;
    }
    if state.store.take_fault(FaultKind::Llm500) {
        return Err(openai_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The server had an error while processing your request. Sorry about that!",
            None,
        ));
    }
    if state.store.take_fault(FaultKind::Llm429) {
        let mut response = openai_error(
            StatusCode::TOO_MANY_REQUESTS,
            "requests",
            "Rate limit reached for requests. Please try again in 1s.",
            Some("rate_limit_exceeded"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(1u32));
        return Err(response);
    }
    Ok(())
}

async fn completions(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = admit(&state, &headers, Endpoint::Chat, &body).await {
        return refused;
    }
    let request: ChatRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            let message = format!("We could not parse the JSON body of your request: {e}");
            return openai_error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &message,
                None,
            );
        }
    };
    if request.messages.is_empty() {
        return openai_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "'messages' must contain at least one message.",
            None,
        );
    }
    if follows_booking(&request) && state.store.fail_after_booking() {
        return openai_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "The server had an error while processing your request. Sorry about that!",
            None,
        );
    }
    let body = respond(&request);
    let rate = state.config.llm_tokens_per_sec;
    if request.stream {
        let usage = request
            .stream_options
            .as_ref()
            .is_some_and(|o| o.include_usage);
        return stream::respond(&body, usage, rate);
    }
    tokio::time::sleep(stream::generation_time(
        stream::completion_tokens(&body),
        rate,
    ))
    .await;
    Json(body).into_response()
}

/// Whether the request's last message is a successful `book_meeting` tool result.
fn follows_booking(request: &ChatRequest) -> bool {
    request.messages.last().is_some_and(|m| {
        m.role == "tool"
            && serde_json::from_str::<Value>(&content_text(m.content.as_ref()))
                .is_ok_and(|v| v["tool"] == "book_meeting" && v["booked"] == Value::Bool(true))
    })
}

fn respond(request: &ChatRequest) -> Value {
    let texts: Vec<String> = request
        .messages
        .iter()
        .map(|m| content_text(m.content.as_ref()))
        .collect();
    let system: String = request
        .messages
        .iter()
        .zip(&texts)
        .filter(|(m, _)| matches!(m.role.as_str(), "system" | "developer"))
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let (lang, now) = prompt_context(&system);
    let email_on_file = booking::email_on_file(&system);
    let brief = agent::parse(&system);

    let tools_allowed = !matches!(&request.tool_choice, Some(Value::String(s)) if s == "none");
    let offered = |name: &str| {
        request
            .tools
            .iter()
            .any(|t| t.function.as_ref().is_some_and(|f| f.name == name))
    };
    let booking_mode = offered("check_availability") || offered("book_meeting");
    let grounding = Grounding {
        brief: &brief,
        can_search: tools_allowed && offered("search_knowledge"),
    };

    if offered("record_summary") {
        let transcript = texts.last().map(String::as_str).unwrap_or_default();
        let mut summary = summary::summarize(transcript, lang, now, &brief.questions);
        if summary.get("answers").is_none() && summary_wants_answers(request) {
            summary["answers"] = json!({});
        }
        return reply_json(
            request,
            &texts,
            &intent::Decision {
                content: String::new(),
                tool: Some(("record_summary".to_owned(), summary)),
            },
        );
    }
    let last_role = request.messages.last().map(|m| m.role.as_str());
    let last_user = request.messages.iter().rposition(|m| m.role == "user");
    let decision = match (last_role, last_user) {
        (Some("tool"), _) => {
            // A search result answers the callee's last words.
            let words = last_user.map_or("", |i| texts[i].as_str());
            intent::Decision {
                content: texts
                    .last()
                    .and_then(|t| {
                        booking::after_tool(lang, t, email_on_file.as_deref()).or_else(|| {
                            grounded::after_search(lang, t, words, intent::asks_price(words))
                        })
                    })
                    .unwrap_or_else(|| replies::after_tool(lang)),
                tool: None,
            }
        }
        (_, None) => intent::Decision {
            content: grounded::greeting(lang, &brief),
            tool: None,
        },
        (_, Some(idx)) => {
            let before: Vec<(&str, &str)> = request.messages[..idx]
                .iter()
                .zip(&texts)
                .rev()
                .map(|(m, t)| (m.role.as_str(), t.as_str()))
                .collect();
            let spoken = |roles: &[&str]| -> Vec<&str> {
                before
                    .iter()
                    .filter(|(role, text)| roles.contains(role) && !text.trim().is_empty())
                    .map(|(_, text)| *text)
                    .collect()
            };
            let earlier = spoken(&["user", "assistant"]);
            if offered("transfer_to_human") && intent::wants_person(&texts[idx]) {
                intent::Decision {
                    content: replies::transferring(lang),
                    tool: Some((
                        "transfer_to_human".to_owned(),
                        json!({"reason": "asked for a person"}),
                    )),
                }
            } else if booking_mode {
                let offered_slots = booking::offered_slots(&system).unwrap_or_else(|| {
                    // No `Offered slots` line: the latest tool result that offered some.
                    before
                        .iter()
                        .filter(|(role, _)| *role == "tool")
                        .find_map(|(_, text)| {
                            let result = serde_json::from_str::<Value>(text).ok()?;
                            let slots = booking::slots_from_json(&result);
                            (!slots.is_empty()).then_some(slots)
                        })
                        .unwrap_or_default()
                });
                let assistant = spoken(&["assistant"]);
                let turn = booking::Turn {
                    lang,
                    now,
                    offered: offered_slots,
                    earlier,
                    earlier_user: spoken(&["user"]),
                    last_agent: assistant.first().copied(),
                    history: before
                        .iter()
                        .filter(|(role, text)| {
                            matches!(*role, "user" | "assistant") && !text.trim().is_empty()
                        })
                        .copied()
                        .collect(),
                    grounding,
                };
                let decision = qualify::decide(&texts[idx], &turn, &brief.questions);
                tracing::debug!(?decision, text = %texts[idx], "scripted model booking decision");
                decision
            } else {
                let intent = intent::classify(&texts[idx], &earlier, now);
                tracing::debug!(?intent, text = %texts[idx], "scripted model decision");
                intent::decide(&intent, &texts[idx], lang, now, &grounding)
            }
        }
    };

    let decision = intent::Decision {
        tool: decision
            .tool
            .filter(|(name, _)| tools_allowed && offered(name)),
        ..decision
    };
    reply_json(request, &texts, &decision)
}

/// Whether the `record_summary` tool's schema has an `answers` property to fill.
fn summary_wants_answers(request: &ChatRequest) -> bool {
    request.tools.iter().any(|t| {
        t.function.as_ref().is_some_and(|f| {
            f.name == "record_summary"
                && f.parameters
                    .as_ref()
                    .is_some_and(|p| p["properties"].get("answers").is_some())
        })
    })
}

/// The chat-completion body of a decision.
fn reply_json(request: &ChatRequest, texts: &[String], decision: &intent::Decision) -> Value {
    let tool = decision.tool.clone();

    let mut message = json!({"role": "assistant", "content": decision.content});
    let finish_reason = match &tool {
        Some((name, args)) => {
            message["tool_calls"] = json!([{
                "id": format!("call_{}", &uuid::Uuid::new_v4().simple().to_string()[..24]),
                "type": "function",
                "function": {"name": name, "arguments": args.to_string()},
            }]);
            "tool_calls"
        }
        None => "stop",
    };
    let prompt_tokens = texts.iter().map(|t| t.chars().count()).sum::<usize>() / 4 + 1;
    let completion_tokens = decision.content.chars().count() / 4
        + tool.as_ref().map_or(0, |(_, a)| a.to_string().len() / 4)
        + 1;
    json!({
        "id": format!("chatcmpl-{}", uuid::Uuid::new_v4().simple()),
        "object": "chat.completion",
        "created": Utc::now().timestamp(),
        "model": request.model.clone().unwrap_or_else(|| "callwright-sim".to_owned()),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    })
}

async fn models() -> Response {
    Json(json!({
        "object": "list",
        "data": [
            {"id": "callwright-sim", "object": "model", "created": 0, "owned_by": "callwright-sim"},
            {"id": embeddings::MODEL, "object": "model", "created": 0, "owned_by": "callwright-sim"},
        ],
    }))
    .into_response()
}
