//! Call recordings: a small generated WAV served at `/recordings/{sid}`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::SharedState;

const SAMPLE_RATE: u32 = 8_000;

/// Routes serving recordings.
pub fn router() -> Router<SharedState> {
    Router::new().route("/recordings/{file}", get(serve))
}

async fn serve(State(state): State<SharedState>, Path(file): Path<String>) -> Response {
    let sid = file
        .strip_suffix(".wav")
        .or_else(|| file.strip_suffix(".mp3"))
        .unwrap_or(&file);
    if !state.store.has_recording(sid) {
        return (StatusCode::NOT_FOUND, format!("recording {sid} not found")).into_response();
    }
    ([(header::CONTENT_TYPE, "audio/wav")], tone_wav(1.0)).into_response()
}

/// A mono 16-bit PCM WAV holding `seconds` of a quiet 440 Hz tone.
pub fn tone_wav(seconds: f64) -> Vec<u8> {
    let samples = (f64::from(SAMPLE_RATE) * seconds.clamp(0.0, 60.0)) as u32;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&SAMPLE_RATE.to_le_bytes());
    out.extend_from_slice(&(SAMPLE_RATE * 2).to_le_bytes()); // byte rate
    out.extend_from_slice(&2u16.to_le_bytes()); // block align
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for n in 0..samples {
        let t = f64::from(n) / f64::from(SAMPLE_RATE);
        let sample = (2_000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_header_is_consistent() {
        let wav = tone_wav(0.5);
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(&wav[8..12], b"WAVE");
        assert_eq!(wav.len(), 44 + 8_000);
        let riff_len = u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]);
        assert_eq!(riff_len as usize, wav.len() - 8);
    }
}
