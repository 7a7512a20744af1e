//! The analytics endpoints read whole hours from the rollups (migration 0013) and the rest from
//! `calls`: their answers must equal counting the calls themselves, after inserts, updates and
//! deletes, for windows with ragged edges, campaigns, and zones whose days and hours do not
//! fall on UTC hours (half- and quarter-hour offsets, a change of offset inside the window).

use crate::support::{Stack, StackOptions};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

const CONVERSATION: [&str; 6] = [
    "interested",
    "not_interested",
    "callback_requested",
    "opted_out",
    "undecided",
    "transferred",
];

/// Calls with a random mix of everything the analytics read, over the last 40 days, written the
/// ways the projections write them: inserted in batches, then updated, some deleted.
async fn seed(stack: &Stack) -> [uuid::Uuid; 2] {
    let db = &stack.db;
    let campaigns = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()];
    for (i, id) in campaigns.iter().enumerate() {
        sqlx::query(
            "INSERT INTO campaigns (id, name, workflow_id, settings, lead_count)
             VALUES ($1, $2, $3, '{}', 0)",
        )
        .bind(id)
        .bind(format!("rollup {i}"))
        .bind(format!("campaign-rollup-{id}"))
        .execute(db)
        .await
        .unwrap();
    }
    sqlx::query(
        "INSERT INTO leads (id, name, phone, language, timezone)
         SELECT md5('rollup-lead-' || j)::uuid, 'Lead ' || j, '+1415555' || lpad(j::text, 4, '0'),
                'en', 'America/New_York'
         FROM generate_series(0, 199) j",
    )
    .execute(db)
    .await
    .unwrap();
    for batch in 0..4 {
        sqlx::query(
            "INSERT INTO calls (id, lead_id, campaign_id, workflow_id, attempt, call_sid, status,
                                answered_by, outcome, language, dialed_at, duration_secs)
             SELECT gen_random_uuid(), md5('rollup-lead-' || (i % 200))::uuid,
                    (ARRAY[$2, $3, NULL]::uuid[])[1 + floor(random() * 3)::int],
                    'rollup-' || $1 || '-' || i, 1,
                    CASE WHEN random() < 0.9 THEN 'CA' || md5(random()::text) END,
                    (ARRAY['completed', 'completed', 'completed', 'no-answer', 'busy', 'failed',
                           'in-progress', 'canceled'])[1 + floor(random() * 8)::int],
                    (ARRAY['human', 'human', 'machine_end_beep', 'unknown', NULL])
                      [1 + floor(random() * 5)::int],
                    (ARRAY['interested', 'not_interested', 'callback_requested', 'opted_out',
                           'undecided', 'voicemail', 'no_answer', 'hung_up', NULL, NULL])
                      [1 + floor(random() * 10)::int],
                    (ARRAY['en', 'es', 'he', 'fr'])[1 + floor(random() * 4)::int],
                    now() - random() * interval '40 days',
                    CASE WHEN random() < 0.8 THEN floor(random() * 600)::int END
             FROM generate_series(1, 1500) i",
        )
        .bind(batch)
        .bind(campaigns[0])
        .bind(campaigns[1])
        .execute(db)
        .await
        .unwrap();
    }
    // Calls end, move, change campaign; one row at a time and many at once.
    for _ in 0..50 {
        sqlx::query(
            "UPDATE calls SET status = 'completed', answered_by = 'human', outcome = 'interested',
                              duration_secs = 95
             WHERE id = (SELECT id FROM calls WHERE outcome IS NULL LIMIT 1)",
        )
        .execute(db)
        .await
        .unwrap();
    }
    sqlx::query(
        "UPDATE calls SET outcome = 'opted_out', dialed_at = dialed_at - interval '37 minutes',
                          campaign_id = $1
         WHERE random() < 0.1",
    )
    .bind(campaigns[1])
    .execute(db)
    .await
    .unwrap();
    sqlx::query("UPDATE calls SET recording_url = 'https://example.test/r' WHERE random() < 0.1")
        .execute(db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM calls WHERE random() < 0.05")
        .execute(db)
        .await
        .unwrap();
    campaigns
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The analytics computed from `calls` alone: the queries before the rollups existed.
async fn raw(
    stack: &Stack,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    campaign: Option<uuid::Uuid>,
) -> (Value, Value, Value) {
    let conversation = CONVERSATION.to_vec();
    let (dials, connected, human, conversations, opt_outs, avg_call, avg_talk, agreed): (
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<f64>,
        Option<f64>,
        i64,
    ) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE call_sid IS NOT NULL),
                count(*) FILTER (WHERE status = 'completed'),
                count(*) FILTER (WHERE status = 'completed' AND (answered_by = 'human'
                                   OR (answered_by IS NULL AND outcome = ANY($4)))),
                count(*) FILTER (WHERE outcome = ANY($4)),
                count(*) FILTER (WHERE outcome = 'opted_out'),
                avg(duration_secs) FILTER (WHERE status = 'completed')::float8,
                avg(duration_secs) FILTER (WHERE status = 'completed' AND outcome = ANY($4))::float8,
                count(*) FILTER (WHERE outcome = 'interested')
         FROM calls
         WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)",
    )
    .bind(from)
    .bind(to)
    .bind(campaign)
    .bind(&conversation)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    // Through JSON text, like the API's answer: serde_json's default float parsing can land
    // one ulp off, the same way for the same text (and equal f64s print the same text).
    let overview = json!({
        "dials": dials, "connected": connected, "human_answered": human,
        "conversations": conversations, "opt_outs": opt_outs,
        "avg_call_secs": avg_call, "avg_talk_secs": avg_talk,
        "conversion": (conversations > 0).then(|| agreed as f64 / conversations as f64),
    });
    let overview: Value = serde_json::from_str(&overview.to_string()).unwrap();
    let mut grouped = Vec::new();
    for key in ["COALESCE(outcome, 'in_progress')", "language"] {
        let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT {key} AS key, count(*) AS count FROM calls
             WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
             GROUP BY 1 ORDER BY 2 DESC, 1"
        ))
        .bind(from)
        .bind(to)
        .bind(campaign)
        .fetch_all(&stack.db)
        .await
        .unwrap();
        grouped.push(Value::from(
            rows.into_iter()
                .map(|(key, count)| json!({"key": key, "count": count}))
                .collect::<Vec<_>>(),
        ));
    }
    let languages = grouped.pop().unwrap();
    (overview, grouped.pop().unwrap(), languages)
}

async fn raw_over_time(
    stack: &Stack,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    campaign: Option<uuid::Uuid>,
    bucket: &str,
    tz: &str,
) -> Value {
    let rows: Vec<(chrono::NaiveDateTime, i64, i64, i64)> = sqlx::query_as(
        "SELECT date_trunc($4, dialed_at AT TIME ZONE $5) AS start,
                count(*) FILTER (WHERE call_sid IS NOT NULL) AS dials,
                count(*) FILTER (WHERE status = 'completed') AS connected,
                count(*) FILTER (WHERE outcome = ANY($6)) AS conversations
         FROM calls
         WHERE dialed_at >= $1 AND dialed_at < $2 AND ($3::uuid IS NULL OR campaign_id = $3)
         GROUP BY 1 ORDER BY 1",
    )
    .bind(from)
    .bind(to)
    .bind(campaign)
    .bind(bucket)
    .bind(tz)
    .bind(CONVERSATION.to_vec())
    .fetch_all(&stack.db)
    .await
    .unwrap();
    serde_json::to_value(
        rows.into_iter()
            .map(|(start, dials, connected, conversations)| {
                json!({"start": start, "dials": dials, "connected": connected,
                       "conversations": conversations})
            })
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn analytics_from_rollups_equal_counting_the_calls() {
    let stack = Stack::start(StackOptions::default()).await;
    let campaigns = seed(&stack).await;
    let hours: i64 = sqlx::query_scalar("SELECT count(*) FROM call_stats_hourly WHERE calls > 0")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert!(hours > 100, "the rollup is filled ({hours} hours)");

    let now = Utc::now();
    let windows = [
        (now - Duration::days(45), now + Duration::hours(1)),
        (
            now - Duration::days(30) - Duration::microseconds(123_457),
            now - Duration::minutes(17),
        ),
        (now - Duration::days(9), now - Duration::days(2)),
        (now - Duration::minutes(50), now - Duration::minutes(5)),
        (now - Duration::minutes(100), now),
    ];
    let campaign_filters = [None, Some(campaigns[0]), Some(campaigns[1])];
    for (from, to) in windows {
        for campaign in campaign_filters {
            let mut query = format!("from={}&to={}", at(from), at(to));
            if let Some(c) = campaign {
                query.push_str(&format!("&campaign_id={c}"));
            }
            let (overview, outcomes, languages) = raw(&stack, from, to, campaign).await;
            let got = stack.get(&format!("/api/analytics/overview?{query}")).await;
            for (field, want) in overview.as_object().unwrap() {
                assert_eq!(&got[field], want, "{field} for {query}: {got}");
            }
            let got = stack
                .get(&format!("/api/analytics/call-outcomes?{query}"))
                .await;
            assert_eq!(got, outcomes, "outcomes for {query}");
            let got = stack
                .get(&format!("/api/analytics/language-distribution?{query}"))
                .await;
            assert_eq!(got, languages, "languages for {query}");
            for bucket in ["hour", "day"] {
                for tz in [
                    "UTC",
                    "America/New_York",
                    "Asia/Kolkata",
                    "Asia/Kathmandu",
                    "Australia/Lord_Howe",
                ] {
                    let want = raw_over_time(&stack, from, to, campaign, bucket, tz).await;
                    let got = stack
                        .get(&format!(
                            "/api/analytics/calls-over-time?{query}&bucket={bucket}&tz={tz}"
                        ))
                        .await;
                    assert_eq!(got, want, "calls-over-time {bucket} {tz} for {query}");
                }
            }
        }
    }

    // Truncating the calls empties the rollups too.
    sqlx::query("TRUNCATE calls CASCADE")
        .execute(&stack.db)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM call_stats_hourly)
              + (SELECT count(*) FROM call_stats_hourly_keys)",
    )
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(left, 0);
}
