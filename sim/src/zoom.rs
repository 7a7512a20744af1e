//! Zoom: Server-to-Server OAuth (`POST /oauth/token`, grant
//! `account_credentials`) and the meetings API (`POST /v2/users/{userId}/meetings`,
//! `GET|PATCH|DELETE /v2/meetings/{meetingId}`), with Zoom's error JSON, plus
//! `GET /sim/zoom/meetings` inspection.
//!
//! Credentials: HTTP Basic [`CLIENT_ID`]:[`CLIENT_SECRET`], `account_id` =
//! [`ACCOUNT_ID`]. The `zoom_500` fault applies to authenticated API requests.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::state::SharedState;
use crate::store::FaultKind;

/// The only Server-to-Server OAuth client id accepted.
pub const CLIENT_ID: &str = "sim-zoom-client";
/// The only client secret accepted.
pub const CLIENT_SECRET: &str = "sim-zoom-secret";
/// The only account id accepted.
pub const ACCOUNT_ID: &str = "sim-zoom-account";
/// The account's (only) user, who hosts every meeting.
pub const HOST_EMAIL: &str = "host@callwright-sim.test";
/// The host's Zoom user id.
pub const HOST_ID: &str = "simHostUser0000000000A";
/// The scope reported for issued tokens.
pub const TOKEN_SCOPE: &str = "meeting:write:meeting:admin";

const TOKEN_LIFETIME_SECS: i64 = 3599;

/// One scheduled meeting, as the Zoom API returns it.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    /// Meeting number (11 digits).
    pub id: u64,
    /// Meeting instance UUID.
    pub uuid: String,
    /// Host user id.
    pub host_id: String,
    /// Host email.
    pub host_email: String,
    /// Title.
    pub topic: String,
    /// 1 instant, 2 scheduled, 3 recurring without time, 8 recurring with time.
    #[serde(rename = "type")]
    pub kind: u8,
    /// `waiting`.
    pub status: String,
    /// Start in UTC, `yyyy-MM-ddTHH:mm:ssZ`.
    pub start_time: String,
    /// Minutes.
    pub duration: u64,
    /// IANA zone name.
    pub timezone: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Host link.
    pub start_url: String,
    /// Participant link, `https://zoom.us/j/{id}?pwd=...`.
    pub join_url: String,
    /// Meeting passcode.
    pub password: String,
    /// H.323 passcode.
    pub h323_password: String,
    /// Phone passcode.
    pub pstn_password: String,
    /// The `pwd` part of `join_url`.
    pub encrypted_password: String,
    /// Settings as sent, over a few defaults.
    pub settings: Map<String, Value>,
    /// Always false.
    pub pre_schedule: bool,
}

/// A meeting and whether it was deleted (inspection view).
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRecord {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: Meeting,
    /// Deleted through `DELETE /v2/meetings/{id}`.
    pub deleted: bool,
}

#[derive(Debug, Default)]
struct Inner {
    tokens: HashMap<String, DateTime<Utc>>,
    meetings: Vec<MeetingRecord>,
}

/// Zoom state: issued tokens and meetings.
#[derive(Debug, Default)]
pub struct Zoom {
    inner: Mutex<Inner>,
}

impl Zoom {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets tokens and meetings.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    /// All meetings, including deleted ones, in creation order.
    pub fn meetings(&self) -> Vec<MeetingRecord> {
        self.lock().meetings.clone()
    }
}

/// Zoom routes and `/sim/zoom/meetings`.
pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/v2/users/{user_id}/meetings", post(create))
        .route(
            "/v2/meetings/{meeting_id}",
            get(fetch).patch(update).delete(delete),
        )
        .route("/sim/zoom/meetings", get(sim_meetings))
}

fn token_error(status: StatusCode, error: &str, reason: &str) -> Response {
    (status, Json(json!({"reason": reason, "error": error}))).into_response()
}

/// A Zoom API error: `{"code","message"[,"errors"]}` with an HTTP status.
#[derive(Debug, Clone)]
pub struct ZoomError {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for ZoomError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

fn api_error(status: StatusCode, code: u32, message: &str) -> ZoomError {
    ZoomError {
        status,
        body: json!({"code": code, "message": message}),
    }
}

fn validation_failed(field: &str) -> ZoomError {
    ZoomError {
        status: StatusCode::BAD_REQUEST,
        body: json!({
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": field, "message": "Invalid field."}],
        }),
    }
}

fn meeting_missing(id: &str) -> ZoomError {
    api_error(
        StatusCode::NOT_FOUND,
        3001,
        &format!("Meeting does not exist: {id}."),
    )
}

fn random_string(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

async fn token(
    State(state): State<SharedState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let param = |name: &str| {
        query
            .get(name)
            .or_else(|| form.get(name))
            .map(String::as_str)
            .unwrap_or_default()
    };
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let valid_client = credentials
        .as_deref()
        .and_then(|c| c.split_once(':'))
        .is_some_and(|(id, secret)| id == CLIENT_ID && secret == CLIENT_SECRET);
    if !valid_client {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client_id or client_secret",
        );
    }
    if param("grant_type") != "account_credentials" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        );
    }
    if param("account_id") != ACCOUNT_ID {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid account_id",
        );
    }
    let access_token = format!("sim-zoom-{}", uuid::Uuid::new_v4().simple());
    state.zoom.lock().tokens.insert(
        access_token.clone(),
        Utc::now() + Duration::seconds(TOKEN_LIFETIME_SECS),
    );
    tracing::info!("zoom token issued");
    Json(json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": TOKEN_LIFETIME_SECS,
        "scope": TOKEN_SCOPE,
        "api_url": state.base_url,
    }))
    .into_response()
}

/// Checks the bearer token, then applies the `zoom_500` fault.
fn authorize(state: &SharedState, headers: &HeaderMap) -> Result<(), ZoomError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .unwrap_or_default();
    let expires = state.zoom.lock().tokens.get(&token).copied();
    match expires {
        None => {
            return Err(api_error(
                StatusCode::UNAUTHORIZED,
                124,
                "Invalid access token.",
            ));
        }
        Some(at) if at <= Utc::now() => {
            return Err(api_error(
                StatusCode::UNAUTHORIZED,
                124,
                "Access token is expired.",
            ));
        }
        Some(_) => {}
    }
    if state.store.take_fault(FaultKind::Zoom500) {
        return Err(api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal server error.",
        ));
    }
    Ok(())
}

fn parse_object(body: &[u8]) -> Result<Map<String, Value>, ZoomError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(api_error(
            StatusCode::BAD_REQUEST,
            300,
            "Request Body should be a valid JSON object.",
        )),
    }
}

/// Zoom's `start_time`: UTC with `Z`, any RFC 3339 offset, or local time in `timezone`.
fn parse_start(value: &str, timezone: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S").ok()?;
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn zoom_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Applies the writable fields of `fields` to `meeting`.
fn apply(meeting: &mut Meeting, fields: &Map<String, Value>) -> Result<(), ZoomError> {
    if let Some(v) = fields.get("timezone") {
        let zone = v.as_str().ok_or_else(|| validation_failed("timezone"))?;
        if zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(validation_failed("timezone"));
        }
        meeting.timezone = zone.to_owned();
    }
    if let Some(v) = fields.get("topic") {
        let topic = v.as_str().ok_or_else(|| validation_failed("topic"))?;
        if topic.chars().count() > 200 {
            return Err(validation_failed("topic"));
        }
        meeting.topic = topic.to_owned();
    }
    if let Some(v) = fields.get("type") {
        match v.as_u64() {
            Some(kind @ (1 | 2 | 3 | 8)) => meeting.kind = kind as u8,
            _ => return Err(validation_failed("type")),
        }
    }
    if let Some(v) = fields.get("start_time") {
        let start = v
            .as_str()
            .and_then(|s| parse_start(s, &meeting.timezone))
            .ok_or_else(|| validation_failed("start_time"))?;
        meeting.start_time = zoom_time(start);
    }
    if let Some(v) = fields.get("duration") {
        meeting.duration = v.as_u64().ok_or_else(|| validation_failed("duration"))?;
    }
    if let Some(v) = fields.get("agenda") {
        let agenda = v.as_str().ok_or_else(|| validation_failed("agenda"))?;
        if agenda.chars().count() > 2000 {
            return Err(validation_failed("agenda"));
        }
        meeting.agenda = Some(agenda.to_owned());
    }
    if let Some(v) = fields.get("settings") {
        let settings = v.as_object().ok_or_else(|| validation_failed("settings"))?;
        meeting
            .settings
            .extend(settings.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok(())
}

fn new_meeting() -> Meeting {
    let mut rng = rand::thread_rng();
    let id: u64 = rng.gen_range(10_000_000_000..100_000_000_000);
    let uuid_bytes: [u8; 16] = rng.r#gen();
    let password = random_string(6);
    let encrypted = random_string(32);
    let now = Utc::now();
    Meeting {
        id,
        uuid: base64::engine::general_purpose::STANDARD.encode(uuid_bytes),
        host_id: HOST_ID.to_owned(),
        host_email: HOST_EMAIL.to_owned(),
        topic: "Zoom Meeting".to_owned(),
        kind: 2,
        status: "waiting".to_owned(),
        start_time: zoom_time(now),
        duration: 60,
        timezone: "UTC".to_owned(),
        agenda: None,
        created_at: zoom_time(now),
        start_url: format!("https://zoom.us/s/{id}?zak={}", random_string(40)),
        join_url: format!("https://zoom.us/j/{id}?pwd={encrypted}"),
        h323_password: password.clone(),
        pstn_password: password.clone(),
        password,
        encrypted_password: encrypted,
        settings: json!({
            "host_video": false,
            "participant_video": false,
            "join_before_host": false,
            "mute_upon_entry": false,
            "waiting_room": false,
            "approval_type": 2,
            "audio": "voip",
            "auto_recording": "none",
            "meeting_authentication": false,
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
        pre_schedule: false,
    }
}

async fn create(
    State(state): State<SharedState>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    if !matches!(user_id.as_str(), "me" | HOST_ID | HOST_EMAIL) {
        return api_error(
            StatusCode::NOT_FOUND,
            1001,
            &format!("User does not exist: {user_id}."),
        )
        .into_response();
    }
    let fields = match parse_object(&body) {
        Ok(fields) => fields,
        Err(e) => return e.into_response(),
    };
    let mut meeting = new_meeting();
    if let Err(e) = apply(&mut meeting, &fields) {
        return e.into_response();
    }
    state.zoom.lock().meetings.push(MeetingRecord {
        meeting: meeting.clone(),
        deleted: false,
    });
    tracing::info!(meeting = meeting.id, "zoom meeting created");
    (StatusCode::CREATED, Json(meeting)).into_response()
}

fn live_index(inner: &Inner, id: &str) -> Option<usize> {
    let id: u64 = id.parse().ok()?;
    inner
        .meetings
        .iter()
        .position(|m| m.meeting.id == id && !m.deleted)
}

async fn fetch(
    State(state): State<SharedState>,
    Path(meeting_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let inner = state.zoom.lock();
    match live_index(&inner, &meeting_id) {
        Some(i) => Json(inner.meetings[i].meeting.clone()).into_response(),
        None => meeting_missing(&meeting_id).into_response(),
    }
}

async fn update(
    State(state): State<SharedState>,
    Path(meeting_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let fields = match parse_object(&body) {
        Ok(fields) => fields,
        Err(e) => return e.into_response(),
    };
    let mut inner = state.zoom.lock();
    let Some(i) = live_index(&inner, &meeting_id) else {
        return meeting_missing(&meeting_id).into_response();
    };
    let mut meeting = inner.meetings[i].meeting.clone();
    if let Err(e) = apply(&mut meeting, &fields) {
        return e.into_response();
    }
    inner.meetings[i].meeting = meeting;
    tracing::info!(meeting = %meeting_id, "zoom meeting updated");
    StatusCode::NO_CONTENT.into_response()
}

async fn delete(
    State(state): State<SharedState>,
    Path(meeting_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let mut inner = state.zoom.lock();
    let Some(i) = live_index(&inner, &meeting_id) else {
        return meeting_missing(&meeting_id).into_response();
    };
    inner.meetings[i].deleted = true;
    tracing::info!(meeting = %meeting_id, "zoom meeting deleted");
    StatusCode::NO_CONTENT.into_response()
}

async fn sim_meetings(State(state): State<SharedState>) -> Response {
    Json(state.zoom.meetings()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_in_utc_offset_and_local_zone() {
        assert_eq!(
            parse_start("2030-05-01T15:00:00Z", "UTC").map(zoom_time),
            Some("2030-05-01T15:00:00Z".into())
        );
        assert_eq!(
            parse_start("2030-05-01T15:00:00", "America/New_York").map(zoom_time),
            Some("2030-05-01T19:00:00Z".into())
        );
        assert!(parse_start("tomorrow", "UTC").is_none());
    }

    #[test]
    fn apply_validates_and_merges_settings() {
        let mut meeting = new_meeting();
        let fields = json!({"topic": "Demo", "duration": 30, "timezone": "Europe/Paris",
            "start_time": "2030-05-01T15:00:00", "settings": {"waiting_room": true}});
        apply(&mut meeting, fields.as_object().expect("object")).expect("valid");
        assert_eq!(meeting.topic, "Demo");
        assert_eq!(meeting.duration, 30);
        assert_eq!(meeting.start_time, "2030-05-01T13:00:00Z");
        assert_eq!(meeting.settings["waiting_room"], json!(true));
        assert_eq!(meeting.settings["join_before_host"], json!(false));
        let bad = json!({"duration": "long"});
        assert!(apply(&mut meeting, bad.as_object().expect("object")).is_err());
        assert!(
            meeting
                .join_url
                .starts_with(&format!("https://zoom.us/j/{}?pwd=", meeting.id))
        );
        assert_eq!(meeting.id.to_string().len(), 11);
    }
}
