//! Call recordings, access-controlled: `GET /api/calls/{id}/recording` (API key) hands out a
//! link to `/recordings/{id}` signed with an expiry, which an `<audio>` element can play
//! without the key; that route checks the signature and streams the audio from Twilio through
//! the telephony port (which sends the account's credentials only to the account's own
//! recordings), so the Twilio URL and credentials never reach the browser.
//!
//! The links are signed by [`callwright_providers::links`] (the scheme `/tts` links share), with
//! a key derived from the Twilio auth token, so every replica of the API accepts links any
//! other replica made, and rotating the token revokes every outstanding link.

use crate::error::ApiError;
use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use callwright_contracts::api::calls::RecordingLink;
use callwright_contracts::api::error::ErrorBody;
use callwright_providers::links::{LinkError, LinkSigner, RECORDING_LINKS};
use chrono::Utc;
use secrecy::ExposeSecret;
use serde::Deserialize;
use uuid::Uuid;

/// Options of `GET /api/calls/{id}/recording`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// Answer `307 Temporary Redirect` to the signed link instead of JSON.
    #[serde(default)]
    redirect: bool,
}

/// The signature of a recording link.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Signed {
    /// Unix time (seconds) the link expires at.
    expires: i64,
    /// base64url HMAC-SHA256 of the call id and `expires`.
    signature: String,
}

fn parse_call_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::bad_field("id", format!("'{id}' is not a call id")))
}

/// The recording links' signer (see the module docs).
fn signer(state: &AppState) -> LinkSigner {
    LinkSigner::new(
        state.config.twilio_auth_token.expose_secret(),
        RECORDING_LINKS,
    )
}

async fn recording_url(state: &AppState, call: Uuid) -> Result<String, ApiError> {
    let row = callwright_store::calls::recording_url(&state.db, call).await?;
    match row {
        None => Err(ApiError::NotFound(format!("no call {call}"))),
        Some(None) => Err(ApiError::NotFound(format!(
            "call {call} has no recording (not answered, not recorded yet, or erased)"
        ))),
        Some(Some(url)) => Ok(url),
    }
}

/// A link to the call's recording that plays without an API key for a few minutes
/// (`RECORDING_LINK_TTL_SECS`), for an `<audio>` element or a CRM.
#[utoipa::path(
    get,
    path = "/api/calls/{id}/recording",
    operation_id = "getCallRecording",
    tag = "calls",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Call id"), LinkQuery),
    responses(
        (status = 200, description = "A signed, expiring link", body = RecordingLink),
        (status = 307, description = "With `redirect=true`: to the signed link"),
        (status = 400, description = "Not a call id", body = ErrorBody),
        (status = 404, description = "No such call, or it has no recording", body = ErrorBody),
    )
)]
pub async fn link(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FieldQuery(q): FieldQuery<LinkQuery>,
) -> Result<Response, ApiError> {
    let call = parse_call_id(&id)?;
    recording_url(&state, call).await?;
    let ttl = chrono::Duration::from_std(state.config.recording_link_ttl)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("RECORDING_LINK_TTL_SECS: {e}")))?;
    let expires_at = Utc::now() + ttl;
    let expires = expires_at.timestamp();
    let url = format!(
        "{}/recordings/{call}?expires={expires}&signature={}",
        state.config.public_base_url,
        signer(&state).sign(&call.to_string(), expires)
    );
    Ok(if q.redirect {
        Redirect::temporary(&url).into_response()
    } else {
        Json(RecordingLink { url, expires_at }).into_response()
    })
}

/// The recording's audio, for a link made by `GET /api/calls/{id}/recording`.
#[utoipa::path(
    get,
    path = "/recordings/{id}",
    operation_id = "playRecording",
    tag = "calls",
    params(("id" = Uuid, Path, description = "Call id"), Signed),
    responses(
        (status = 200, description = "The audio, streamed from the telephony provider", content_type = "audio/x-wav"),
        (status = 400, description = "Not a call id", body = ErrorBody),
        (status = 403, description = "Forged, altered or expired link", body = ErrorBody),
        (status = 404, description = "No such call, or it has no recording", body = ErrorBody),
        (status = 503, description = "The provider did not serve the recording", body = ErrorBody),
    )
)]
pub async fn play(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FieldQuery(q): FieldQuery<Signed>,
) -> Result<Response, ApiError> {
    let call = parse_call_id(&id)?;
    match signer(&state).verify(
        &call.to_string(),
        q.expires,
        &q.signature,
        Utc::now().timestamp(),
    ) {
        Ok(()) => {}
        Err(LinkError::BadSignature) => {
            return Err(ApiError::LinkRejected(
                "the recording link's signature does not match".into(),
            ));
        }
        Err(LinkError::Expired) => {
            return Err(ApiError::LinkRejected(
                "the recording link has expired: ask GET /api/calls/{id}/recording for a new one"
                    .into(),
            ));
        }
    }
    let url = recording_url(&state, call).await?;
    let Some(telephony) = &state.telephony else {
        return Err(ApiError::Unavailable(
            "recordings do not play: TWILIO_ACCOUNT_SID is not set on the API".into(),
        ));
    };
    let audio = telephony
        .stream_recording(&url)
        .await
        .map_err(|e| match e.status {
            Some(404) => ApiError::NotFound(format!(
                "the provider no longer has call {call}'s recording"
            )),
            _ => {
                // The provider's URL names the account: logged, not answered.
                tracing::warn!(%call, error = %e, "recording not served");
                ApiError::Unavailable(format!(
                    "the provider did not serve call {call}'s recording; try again later"
                ))
            }
        })?;
    let content_type = audio
        .content_type
        .and_then(|t| HeaderValue::from_str(&t).ok())
        .unwrap_or(HeaderValue::from_static("audio/x-wav"));
    let mut response = Body::from_stream(audio.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Some(length) = audio.length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    // The link is the credential: keep it out of shared caches.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(response)
}
