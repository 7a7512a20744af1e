//! The list endpoints on real data: leads filtered and searched, calls by lead with a transcript
//! that keeps Hebrew as spoken, and keyset pages that visit every row exactly once.

use crate::support::{Stack, StackOptions};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;

/// Follows `next_cursor` from `path` (which has other query parameters) and returns every row.
async fn all_pages(stack: &Stack, path: &str, key: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&limit=2&cursor={c}"),
            None => format!("{path}&limit=2"),
        };
        let page = stack.get(&url).await;
        rows.extend(page[key].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return rows,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn leads_and_calls_are_listed_filtered_and_paged() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let ids = stack
        .create_leads(&[
            ("Dana Levi", "+972527654302"),
            ("Noa Cohen", "+972527654307"),
            ("Jean Martin", "+33612345602"),
            ("Emily 100% Carter", "+14155550102"),
            ("Never Called", "+14155550199"),
        ])
        .await;
    let campaign = stack.start_campaign(&ids[..4], 4, 1).await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;

    // Every lead once, across pages of two.
    let leads = all_pages(&stack, "/api/leads?", "leads").await;
    let seen: BTreeSet<&str> = leads.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(seen.len(), 5);
    assert_eq!(leads.len(), 5);

    let he = stack.get("/api/leads?language=he").await;
    assert_eq!(he["leads"].as_array().unwrap().len(), 2);
    let search = stack.get("/api/leads?q=levi").await;
    assert_eq!(search["leads"][0]["name"], "Dana Levi");
    // `%` is searched for literally.
    let percent = stack.get("/api/leads?q=100%25").await;
    assert_eq!(percent["leads"].as_array().unwrap().len(), 1);
    let by_phone = stack.get("/api/leads?q=%2B3361").await;
    assert_eq!(by_phone["leads"][0]["name"], "Jean Martin");
    let never = stack.get("/api/leads?outcome=none").await;
    assert_eq!(never["leads"][0]["name"], "Never Called");
    assert_eq!(never["leads"].as_array().unwrap().len(), 1);
    // Personas 02 decline (three numbers end in 02); 07 is busy.
    let declined = stack.get("/api/leads?outcome=not_interested").await;
    assert_eq!(declined["leads"].as_array().unwrap().len(), 3);
    let in_campaign = stack
        .get(&format!("/api/leads?campaign_id={campaign}"))
        .await;
    assert_eq!(in_campaign["leads"].as_array().unwrap().len(), 4);
    for (status, leads) in [("new", 1), ("done", 4), ("active", 0)] {
        let page = stack.client.leads(&[("status", status)]).await.unwrap();
        assert_eq!(page.leads.len(), leads, "{status}");
    }
    let bad = stack
        .client
        .leads(&[("status", "busy")])
        .await
        .expect_err("not a status");
    assert_eq!((bad.status(), bad.field()), (Some(400), Some("status")));

    // Calls of the campaign, then one with its transcript: Hebrew comes back as spoken.
    let calls = all_pages(
        &stack,
        &format!("/api/calls?campaign_id={campaign}"),
        "calls",
    )
    .await;
    assert_eq!(calls.len(), 4);
    let dana = stack.get(&format!("/api/calls?lead_id={}", ids[0])).await;
    let call_id = dana["calls"][0]["id"].as_str().unwrap();
    let call = stack.get(&format!("/api/calls/{call_id}")).await;
    assert_eq!(call["outcome"], "not_interested");
    assert_eq!(call["language"], "he");
    let transcript = call["transcript"].as_array().unwrap();
    assert!(transcript.len() >= 3, "{call}");
    assert!(
        transcript[0]["text"].as_str().unwrap().starts_with("שלום"),
        "{call}"
    );
    assert!(transcript.iter().any(|t| t["speaker"] == "callee"));
    // The post-call summary: a refusal, in Hebrew.
    assert_eq!(call["summary"]["interest_level"], 1, "{call}");
    assert_eq!(call["summary"]["language"], "he", "{call}");
    assert!(
        !call["summary"]["objections"].as_array().unwrap().is_empty(),
        "{call}"
    );
    // The decline is marked on the callee's line; agent lines carry no intent.
    let intents: Vec<&str> = transcript
        .iter()
        .filter(|t| t["speaker"] == "callee")
        .filter_map(|t| t["intent"].as_str())
        .collect();
    assert_eq!(intents.last(), Some(&"not_interested"), "{call}");
    assert!(
        transcript
            .iter()
            .filter(|t| t["speaker"] == "agent")
            .all(|t| t["intent"].is_null()),
        "{call}"
    );
    let busy = stack.get("/api/calls?outcome=busy").await;
    assert_eq!(busy["calls"].as_array().unwrap().len(), 1);

    // The campaign in the list of campaigns, with its progress.
    let campaigns = stack.get("/api/campaigns/status").await;
    let mine = &campaigns["campaigns"][0];
    assert_eq!(mine["id"], campaign.as_str());
    assert_eq!(mine["lead_count"], 4);
    assert_eq!(mine["settled"], 4);
    assert_eq!(mine["outcomes"]["not_interested"], 3, "{mine}");
    assert_eq!(mine["outcomes"]["busy"], 1, "{mine}");

    // Analytics over the same calls.
    let kpi = stack
        .get(&format!("/api/analytics/overview?campaign_id={campaign}"))
        .await;
    assert_eq!(kpi["dials"], 4, "{kpi}");
    assert_eq!(kpi["connected"], 3, "{kpi}");
    assert_eq!(kpi["human_answered"], 3, "{kpi}");
    assert_eq!(kpi["conversations"], 3, "{kpi}");
    assert_eq!(kpi["meetings_booked"], 0, "{kpi}");
    assert_eq!(kpi["connect_rate"], 0.75, "{kpi}");
    assert_eq!(
        kpi["conversion"], 0.0,
        "three conversations, none agreed: {kpi}"
    );
    let outcomes = stack
        .get(&format!(
            "/api/analytics/call-outcomes?campaign_id={campaign}"
        ))
        .await;
    assert_eq!(outcomes[0]["key"], "not_interested");
    assert_eq!(outcomes[0]["count"], 3);
    assert_eq!(outcomes[1]["key"], "busy");
    let languages = stack
        .get(&format!(
            "/api/analytics/language-distribution?campaign_id={campaign}"
        ))
        .await;
    assert_eq!(languages[0]["key"], "he");
    assert_eq!(languages[0]["count"], 2);
    let over_time = stack
        .get(&format!(
            "/api/analytics/calls-over-time?campaign_id={campaign}&bucket=hour&tz=Asia/Jerusalem"
        ))
        .await;
    let dials: i64 = over_time
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["dials"].as_i64().unwrap())
        .sum();
    assert_eq!(dials, 4);
    let local_hour = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jerusalem)
        .format("%Y-%m-%dT%H:00:00")
        .to_string();
    let last = over_time.as_array().unwrap().last().unwrap()["start"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        last <= local_hour && last.len() == local_hour.len(),
        "{last} vs {local_hour}"
    );

    // Bad filters are 400s that say which.
    for (path, field) in [
        ("/api/calls?outcome=maybe", "outcome"),
        ("/api/leads?language=xx", "language"),
        ("/api/leads?limit=1000", "limit"),
        ("/api/leads?cursor=forged", "cursor"),
        ("/api/analytics/calls-over-time?bucket=week", "bucket"),
        ("/api/analytics/calls-over-time?tz=Mars/Olympus", "tz"),
        // Values their type refuses (an enum, a number) name their parameter too.
        ("/api/leads?status=asleep", "status"),
        ("/api/calls?limit=ten", "limit"),
        ("/api/meetings?from=yesterday", "from"),
    ] {
        let resp = stack
            .http
            .get(format!("{}{path}", stack.api))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{path}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
    }
}

/// The leads a campaign enrolled, in calling order.
async fn enrolled(stack: &Stack, campaign: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT l.name FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id
         WHERE cl.campaign_id = $1::uuid ORDER BY cl.seq",
    )
    .bind(campaign)
    .fetch_all(&stack.db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn campaigns_start_from_a_filter_or_an_upload() {
    let stack = Stack::start(StackOptions::default()).await;
    stack
        .create_leads(&[
            ("Dana Levi", "+972527654302"),
            ("Jean Martin", "+33612345602"),
            ("Noa Cohen", "+972527654307"),
        ])
        .await;
    let csv = "name,phone\nAvi Ben,+972527654311\nJean again,+33612345602\nMaya Or,+972527654312\n";
    let (status, report) = stack.post_bytes("/api/leads/upload", "text/csv", csv).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["duplicates"], 1, "{report}");
    let import_id = report["import_id"].as_str().unwrap().to_owned();
    let settings = json!({"calling_window": crate::support::always_open()});

    // By filter: every Hebrew lead, oldest first.
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"filter": {"language": "he"}, "agent": stack.agent(), "settings": settings}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["lead_count"], 4);
    let by_filter = body["campaign_id"].as_str().unwrap().to_owned();
    let order = enrolled(&stack, &by_filter).await;
    assert_eq!(order[..2], ["Dana Levi", "Noa Cohen"]);
    // One upload's leads share a creation time: together, after the older ones.
    assert_eq!(
        order[2..].iter().collect::<BTreeSet<_>>(),
        BTreeSet::from([&"Avi Ben".to_owned(), &"Maya Or".to_owned()])
    );
    // By upload: the leads that file created, in file order (not the duplicate).
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"import_id": import_id, "agent": stack.agent(), "settings": settings}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["lead_count"], 2);
    let by_import = body["campaign_id"].as_str().unwrap().to_owned();
    assert_eq!(enrolled(&stack, &by_import).await, ["Avi Ben", "Maya Or"]);
    // Filters compose: French leads not yet in any campaign.
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"filter": {"language": "fr", "status": "new"}, "agent": stack.agent(), "settings": settings}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["lead_count"], 1);

    // A saved filter: named once, reused by id.
    let (status, saved) = stack
        .post(
            "/api/lead-filters",
            json!({"name": "Hebrew leads", "filter": {"language": "he"}}),
        )
        .await;
    assert_eq!(status, 201, "{saved}");
    let filter_id = saved["id"].as_str().unwrap().to_owned();
    let listed = stack.get("/api/lead-filters").await;
    assert_eq!(listed[0]["name"], "Hebrew leads", "{listed}");
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"filter_id": filter_id, "agent": stack.agent(), "settings": settings}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["lead_count"], 4);
    let (status, body) = stack
        .post(
            "/api/lead-filters",
            json!({"name": "bad", "filter": {"outcome": "maybe"}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "filter.outcome", "{body}");
    let remove = |id: String| {
        let stack = &stack;
        async move {
            stack
                .http
                .delete(format!("{}/api/lead-filters/{id}", stack.api))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(remove(filter_id.clone()).await, 204);
    assert_eq!(remove(filter_id.clone()).await, 404);

    // Refusals name the field.
    for (request, field) in [
        (json!({"filter": {"language": "xx"}}), "filter.language"),
        (json!({"filter": {"status": "new"}}), "filter"),
        (json!({"filter": {}, "lead_ids": []}), "lead_ids"),
        (json!({"import_id": uuid::Uuid::new_v4()}), "import_id"),
        (json!({"filter_id": filter_id}), "filter_id"),
        (json!({"filter": {"colour": "red"}}), ""),
    ] {
        let mut request = request;
        request["agent"] = stack.agent();
        let (status, body) = stack.post("/api/campaigns/start", request.clone()).await;
        assert_eq!(status, 422, "{request}: {body}");
        if !field.is_empty() {
            assert_eq!(body["error"]["field"], field, "{request}: {body}");
        }
    }
}
