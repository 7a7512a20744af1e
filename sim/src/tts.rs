//! ElevenLabs text to speech as the simulator speaks it: `POST /v1/text-to-speech/{voice_id}`
//! with the `xi-api-key` header, a JSON body `{"text", "model_id", ...}` and the
//! `output_format` query parameter; the answer is the raw audio (`ulaw_8000`: 8 kHz μ-law
//! samples, `audio/basic`).
//!
//! The samples are deterministic and carry the text: a marker, the text's length and its UTF-8
//! bytes, then μ-law silence as long as the words would take to say. That is valid μ-law (any
//! byte is), and lets the simulated callee "hear" a `<Play>`ed line: the TwiML executor fetches
//! the URL like Twilio does and [`decode`]s what was said. Every request is recorded
//! (`GET /sim/tts`), so tests can count how often a line was synthesised.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Mutex;

use crate::state::SharedState;
use crate::store::FaultKind;

/// Marks simulated speech inside audio bytes.
const MARKER: &[u8] = b"CWSIM-TTS\0";
/// μ-law silence.
const SILENCE: u8 = 0xff;
/// Samples of silence per word (0.4 s at 8 kHz).
const SAMPLES_PER_WORD: usize = 3_200;

/// One synthesis request the simulator answered.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Synthesis {
    /// Voice in the path.
    pub voice_id: String,
    /// `model_id` of the body.
    pub model_id: String,
    /// `output_format` query parameter.
    pub output_format: String,
    /// The text.
    pub text: String,
}

/// Requests answered so far.
#[derive(Default)]
pub struct Speech {
    done: Mutex<Vec<Synthesis>>,
}

impl Speech {
    /// Every synthesis so far, in order.
    pub fn list(&self) -> Vec<Synthesis> {
        self.done.lock().map(|d| d.clone()).unwrap_or_default()
    }

    /// Forgets every request (`POST /sim/reset`).
    pub fn reset(&self) {
        if let Ok(mut done) = self.done.lock() {
            done.clear();
        }
    }

    fn record(&self, s: Synthesis) {
        if let Ok(mut done) = self.done.lock() {
            done.push(s);
        }
    }
}

/// Routes of the TTS endpoint and its inspection.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/v1/text-to-speech/{voice_id}", post(synthesize))
        .route("/sim/tts", get(list))
}

#[derive(Deserialize)]
struct FormatQuery {
    output_format: Option<String>,
}

#[derive(Deserialize)]
struct Body {
    text: Option<String>,
    model_id: Option<String>,
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "detail": { "status": code, "message": message } })),
    )
        .into_response()
}

async fn synthesize(
    State(state): State<SharedState>,
    Path(voice_id): Path<String>,
    Query(q): Query<FormatQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = headers
        .get("xi-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if key.trim().is_empty() {
        return error(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Invalid API key",
        );
    }
    if state.store.take_fault(FaultKind::Tts500) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "injected fault",
        );
    }
    let Ok(body) = serde_json::from_slice::<Body>(&body) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "body must be JSON",
        );
    };
    let Some(text) = body.text.filter(|t| !t.trim().is_empty()) else {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_text",
            "text is required",
        );
    };
    // The default format is MP3; the simulator only makes phone audio.
    let format = q.output_format.unwrap_or_else(|| "mp3_44100_128".into());
    if format != "ulaw_8000" {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported_format",
            "the simulator synthesises ulaw_8000 only",
        );
    }
    state.tts.record(Synthesis {
        voice_id,
        model_id: body
            .model_id
            .unwrap_or_else(|| "eleven_multilingual_v2".into()),
        output_format: format,
        text: text.clone(),
    });
    ([(header::CONTENT_TYPE, "audio/basic")], encode(&text)).into_response()
}

async fn list(State(state): State<SharedState>) -> Response {
    Json(state.tts.list()).into_response()
}

/// The simulated audio of `text`.
pub fn encode(text: &str) -> Vec<u8> {
    let words = text.split_whitespace().count().max(1);
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(MARKER.len() + 4 + text.len() + words * SAMPLES_PER_WORD);
    out.extend_from_slice(MARKER);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.resize(out.len() + words * SAMPLES_PER_WORD, SILENCE);
    out
}

/// The text simulated audio says, wherever it sits in a file (raw, or inside a WAV).
pub fn decode(audio: &[u8]) -> Option<String> {
    let start = audio.windows(MARKER.len()).position(|w| w == MARKER)? + MARKER.len();
    let len_bytes: [u8; 4] = audio.get(start..start + 4)?.try_into().ok()?;
    let len = usize::try_from(u32::from_le_bytes(len_bytes)).ok()?;
    let text = audio.get(start + 4..start + 4 + len)?;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_survives_a_container_around_it() {
        let audio = encode("שלום, מדברת עוזרת");
        let mut wav = b"RIFF....WAVEfmt data....".to_vec();
        wav.extend_from_slice(&audio);
        assert_eq!(decode(&wav).as_deref(), Some("שלום, מדברת עוזרת"));
        assert_eq!(decode(&[0xff; 100]), None);
        assert_eq!(decode(&audio[..MARKER.len() + 6]), None);
    }
}
