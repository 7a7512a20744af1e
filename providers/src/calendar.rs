//! The calendar port and its Google Calendar v3 adapter.
//!
//! Authentication is a service-account key file (JWT bearer grant against the key's `token_uri`,
//! optionally impersonating a user through domain-wide delegation) or an OAuth refresh token.
//! Access tokens are cached until a minute before they expire; a 401 refreshes the token once.

use crate::error::ProviderError;
use crate::oauth::TokenCache;
use async_trait::async_trait;
use callwright_domain::booking::Interval;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const PROVIDER: &str = "calendar";

/// The invited person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Email address.
    pub email: String,
    /// Display name.
    pub name: String,
}

/// The event to put on the calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    /// Our id for the event (Google's client-supplied id: base32hex, 5–1024 chars), so a
    /// retried insert finds the event the first try created instead of creating a second one.
    pub event_id: String,
    /// Title.
    pub summary: String,
    /// Body.
    pub description: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Zone the event is shown in (the lead's).
    pub timezone: String,
    /// Who is invited.
    pub attendee: Option<Attendee>,
    /// Video link to put in the location, if one exists already.
    pub video_url: Option<String>,
    /// Ask the calendar for a video link of its own (Google Meet).
    pub request_video: bool,
}

/// An event on the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Event id.
    pub event_id: String,
    /// Link to the event in the calendar's UI.
    pub html_link: Option<String>,
    /// Video link the calendar created (Google Meet).
    pub video_url: Option<String>,
    /// Whether the attendee is on the event (false when the account may not invite).
    pub attendee_added: bool,
}

/// A calendar we can read free/busy from and write events to.
#[async_trait]
pub trait Calendar: Send + Sync {
    /// The calendar's id (reservations are kept per calendar).
    fn calendar_id(&self) -> &str;

    /// Busy intervals between `from` and `to`.
    async fn busy(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, ProviderError>;

    /// Creates the event, or returns it if an earlier try already created it.
    async fn create_event(&self, spec: &EventSpec) -> Result<CalendarEvent, ProviderError>;

    /// Moves an event to a new time.
    async fn move_event(
        &self,
        event_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        timezone: &str,
    ) -> Result<(), ProviderError>;

    /// Cancels an event (an event already gone counts as cancelled).
    async fn cancel_event(&self, event_id: &str) -> Result<(), ProviderError>;
}

/// A Google service-account key file (the fields we use).
#[derive(Clone, Deserialize)]
pub struct ServiceAccountKey {
    /// The account's email (the JWT issuer).
    pub client_email: String,
    /// PEM private key.
    pub private_key: SecretString,
    /// Key id (JWT `kid`).
    #[serde(default)]
    pub private_key_id: Option<String>,
    /// Where to exchange the JWT for an access token.
    pub token_uri: String,
}

impl ServiceAccountKey {
    /// Reads a key file.
    pub fn from_file(path: &Path) -> Result<Self, ProviderError> {
        let raw = std::fs::read_to_string(path).map_err(|e| {
            ProviderError::protocol(PROVIDER, format!("cannot read {}: {e}", path.display()))
        })?;
        serde_json::from_str(&raw).map_err(|e| {
            ProviderError::protocol(
                PROVIDER,
                format!("{} is not a service-account key: {e}", path.display()),
            )
        })
    }
}

/// How the adapter gets its access tokens.
#[derive(Clone)]
pub enum GoogleAuth {
    /// A service account; with `subject`, impersonating that user (domain-wide delegation).
    ServiceAccount {
        /// The key.
        key: ServiceAccountKey,
        /// User to act as.
        subject: Option<String>,
    },
    /// A user's OAuth refresh token.
    RefreshToken {
        /// Token endpoint (`https://oauth2.googleapis.com/token`).
        token_uri: String,
        /// OAuth client id.
        client_id: String,
        /// OAuth client secret.
        client_secret: SecretString,
        /// The refresh token.
        refresh_token: SecretString,
    },
}

/// Where and how to reach Google Calendar.
#[derive(Clone)]
pub struct GoogleCalendarConfig {
    /// API base, `https://www.googleapis.com/calendar/v3`.
    pub base_url: String,
    /// Calendar id (`primary` or an address).
    pub calendar_id: String,
    /// Credentials.
    pub auth: GoogleAuth,
    /// Per-request timeout.
    pub timeout: Duration,
}

/// Google Calendar v3 over REST.
pub struct GoogleCalendar {
    http: reqwest::Client,
    config: GoogleCalendarConfig,
    tokens: TokenCache,
}

#[derive(serde::Serialize)]
struct JwtClaims<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
}

const SCOPE: &str = "https://www.googleapis.com/auth/calendar";

impl GoogleCalendar {
    /// An adapter for this calendar.
    pub fn new(config: GoogleCalendarConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(config.timeout).build()?;
        Ok(Self {
            http,
            config,
            tokens: TokenCache::new(),
        })
    }

    async fn fetch_token(&self) -> Result<(SecretString, Duration), ProviderError> {
        let (uri, form): (&str, Vec<(&str, String)>) = match &self.config.auth {
            GoogleAuth::ServiceAccount { key, subject } => {
                let now = Utc::now().timestamp();
                let claims = JwtClaims {
                    iss: &key.client_email,
                    scope: SCOPE,
                    aud: &key.token_uri,
                    iat: now,
                    exp: now + 3600,
                    sub: subject.as_deref(),
                };
                let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
                header.kid = key.private_key_id.clone();
                let signing_key = jsonwebtoken::EncodingKey::from_rsa_pem(
                    key.private_key.expose_secret().as_bytes(),
                )
                .map_err(|e| {
                    ProviderError::protocol(
                        PROVIDER,
                        format!("service-account private key unusable: {e}"),
                    )
                })?;
                let assertion =
                    jsonwebtoken::encode(&header, &claims, &signing_key).map_err(|e| {
                        ProviderError::protocol(
                            PROVIDER,
                            format!("cannot sign the token request: {e}"),
                        )
                    })?;
                (
                    key.token_uri.as_str(),
                    vec![
                        (
                            "grant_type",
                            "urn:ietf:params:oauth:grant-type:jwt-bearer".to_owned(),
                        ),
                        ("assertion", assertion),
                    ],
                )
            }
            GoogleAuth::RefreshToken {
                token_uri,
                client_id,
                client_secret,
                refresh_token,
            } => (
                token_uri.as_str(),
                vec![
                    ("grant_type", "refresh_token".to_owned()),
                    ("client_id", client_id.clone()),
                    ("client_secret", client_secret.expose_secret().to_owned()),
                    ("refresh_token", refresh_token.expose_secret().to_owned()),
                ],
            ),
        };
        let request = self.http.post(uri).form(&form);
        crate::oauth::request_token(PROVIDER, request).await
    }

    /// Inserts the event, without attendees if the account may not invite, or finds the one an
    /// earlier try created.
    async fn create(&self, spec: &EventSpec) -> Result<CalendarEvent, ProviderError> {
        let with_attendee = spec.attendee.is_some();
        let created = match self.insert(spec, with_attendee).await {
            Ok(v) => Ok((v, with_attendee)),
            // A service account without domain-wide delegation may not invite anyone: create
            // the event without attendees; our own iTIP email is the invitation.
            Err(err)
                if with_attendee
                    && err.status == Some(403)
                    && err.code.as_deref() == Some(reason::SERVICE_ACCOUNT_CANNOT_INVITE) =>
            {
                tracing::info!(
                    "service account cannot invite attendees; event created without them"
                );
                self.insert(spec, false).await.map(|v| (v, false))
            }
            Err(err) => Err(err),
        };
        match created {
            Ok((v, added)) => Ok(event_from(&v, added)),
            // An earlier try created it (its answer was lost): that event is ours.
            Err(err) if err.status == Some(409) => {
                let v = self.get_event(&spec.event_id).await?;
                let added = v
                    .get("attendees")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                Ok(event_from(&v, added))
            }
            Err(err) => Err(err),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn events_url(&self) -> String {
        self.url(&format!(
            "/calendars/{}/events",
            urlencode(&self.config.calendar_id)
        ))
    }

    /// Sends a request with a bearer token (refreshed once on a 401); returns the JSON body of a
    /// success, Google's error otherwise.
    async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(u16, Value), ProviderError> {
        let answer = self
            .tokens
            .send(PROVIDER, &self.http, || self.fetch_token(), build)
            .await?;
        if !answer.is_success() {
            return Err(google_error(
                answer.status,
                answer.retry_after,
                &answer.text,
            ));
        }
        let body = if answer.text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&answer.text).map_err(|e| {
                ProviderError::protocol(PROVIDER, format!("unexpected response: {e}"))
            })?
        };
        Ok((answer.status, body))
    }

    async fn get_event(&self, event_id: &str) -> Result<Value, ProviderError> {
        let url = format!("{}/{}", self.events_url(), urlencode(event_id));
        Ok(self.send(|http| http.get(&url)).await?.1)
    }

    async fn insert(&self, spec: &EventSpec, with_attendee: bool) -> Result<Value, ProviderError> {
        let mut body = json!({
            "id": spec.event_id,
            "summary": spec.summary,
            "description": spec.description,
            "start": {"dateTime": spec.start.to_rfc3339(), "timeZone": spec.timezone},
            "end": {"dateTime": spec.end.to_rfc3339(), "timeZone": spec.timezone},
            "transparency": "opaque",
        });
        if let Some(url) = &spec.video_url {
            body["location"] = json!(url);
        }
        if let (true, Some(a)) = (with_attendee, &spec.attendee) {
            body["attendees"] = json!([{"email": a.email, "displayName": a.name}]);
        }
        let conference = spec.request_video && spec.video_url.is_none();
        if conference {
            body["conferenceData"] = json!({"createRequest": {
                "requestId": spec.event_id,
                "conferenceSolutionKey": {"type": "hangoutsMeet"}
            }});
        }
        // We send our own iTIP invite, so Google must not email the attendee as well.
        let url = format!(
            "{}?sendUpdates=none&conferenceDataVersion={}",
            self.events_url(),
            u8::from(conference)
        );
        Ok(self.send(|http| http.post(&url).json(&body)).await?.1)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Google's error reasons we act on (`error.errors[].reason`).
mod reason {
    /// A service account without domain-wide delegation may not invite attendees.
    pub const SERVICE_ACCOUNT_CANNOT_INVITE: &str = "forbiddenForServiceAccounts";
    /// A value of the request refused (a conference type the calendar does not allow, ...).
    pub const INVALID: &str = "invalid";
    /// Rate limits, which Google answers with 403 as well as 429.
    pub const RATE_LIMITS: [&str; 2] = ["rateLimitExceeded", "userRateLimitExceeded"];
}

/// Google's JSON error body (Calendar API v3 and its OAuth endpoints):
/// `{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}`.
#[derive(Debug, Default, Deserialize)]
struct GoogleErrorBody {
    #[serde(default)]
    error: GoogleErrorDetail,
}

#[derive(Debug, Default, Deserialize)]
struct GoogleErrorDetail {
    #[serde(default)]
    errors: Vec<GoogleErrorItem>,
}

#[derive(Debug, Deserialize)]
struct GoogleErrorItem {
    #[serde(default)]
    reason: Option<String>,
}

impl GoogleErrorBody {
    /// The first reason Google gives, if the body is its error JSON.
    fn reason(body: &str) -> Option<String> {
        let parsed: Self = serde_json::from_str(body).ok()?;
        parsed.error.errors.into_iter().find_map(|e| e.reason)
    }
}

fn google_error(status: u16, wait: Option<Duration>, body: &str) -> ProviderError {
    let mut err = ProviderError::from_status(PROVIDER, status, wait, body);
    err.code = GoogleErrorBody::reason(body);
    if status == 403
        && err
            .code
            .as_deref()
            .is_some_and(|r| reason::RATE_LIMITS.contains(&r))
    {
        err.retryable = true;
    }
    err
}

fn event_from(v: &Value, attendee_added: bool) -> CalendarEvent {
    let video_url = v
        .get("hangoutLink")
        .and_then(Value::as_str)
        .or_else(|| {
            v.pointer("/conferenceData/entryPoints")
                .and_then(Value::as_array)
                .and_then(|points| {
                    points.iter().find_map(|p| {
                        (p.get("entryPointType").and_then(Value::as_str) == Some("video"))
                            .then(|| p.get("uri").and_then(Value::as_str))
                            .flatten()
                    })
                })
        })
        .map(str::to_owned);
    CalendarEvent {
        event_id: v
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        html_link: v.get("htmlLink").and_then(Value::as_str).map(str::to_owned),
        video_url,
        attendee_added,
    }
}

#[async_trait]
impl Calendar for GoogleCalendar {
    fn calendar_id(&self) -> &str {
        &self.config.calendar_id
    }

    #[tracing::instrument(skip(self), err)]
    async fn busy(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Interval>, ProviderError> {
        let body = json!({
            "timeMin": from.to_rfc3339(),
            "timeMax": to.to_rfc3339(),
            "items": [{"id": self.config.calendar_id}],
        });
        let url = self.url("/freeBusy");
        let (_, v) = self.send(|http| http.post(&url).json(&body)).await?;
        let calendar = v
            .pointer(&format!(
                "/calendars/{}",
                self.config
                    .calendar_id
                    .replace('~', "~0")
                    .replace('/', "~1")
            ))
            .ok_or_else(|| {
                ProviderError::protocol(PROVIDER, "freeBusy answer lacks our calendar")
            })?;
        if let Some(reason) = calendar.pointer("/errors/0/reason").and_then(Value::as_str) {
            return Err(ProviderError::protocol(
                PROVIDER,
                format!("freeBusy refused for calendar: {reason}"),
            ));
        }
        let busy = calendar
            .get("busy")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        busy.iter()
            .map(|b| {
                let time = |k: &str| {
                    b.get(k)
                        .and_then(Value::as_str)
                        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.with_timezone(&Utc))
                        .ok_or_else(|| {
                            ProviderError::protocol(PROVIDER, format!("bad busy interval {b}"))
                        })
                };
                Ok(Interval {
                    start: time("start")?,
                    end: time("end")?,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip(self, spec), fields(event_id = %spec.event_id), err)]
    async fn create_event(&self, spec: &EventSpec) -> Result<CalendarEvent, ProviderError> {
        match self.create(spec).await {
            // Meet links are not allowed on every calendar (Google refuses the conference
            // request as `invalid`): the meeting goes ahead without a video link, and the
            // invite says so. Any other `invalid` fails the plain try the same way, and that
            // error is the one returned.
            Err(err)
                if spec.request_video
                    && err.status == Some(400)
                    && err.code.as_deref() == Some(reason::INVALID) =>
            {
                tracing::info!(error = %err, "no Meet link allowed on this calendar; event created without one");
                let plain = EventSpec {
                    request_video: false,
                    ..spec.clone()
                };
                self.create(&plain).await
            }
            other => other,
        }
    }

    #[tracing::instrument(skip(self), err)]
    async fn move_event(
        &self,
        event_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        timezone: &str,
    ) -> Result<(), ProviderError> {
        let url = format!(
            "{}/{}?sendUpdates=none",
            self.events_url(),
            urlencode(event_id)
        );
        let body = json!({
            "start": {"dateTime": start.to_rfc3339(), "timeZone": timezone},
            "end": {"dateTime": end.to_rfc3339(), "timeZone": timezone},
        });
        self.send(|http| http.patch(&url).json(&body)).await?;
        Ok(())
    }

    #[tracing::instrument(skip(self), err)]
    async fn cancel_event(&self, event_id: &str) -> Result<(), ProviderError> {
        let url = format!(
            "{}/{}?sendUpdates=none",
            self.events_url(),
            urlencode(event_id)
        );
        match self.send(|http| http.delete(&url)).await {
            Ok(_) => Ok(()),
            Err(err) if matches!(err.status, Some(404 | 410)) => Ok(()),
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_reasons_and_treats_quota_403_as_retryable() {
        let body = r#"{"error":{"code":403,"errors":[{"reason":"forbiddenForServiceAccounts"}]}}"#;
        let refused = google_error(403, None, body);
        assert_eq!(
            refused.code.as_deref(),
            Some(reason::SERVICE_ACCOUNT_CANNOT_INVITE)
        );
        assert!(!refused.retryable);
        assert_eq!(
            google_error(502, None, "<html>bad gateway</html>").code,
            None
        );
        let quota = r#"{"error":{"code":403,"errors":[{"reason":"rateLimitExceeded"}]}}"#;
        assert!(google_error(403, None, quota).retryable);
        assert!(google_error(503, None, "").retryable);
        assert!(!google_error(400, None, "").retryable);
    }

    #[test]
    fn finds_the_video_link() {
        let v = json!({"id": "abc12", "conferenceData": {"entryPoints": [
            {"entryPointType": "phone", "uri": "tel:+1"},
            {"entryPointType": "video", "uri": "https://meet.google.com/aaa-bbbb-ccc"}
        ]}});
        assert_eq!(
            event_from(&v, true).video_url.as_deref(),
            Some("https://meet.google.com/aaa-bbbb-ccc")
        );
    }
}
