//! The simulator's inspection API, as the demo uses it: the SMTP sink's messages and the
//! simulated Google Calendar's events.

use std::time::Duration;

use anyhow::{Context as _, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Timeout of every request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of the simulator's `/sim/*` endpoints at one base URL.
pub struct Sim {
    http: reqwest::Client,
    base: String,
}

/// One message of the SMTP sink (`GET /sim/mail`), only what the demo looks at.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Mail {
    /// Envelope recipients.
    pub to: Vec<String>,
    /// `Message-ID` header, with its angle brackets.
    pub message_id: Option<String>,
    /// The whole message (RFC 5322 text).
    pub raw: String,
}

/// One event of the simulated calendar (`GET /sim/calendar/events`), only what the demo
/// looks at.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CalendarEvent {
    /// Event id.
    pub id: Option<String>,
    /// `confirmed`, `tentative` or `cancelled`.
    pub status: Option<String>,
}

/// One call as the simulated Twilio saw it (`GET /sim/calls`), only what the demo looks at.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SimCall {
    /// The number called.
    pub to: String,
    /// For each callee turn, the real milliseconds from handing the callee's finished words to
    /// the application (the final `prompt`, or the Gather's POST) to the agent's first words.
    pub reply_latencies_ms: Vec<u64>,
    /// The call's ConversationRelay sessions (none for a `<Gather>` call).
    pub relay_sessions: Vec<serde_json::Value>,
}

impl Sim {
    /// A client of the simulator at `base` (e.g. `http://127.0.0.1:8090`).
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(REQUEST_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Every call the simulated Twilio placed.
    pub async fn calls(&self) -> anyhow::Result<Vec<SimCall>> {
        self.get("/sim/calls").await
    }

    /// Every message the SMTP sink accepted, oldest first.
    pub async fn mail(&self) -> anyhow::Result<Vec<Mail>> {
        self.get("/sim/mail").await
    }

    /// Every event on the simulated calendars (cancelled ones included).
    pub async fn calendar_events(&self) -> anyhow::Result<Vec<CalendarEvent>> {
        self.get("/sim/calendar/events").await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url} (the simulator; see --sim)"))?;
        let status = response.status();
        if !status.is_success() {
            bail!("GET {url}: {status}");
        }
        response
            .json()
            .await
            .with_context(|| format!("reading GET {url}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mail_and_events_deserialize_from_the_simulator_shape() {
        let mails: Vec<Mail> = serde_json::from_value(json!([{
            "id": "m1", "from": "sales@acme-solar.example", "to": ["a@example.com"],
            "subject": "Invitation", "message_id": "<meeting-x.0.request@acme-solar.example>",
            "received_at": "2025-01-01T10:00:00Z", "raw": "Subject: Invitation\r\n\r\nhi",
            "helo": "client", "auth_user": null
        }]))
        .unwrap();
        assert_eq!(mails[0].to, ["a@example.com"]);
        assert!(mails[0].raw.starts_with("Subject:"));

        let events: Vec<CalendarEvent> = serde_json::from_value(json!([
            {"calendarId": "sales@acme-solar.example", "kind": "calendar#event", "id": "abc123",
             "status": "confirmed", "start": {"dateTime": "2025-01-02T14:00:00Z"}},
            {"calendarId": "c"}
        ]))
        .unwrap();
        assert_eq!(events[0].id.as_deref(), Some("abc123"));
        assert_eq!(events[1].status, None);
    }
}
