//! `StreamedAnswer` (a streamed model answer being put together) on arbitrary chunks: a chunk it
//! cannot read is an error, never a panic; and an answer cut into arbitrary pieces, its tool
//! calls' arguments into arbitrary fragments interleaved across calls, comes back whole.
#![no_main]

use arbitrary::{Result, Unstructured};
use callwright_providers::llm::StreamedAnswer;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fn chunk(delta: serde_json::Value) -> String {
    json!({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]}).to_string()
}

/// Cuts `text` at arbitrary character boundaries.
fn pieces(u: &mut Unstructured<'_>, text: &str) -> Result<Vec<String>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let len = u.int_in_range(1..=8)?.min(chars.len() - at);
        out.push(chars[at..at + len].iter().collect());
        at += len;
    }
    Ok(out)
}

fn whole(u: &mut Unstructured<'_>) -> Result<()> {
    let text: String = u.arbitrary()?;
    let calls: Vec<(String, u32)> = (0..u.int_in_range(0..=3)?)
        .map(|i| Ok((format!("tool_{i}"), u.arbitrary()?)))
        .collect::<Result<_>>()?;
    let mut events = Vec::new();
    for piece in pieces(u, &text)? {
        events.push(chunk(json!({"content": piece})));
    }
    // Every call's opening fragment (id and name), then its arguments in pieces, interleaved.
    let mut fragments: Vec<(usize, String)> = Vec::new();
    for (i, (name, value)) in calls.iter().enumerate() {
        events.push(chunk(json!({"tool_calls": [{"index": i, "id": format!("call_{i}"),
            "type": "function", "function": {"name": name, "arguments": ""}}]})));
        let arguments = json!({"value": value, "note": text}).to_string();
        fragments.extend(pieces(u, &arguments)?.into_iter().map(|p| (i, p)));
    }
    // Shuffle across calls but keep each call's own fragments in order.
    let mut queues: Vec<Vec<String>> = vec![Vec::new(); calls.len()];
    for (i, p) in fragments {
        queues[i].push(p);
    }
    let mut heads = vec![0usize; calls.len()];
    while heads.iter().zip(&queues).any(|(h, q)| *h < q.len()) {
        let open: Vec<usize> = (0..calls.len()).filter(|i| heads[*i] < queues[*i].len()).collect();
        let i = *u.choose(&open)?;
        let piece = &queues[i][heads[i]];
        heads[i] += 1;
        events.push(chunk(json!({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})));
    }
    let mut answer = StreamedAnswer::default();
    let mut heard = String::new();
    for event in &events {
        if let Some(t) = answer.push(event).expect("a well-formed chunk is read") {
            heard.push_str(&t);
        }
    }
    assert_eq!(heard, text);
    let reply = answer.finish().expect("every call has a name");
    assert_eq!(reply.content, Some(text.clone()).filter(|t| !t.trim().is_empty()));
    assert_eq!(reply.tool_calls.len(), calls.len());
    for (call, (name, value)) in reply.tool_calls.iter().zip(&calls) {
        assert_eq!(&call.name, name);
        assert_eq!(call.arguments, json!({"value": value, "note": text}));
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    // Arbitrary bytes as one event's data: read or refused, never a panic.
    let mut answer = StreamedAnswer::default();
    let _ = answer.push(&String::from_utf8_lossy(data));
    let _ = answer.finish();
    // And a well-formed answer in arbitrary pieces comes back whole.
    let _ = whole(&mut Unstructured::new(data));
});
