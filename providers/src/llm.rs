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
    config: OpenAiConfig,
}

impl OpenAiChat {
    /// A client for this endpoint.
    pub fn new(config: OpenAiConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self { http, config })
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

#[async_trait]
impl ChatModel for OpenAiChat {
    #[tracing::instrument(skip_all, fields(model = %params.model.unwrap_or(&self.config.model)), err)]
    async fn complete(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        params: &ChatParams<'_>,
    ) -> Result<ChatReply, ProviderError> {
        let tools: Vec<_> = tools
            .iter()
            .map(|t| {
                serde_json::json!({
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters}
                })
            })
            .collect();
        let body = serde_json::json!({
            "model": params.model.unwrap_or(&self.config.model),
            "messages": messages.iter().map(ChatMessage::wire).collect::<Vec<_>>(),
            "tools": tools,
            "temperature": params.temperature.unwrap_or(DEFAULT_TEMPERATURE),
        });
        let url = format!(
            "{}/chat/completions",
            self.config.base_url.trim_end_matches('/')
        );
        let resp = self
            .http
            .post(url)
            .bearer_auth(self.config.api_key.expose_secret())
            .json(&body)
            .send()
            .await
            .map_err(|e| ProviderError::transport("llm", &e))?;
        let resp = check_status("llm", resp).await?;
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
}
