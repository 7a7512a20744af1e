//! The chat-model port and its OpenAI-compatible adapter (OpenAI, Ollama, vLLM, ...).

use crate::error::{ProviderError, check_status};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One chat message in OpenAI's shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// Text (may be empty on an assistant message that only calls tools).
    pub content: String,
    /// Tools an assistant message called.
    pub tool_calls: Vec<ToolCall>,
    /// The call a `tool` message answers.
    pub tool_call_id: Option<String>,
}

impl ChatMessage {
    /// A message with this role.
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.to_owned(),
            content: content.into(),
            ..Self::default()
        }
    }

    /// The assistant's message that called `calls`, to be followed by one [`ChatMessage::tool`]
    /// answer per call.
    pub fn assistant_calls(content: Option<String>, calls: Vec<ToolCall>) -> Self {
        Self {
            role: "assistant".to_owned(),
            content: content.unwrap_or_default(),
            tool_calls: calls,
            tool_call_id: None,
        }
    }

    /// A tool's result, answering the call `call_id`.
    pub fn tool(call_id: &str, result: &serde_json::Value) -> Self {
        Self {
            role: "tool".to_owned(),
            content: result.to_string(),
            tool_calls: Vec::new(),
            tool_call_id: Some(call_id.to_owned()),
        }
    }

    /// The OpenAI wire shape.
    fn wire(&self) -> serde_json::Value {
        let mut msg = serde_json::json!({"role": self.role, "content": self.content});
        if !self.tool_calls.is_empty() {
            if self.content.is_empty() {
                msg["content"] = serde_json::Value::Null;
            }
            msg["tool_calls"] = self
                .tool_calls
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments.to_string()},
                    })
                })
                .collect();
        }
        if let Some(id) = &self.tool_call_id {
            msg["tool_call_id"] = serde_json::Value::String(id.clone());
        }
        msg
    }
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolSpec {
    /// Function name.
    pub name: &'static str,
    /// What it is for (the model reads this).
    pub description: &'static str,
    /// JSON Schema of its arguments.
    pub parameters: serde_json::Value,
}

/// A function call the model made.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolCall {
    /// The provider's id of the call (tool results refer to it).
    pub id: String,
    /// Function name.
    pub name: String,
    /// Parsed JSON arguments.
    pub arguments: serde_json::Value,
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatReply {
    /// Text to speak, if any.
    pub content: Option<String>,
    /// Tools the model called.
    pub tool_calls: Vec<ToolCall>,
}

/// What an agent may choose of a completion: its own model and temperature.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChatParams<'a> {
    /// The model (default: the deployment's).
    pub model: Option<&'a str>,
    /// Sampling temperature (default [`DEFAULT_TEMPERATURE`]).
    pub temperature: Option<f32>,
}

/// Temperature when the agent sets none: low, so the agent keeps to its instructions and
/// tools, not so low that every call sounds the same.
pub const DEFAULT_TEMPERATURE: f32 = 0.3;

/// A chat model with tool calling.
#[async_trait]
pub trait ChatModel: Send + Sync {
    /// One completion.
    async fn complete(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
    ) -> Result<ChatReply, ProviderError>;

    /// One completion, streamed: `on_text` receives each piece of the answer's text as the
    /// model writes it, and the result is the whole answer with its tool calls reassembled.
    /// On an error, the pieces already handed over are all the text there is. A model that
    /// cannot stream hands its whole text over at once.
    async fn stream(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
        on_text: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<ChatReply, ProviderError> {
        let reply = self.complete(messages, tools, params).await?;
        if let Some(text) = &reply.content {
            on_text(text);
        }
        Ok(reply)
    }
}

/// Endpoint, key and model of an OpenAI-compatible server.
#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    /// Base URL including `/v1`, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    pub base_url: String,
    /// Bearer key (any value for servers that ignore it).
    pub api_key: SecretString,
    /// Model name.
    pub model: String,
    /// Per-request timeout: a live caller is waiting.
    pub timeout: Duration,
}

/// OpenAI-compatible `/chat/completions` adapter.
pub struct OpenAiChat {
    http: reqwest::Client,
    /// For streamed answers: the timeout bounds each wait for the next bytes, not the whole
    /// answer, so a long answer that keeps coming is not cut mid-sentence.
    streaming: reqwest::Client,
    config: OpenAiConfig,
}

impl OpenAiChat {
    /// A client for this endpoint.
    pub fn new(config: OpenAiConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        let streaming = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            .read_timeout(config.timeout)
            .build()?;
        Ok(Self {
            http,
            streaming,
            config,
        })
    }
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    message: AssistantMessage,
}

#[derive(Deserialize)]
struct AssistantMessage {
    content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
}

#[derive(Deserialize)]
struct WireToolCall {
    #[serde(default)]
    id: String,
    function: WireFunction,
}

#[derive(Deserialize)]
struct WireFunction {
    name: String,
    arguments: String,
}

impl OpenAiChat {
    /// Sends a `/chat/completions` request (`stream` or not) and checks its status.
    async fn post(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
        stream: bool,
    ) -> Result<reqwest::Response, ProviderError> {
        let tools: Vec<_> = tools
            .iter()
            .map(|t| {
                serde_json::json!({
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters}
                })
            })
            .collect();
        let mut body = serde_json::json!({
            "model": params.model.unwrap_or(&self.config.model),
            "messages": messages.iter().map(ChatMessage::wire).collect::<Vec<_>>(),
            "tools": tools,
            "temperature": params.temperature.unwrap_or(DEFAULT_TEMPERATURE),
        });
        if stream {
            body["stream"] = serde_json::Value::Bool(true);
        }
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let client = if stream { &self.streaming } else { &self.http };
        let resp = client
            .post(url)
            .bearer_auth(self.config.api_key.expose_secret())
            .json(&body)
            .send()
            .await
            .map_err(|e| ProviderError::transport("llm", &e))?;
        check_status("llm", resp).await
    }
}

#[async_trait]
impl ChatModel for OpenAiChat {
    #[tracing::instrument(skip_all, fields(model = %params.model.unwrap_or(&self.config.model)), err)]
    async fn complete(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
    ) -> Result<ChatReply, ProviderError> {
        let resp = self.post(messages, tools, params, false).await?;
        let completion: Completion = resp
            .json()
            .await
            .map_err(|e| ProviderError::protocol("llm", format!("unexpected response: {e}")))?;
        let message = completion
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| ProviderError::protocol("llm", "no choices in response"))?
            .message;
        let tool_calls = message
            .tool_calls
            .into_iter()
            .map(|c| ToolCall {
                id: c.id,
                // Models sometimes send "" for no arguments.
                arguments: serde_json::from_str(&c.function.arguments)
                    .unwrap_or(serde_json::Value::Null),
                name: c.function.name,
            })
            .collect();
        Ok(ChatReply {
            content: message.content.filter(|c| !c.trim().is_empty()),
            tool_calls,
        })
    }

    #[tracing::instrument(skip_all, fields(model = %params.model.unwrap_or(&self.config.model)), err)]
    async fn stream(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
        on_text: &mut (dyn for<'s> FnMut(&'s str) + Send),
    ) -> Result<ChatReply, ProviderError> {
        use eventsource_stream::Eventsource as _;
        use futures::StreamExt as _;
        let resp = self.post(messages, tools, params, true).await?;
        let mut events = resp.bytes_stream().eventsource();
        let mut answer = StreamedAnswer::default();
        while let Some(event) = events.next().await {
            let event = event.map_err(|e| match e {
                eventsource_stream::EventStreamError::Transport(e) => {
                    ProviderError::transport("llm", &e)
                }
                other => ProviderError::protocol("llm", format!("event stream: {other}")),
            })?;
            if event.data.trim() == "[DONE]" {
                return answer.finish();
            }
            if let Some(text) = answer.push(&event.data)? {
                on_text(&text);
            }
        }
        Err(ProviderError::protocol(
            "llm",
            "the answer's stream ended before [DONE]",
        ))
    }
}

/// A streamed answer being put together from its chunks: the text as it comes, and each tool
/// call from the fragments that carry its `index` (the first has its id and name, the rest
/// pieces of its arguments).
#[derive(Debug, Default)]
pub struct StreamedAnswer {
    text: String,
    calls: std::collections::BTreeMap<u32, (String, String, String)>,
}

#[derive(Deserialize)]
struct Chunk {
    choices: Option<Vec<ChunkChoice>>,
    error: Option<serde_json::Value>,
}

// Compatible servers (vLLM, LiteLLM) send `null` where OpenAI leaves a field out: every
// field is an `Option`.
#[derive(Deserialize)]
struct ChunkChoice {
    delta: Option<Delta>,
}

#[derive(Deserialize, Default)]
struct Delta {
    content: Option<String>,
    tool_calls: Option<Vec<ToolCallDelta>>,
}

#[derive(Deserialize)]
struct ToolCallDelta {
    #[serde(default)]
    index: u32,
    id: Option<String>,
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    name: Option<String>,
    arguments: Option<String>,
}

impl StreamedAnswer {
    /// Takes one event's data (a `chat.completion.chunk`); returns the text it adds, if any.
    pub fn push(&mut self, data: &str) -> Result<Option<String>, ProviderError> {
        let chunk: Chunk = serde_json::from_str(data)
            .map_err(|e| ProviderError::protocol("llm", format!("unexpected chunk: {e}")))?;
        if let Some(error) = chunk.error {
            return Err(ProviderError::protocol(
                "llm",
                format!("the model failed mid-answer: {error}"),
            ));
        }
        let mut added = String::new();
        for choice in chunk.choices.unwrap_or_default() {
            let delta = choice.delta.unwrap_or_default();
            if let Some(text) = delta.content {
                added.push_str(&text);
            }
            for call in delta.tool_calls.unwrap_or_default() {
                let entry = self.calls.entry(call.index).or_default();
                if let Some(id) = call.id {
                    entry.0 = id;
                }
                if let Some(function) = call.function {
                    // The name comes whole (some servers repeat it in every fragment).
                    if let Some(name) = function.name.filter(|_| entry.1.is_empty()) {
                        entry.1 = name;
                    }
                    if let Some(arguments) = function.arguments {
                        entry.2.push_str(&arguments);
                    }
                }
            }
        }
        self.text.push_str(&added);
        Ok((!added.is_empty()).then_some(added))
    }

    /// The whole answer, as [`ChatModel::complete`] would have given it.
    pub fn finish(self) -> Result<ChatReply, ProviderError> {
        let tool_calls = self
            .calls
            .into_values()
            .map(|(id, name, arguments)| {
                if name.is_empty() {
                    return Err(ProviderError::protocol(
                        "llm",
                        "a streamed tool call came without a name",
                    ));
                }
                // "" is no arguments; anything else must be whole JSON: an answer cut short
                // (`finish_reason: length`) must not run a tool with half its arguments.
                let arguments = if arguments.trim().is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::from_str(&arguments).map_err(|e| {
                        ProviderError::protocol(
                            "llm",
                            format!("the streamed arguments of {name} are not JSON: {e}"),
                        )
                    })?
                };
                Ok(ToolCall {
                    id,
                    arguments,
                    name,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ChatReply {
            content: Some(self.text).filter(|c| !c.trim().is_empty()),
            tool_calls,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test
    use super::*;

    fn chunk(delta: serde_json::Value) -> String {
        serde_json::json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]})
            .to_string()
    }

    #[test]
    fn text_is_handed_over_as_it_comes_and_kept_whole() {
        let mut answer = StreamedAnswer::default();
        assert_eq!(
            answer
                .push(&chunk(
                    serde_json::json!({"role": "assistant", "content": ""})
                ))
                .unwrap(),
            None
        );
        assert_eq!(
            answer
                .push(&chunk(serde_json::json!({"content": "Hello"})))
                .unwrap()
                .as_deref(),
            Some("Hello")
        );
        assert_eq!(
            answer
                .push(&chunk(serde_json::json!({"content": " there."})))
                .unwrap()
                .as_deref(),
            Some(" there.")
        );
        let reply = answer.finish().unwrap();
        assert_eq!(reply.content.as_deref(), Some("Hello there."));
        assert!(reply.tool_calls.is_empty());
    }

    #[test]
    fn tool_calls_are_joined_by_index_even_interleaved() {
        let mut answer = StreamedAnswer::default();
        let call = |delta: serde_json::Value| chunk(serde_json::json!({"tool_calls": [delta]}));
        for data in [
            call(
                serde_json::json!({"index": 0, "id": "call_a", "type": "function", "function": {"name": "check_availability", "arguments": ""}}),
            ),
            call(
                serde_json::json!({"index": 1, "id": "call_b", "type": "function", "function": {"name": "end_call", "arguments": "{\"rea"}}),
            ),
            call(serde_json::json!({"index": 0, "function": {"arguments": "{\"days\""}})),
            call(serde_json::json!({"index": 1, "function": {"arguments": "son\":\"done\"}"}})),
            call(serde_json::json!({"index": 0, "function": {"arguments": ":3}"}})),
        ] {
            assert_eq!(answer.push(&data).unwrap(), None);
        }
        let reply = answer.finish().unwrap();
        assert_eq!(reply.content, None);
        assert_eq!(
            reply.tool_calls,
            vec![
                ToolCall {
                    id: "call_a".into(),
                    name: "check_availability".into(),
                    arguments: serde_json::json!({"days": 3})
                },
                ToolCall {
                    id: "call_b".into(),
                    name: "end_call".into(),
                    arguments: serde_json::json!({"reason": "done"})
                },
            ]
        );
    }

    #[test]
    fn nulls_from_compatible_servers_and_a_repeated_name_are_read() {
        let mut answer = StreamedAnswer::default();
        let chunks = [
            r#"{"choices": [{"index": 0, "delta": {"content": "Hi", "tool_calls": null}}]}"#,
            r#"{"choices": [{"index": 0, "delta": null, "finish_reason": null}]}"#,
            r#"{"choices": null, "usage": {"total_tokens": 3}}"#,
            r#"{"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "end_call", "arguments": "{"}}]}}]}"#,
            r#"{"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"name": "end_call", "arguments": "}"}}]}}]}"#,
        ];
        for c in chunks {
            answer.push(c).unwrap();
        }
        let reply = answer.finish().unwrap();
        assert_eq!(reply.content.as_deref(), Some("Hi"));
        assert_eq!(reply.tool_calls[0].name, "end_call");
        assert_eq!(reply.tool_calls[0].arguments, serde_json::json!({}));
    }

    #[test]
    fn a_broken_stream_is_a_protocol_error_not_a_panic() {
        let mut answer = StreamedAnswer::default();
        assert!(answer.push("not json").is_err());
        assert!(
            answer
                .push(r#"{"error": {"message": "overloaded"}}"#)
                .is_err()
        );
        let mut cut = StreamedAnswer::default();
        cut.push(r#"{"choices": [{"delta": {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "book_meeting", "arguments": "{\"slot"}}]}}]}"#)
            .unwrap();
        assert!(cut.finish().is_err(), "half the arguments is no tool call");
        let mut nameless = StreamedAnswer::default();
        nameless
            .push(&chunk(
                serde_json::json!({"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}),
            ))
            .unwrap();
        assert!(nameless.finish().is_err());
    }
}
