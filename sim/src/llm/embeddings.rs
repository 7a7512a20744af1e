//! OpenAI-compatible `POST /v1/embeddings`. A vector is a hashed bag of the text's folded
//! words and their character trigrams (character bigrams for Japanese and Chinese, see
//! [`terms`]), 256 dimensions, L2-normalised: deterministic, and texts sharing words or word
//! forms are close, which is what retrieval over a user's knowledge needs from it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

use super::requests::Endpoint;
use super::terms::{Term, terms};
use crate::state::SharedState;

/// Length of every vector.
pub const DIMENSIONS: usize = 256;

/// The model named when the request names none.
pub const MODEL: &str = "callwright-sim-embed";

/// 64-bit FNV-1a of `kind` and `text`: stable across runs and platforms.
fn hash(kind: u8, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(kind).chain(text.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Adds a feature with a sign from the hash, so unrelated features cancel out rather than
/// piling up in a shared bucket.
fn add(vector: &mut [f32], kind: u8, text: &str, weight: f32) {
    let h = hash(kind, text);
    let index = usize::try_from(h % DIMENSIONS as u64).unwrap_or(0);
    let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
    vector[index] += sign * weight;
}

/// The padded character trigrams of a word: "cost" → " co", "cos", "ost", "st ".
fn trigrams(word: &str) -> Vec<String> {
    let padded: Vec<char> = std::iter::once(' ')
        .chain(word.chars())
        .chain(std::iter::once(' '))
        .collect();
    padded.windows(3).map(|w| w.iter().collect()).collect()
}

/// The embedding of `text`.
pub fn embed(text: &str) -> Vec<f32> {
    let mut vector = vec![0.0f32; DIMENSIONS];
    for term in terms(text) {
        match term {
            Term::Word(word) => {
                add(&mut vector, b'w', &word, 1.0);
                for trigram in trigrams(&word) {
                    add(&mut vector, b't', &trigram, 0.5);
                }
            }
            Term::Bigram(bigram) => add(&mut vector, b'b', &bigram, 1.0),
        }
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    } else {
        // No words at all ("?!"): still a unit vector.
        vector[0] = 1.0;
    }
    vector
}

#[derive(Debug, Deserialize)]
struct EmbeddingsRequest {
    model: Option<String>,
    input: Value,
    #[serde(default)]
    encoding_format: Option<String>,
}

fn invalid(message: &str, param: Option<&str>) -> Response {
    let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": null}});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The texts to embed: one string or a list of strings, none of them empty.
fn inputs(input: &Value) -> Option<Vec<&str>> {
    let texts: Vec<&str> = match input {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().map(Value::as_str).collect::<Option<_>>()?,
        _ => return None,
    };
    (!texts.is_empty() && texts.iter().all(|t| !t.is_empty())).then_some(texts)
}

/// `POST /v1/embeddings`.
pub async fn embeddings(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = super::admit(&state, &headers, Endpoint::Embeddings, &body).await {
        return refused;
    }
    let request: EmbeddingsRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            let message = format!("We could not parse the JSON body of your request: {e}");
            return invalid(&message, None);
        }
    };
    let Some(texts) = inputs(&request.input) else {
        return invalid(
            "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            Some("input"),
        );
    };
    let base64 = request.encoding_format.as_deref() == Some("base64");
    let data: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let vector = embed(text);
            let embedding = if base64 {
                let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
                json!(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(vector)
            };
            json!({"object": "embedding", "index": index, "embedding": embedding})
        })
        .collect();
    let tokens: usize = texts.iter().map(|t| terms(t).len().max(1)).sum();
    Json(json!({
        "object": "list",
        "data": data,
        "model": request.model.unwrap_or_else(|| MODEL.to_owned()),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn vectors_are_unit_length_and_deterministic() {
        for text in ["Panels start at 49 euros a month.", "保修多久？", "?!"] {
            let v = embed(text);
            assert_eq!(v.len(), DIMENSIONS);
            let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "{text}: {norm}");
            assert_eq!(v, embed(text));
        }
    }

    #[test]
    fn texts_sharing_words_are_closer() {
        let pairs = [
            (
                "How long is the warranty?",
                "Every installation carries a 25-year warranty.",
                "Panels start at 49 euros a month with no upfront cost.",
            ),
            (
                "Quelle est la garantie ?",
                "Chaque installation a une garantie de 25 ans.",
                "Les panneaux coûtent 49 euros par mois.",
            ),
            (
                "保修多久？",
                "每次安装都有25年保修。",
                "太阳能板每月49欧元起。",
            ),
            (
                "保証は？",
                "すべての設置に25年保証が付きます。",
                "月額49ユーロからです。",
            ),
            (
                "Какая гарантия?",
                "На каждую установку даётся гарантия 25 лет.",
                "Панели стоят от 49 евро в месяц.",
            ),
        ];
        for (query, near, far) in pairs {
            let q = embed(query);
            assert!(
                cosine(&q, &embed(near)) > cosine(&q, &embed(far)),
                "{query}"
            );
        }
        let warranty = embed("warranty");
        assert!(cosine(&warranty, &embed("warranties")) > 0.4);
        assert!(cosine(&warranty, &embed("pricing")).abs() < 0.2);
    }

    #[test]
    fn inputs_must_be_non_empty_strings() {
        assert_eq!(inputs(&json!("a")), Some(vec!["a"]));
        assert_eq!(inputs(&json!(["a", "b"])), Some(vec!["a", "b"]));
        for bad in [
            json!(""),
            json!([]),
            json!(["a", ""]),
            json!([1, 2]),
            json!(null),
        ] {
            assert_eq!(inputs(&bad), None, "{bad}");
        }
    }
}
