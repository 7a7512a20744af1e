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
        .map_or(0, |a| a.len().div_ceil(CHARS_PER_TOKEN));
    text + arguments
}

/// The chunks of a completion body, in the order a model sends them.
pub fn chunks(body: &Value, include_usage: bool) -> Vec<Value> {
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
    let mut out = vec![delta(json!({"role": "assistant", "content": ""}))];
    if let Some(text) = message["content"].as_str() {
        out.extend(
            tokens(text)
                .into_iter()
                .map(|t| delta(json!({"content": t}))),
        );
    }
    if let Some(call) = message["tool_calls"].get(0) {
        out.push(delta(json!({"tool_calls": [{
            "index": 0,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }]})));
        let arguments: Vec<char> = call["function"]["arguments"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .collect();
        out.extend(arguments.chunks(CHARS_PER_TOKEN).map(|piece| {
            delta(json!({"tool_calls": [{
                "index": 0,
                "function": {"arguments": piece.iter().collect::<String>()},
            }]}))
        }));
    }
    out.push(base(json!([{
        "index": 0,
        "delta": {},
        "finish_reason": body["choices"][0]["finish_reason"],
    }])));
    if include_usage {
        let mut usage = base(json!([]));
        usage["usage"] = body["usage"].clone();
        out.push(usage);
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
    let chunks = chunks(body, include_usage);
    Sse::new(paced(chunks, gap)).into_response()
}

fn paced(chunks: Vec<Value>, gap: Duration) -> impl Stream<Item = Result<Event, Infallible>> {
    let events = chunks
        .into_iter()
        .map(|chunk| Event::default().data(chunk.to_string()))
        .chain(std::iter::once(Event::default().data("[DONE]")));
    futures::stream::unfold((events, true), move |(mut events, first)| async move {
        let event = events.next()?;
        // A chunk that carries no token (the role, the finish) costs no generation time.
        if !first && !gap.is_zero() {
            tokio::time::sleep(gap).await;
        }
        Some((Ok(event), (events, false)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_keep_their_leading_space() {
        assert_eq!(tokens("Hello there"), ["Hello", " there"]);
        assert_eq!(tokens("extraordinarily"), ["extrao", "rdinar", "ily"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn a_tool_call_arrives_in_fragments_that_join() {
        let body = json!({
            "id": "chatcmpl-1", "created": 1, "model": "m",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": "One moment.",
                "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "check_availability", "arguments": "{\"days\":3}"}}]}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
        });
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
