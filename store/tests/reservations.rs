//! Slot reservations on a real Postgres: of many concurrent bookings of one slot exactly one
//! wins; a retried booking finds its own reservation; the buffer after a meeting is held too; a
//! failed meeting frees its slot.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use callwright_store::Store;
use callwright_store::meetings::{NewReservation, Reservation};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

async fn fresh_store() -> Store {
    Store::new(common::fresh_pool().await)
}

async fn lead(store: &Store, phone: &str) -> String {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO leads (id, name, phone, language, timezone) VALUES ($1, 'L', $2, 'en', 'UTC')",
    )
    .bind(id)
    .bind(phone)
    .execute(store.pool())
    .await
    .unwrap();
    id.to_string()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn reservation(lead_id: &str, workflow: &str, start: DateTime<Utc>) -> NewReservation {
    NewReservation {
        lead_id: lead_id.to_owned(),
        campaign_id: None,
        call_id: None,
        workflow_id: workflow.to_owned(),
        calendar_id: "sales@example.com".to_owned(),
        start,
        end: start + Duration::minutes(30),
        buffer: Duration::minutes(15),
        title: "Meeting".to_owned(),
        description: None,
        trial: false,
        timezone: "UTC".to_owned(),
        language: "en".to_owned(),
        attendee_name: "L".to_owned(),
        attendee_email: "l@example.com".to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_bookings_of_one_slot_have_one_winner() {
    let store = fresh_store().await;
    let slot = at("2030-01-10T14:00:00Z");
    let mut leads = Vec::new();
    for i in 0..50 {
        leads.push(lead(&store, &format!("+1415555{i:04}")).await);
    }
    let tries = leads.iter().enumerate().map(|(i, lead_id)| {
        let store = store.clone();
        let r = reservation(lead_id, &format!("wf-{i}"), slot);
        tokio::spawn(async move { store.reserve_meeting(&r).await.unwrap() })
    });
    let results = futures::future::join_all(tries).await;
    let won = results
        .iter()
        .filter(|r| matches!(r.as_ref().unwrap(), Reservation::Held(_)))
        .count();
    assert_eq!(won, 1);
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM meetings")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(live, 1);
}

#[tokio::test]
async fn retries_buffers_and_releases() {
    let store = fresh_store().await;
    let a = lead(&store, "+14155550001").await;
    let b = lead(&store, "+14155550002").await;
    let slot = at("2030-01-10T14:00:00Z");
    let Reservation::Held(first) = store
        .reserve_meeting(&reservation(&a, "wf-a", slot))
        .await
        .unwrap()
    else {
        panic!("first booking refused");
    };
    // The same workflow booking again (a retried turn) gets the same meeting.
    let Reservation::Held(again) = store
        .reserve_meeting(&reservation(&a, "wf-a", slot))
        .await
        .unwrap()
    else {
        panic!("a retry lost its own reservation");
    };
    assert_eq!(first.id, again.id);
    // 14:30 starts inside the 15-minute buffer after 14:00-14:30: taken. 14:45 is free.
    let inside = reservation(&b, "wf-b", slot + Duration::minutes(30));
    assert_eq!(
        store.reserve_meeting(&inside).await.unwrap(),
        Reservation::Taken
    );
    let after = reservation(&b, "wf-b", slot + Duration::minutes(45));
    assert!(matches!(
        store.reserve_meeting(&after).await.unwrap(),
        Reservation::Held(_)
    ));
    // A failed meeting gives its slot back.
    store
        .fail_meeting(&first.id.to_string(), "calendar said no")
        .await
        .unwrap();
    let c = lead(&store, "+14155550003").await;
    assert!(matches!(
        store
            .reserve_meeting(&reservation(&c, "wf-c", slot))
            .await
            .unwrap(),
        Reservation::Held(_)
    ));
    let failed = store.meeting(&first.id.to_string()).await.unwrap().unwrap();
    assert_eq!(failed.status, callwright_domain::MeetingStatus::Failed);
    assert_eq!(failed.failure.as_deref(), Some("calendar said no"));
}
