//! Call recordings as Twilio serves them: `RecordingUrl` is the recording resource
//! (`/2010-04-01/Accounts/{AC}/Recordings/{RE}`); its media is that URL plus `.wav` or `.mp3`,
//! behind HTTP Basic auth (Twilio's default for media); `.json` is the resource, and `DELETE`
//! on it removes the recording (what erasing a lead's personal data does).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::state::SharedState;
use crate::twilio::auth::{TwilioError, authorize};

const SAMPLE_RATE: u32 = 8_000;

/// Routes serving recordings.
pub fn router() -> Router<SharedState> {
    Router::new().route(
        "/2010-04-01/Accounts/{account}/Recordings/{file}",
        get(fetch).delete(remove),
    )
}

/// The recording resource URL of `recording_sid` (what `RecordingUrl` carries).
pub fn resource_url(base_url: &str, account_sid: &str, recording_sid: &str) -> String {
    format!("{base_url}/2010-04-01/Accounts/{account_sid}/Recordings/{recording_sid}")
}

/// `RE…` and its extension, if it names a recording this simulator holds.
fn known<'a>(state: &SharedState, file: &'a str) -> Result<(&'a str, &'a str), TwilioError> {
    let (sid, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    if state.store.has_recording(sid) {
        Ok((sid, ext))
    } else {
        Err(TwilioError::not_found(&format!("Recordings/{file}")))
    }
}

async fn fetch(
    State(state): State<SharedState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, TwilioError> {
    authorize(&headers, &state, &account)?;
    let (sid, ext) = known(&state, &file)?;
    Ok(match ext {
        // The simulator only has WAV; an MP3 request gets WAV bytes with the WAV type.
        "" | "wav" | "mp3" => {
            ([(header::CONTENT_TYPE, "audio/x-wav")], recording_wav(sid)).into_response()
        }
        "json" => axum::Json(json!({
            "sid": sid,
            "account_sid": account,
            "status": "completed",
            "channels": 1,
            "uri": format!("/2010-04-01/Accounts/{account}/Recordings/{sid}.json"),
        }))
        .into_response(),
        _ => return Err(TwilioError::not_found(&format!("Recordings/{file}"))),
    })
}

async fn remove(
    State(state): State<SharedState>,
    Path((account, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, TwilioError> {
    authorize(&headers, &state, &account)?;
    let (sid, ext) = known(&state, &file)?;
    if ext != "json" {
        return Err(TwilioError::not_found(&format!("Recordings/{file}")));
    }
    state.store.remove_recording(sid);
    Ok(StatusCode::NO_CONTENT)
}

/// The chunk id that names the recording inside the simulator's WAV files.
const SID_CHUNK: &[u8; 4] = b"cwrs";

/// A recording's media: a second of tone plus a private chunk naming the recording (players
/// skip chunks they do not know), so the simulated Deepgram knows which call it hears.
pub fn recording_wav(recording_sid: &str) -> Vec<u8> {
    let mut wav = tone_wav(1.0);
    let sid = recording_sid.as_bytes();
    wav.extend_from_slice(SID_CHUNK);
    wav.extend_from_slice(&u32::try_from(sid.len()).unwrap_or(0).to_le_bytes());
    wav.extend_from_slice(sid);
    if sid.len() % 2 == 1 {
        wav.push(0); // chunks are word-aligned
    }
    let riff_len = u32::try_from(wav.len() - 8).unwrap_or(u32::MAX);
    wav[4..8].copy_from_slice(&riff_len.to_le_bytes());
    wav
}

/// The recording a [`recording_wav`] file names, walking its RIFF chunks.
pub fn recording_sid(wav: &[u8]) -> Option<String> {
    if wav.get(0..4)? != b"RIFF" || wav.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut at = 12;
    while at + 8 <= wav.len() {
        let id = wav.get(at..at + 4)?;
        let len = u32::from_le_bytes(wav.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let body = wav.get(at + 8..at + 8 + len)?;
        if id == SID_CHUNK {
            return String::from_utf8(body.to_vec()).ok();
        }
        at += 8 + len + len % 2;
    }
    None
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
    fn a_recording_names_itself_in_a_valid_wav() {
        let wav = recording_wav("RE123");
        let riff_len = u32::from_le_bytes([wav[4], wav[5], wav[6], wav[7]]);
        assert_eq!(riff_len as usize, wav.len() - 8);
        assert_eq!(recording_sid(&wav).as_deref(), Some("RE123"));
        assert_eq!(recording_sid(&tone_wav(0.1)), None);
        assert_eq!(recording_sid(b"garbage"), None);
    }

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
