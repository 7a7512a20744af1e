//! Google Calendar API v3 (the subset the product uses) under `/calendar/v3`,
//! plus `/sim/calendar/*` inspection.
//!
//! Calendar ids are literal strings (`primary` is just another id). Every
//! request needs `Authorization: Bearer <token from POST /token>`; the
//! `calendar_401`, `calendar_429` and `calendar_500` faults apply to
//! authenticated requests, in that order.
//!
//! Kept in one file: it is one API surface (freeBusy, events, conference data) over one shared
//! state, read top to bottom like Google's reference; splitting it would split that state.

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::ApiError;
use super::oauth::IssuedToken;
use crate::state::SharedState;
use crate::store::FaultKind;

/// Events and configured busy blocks of every calendar.
#[derive(Debug, Default)]
pub struct Calendars {
    events: Vec<StoredEvent>,
    busy: HashMap<Option<String>, Vec<Interval>>,
}

impl Calendars {
    fn find(&self, calendar_id: &str, event_id: &str) -> Option<usize> {
        self.events
            .iter()
            .position(|e| e.calendar_id == calendar_id && e.event.id.as_deref() == Some(event_id))
    }

    /// Busy intervals of `calendar_id` within `[min, max)`: configured blocks
    /// for that calendar and for every calendar, plus its non-cancelled,
    /// non-transparent events; clipped, sorted and merged.
    pub fn busy(&self, calendar_id: &str, min: DateTime<Utc>, max: DateTime<Utc>) -> Vec<Interval> {
        let configured = [None, Some(calendar_id.to_owned())]
            .into_iter()
            .filter_map(|key| self.busy.get(&key))
            .flatten()
            .copied();
        let events = self
            .events
            .iter()
            .filter(|e| e.calendar_id == calendar_id && e.blocks_time())
            .map(|e| e.span);
        merge(configured.chain(events), min, max)
    }
}

/// A half-open time interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Inclusive start.
    pub start: DateTime<Utc>,
    /// Exclusive end.
    pub end: DateTime<Utc>,
}

impl Serialize for Interval {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({"start": rfc3339(self.start), "end": rfc3339(self.end)}).serialize(s)
    }
}

/// Clips to `[min, max)`, drops empty intervals, sorts and merges touching ones.
pub fn merge(
    intervals: impl IntoIterator<Item = Interval>,
    min: DateTime<Utc>,
    max: DateTime<Utc>,
) -> Vec<Interval> {
    let mut clipped: Vec<Interval> = intervals
        .into_iter()
        .map(|i| Interval {
            start: i.start.max(min),
            end: i.end.min(max),
        })
        .filter(|i| i.start < i.end)
        .collect();
    clipped.sort_by_key(|i| (i.start, i.end));
    let mut out: Vec<Interval> = Vec::with_capacity(clipped.len());
    for i in clipped {
        match out.last_mut() {
            Some(last) if i.start <= last.end => last.end = last.end.max(i.end),
            _ => out.push(i),
        }
    }
    out
}

/// `2024-05-01T13:00:00Z`.
fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2024-05-01T13:00:00.000Z`, as Google writes resource timestamps.
fn rfc3339_millis(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// One event and the calendar it lives on.
#[derive(Debug, Clone, Serialize)]
pub struct StoredEvent {
    /// The calendar id from the request path.
    #[serde(rename = "calendarId")]
    pub calendar_id: String,
    /// The last `sendUpdates` query value sent with a change, if any.
    #[serde(rename = "sendUpdates", skip_serializing_if = "Option::is_none")]
    pub send_updates: Option<String>,
    /// The Google event resource.
    #[serde(flatten)]
    pub event: Event,
    #[serde(skip)]
    span: Interval,
}

impl StoredEvent {
    fn cancelled(&self) -> bool {
        self.event.status.as_deref() == Some("cancelled")
    }

    fn blocks_time(&self) -> bool {
        !self.cancelled() && self.event.transparency.as_deref() != Some("transparent")
    }
}

/// A Google Calendar event resource. Fields the simulator does not model are
/// kept as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `calendar#event`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Opaque version tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Event id (base32hex, 5 to 1024 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `confirmed`, `tentative` or `cancelled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Link to the event in the Calendar UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_link: Option<String>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Last modification time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Creator (`{"email"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<Value>,
    /// Organizer (`{"email","self"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Value>,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<EventDateTime>,
    /// End time (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<EventDateTime>,
    /// `opaque` (default, blocks time) or `transparent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transparency: Option<String>,
    /// `{id}@google.com`.
    #[serde(rename = "iCalUID", default, skip_serializing_if = "Option::is_none")]
    pub ical_uid: Option<String>,
    /// Revision number, bumped by every patch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
    /// Guests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<Attendee>>,
    /// Google Meet link when a conference was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hangout_link: Option<String>,
    /// Conference (Google Meet) details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conference_data: Option<Value>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `start` / `end` of an event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDateTime {
    /// All-day date, `yyyy-mm-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// RFC 3339 time; the offset may be omitted when `timeZone` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// IANA time zone name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// One guest of an event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    /// Guest email (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Guest name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `needsAction` unless sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<String>,
    /// Everything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

pub(super) fn router() -> Router<SharedState> {
    Router::new()
        .route("/calendar/v3/freeBusy", post(free_busy))
        .route(
            "/calendar/v3/calendars/{calendar_id}/events",
            post(insert).get(list),
        )
        .route(
            "/calendar/v3/calendars/{calendar_id}/events/{event_id}",
            get(fetch).patch(patch).delete(delete),
        )
        .route("/sim/calendar/events", get(sim_events))
        .route("/sim/calendar/busy", put(sim_set_busy).get(sim_busy))
}

// ---------------------------------------------------------------- errors

fn bad_request(reason: &str, message: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "global", reason, message)
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "global", "notFound", "Not Found")
}

fn parse_failure(e: &serde_json::Error) -> ApiError {
    if e.classify() == serde_json::error::Category::Data {
        bad_request("invalid", &format!("Invalid value: {e}"))
    } else {
        bad_request("parseError", "Parse Error")
    }
}

/// Authenticates the request, then applies pending calendar faults.
fn authorize(state: &SharedState, headers: &HeaderMap) -> Result<IssuedToken, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::login_required());
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .unwrap_or_default();
    let issued = state.google.tokens().valid(&token);
    let Some(issued) = issued else {
        return Err(ApiError::invalid_credentials());
    };
    if state.store.take_fault(FaultKind::Calendar401) {
        state.google.tokens().revoke(&token);
        tracing::info!("fault calendar_401: token revoked");
        return Err(ApiError::invalid_credentials());
    }
    if state.store.take_fault(FaultKind::Calendar429) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "usageLimits",
            "rateLimitExceeded",
            "Rate Limit Exceeded",
        )
        .retry_after("1"));
    }
    if state.store.take_fault(FaultKind::Calendar500) {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "global",
            "backendError",
            "Backend Error",
        ));
    }
    Ok(issued)
}

// ---------------------------------------------------------------- validation

/// Google's rule for client-supplied event ids: base32hex (`a-v`, `0-9`), 5 to 1024 characters.
pub fn valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len()) && id.bytes().all(|b| matches!(b, b'a'..=b'v' | b'0'..=b'9'))
}

fn instant(which: &str, t: Option<&EventDateTime>) -> Result<DateTime<Utc>, ApiError> {
    let Some(t) = t.filter(|t| t.date.is_some() || t.date_time.is_some()) else {
        return Err(bad_request("required", &format!("Missing {which} time.")));
    };
    let invalid = || bad_request("invalid", &format!("Invalid {which} time."));
    if let Some(date_time) = &t.date_time {
        if let Ok(parsed) = DateTime::parse_from_rfc3339(date_time) {
            return Ok(parsed.with_timezone(&Utc));
        }
        let naive = NaiveDateTime::parse_from_str(date_time, "%Y-%m-%dT%H:%M:%S%.f")
            .map_err(|_| invalid())?;
        let Some(zone) = &t.time_zone else {
            return Err(bad_request(
                "required",
                &format!("Missing time zone definition for {which} time."),
            ));
        };
        let tz: chrono_tz::Tz = zone.parse().map_err(|_| {
            bad_request(
                "invalid",
                &format!("Invalid time zone definition for {which} time."),
            )
        })?;
        return tz
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(invalid);
    }
    let date = t.date.as_deref().unwrap_or_default();
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
        .ok_or_else(invalid)
}

fn span(event: &Event) -> Result<Interval, ApiError> {
    let start = instant("start", event.start.as_ref())?;
    let end = instant("end", event.end.as_ref())?;
    if end < start {
        return Err(bad_request(
            "timeRangeEmpty",
            "The specified time range is empty.",
        ));
    }
    Ok(Interval { start, end })
}

fn check_attendees(event: &Event, token: &IssuedToken) -> Result<(), ApiError> {
    let attendees = event.attendees.as_deref().unwrap_or_default();
    for a in attendees {
        let email = a.email.as_deref().unwrap_or_default();
        if email.is_empty() {
            return Err(bad_request("required", "Missing attendee email."));
        }
        if !email.contains('@') {
            return Err(bad_request("invalid", "Invalid attendee email."));
        }
    }
    if !attendees.is_empty() && !token.can_invite() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "calendar",
            "forbiddenForServiceAccounts",
            "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority.",
        ));
    }
    Ok(())
}

fn check_status(event: &Event) -> Result<(), ApiError> {
    match event.status.as_deref() {
        None | Some("confirmed" | "tentative" | "cancelled") => Ok(()),
        Some(_) => Err(bad_request("invalid", "Invalid value for: status")),
    }
}

struct WriteParams {
    conference_version: u8,
    send_updates: Option<String>,
}

fn write_params(query: &HashMap<String, String>) -> Result<WriteParams, ApiError> {
    let conference_version = match query.get("conferenceDataVersion").map(String::as_str) {
        None | Some("" | "0") => 0,
        Some("1") => 1,
        Some(_) => {
            return Err(bad_request(
                "invalid",
                "Invalid conference data version value.",
            ));
        }
    };
    let send_updates = match query.get("sendUpdates").map(String::as_str) {
        None | Some("") => None,
        Some(v @ ("all" | "externalOnly" | "none")) => Some(v.to_owned()),
        Some(_) => return Err(bad_request("invalid", "Invalid value for: sendUpdates")),
    };
    Ok(WriteParams {
        conference_version,
        send_updates,
    })
}

fn meet_code() -> String {
    let mut rng = rand::thread_rng();
    let mut part = |n: usize| -> String {
        (0..n)
            .map(|_| char::from(rng.gen_range(b'a'..=b'z')))
            .collect()
    };
    format!("{}-{}-{}", part(3), part(4), part(3))
}

/// Creates a Meet conference for a `conferenceData.createRequest`.
fn create_conference(request: &Value) -> Result<(String, Value), ApiError> {
    let kind = request
        .pointer("/conferenceSolutionKey/type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != "hangoutsMeet" {
        return Err(bad_request("invalid", "Invalid conference type value."));
    }
    let code = meet_code();
    let link = format!("https://meet.google.com/{code}");
    let mut create_request = request.clone();
    if let Some(obj) = create_request.as_object_mut() {
        obj.insert("status".into(), json!({"statusCode": "success"}));
    }
    let data = json!({
        "createRequest": create_request,
        "entryPoints": [{
            "entryPointType": "video",
            "uri": link,
            "label": format!("meet.google.com/{code}"),
        }],
        "conferenceSolution": {
            "key": {"type": "hangoutsMeet"},
            "name": "Google Meet",
            "iconUri": "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png",
        },
        "conferenceId": code,
    });
    Ok((link, data))
}

/// Applies `conferenceDataVersion` semantics: version 0 keeps `previous`;
/// version 1 creates a conference for a new `createRequest`.
fn apply_conference(
    event: &mut Event,
    version: u8,
    previous: Option<(&Option<Value>, &Option<String>)>,
) -> Result<(), ApiError> {
    let (prev_data, prev_link) = previous.unwrap_or((&None, &None));
    if version == 0 {
        event.conference_data = prev_data.clone();
        event.hangout_link = prev_link.clone();
        return Ok(());
    }
    let request = event
        .conference_data
        .as_ref()
        .and_then(|d| d.get("createRequest"))
        .cloned();
    let Some(request) = request else {
        event.hangout_link = prev_link.clone();
        return Ok(());
    };
    let request_id = request.get("requestId").and_then(Value::as_str);
    let already = prev_data
        .as_ref()
        .and_then(|d| d.pointer("/createRequest/requestId"))
        .and_then(Value::as_str);
    if request_id.is_some() && request_id == already {
        event.conference_data = prev_data.clone();
        event.hangout_link = prev_link.clone();
        return Ok(());
    }
    let (link, data) = create_conference(&request)?;
    event.conference_data = Some(data);
    event.hangout_link = Some(link);
    Ok(())
}

fn html_link(calendar_id: &str, event_id: &str) -> String {
    let eid = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("{event_id} {calendar_id}"));
    format!("https://www.google.com/calendar/event?eid={eid}")
}

fn etag(t: DateTime<Utc>) -> String {
    format!("\"{}\"", t.timestamp_micros())
}

/// The email of the calendar's owner: the id itself when it is an address,
/// else whoever the token acts for.
fn owner_email(calendar_id: &str, token: &IssuedToken) -> String {
    if calendar_id.contains('@') {
        calendar_id.to_owned()
    } else {
        token.email().to_owned()
    }
}

// ---------------------------------------------------------------- handlers

async fn insert(
    State(state): State<SharedState>,
    Path(calendar_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match authorize(&state, &headers) {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    if state.store.take_fault(FaultKind::CalendarInsert403) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "calendar",
            "requiredAccessLevel",
            "You need to have writer access to this calendar.",
        )
        .into_response();
    }
    match insert_event(&state, &calendar_id, &query, &token, &body) {
        Ok(event) => Json(event).into_response(),
        Err(e) => e.into_response(),
    }
}

fn insert_event(
    state: &SharedState,
    calendar_id: &str,
    query: &HashMap<String, String>,
    token: &IssuedToken,
    body: &[u8],
) -> Result<Event, ApiError> {
    let params = write_params(query)?;
    let mut event: Event = serde_json::from_slice(body).map_err(|e| parse_failure(&e))?;
    if let Some(id) = &event.id
        && !valid_event_id(id)
    {
        return Err(bad_request("invalid", "Invalid resource id value."));
    }
    check_status(&event)?;
    let span = span(&event)?;
    check_attendees(&event, token)?;
    apply_conference(&mut event, params.conference_version, None)?;

    let now = Utc::now();
    let id = event
        .id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let owner = owner_email(calendar_id, token);
    event.kind = Some("calendar#event".into());
    event.etag = Some(etag(now));
    event.status = Some(match event.status.as_deref() {
        Some("tentative") => "tentative".into(),
        _ => "confirmed".into(),
    });
    event.html_link = Some(html_link(calendar_id, &id));
    event.created = Some(rfc3339_millis(now));
    event.updated = Some(rfc3339_millis(now));
    event.creator = Some(json!({"email": owner}));
    event.organizer = Some(json!({"email": owner, "self": true}));
    event.ical_uid = Some(format!("{id}@google.com"));
    event.sequence = Some(0);
    if let Some(attendees) = &mut event.attendees {
        for a in attendees {
            a.response_status
                .get_or_insert_with(|| "needsAction".into());
        }
    }
    event.id = Some(id.clone());

    let mut calendars = state.google.calendars();
    if calendars.find(calendar_id, &id).is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "global",
            "duplicate",
            "The requested identifier already exists.",
        ));
    }
    calendars.events.push(StoredEvent {
        calendar_id: calendar_id.to_owned(),
        send_updates: params.send_updates,
        event: event.clone(),
        span,
    });
    tracing::info!(calendar = calendar_id, event = %id, "calendar event inserted");
    Ok(event)
}

async fn fetch(
    State(state): State<SharedState>,
    Path((calendar_id, event_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let calendars = state.google.calendars();
    match calendars.find(&calendar_id, &event_id) {
        Some(i) => Json(calendars.events[i].event.clone()).into_response(),
        None => not_found().into_response(),
    }
}

/// Top-level keys a patch cannot change.
const READ_ONLY: &[&str] = &[
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "sequence",
    "hangoutLink",
];

/// RFC 7396 merge patch: objects merge recursively, `null` removes, anything else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

async fn patch(
    State(state): State<SharedState>,
    Path((calendar_id, event_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = match authorize(&state, &headers) {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    match patch_event(&state, &calendar_id, &event_id, &query, &token, &body) {
        Ok(event) => Json(event).into_response(),
        Err(e) => e.into_response(),
    }
}

fn patch_event(
    state: &SharedState,
    calendar_id: &str,
    event_id: &str,
    query: &HashMap<String, String>,
    token: &IssuedToken,
    body: &[u8],
) -> Result<Event, ApiError> {
    let params = write_params(query)?;
    let mut patch: Value = serde_json::from_slice(body).map_err(|e| parse_failure(&e))?;
    let Some(fields) = patch.as_object_mut() else {
        return Err(bad_request("parseError", "Parse Error"));
    };
    fields.retain(|key, _| !READ_ONLY.contains(&key.as_str()));
    let touches_attendees = fields.contains_key("attendees");

    let mut calendars = state.google.calendars();
    let Some(index) = calendars.find(calendar_id, event_id) else {
        return Err(not_found());
    };
    let stored = &calendars.events[index];
    let mut merged = serde_json::to_value(&stored.event)
        .map_err(|_| bad_request("parseError", "Parse Error"))?;
    merge_patch(&mut merged, &patch);
    let mut event: Event = serde_json::from_value(merged).map_err(|e| parse_failure(&e))?;
    check_status(&event)?;
    let span = span(&event)?;
    if touches_attendees {
        check_attendees(&event, token)?;
    }
    apply_conference(
        &mut event,
        params.conference_version,
        Some((&stored.event.conference_data, &stored.event.hangout_link)),
    )?;
    if let Some(attendees) = &mut event.attendees {
        for a in attendees {
            a.response_status
                .get_or_insert_with(|| "needsAction".into());
        }
    }
    let now = Utc::now();
    event.sequence = Some(stored.event.sequence.unwrap_or(0) + 1);
    event.updated = Some(rfc3339_millis(now));
    event.etag = Some(etag(now));

    let stored = &mut calendars.events[index];
    stored.event = event.clone();
    stored.span = span;
    if params.send_updates.is_some() {
        stored.send_updates = params.send_updates;
    }
    tracing::info!(
        calendar = calendar_id,
        event = event_id,
        "calendar event patched"
    );
    Ok(event)
}

async fn delete(
    State(state): State<SharedState>,
    Path((calendar_id, event_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let params = match write_params(&query) {
        Ok(params) => params,
        Err(e) => return e.into_response(),
    };
    let mut calendars = state.google.calendars();
    let Some(index) = calendars.find(&calendar_id, &event_id) else {
        return not_found().into_response();
    };
    let stored = &mut calendars.events[index];
    if stored.cancelled() {
        return ApiError::new(
            StatusCode::GONE,
            "global",
            "deleted",
            "Resource has been deleted",
        )
        .into_response();
    }
    let now = Utc::now();
    stored.event.status = Some("cancelled".into());
    stored.event.updated = Some(rfc3339_millis(now));
    stored.event.etag = Some(etag(now));
    if params.send_updates.is_some() {
        stored.send_updates = params.send_updates;
    }
    tracing::info!(calendar = %calendar_id, event = %event_id, "calendar event deleted");
    StatusCode::NO_CONTENT.into_response()
}

async fn list(
    State(state): State<SharedState>,
    Path(calendar_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let bound = |name: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        match query.get(name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => DateTime::parse_from_rfc3339(v)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| bad_request("badRequest", "Bad Request")),
        }
    };
    let (min, max) = match (bound("timeMin"), bound("timeMax")) {
        (Ok(min), Ok(max)) => (min, max),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let show_deleted = query.get("showDeleted").is_some_and(|v| v == "true");
    let ical_uid = query.get("iCalUID");
    let calendars = state.google.calendars();
    let mut items: Vec<&StoredEvent> = calendars
        .events
        .iter()
        .filter(|e| e.calendar_id == calendar_id)
        .filter(|e| show_deleted || !e.cancelled())
        .filter(|e| min.is_none_or(|min| e.span.end > min))
        .filter(|e| max.is_none_or(|max| e.span.start < max))
        .filter(|e| ical_uid.is_none_or(|uid| e.event.ical_uid.as_ref() == Some(uid)))
        .collect();
    if query.get("orderBy").is_some_and(|o| o == "startTime") {
        items.sort_by_key(|e| e.span.start);
    }
    let items: Vec<&Event> = items.into_iter().map(|e| &e.event).collect();
    Json(json!({
        "kind": "calendar#events",
        "summary": calendar_id,
        "updated": rfc3339_millis(Utc::now()),
        "timeZone": "UTC",
        "accessRole": "owner",
        "items": items,
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FreeBusyRequest {
    time_min: Option<String>,
    time_max: Option<String>,
    #[serde(default)]
    items: Vec<FreeBusyItem>,
}

#[derive(Debug, Deserialize)]
struct FreeBusyItem {
    id: String,
}

async fn free_busy(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(e) = authorize(&state, &headers) {
        return e.into_response();
    }
    let request: FreeBusyRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return parse_failure(&e).into_response(),
    };
    let bound = |name: &str, value: Option<&String>| -> Result<DateTime<Utc>, ApiError> {
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return Err(bad_request(
                "required",
                &format!("Missing {name} parameter."),
            ));
        };
        DateTime::parse_from_rfc3339(value)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| bad_request("invalid", &format!("Invalid value for: {name}")))
    };
    let (min, max) = match (
        bound("timeMin", request.time_min.as_ref()),
        bound("timeMax", request.time_max.as_ref()),
    ) {
        (Ok(min), Ok(max)) => (min, max),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    if max <= min {
        return bad_request("timeRangeEmpty", "The specified time range is empty.").into_response();
    }
    let calendars = state.google.calendars();
    let result: Map<String, Value> = request
        .items
        .iter()
        .map(|item| {
            let busy = calendars.busy(&item.id, min, max);
            (item.id.clone(), json!({"busy": busy}))
        })
        .collect();
    Json(json!({
        "kind": "calendar#freeBusy",
        "timeMin": rfc3339_millis(min),
        "timeMax": rfc3339_millis(max),
        "calendars": result,
    }))
    .into_response()
}

// ---------------------------------------------------------------- /sim

async fn sim_events(State(state): State<SharedState>) -> Response {
    Json(state.google.calendars().events.clone()).into_response()
}

#[derive(Debug, Deserialize)]
struct BusyConfig {
    #[serde(default)]
    calendar_id: Option<String>,
    #[serde(default)]
    busy: Vec<BusyBlock>,
}

#[derive(Debug, Deserialize)]
struct BusyBlock {
    start: String,
    end: String,
}

fn sim_error(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
}

async fn sim_set_busy(State(state): State<SharedState>, body: Bytes) -> Response {
    let config: BusyConfig = match serde_json::from_slice(&body) {
        Ok(config) => config,
        Err(e) => {
            return sim_error(format!(
                "expected {{\"calendar_id\"?: string, \"busy\": [{{\"start\", \"end\"}}]}}: {e}"
            ));
        }
    };
    let mut blocks = Vec::with_capacity(config.busy.len());
    for block in &config.busy {
        let parse = |v: &str| DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc));
        match (parse(&block.start), parse(&block.end)) {
            (Ok(start), Ok(end)) if start < end => blocks.push(Interval { start, end }),
            _ => {
                return sim_error(format!(
                    "busy block {} .. {} must be two RFC 3339 times, start before end",
                    block.start, block.end
                ));
            }
        }
    }
    let calendar_id = config.calendar_id.filter(|id| !id.is_empty() && id != "*");
    let mut calendars = state.google.calendars();
    if blocks.is_empty() {
        calendars.busy.remove(&calendar_id);
    } else {
        calendars.busy.insert(calendar_id.clone(), blocks.clone());
    }
    Json(json!({"calendar_id": calendar_id, "busy": blocks})).into_response()
}

async fn sim_busy(State(state): State<SharedState>) -> Response {
    let calendars = state.google.calendars();
    let mut all: Vec<Value> = calendars
        .busy
        .iter()
        .map(|(id, busy)| json!({"calendar_id": id, "busy": busy}))
        .collect();
    all.sort_by_key(|v| v["calendar_id"].as_str().map(str::to_owned));
    Json(all).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn iv(a: &str, b: &str) -> Interval {
        Interval {
            start: t(a),
            end: t(b),
        }
    }

    #[test]
    fn merge_clips_sorts_and_joins() {
        let merged = merge(
            [
                iv("2030-01-01T12:00:00Z", "2030-01-01T13:00:00Z"),
                iv("2030-01-01T08:00:00Z", "2030-01-01T10:00:00Z"),
                iv("2030-01-01T12:30:00Z", "2030-01-01T14:00:00Z"),
                iv("2030-01-01T14:00:00Z", "2030-01-01T15:00:00Z"),
                iv("2030-01-01T20:00:00Z", "2030-01-01T21:00:00Z"),
            ],
            t("2030-01-01T09:00:00Z"),
            t("2030-01-01T18:00:00Z"),
        );
        assert_eq!(
            merged,
            vec![
                iv("2030-01-01T09:00:00Z", "2030-01-01T10:00:00Z"),
                iv("2030-01-01T12:00:00Z", "2030-01-01T15:00:00Z"),
            ]
        );
    }

    #[test]
    fn event_ids_follow_googles_rule() {
        assert!(valid_event_id("abcde"));
        assert!(valid_event_id("0123456789abcdefghijklmnopqrstuv"));
        assert!(!valid_event_id("abcd"));
        assert!(!valid_event_id("abcdw"));
        assert!(!valid_event_id("ABCDE"));
        assert!(!valid_event_id("abc-de"));
        assert!(!valid_event_id(&"a".repeat(1025)));
    }

    #[test]
    fn event_times_with_offsets_zones_and_dates() {
        let with_offset = EventDateTime {
            date_time: Some("2030-03-01T10:00:00+02:00".into()),
            ..Default::default()
        };
        assert_eq!(
            instant("start", Some(&with_offset)).ok(),
            Some(t("2030-03-01T08:00:00Z"))
        );
        let zoned = EventDateTime {
            date_time: Some("2030-07-01T10:00:00".into()),
            time_zone: Some("Asia/Jerusalem".into()),
            ..Default::default()
        };
        assert_eq!(
            instant("start", Some(&zoned)).ok(),
            Some(t("2030-07-01T07:00:00Z"))
        );
        let unzoned = EventDateTime {
            date_time: Some("2030-07-01T10:00:00".into()),
            ..Default::default()
        };
        assert!(instant("start", Some(&unzoned)).is_err());
        let day = EventDateTime {
            date: Some("2030-07-01".into()),
            ..Default::default()
        };
        assert_eq!(
            instant("end", Some(&day)).ok(),
            Some(t("2030-07-01T00:00:00Z"))
        );
        assert!(instant("end", None).is_err());
    }

    #[test]
    fn merge_patch_merges_objects_and_replaces_arrays() {
        let mut target =
            json!({"a": 1, "start": {"dateTime": "x", "timeZone": "UTC"}, "attendees": [1, 2]});
        merge_patch(
            &mut target,
            &json!({"start": {"dateTime": "y"}, "attendees": [3], "a": null}),
        );
        assert_eq!(
            target,
            json!({"start": {"dateTime": "y", "timeZone": "UTC"}, "attendees": [3]})
        );
    }

    #[test]
    fn meet_codes_look_like_meet_codes() {
        let code = meet_code();
        let parts: Vec<&str> = code.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [3, 4, 3]);
        assert!(code.chars().all(|c| c == '-' || c.is_ascii_lowercase()));
    }
}
