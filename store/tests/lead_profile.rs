//! What a campaign's history and a lead workflow read about a lead, on a real Postgres: the
//! campaign's page holds ids and languages only (its history outlives the lead's erasure); the
//! lead's own workflow reads the profile by id, and a deleted lead has none.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use callwright_domain::Language;
use callwright_domain::agent::AgentPlan;
use callwright_store::Store;
use common::fresh_pool;
use uuid::Uuid;

#[tokio::test]
async fn a_campaign_page_names_its_leads_by_id_and_the_profile_is_read_by_id() {
    let pool = fresh_pool().await;
    let (campaign, agent, dana, ben) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    sqlx::query(
        "INSERT INTO leads (id, name, phone, email, language, timezone, window_timezones, fields)
         VALUES ($1, 'Dana Levi', '+972527654303', 'dana@example.com', 'he', 'Asia/Jerusalem',
                 '{Asia/Jerusalem}', '{\"plan\": \"pro\"}'),
                ($2, 'Ben Ami', '+14155552671', NULL, 'en', 'America/Los_Angeles', '{}', '{}')",
    )
    .bind(dana)
    .bind(ben)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO campaigns (id, name, workflow_id, settings, lead_count)
         VALUES ($1, 'c', 'campaign-c', '{}', 2)",
    )
    .bind(campaign)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO campaign_leads (campaign_id, lead_id, seq) VALUES ($1, $2, 1), ($1, $3, 2)",
    )
    .bind(campaign)
    .bind(dana)
    .bind(ben)
    .execute(&pool)
    .await
    .unwrap();
    let store = Store::new(pool.clone());
    let plan = AgentPlan::single(agent.to_string(), 3);

    let page = store
        .campaign_leads(&campaign.to_string(), 0, 10, &plan)
        .await
        .unwrap();
    let listed: Vec<(i32, String, Language, u32)> = page
        .iter()
        .map(|l| (l.seq, l.lead_id.clone(), l.language, l.agent.version))
        .collect();
    assert_eq!(
        listed,
        [
            (1, dana.to_string(), Language::He, 3),
            (2, ben.to_string(), Language::En, 3)
        ]
    );
    let recorded = serde_json::to_string(&page).unwrap();
    for personal in ["Dana", "972527654303", "dana@example.com", "pro"] {
        assert!(!recorded.contains(personal), "{personal} in {recorded}");
    }

    let profile = store
        .lead_profile(&dana.to_string())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.name, "Dana Levi");
    let phone = profile.phone.unwrap();
    assert_eq!(
        (phone.as_str(), phone.region()),
        ("+972527654303", Some("IL"))
    );
    assert_eq!(profile.language, Language::He);
    assert_eq!(profile.timezone, chrono_tz::Asia::Jerusalem);
    assert_eq!(profile.window_timezones, [chrono_tz::Asia::Jerusalem]);
    assert_eq!(profile.email.as_deref(), Some("dana@example.com"));
    assert_eq!(profile.fields["plan"], "pro");

    // Deleted after the page was read: the workflow finds nobody to call.
    sqlx::query("UPDATE leads SET deleted_at = now() WHERE id = $1")
        .bind(dana)
        .execute(&pool)
        .await
        .unwrap();
    assert!(
        store
            .lead_profile(&dana.to_string())
            .await
            .unwrap()
            .is_none()
    );
    let page = store
        .campaign_leads(&campaign.to_string(), 0, 10, &plan)
        .await
        .unwrap();
    assert_eq!(page.len(), 1, "a deleted lead leaves the campaign's pages");
    assert!(
        store
            .lead_profile(&Uuid::new_v4().to_string())
            .await
            .unwrap()
            .is_none()
    );
}
