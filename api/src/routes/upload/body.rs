//! The upload's body: which kind it is, and a stream of it that stops at the size limit.

use super::UploadError;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use futures::{Stream, StreamExt};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How the file comes: as the body itself, or as the `file` part of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyKind {
    /// `text/csv` (or `application/csv`, `text/plain`).
    Csv,
    /// `multipart/form-data`.
    Multipart,
}

/// The body's kind from its `Content-Type`; anything else is a 415.
pub(super) fn body_kind(headers: &HeaderMap) -> Result<BodyKind, UploadError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Ok(BodyKind::Csv),
        "multipart/form-data" => Ok(BodyKind::Multipart),
        _ => Err(UploadError::UnsupportedMediaType(
            content_type.chars().take(100).collect(),
        )),
    }
}

/// The declared length, when the client gave one (checked before reading anything).
pub(super) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The request body as a stream that fails (and sets `over`) once more than `max` bytes came.
pub(super) fn limit_body(
    body: Body,
    max: u64,
    over: Arc<AtomicBool>,
) -> impl Stream<Item = Result<Bytes, io::Error>> + Send + 'static {
    let mut seen: u64 = 0;
    body.into_data_stream().map(move |chunk| {
        let chunk = chunk.map_err(io::Error::other)?;
        seen = seen.saturating_add(chunk.len() as u64);
        if seen > max {
            over.store(true, Ordering::SeqCst);
            return Err(io::Error::other(format!(
                "the upload is larger than {max} bytes"
            )));
        }
        Ok(chunk)
    })
}
