//! Streamed chat completions (`"stream": true`), as OpenAI serves them: server-sent events,
//! one `chat.completion.chunk` per token, the tool call's arguments in fragments, and
//! `data: [DONE]` at the end.
//!
//! The answer is decided whole (the same decision as an unstreamed request) and then paced
//! like a model writing it: the first token after the configured time to first token (the
//! admission delay), the rest at the configured token rate. An unstreamed request waits for
//! the same generation before it is answered, so the two modes cost what they cost a real
//! model.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use serde_json::{Value, json};

/// Characters per token, roughly, for English text in OpenAI's tokenisers.
const CHARS_PER_TOKEN: usize = 4;

/// The longest piece [`tokens`] makes: a space and a five-letter word.
const MAX_TOKEN_CHARS: usize = 6;

/// Splits `text` the way a tokeniser roughly does: a word carries its leading space, and a
/// word longer than [`MAX_TOKEN_CHARS`] is cut into pieces of that length.
/// Joining the pieces gives `text` back.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let starts_word = c.is_whitespace() && !current.trim().is_empty();
        if starts_word || current.chars().count() >= MAX_TOKEN_CHARS {
            out.push(std::mem::take(&mut current));
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// How long a model writing at `tokens_per_sec` takes for `count` tokens after its first
/// (zero when the rate is zero, which means "instantly").
pub fn generation_time(count: usize, tokens_per_sec: f64) -> Duration {
    if tokens_per_sec <= 0.0 || count <= 1 {
        return Duration::ZERO;
    }
    Duration::from_secs_f64((count - 1) as f64 / tokens_per_sec)
}

/// How many tokens a completion body (see `reply_json`) generates: its text and its tool
/// call's arguments.
pub fn completion_tokens(body: &Value) -> usize {
    let message = &body["choices"][0]["message"];
    let text = message["content"].as_str().map_or(0, |t| tokens(t).len());
    let arguments = message["tool_calls"][0]["function"]["arguments"]
        .as_str()
        .map_or(0, |a| a.chars().count().div_ceil(CHARS_PER_TOKEN));
    text + arguments
}

/// The chunks of a completion body, in the order a model sends them.
pub fn chunks(body: &Value, include_usage: bool) -> Vec<Value> {
    paced_chunks(body, include_usage)
        .into_iter()
        .map(|(chunk, _)| chunk)
        .collect()
}

/// [`chunks`], each with whether it carries a generated token (text or a piece of a tool
/// call's arguments); the role, the tool call's header, the finish and the usage do not.
fn paced_chunks(body: &Value, include_usage: bool) -> Vec<(Value, bool)> {
    let base = |choices: Value| {
        json!({
            "id": body["id"],
            "object": "chat.completion.chunk",
            "created": body["created"],
            "model": body["model"],
            "choices": choices,
        })
    };
    let delta = |delta: Value| base(json!([{"index": 0, "delta": delta, "finish_reason": null}]));
    let message = &body["choices"][0]["message"];
    let mut out = vec![(delta(json!({"role": "assistant", "content": ""})), false)];
    if let Some(text) = message["content"].as_str() {
        out.extend(
            tokens(text)
                .into_iter()
                .map(|t| (delta(json!({"content": t})), true)),
        );
    }
    if let Some(call) = message["tool_calls"].get(0) {
        let header = delta(json!({"tool_calls": [{
            "index": 0,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }]}));
        out.push((header, false));
        let arguments: Vec<char> = call["function"]["arguments"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .collect();
        out.extend(arguments.chunks(CHARS_PER_TOKEN).map(|piece| {
            let chunk = delta(json!({"tool_calls": [{
                "index": 0,
                "function": {"arguments": piece.iter().collect::<String>()},
            }]}));
            (chunk, true)
        }));
    }
    let finish = base(json!([{
        "index": 0,
        "delta": {},
        "finish_reason": body["choices"][0]["finish_reason"],
    }]));
    out.push((finish, false));
    if include_usage {
        let mut usage = base(json!([]));
        usage["usage"] = body["usage"].clone();
        out.push((usage, false));
    }
    out
}

/// The event stream of `body`: a chunk per token, `tokens_per_sec` apart (the first at
/// once: the time to first token has passed before this is called).
pub fn respond(body: &Value, include_usage: bool, tokens_per_sec: f64) -> Response {
    let gap = if tokens_per_sec > 0.0 {
        Duration::from_secs_f64(1.0 / tokens_per_sec)
    } else {
        Duration::ZERO
    };
    Sse::new(paced(paced_chunks(body, include_usage), gap)).into_response()
}

/// The events, each token after the first `gap` after the one before it: the first token goes
/// out at the time to first token, and a chunk that carries no token costs no time, so a
/// streamed answer ends when an unstreamed one would be sent ([`generation_time`]).
fn paced(
    chunks: Vec<(Value, bool)>,
    gap: Duration,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let events = chunks
        .into_iter()
        .map(|(chunk, token)| (Event::default().data(chunk.to_string()), token))
        .chain(std::iter::once((Event::default().data("[DONE]"), false)));
    futures::stream::unfold((events, false), move |(mut events, started)| async move {
        let (event, token) = events.next()?;
        if token && started && !gap.is_zero() {
            tokio::time::sleep(gap).await;
        }
        Some((Ok(event), (events, started || token)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A completion body that says `text` and calls `check_availability`.
    fn completion(text: &str) -> Value {
        json!({
            "id": "chatcmpl-1", "created": 1, "model": "m",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": text,
                "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "check_availability", "arguments": "{\"days\":3}"}}]}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        })
    }

    #[test]
    fn words_keep_their_leading_space() {
        assert_eq!(tokens("Hello there"), ["Hello", " there"]);
        assert_eq!(tokens("extraordinarily"), ["extrao", "rdinar", "ily"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn a_tool_call_arrives_in_fragments_that_join() {
        let body = completion("One moment.");
        let chunks = chunks(&body, true);
        let text: String = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
            .collect();
        assert_eq!(text, "One moment.");
        let arguments: String = chunks
            .iter()
            .filter_map(|c| {
                c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str()
            })
            .collect();
        assert_eq!(arguments, "{\"days\":3}");
        let named: Vec<&Value> = chunks
            .iter()
            .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"].get("name"))
            .collect();
        assert_eq!(named, [&json!("check_availability")], "the name comes once");
        let finish = &chunks[chunks.len() - 2];
        assert_eq!(finish["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!(chunks[chunks.len() - 1]["usage"]["total_tokens"], 3);
        assert_eq!(completion_tokens(&body), 3 + 3);
    }

    /// On the paused clock: the first token goes out at once (the time to first token was
    /// spent before), each further token one gap later, and nothing else costs time, so the
    /// stream ends exactly when an unstreamed answer of the same tokens would be sent.
    #[tokio::test(start_paused = true)]
    async fn a_stream_ends_when_the_whole_answer_would() {
        use futures::StreamExt as _;
        let body = completion("One moment please.");
        let gap = Duration::from_millis(25);
        let start = tokio::time::Instant::now();
        let mut stream = std::pin::pin!(paced(paced_chunks(&body, true), gap));
        let mut first_token_at = None;
        while let Some(event) = stream.next().await {
            let event = format!("{:?}", event);
            if first_token_at.is_none() && event.contains("One") {
                first_token_at = Some(start.elapsed());
            }
        }
        assert_eq!(first_token_at, Some(Duration::ZERO));
        assert_eq!(
            start.elapsed(),
            generation_time(completion_tokens(&body), 40.0),
            "{} tokens",
            completion_tokens(&body)
        );
    }

    #[test]
    fn generation_takes_the_rate() {
        assert_eq!(generation_time(81, 80.0), Duration::from_secs(1));
        assert_eq!(generation_time(81, 0.0), Duration::ZERO);
        assert_eq!(generation_time(1, 80.0), Duration::ZERO);
    }

    proptest! {
        #[test]
        fn tokens_join_back_to_the_text(text in "\\PC{0,200}") {
            let pieces = tokens(&text);
            prop_assert!(pieces.iter().all(|p| (1..=MAX_TOKEN_CHARS).contains(&p.chars().count())));
            prop_assert_eq!(pieces.concat(), text);
        }
    }
}
