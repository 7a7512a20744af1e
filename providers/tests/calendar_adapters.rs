//! The Google Calendar and Zoom adapters over real HTTP against the simulator: both Google auth
//! modes, token refresh on a 401, the service-account attendee fallback, idempotent event
//! creation, and the retry classification of what comes back.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use callwright_providers::calendar::{
    Attendee, Calendar, EventSpec, GoogleAuth, GoogleCalendar, GoogleCalendarConfig,
    ServiceAccountKey,
};
use callwright_providers::video::{VideoMeetings, VideoRequest, ZoomClient, ZoomConfig};
use callwright_sim::{Sim, SimConfig};
use chrono::{DateTime, Duration as Days, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::Duration;

async fn sim() -> String {
    let sim = Sim::build(SimConfig::for_tests(0.01)).await.unwrap();
    let url = sim.base_url();
    sim.spawn();
    url
}

async fn fault(base: &str, body: Value) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/sim/faults"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
}

async fn service_account(base: &str, subject: Option<&str>) -> GoogleCalendar {
    let key = reqwest::get(format!("{base}/sim/google/service-account.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let path = std::env::temp_dir().join(format!("sa-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, key).unwrap();
    let key = ServiceAccountKey::from_file(&path).unwrap();
    calendar(
        base,
        GoogleAuth::ServiceAccount {
            key,
            subject: subject.map(str::to_owned),
        },
    )
}

fn calendar(base: &str, auth: GoogleAuth) -> GoogleCalendar {
    GoogleCalendar::new(GoogleCalendarConfig {
        base_url: format!("{base}/calendar/v3"),
        calendar_id: "sales@example.com".to_owned(),
        auth,
        timeout: Duration::from_secs(5),
    })
    .unwrap()
}

fn refresh_token(base: &str, secret: &str) -> GoogleCalendar {
    calendar(
        base,
        GoogleAuth::RefreshToken {
            token_uri: format!("{base}/token"),
            client_id: "sim-client-id".to_owned(),
            client_secret: SecretString::from(secret.to_owned()),
            refresh_token: SecretString::from("sim-refresh-token".to_owned()),
        },
    )
}

fn spec(id: &str) -> EventSpec {
    let start = DateTime::parse_from_rfc3339("2030-03-28T13:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    EventSpec {
        event_id: id.to_owned(),
        summary: "Acme Solar × Dana".to_owned(),
        description: "Booked on a call".to_owned(),
        start,
        end: start + Days::minutes(30),
        timezone: "Asia/Jerusalem".to_owned(),
        attendee: Some(Attendee {
            email: "dana@example.com".to_owned(),
            name: "Dana".to_owned(),
        }),
        video_url: Some("https://zoom.us/j/1".to_owned()),
        request_video: false,
    }
}

#[tokio::test]
async fn service_account_without_delegation_creates_the_event_without_attendees() {
    let base = sim().await;
    let cal = service_account(&base, None).await;
    let event = cal
        .create_event(&spec("0123456789abcdef0001"))
        .await
        .unwrap();
    assert_eq!(event.event_id, "0123456789abcdef0001");
    assert!(
        !event.attendee_added,
        "Google refuses attendees without delegation"
    );
    // A retry of the same creation (its answer was lost) finds the same event.
    let again = cal
        .create_event(&spec("0123456789abcdef0001"))
        .await
        .unwrap();
    assert_eq!(again.event_id, event.event_id);
    let events: Value = reqwest::get(format!("{base}/sim/calendar/events"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(events.as_array().unwrap().len(), 1);
    // The event is busy time now.
    let start = spec("x").start;
    let busy = cal
        .busy(start - Days::hours(1), start + Days::hours(1))
        .await
        .unwrap();
    assert_eq!(busy.len(), 1);
    assert_eq!(busy[0].start, start);
}

#[tokio::test]
async fn delegated_service_account_and_refresh_token_may_invite() {
    let base = sim().await;
    let delegated = service_account(&base, Some("sales@example.com")).await;
    assert!(
        delegated
            .create_event(&spec("aaaaabbbbb0001"))
            .await
            .unwrap()
            .attendee_added
    );
    let user = refresh_token(&base, "sim-client-secret");
    assert!(
        user.create_event(&spec("aaaaabbbbb0002"))
            .await
            .unwrap()
            .attendee_added
    );
    // A wrong client secret is a permanent error that says so.
    let err = refresh_token(&base, "wrong")
        .busy(Utc::now(), Utc::now() + Days::days(1))
        .await
        .unwrap_err();
    assert!(
        !err.retryable && err.message.contains("token request refused"),
        "{err}"
    );
}

#[tokio::test]
async fn expired_tokens_are_refreshed_once_and_errors_are_classified() {
    let base = sim().await;
    let cal = refresh_token(&base, "sim-client-secret");
    let (from, to) = (Utc::now(), Utc::now() + Days::days(7));
    cal.busy(from, to).await.unwrap();
    fault(&base, json!({"calendar_401": 1})).await;
    cal.busy(from, to)
        .await
        .expect("a 401 refreshes the token and tries again");
    fault(&base, json!({"calendar_429": 1})).await;
    let err = cal.busy(from, to).await.unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(429), true));
    assert_eq!(err.retry_after, Some(Duration::from_secs(1)));
    fault(&base, json!({"calendar_500": 1})).await;
    let err = cal.busy(from, to).await.unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(500), true));
    fault(&base, json!({"calendar_insert_403": 1})).await;
    let err = cal.create_event(&spec("ccccc00001")).await.unwrap_err();
    assert_eq!((err.status, err.retryable), (Some(403), false));
    assert!(err.message.contains("requiredAccessLevel"), "{err}");
    // Cancelling twice is fine (the second finds it gone).
    cal.create_event(&spec("ccccc00002")).await.unwrap();
    cal.cancel_event("ccccc00002").await.unwrap();
    cal.cancel_event("ccccc00002").await.unwrap();
}

#[tokio::test]
async fn zoom_schedules_moves_and_deletes_meetings() {
    let base = sim().await;
    let zoom = ZoomClient::new(ZoomConfig {
        oauth_base_url: base.clone(),
        api_base_url: format!("{base}/v2"),
        account_id: "sim-zoom-account".to_owned(),
        client_id: "sim-zoom-client".to_owned(),
        client_secret: SecretString::from("sim-zoom-secret".to_owned()),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    let req = VideoRequest {
        topic: "Acme Solar × Dana".to_owned(),
        start: spec("x").start,
        minutes: 30,
        timezone: "Asia/Jerusalem".to_owned(),
    };
    let meeting = zoom.create(&req).await.unwrap();
    assert!(meeting.join_url.contains("/j/"), "{meeting:?}");
    zoom.reschedule(&meeting.id, &req).await.unwrap();
    zoom.delete(&meeting.id).await.unwrap();
    zoom.delete(&meeting.id)
        .await
        .expect("deleting a deleted meeting is fine");
    fault(&base, json!({"zoom_500": 1})).await;
    let err = zoom.create(&req).await.unwrap_err();
    assert!(err.retryable, "{err}");
}

#[tokio::test]
async fn without_zoom_the_calendar_gives_a_meet_link() {
    let base = sim().await;
    let cal = refresh_token(&base, "sim-client-secret");
    let meet = EventSpec {
        video_url: None,
        request_video: true,
        ..spec("ddddd00001")
    };
    let event = cal.create_event(&meet).await.unwrap();
    let link = event.video_url.expect("a Meet link");
    assert!(link.starts_with("https://meet.google.com/"), "{link}");
}
