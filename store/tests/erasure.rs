//! Erasure against a recording announced at the same moment, on a real Postgres: whichever
//! commits first, the recording is either in what the blanking found (and the erasure deletes
//! it) or the webhook learns the lead is erased (and erases again); it never slips between, and
//! an erased lead's recording never plays.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use callwright_store::erasure;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

use common::fresh_pool;

/// A lead with one finished call `call_sid`; returns (lead, call).
async fn lead_with_call(pool: &PgPool, phone: &str, call_sid: &str) -> (Uuid, Uuid) {
    let (lead, call) = (Uuid::new_v4(), Uuid::new_v4());
    sqlx::query(
        "INSERT INTO leads (id, name, phone, language, timezone) VALUES ($1, 'Dana', $2, 'en', 'UTC')",
    )
    .bind(lead)
    .bind(phone)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO calls (id, lead_id, workflow_id, attempt, call_sid, status, language)
         VALUES ($1, $2, 'lead-' || $3, 1, $3, 'completed', 'en')",
    )
    .bind(call)
    .bind(lead)
    .bind(call_sid)
    .execute(pool)
    .await
    .unwrap();
    (lead, call)
}

const URL: &str = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_announced_during_the_blanking_waits_and_learns_the_lead_is_erased() {
    let pool = fresh_pool().await;
    let (lead, call) = lead_with_call(&pool, "+14155550701", "CA1").await;
    let mut tx = pool.begin().await.unwrap();
    erasure::lock(&mut tx, lead).await.unwrap();
    let blanked = erasure::blank(&mut tx, &[lead]).await.unwrap();
    assert!(blanked.recordings.is_empty());
    let announce = {
        let pool = pool.clone();
        tokio::spawn(async move {
            callwright_store::calls::set_recording_url(&pool, "CA1", URL)
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !announce.is_finished(),
        "the webhook's write must wait for the blanking's lock on the lead"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        announce.await.unwrap(),
        Some(lead),
        "the webhook must see the lead erased, so that it erases again"
    );
    assert_eq!(
        callwright_store::calls::recording_url(&pool, call)
            .await
            .unwrap(),
        Some(None),
        "an erased lead's recording never plays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_announced_before_the_blanking_is_found_by_it() {
    let pool = fresh_pool().await;
    let (lead, call) = lead_with_call(&pool, "+14155550702", "CA2").await;
    let erased = callwright_store::calls::set_recording_url(&pool, "CA2", URL)
        .await
        .unwrap();
    assert_eq!(erased, None, "the lead is not erased yet");
    assert_eq!(
        callwright_store::calls::recording_url(&pool, call)
            .await
            .unwrap(),
        Some(Some(URL.to_owned()))
    );
    let mut tx = pool.begin().await.unwrap();
    erasure::lock(&mut tx, lead).await.unwrap();
    let blanked = erasure::blank(&mut tx, &[lead]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        blanked.recordings,
        [URL],
        "the erasure deletes what it found"
    );
    assert_eq!(
        callwright_store::calls::recording_url(&pool, call)
            .await
            .unwrap(),
        Some(None)
    );
}

/// A link the blanking takes out of the calls stays due for deletion until the provider has
/// deleted it, so an erasure cut short between the two leaves the next one the way; a
/// recording deleted before the blanking is not due again.
#[tokio::test]
async fn a_recording_taken_out_by_the_blanking_stays_due_until_deleted() {
    let pool = fresh_pool().await;
    let (late, _) = lead_with_call(&pool, "+14155550702", "CA2").await;
    let late_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE2";
    let erased = callwright_store::calls::set_recording_url(&pool, "CA2", late_url)
        .await
        .unwrap();
    assert_eq!(erased, None);
    assert_eq!(erasure::recordings(&pool, late).await.unwrap(), [late_url]);
    let mut tx = pool.begin().await.unwrap();
    erasure::lock(&mut tx, late).await.unwrap();
    let blanked = erasure::blank(&mut tx, &[late]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(blanked.recordings, [late_url]);
    // The link is gone from the call, and still due: this run, or the next, deletes it.
    assert_eq!(erasure::recordings(&pool, late).await.unwrap(), [late_url]);
    erasure::recording_deleted(&pool, late_url).await.unwrap();
    assert!(erasure::recordings(&pool, late).await.unwrap().is_empty());

    // Deleted first (the plan's recordings), then blanked: nothing is due afterwards.
    let (planned, _) = lead_with_call(&pool, "+14155550703", "CA3").await;
    let planned_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE3";
    let erased = callwright_store::calls::set_recording_url(&pool, "CA3", planned_url)
        .await
        .unwrap();
    assert_eq!(erased, None);
    erasure::recording_deleted(&pool, planned_url)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    erasure::lock(&mut tx, planned).await.unwrap();
    erasure::blank(&mut tx, &[planned]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        erasure::recordings(&pool, planned)
            .await
            .unwrap()
            .is_empty()
    );
}
