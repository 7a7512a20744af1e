//! Synthesised speech for Twilio's `<Play>`: `GET /tts/{hash}.wav`, behind a link the worker
//! signed when it synthesised (or found) the audio (`callwright_activities::speech::Voice`).
//! The audio comes from the shared `tts_audio` cache, so any API replica serves any link.

use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use callwright_contracts::api::error::ErrorBody;
use callwright_providers::links::{LinkError, LinkSigner, SPEECH_LINKS};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Deserialize;

/// The signature of a speech link.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignedSpeech {
    /// Unix time (seconds) the link expires at.
    expires: i64,
    /// base64url HMAC-SHA256 of the content hash and `expires`.
    signature: String,
}

/// The content hash named by `{hash}.wav`: 64 lowercase hex digits.
fn parse_file(file: &str) -> Result<&str, ApiError> {
    file.strip_suffix(".wav")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .ok_or_else(|| {
            ApiError::bad_field("file", format!("'{file}' does not name synthesised speech"))
        })
}

/// A line of the agent's synthesised speech (what `<Play>` fetches).
#[utoipa::path(
    get,
    path = "/tts/{file}",
    operation_id = "playSpeech",
    tag = "calls",
    params(("file" = String, Path, description = "`<content hash>.wav`", pattern = r"^[0-9a-f]{64}\.wav$"), SignedSpeech),
    responses(
        (status = 200, description = "The audio (8 kHz μ-law WAV)", content_type = "audio/x-wav"),
        (status = 400, description = "Not a speech file name", body = ErrorBody),
        (status = 403, description = "Forged, altered or expired link", body = ErrorBody),
        (status = 404, description = "No such audio", body = ErrorBody),
    )
)]
pub async fn play(
    State(state): State<AppState>,
    Path(file): Path<String>,
    FieldQuery(q): FieldQuery<SignedSpeech>,
) -> Result<Response, ApiError> {
    let hash = parse_file(&file)?;
    let signer = LinkSigner::new(state.config.twilio_auth_token.expose_secret(), SPEECH_LINKS);
    match signer.verify(hash, q.expires, &q.signature, Utc::now().timestamp()) {
        Ok(()) => {}
        Err(LinkError::BadSignature) => {
            return Err(ApiError::LinkRejected(
                "the speech link's signature does not match".into(),
            ));
        }
        Err(LinkError::Expired) => {
            return Err(ApiError::LinkRejected("the speech link has expired".into()));
        }
    }
    let row = callwright_store::speech::audio(&state.db, hash).await?;
    let Some((content_type, audio)) = row else {
        return Err(ApiError::NotFound(format!("no synthesised speech {hash}")));
    };
    let mut response = audio.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("audio/x-wav")),
    );
    // The content never changes for a hash; the link (the credential) still expires.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600, immutable"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hex_hash_with_the_wav_suffix_names_speech() {
        let hash = "ab".repeat(32);
        assert_eq!(parse_file(&format!("{hash}.wav")).ok(), Some(hash.as_str()));
        assert!(parse_file(&hash).is_err());
        assert!(parse_file(&format!("{}.wav", "AB".repeat(32))).is_err());
        assert!(parse_file("../etc/passwd.wav").is_err());
        assert!(parse_file(".wav").is_err());
    }
}
