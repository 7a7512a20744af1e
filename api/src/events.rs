//! Live events: one Postgres `LISTEN callwright_events` per API process (the projection
//! triggers announce call starts, turns, outcomes and meetings), fanned out to every
//! `GET /api/events` client as Server-Sent Events. Any number of API processes can run: each
//! hears every event from the database, whichever worker wrote it.

use crate::routes::query::FieldQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The channel the triggers notify.
const CHANNEL: &str = "callwright_events";
/// Events buffered per slow client before it is told it missed some.
const BUFFER: usize = 4096;

/// The fan-out of events to clients.
#[derive(Clone)]
pub struct EventHub {
    tx: broadcast::Sender<String>,
}

impl EventHub {
    /// Starts listening on `db` (reconnecting after errors) and returns the hub.
    pub fn start(db: PgPool) -> Self {
        let (tx, _) = broadcast::channel(BUFFER);
        let hub = Self { tx: tx.clone() };
        tokio::spawn(async move {
            loop {
                if let Err(err) = listen(&db, &tx).await {
                    tracing::warn!(error = %err, "event listener lost; reconnecting");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        hub
    }
}

async fn listen(db: &PgPool, tx: &broadcast::Sender<String>) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(db).await?;
    listener.listen(CHANNEL).await?;
    loop {
        let note = listener.recv().await?;
        // No subscriber is not an error.
        let _ = tx.send(note.payload().to_owned());
    }
}

/// `GET /api/events` filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Only this campaign's events.
    campaign_id: Option<Uuid>,
    /// Only this lead's events.
    lead_id: Option<Uuid>,
}

fn wanted(payload: &str, q: &EventQuery) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(payload) else {
        return false;
    };
    let matches = |key: &str, want: Option<Uuid>| {
        want.is_none_or(|w| v.get(key).and_then(|x| x.as_str()) == Some(w.to_string().as_str()))
    };
    matches("campaign_id", q.campaign_id) && matches("lead_id", q.lead_id)
}

/// Server-Sent Events: `call_started`, `turn`, `call_ended`, `meeting_booked`,
/// `meeting_changed` (the JSON payload's `type` is also the SSE event name); `lagged` when a
/// slow client missed events (re-read the state through the REST endpoints then).
#[utoipa::path(
    get,
    path = "/api/events",
    operation_id = "streamEvents",
    tag = "events",
    security(("bearer" = [])),
    params(EventQuery),
    responses(
        (status = 200, description = "An endless stream of Server-Sent Events: `call_started`, `turn`, `call_ended`, `meeting_booked`, `meeting_changed` (each `data:` is a JSON object whose `type` is the event name, with `campaign_id` and `lead_id`), and `lagged` (`{\"missed\": n}`) when this client fell behind; a comment every 15 s keeps it open", body = String, content_type = "text/event-stream"),
        (status = 400, description = "A filter is invalid", body = callwright_contracts::api::error::ErrorBody),
    )
)]
pub async fn stream(
    State(state): State<AppState>,
    FieldQuery(q): FieldQuery<EventQuery>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = state.events.tx.subscribe();
    let stream = futures::stream::unfold((rx, q), |(mut rx, q)| async move {
        loop {
            let event = match rx.recv().await {
                Ok(payload) if wanted(&payload, &q) => {
                    let name = serde_json::from_str::<serde_json::Value>(&payload)
                        .ok()
                        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
                        .unwrap_or_else(|| "message".to_owned());
                    Event::default().event(name).data(payload)
                }
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(n)) => Event::default()
                    .event("lagged")
                    .data(format!("{{\"missed\":{n}}}")),
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            return Some((Ok(event), (rx, q)));
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_campaign_and_lead() {
        let c = Uuid::new_v4();
        let payload = format!(r#"{{"type":"turn","campaign_id":"{c}","lead_id":"x"}}"#);
        let all = EventQuery {
            campaign_id: None,
            lead_id: None,
        };
        assert!(wanted(&payload, &all));
        let mine = EventQuery {
            campaign_id: Some(c),
            lead_id: None,
        };
        assert!(wanted(&payload, &mine));
        let other = EventQuery {
            campaign_id: Some(Uuid::new_v4()),
            lead_id: None,
        };
        assert!(!wanted(&payload, &other));
    }
}
