//! Agents end to end: A/B splits assign versions by weight and keep them, an edit never
//! reaches a running lead, a lead's own field reaches the model's prompt, the disclosure opens
//! every call whatever the greeting, qualification answers come back typed (API and CSV),
//! knowledge questions are answered from the knowledge (whole in the prompt, or searched), a
//! trial chat books and then releases its meeting, and bad agents are refused naming the field.

use crate::lifecycle::record_fixture;
use crate::support::{Stack, StackOptions, always_open, default_agent, lead_workflow, wait_for};
use callwright_sim::phrases::{Lang, Line, line, pick_line};
use serde_json::{Value, json};
use std::time::Duration;

/// Every chat-completion request the simulator's model received, newest last.
async fn model_requests(stack: &Stack) -> Vec<Value> {
    let log = stack.sim_get("/sim/llm/requests").await;
    log.as_array()
        .unwrap()
        .iter()
        .filter(|r| r["endpoint"] == "chat")
        .map(|r| r["body"].clone())
        .collect()
}

/// The system message of a chat request.
fn system_of(request: &Value) -> String {
    request["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "system"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default()
        .to_owned()
}

/// Starts a campaign over `leads` with `agent` (a campaign's `agent`); returns its id.
async fn campaign(stack: &Stack, leads: &[String], agent: Value, max_concurrent: u32) -> String {
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": leads, "agent": agent, "max_concurrent": max_concurrent,
                   "settings": {"max_attempts": 1, "calling_window": always_open(),
                                "ring_timeout_secs": 10, "max_call_secs": 120}}),
        )
        .await;
    assert_eq!(status, 201, "campaign start: {body}");
    body["campaign_id"].as_str().unwrap().to_owned()
}

/// Calls one new lead with this agent in a campaign of its own; returns the call as the API
/// shows it, transcript included.
async fn call_one(stack: &Stack, (name, phone): (&str, &str), agent: Value) -> Value {
    let ids = stack.create_leads(&[(name, phone)]).await;
    let campaign_id = campaign(stack, &ids, agent, 1).await;
    stack
        .wait_campaign_done(&campaign_id, Duration::from_secs(120))
        .await;
    let lead = stack.get(&format!("/api/leads/{}", ids[0])).await;
    let call_id = lead["calls"][0]["id"].as_str().unwrap();
    stack.get(&format!("/api/calls/{call_id}")).await
}

/// An agent spec: the default one with these fields changed.
fn agent_with(changes: Value) -> Value {
    let mut spec = default_agent();
    for (k, v) in changes.as_object().unwrap() {
        spec[k] = v.clone();
    }
    spec
}

/// 200 leads split 70/30 between two versions: the shares follow the weights, every call row,
/// campaign row and workflow carries its lead's version, the model only ever got the version's
/// own instructions, and a third version saved mid-campaign reaches no lead.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_ab_split_follows_the_weights_and_an_edit_reaches_no_running_lead() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let agent = stack.agent_id.clone();
    let v2 = stack
        .save_agent(
            &agent,
            agent_with(json!({"instructions": "MARK-V2: offer {{ lead.first_name }} the review."})),
        )
        .await;
    assert_eq!(v2, 2);
    // Callers who decline (persona 02): short calls, each a conversation.
    let leads: Vec<(String, String)> = (0..200)
        .map(|i| {
            let area = if i < 100 { 415 } else { 650 };
            (format!("Lead {i}"), format!("+1{area}555{:02}02", i % 100))
        })
        .collect();
    let refs: Vec<(&str, &str)> = leads
        .iter()
        .map(|(n, p)| (n.as_str(), p.as_str()))
        .collect();
    let ids = stack.create_leads(&refs).await;
    let split = json!({"id": agent, "variants": [{"version": 1, "weight": 70}, {"version": 2, "weight": 30}]});
    let campaign = campaign(&stack, &ids, split, 40).await;
    // An edit while the campaign runs: a new version no running lead may get.
    let v3 = stack
        .save_agent(
            &agent,
            agent_with(json!({"instructions": "MARK-V3: never seen by this campaign."})),
        )
        .await;
    assert_eq!(v3, 3);
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(240))
        .await;

    // The shares: 140 of 200 expected on version 1, binomial sd 6.5; ±26 (4 sd) is missed by
    // chance once in about 16,000 runs (lead ids are random UUIDs).
    let assigned: Vec<(i32, i64)> = sqlx::query_as(
        "SELECT agent_version, count(*) FROM campaign_leads WHERE campaign_id = $1::uuid
         GROUP BY 1 ORDER BY 1",
    )
    .bind(&campaign)
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(assigned.len(), 2, "{assigned:?}");
    let ones = assigned[0].1;
    assert_eq!((assigned[0].0, assigned[1].0), (1, 2));
    assert_eq!(ones + assigned[1].1, 200);
    assert!((114..=166).contains(&ones), "version 1 got {ones} of 200");

    // Every call carries its lead's version; nothing called with version 3.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM calls c JOIN campaign_leads cl
           ON cl.campaign_id = c.campaign_id AND cl.lead_id = c.lead_id
         WHERE c.campaign_id = $1::uuid
           AND (c.agent_version IS DISTINCT FROM cl.agent_version OR c.agent_id::text <> $2)",
    )
    .bind(&campaign)
    .bind(&agent)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(mismatched, 0);
    let calls: i64 = sqlx::query_scalar("SELECT count(*) FROM calls WHERE campaign_id = $1::uuid")
        .bind(&campaign)
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(calls, 200);

    // The model heard each version's own instructions, never version 3's.
    let systems: Vec<String> = model_requests(&stack).await.iter().map(system_of).collect();
    let with_v2 = systems.iter().filter(|s| s.contains("MARK-V2")).count();
    assert!(with_v2 > 0, "no request used version 2");
    assert!(
        systems.iter().all(|s| !s.contains("MARK-V3")),
        "version 3 reached a call"
    );

    // The workflows say their version where the Temporal UI shows it.
    let v2_calls = assigned[1].1;
    let query = format!("CampaignId = '{campaign}' AND AgentId = '{agent}' AND AgentVersion = 2");
    wait_for(
        "the AgentVersion search attribute",
        Duration::from_secs(30),
        || async {
            let counted = stack
                .temporal
                .count_workflows(&query, Default::default())
                .await
                .ok()?;
            (i64::try_from(counted.count()).ok()? == v2_calls).then_some(())
        },
    )
    .await;

    // The A/B results: per version, the leads given it and their conversations.
    let results = stack
        .get(&format!("/api/analytics/agents?campaign_id={campaign}"))
        .await;
    let versions = results["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{results:#}");
    for v in versions {
        let n = if v["version"] == 1 { ones } else { v2_calls };
        assert_eq!(v["leads"], n, "{v}");
        assert_eq!(v["conversations"], n, "{v}");
        assert_eq!(v["meetings_booked"], 0, "{v}");
    }
    let comparison = &results["comparison"];
    assert_eq!(comparison["significant"], false, "{results:#}");
    assert!(
        comparison["summary"]
            .as_str()
            .unwrap()
            .starts_with("No difference yet")
    );
}

/// An agent with a greeting of its own, a lead field in its instructions and four typed
/// questions: the call opens with the disclosure, the field reaches the model, the answers
/// come back typed from the API, the CSV export and the CRM's `call_ended`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fields_reach_the_prompt_and_answers_come_back_typed() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let (agent, _) = stack
        .create_agent(agent_with(json!({
            "instructions": "Call {{ lead.first_name }} about their {{ lead.fields.plan | default('current plan') }} contract.",
            "greetings": {"en": "Hi {{ lead.first_name }}! Quick question about your roof."},
            "questions": [
                {"id": "employees", "text": "How many people work at your company?", "type": "number"},
                {"id": "owns_building", "text": "Do you own the building you work in?", "type": "boolean"},
                {"id": "plan", "text": "Which plan are you on today?", "type": "one_of", "options": ["basic", "pro", "enterprise"]},
                {"id": "challenge", "text": "What is your biggest challenge with energy today?", "type": "text"}
            ],
            "meeting": {"title": {"en": "Roof review for {{ lead.company | default('you') }}"}, "minutes": 60}
        })))
        .await;
    let (status, lead) = stack
        .post(
            "/api/leads",
            json!({"name": "Dana Levi", "phone": "+442071838300", "email": "dana@example.com",
                   "company": "Levi Bakery", "fields": {"plan": "Gold-7731", "seats": 12}}),
        )
        .await;
    assert_eq!(status, 201, "{lead}");
    assert_eq!(lead["fields"], json!({"plan": "Gold-7731", "seats": 12}));
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    let campaign = campaign(
        &stack,
        std::slice::from_ref(&lead_id),
        json!({"id": agent}),
        1,
    )
    .await;
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(120))
        .await;

    // The field reached the model's prompt.
    let systems: Vec<String> = model_requests(&stack).await.iter().map(system_of).collect();
    assert!(
        systems
            .iter()
            .any(|s| s.contains("about their Gold-7731 contract.")),
        "the lead's field never reached the model"
    );

    // The disclosure first, then the agent's own greeting.
    let detail = stack.get(&format!("/api/leads/{lead_id}")).await;
    let call_id = detail["calls"][0]["id"].as_str().unwrap().to_owned();
    let call = stack.get(&format!("/api/calls/{call_id}")).await;
    assert_eq!(call["outcome"], "interested", "{:#}", call["transcript"]);
    assert_eq!(call["agent_version"], 1);
    assert_eq!(
        call["transcript"][0]["text"],
        "Hello Dana Levi, this is the AI assistant of Acme Solar. This call is recorded. Hi Dana! Quick question about your roof."
    );
    // The meeting is the agent's: its title and length.
    let meeting = &detail["meetings"][0];
    assert_eq!(meeting["title"], "Roof review for Levi Bakery");
    let minutes = (chrono::DateTime::parse_from_rfc3339(meeting["ends_at"].as_str().unwrap())
        .unwrap()
        - chrono::DateTime::parse_from_rfc3339(meeting["starts_at"].as_str().unwrap()).unwrap())
    .num_minutes();
    assert_eq!(minutes, 60);

    // The answers, typed, once the summary is written.
    let answers = wait_for("the answers", Duration::from_secs(60), || async {
        let call = stack.get(&format!("/api/calls/{call_id}")).await;
        let answers = call["answers"].clone();
        answers.is_object().then_some(answers)
    })
    .await;
    assert!(answers["employees"].is_number(), "{answers}");
    assert!(answers["owns_building"].is_boolean(), "{answers}");
    assert!(
        ["basic", "pro", "enterprise"].contains(&answers["plan"].as_str().unwrap_or("?")),
        "{answers}"
    );
    assert!(answers["challenge"].is_string(), "{answers}");

    // The CSV export: one column per question, typed values.
    let csv = stack
        .http
        .get(format!(
            "{}/api/calls/export?campaign_id={campaign}",
            stack.api
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 1, "{text}");
    let cell = |name: &str| {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}: {header:?}"));
        rows[0][i].clone()
    };
    assert_eq!(cell("employees"), answers["employees"].to_string());
    assert_eq!(cell("owns_building"), answers["owns_building"].to_string());
    assert_eq!(cell("plan"), answers["plan"].as_str().unwrap());
    assert_eq!(cell("agent_version"), "1");
    assert_eq!(cell("outcome"), "interested");
    record_fixture(&stack, &lead_workflow(&campaign, &lead_id), "agent_call").await;
}

/// A caller who asks what the business offers and what it costs is answered from the agent's
/// knowledge: read whole from the prompt when small, searched per turn when past the budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn knowledge_questions_are_answered_from_the_knowledge() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    // Inline: the default agent's one line of pricing.
    let call = call_one(&stack, ("Ann Ask", "+14155550401"), stack.agent()).await;
    let said: Vec<&str> = call["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["speaker"] == "agent")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert!(
        said.iter()
            .any(|t| t.contains("panels start at 49 euros a month")),
        "the price was not answered from the knowledge: {said:#?}"
    );

    // Searched: past the inline budget, with the price in one passage among many.
    let filler: Vec<Value> = (0..12)
        .map(|i| {
            json!({"title": format!("Installation guide {i}"),
                   "content": "Our installers survey the roof, size the array and file the grid paperwork. ".repeat(20)})
        })
        .collect();
    let mut knowledge = filler;
    knowledge.push(json!({"title": "Price list", "content": "Panels cost 77 pounds per month with no deposit."}));
    // The same fact for Hebrew callers: retrieval works on the callee's own words.
    knowledge
        .push(json!({"title": "מחירון", "content": "הפאנלים עולים 290 שקלים לחודש, בלי מקדמה."}));
    let (big, _) = stack
        .create_agent(agent_with(json!({"knowledge": knowledge})))
        .await;
    let version = stack.get(&format!("/api/agents/{big}")).await;
    assert_eq!(version["latest"]["knowledge_mode"], "search", "{version:#}");
    let call = call_one(&stack, ("Sam Search", "+14155550501"), json!({"id": big})).await;
    let transcript = call["transcript"].as_array().unwrap();
    let searched = transcript.iter().find_map(|t| {
        t["tools"]
            .as_array()?
            .iter()
            .find(|u| u["name"] == "search_knowledge")
            .cloned()
    });
    let searched = searched.unwrap_or_else(|| panic!("no search_knowledge: {transcript:#?}"));
    assert!(
        searched["result"]["passages"]
            .to_string()
            .contains("77 pounds per month"),
        "{searched:#}"
    );
    assert!(
        transcript.iter().any(|t| t["speaker"] == "agent"
            && t["text"].as_str().unwrap().contains("77 pounds per month")),
        "the answer does not come from the passage: {transcript:#?}"
    );
    // The model read the passage in its input (the tool result), not in its prompt.
    let requests = model_requests(&stack).await;
    assert!(requests.iter().any(|r| {
        r["messages"].as_array().is_some_and(|m| {
            m.iter().any(|m| {
                m["role"] == "tool"
                    && m["content"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("77 pounds")
            })
        })
    }));
    assert!(
        requests.iter().all(|r| !system_of(r).contains("77 pounds")),
        "searched knowledge must not be in the prompt"
    );

    // A Hebrew caller asks the same in Hebrew and hears the Hebrew passage.
    let call = call_one(&stack, ("נועה מחיר", "+972527654501"), json!({"id": big})).await;
    let transcript = call["transcript"].as_array().unwrap();
    assert!(
        transcript
            .iter()
            .any(|t| t["speaker"] == "agent" && t["text"].as_str().unwrap().contains("290 שקלים")),
        "the Hebrew answer does not come from the Hebrew passage: {transcript:#?}"
    );
}

/// A trial: the operator types as the callee, the agent offers slots from the real calendar
/// and books one (each tool call shown), the meeting is marked as a trial, and when the trial
/// is over it is released; nothing of it shows in calls, analytics or the calendar.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_trial_chat_books_and_then_releases_its_meeting() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let (status, trial) = stack
        .post(
            &format!("/api/agents/{}/trials", stack.agent_id),
            json!({"language": "en", "lead": {"name": "Tina Trial", "email": "tina@example.com",
                   "timezone": "Europe/London"}}),
        )
        .await;
    assert_eq!(status, 201, "{trial}");
    let id = trial["id"].as_str().unwrap().to_owned();
    assert!(
        trial["transcript"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with(
                "Hello Tina Trial, this is the AI assistant of Acme Solar. This call is recorded."
            ),
        "{trial:#}"
    );
    let say = |text: &'static str| {
        let stack = &stack;
        let id = id.clone();
        async move {
            let (status, reply) = stack
                .post(&format!("/api/trials/{id}/messages"), json!({"text": text}))
                .await;
            assert_eq!(status, 200, "{reply}");
            reply
        }
    };
    let offer = say(line(Line::ProposeTime, Lang::En)).await;
    assert!(
        offer["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "check_availability"),
        "{offer:#}"
    );
    assert_eq!(offer["ended"], false);
    let booked = say(pick_line(1, Lang::En)).await;
    assert!(
        booked["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "book_meeting" && t["result"]["booked"] == true),
        "{booked:#}"
    );
    assert_eq!(booked["ended"], true, "{booked:#}");
    // Once the agent said goodbye the trial is over.
    let (status, _) = stack
        .post(
            &format!("/api/trials/{id}/messages"),
            json!({"text": "Hello?"}),
        )
        .await;
    assert_eq!(status, 409);

    let released = wait_for(
        "the trial's meeting released",
        Duration::from_secs(60),
        || async {
            let view = stack.get(&format!("/api/trials/{id}")).await;
            let meeting = view["meetings"].as_array()?.first()?.clone();
            (meeting["status"] == "cancelled").then_some(view)
        },
    )
    .await;
    let meeting = &released["meetings"][0];
    assert_eq!(meeting["trial"], true);
    assert_eq!(meeting["failure"], "released: the trial ended");
    let lines = released["transcript"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["tools"].as_array().is_some_and(|t| !t.is_empty()))
    );
    // Nothing of the trial outside it: no call listed, no dial counted, no event on the
    // calendar, no invite, no meeting in the list.
    let calls = stack.get("/api/calls").await;
    assert_eq!(calls["calls"].as_array().unwrap().len(), 0, "{calls:#}");
    let overview = stack.get("/api/analytics/overview").await;
    assert_eq!(overview["dials"], 0, "{overview:#}");
    let meetings = stack.get("/api/meetings").await;
    assert_eq!(
        meetings["meetings"].as_array().unwrap().len(),
        0,
        "{meetings:#}"
    );
    let events = stack.sim_get("/sim/calendar/events").await;
    assert!(
        events.as_array().is_none_or(Vec::is_empty)
            || events.as_object().is_some_and(|o| o.is_empty()),
        "{events:#}"
    );
    let workflow = released["workflow_id"].as_str().unwrap();
    record_fixture(&stack, workflow, "trial_chat").await;
}

/// Bad agents and splits are refused with a 4xx naming the field, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bad_agents_and_splits_are_refused_naming_the_field() {
    let stack = Stack::start(StackOptions::default()).await;
    let cases = [
        (
            agent_with(json!({"instructions": "x".repeat(20_001)})),
            "instructions",
        ),
        (
            agent_with(json!({"instructions": "Hi {{ lead.nmae }}"})),
            "instructions",
        ),
        (
            agent_with(json!({"greetings": {"fr": "Bonjour {% if %}"}})),
            "greetings.fr",
        ),
        (
            agent_with(json!({"knowledge": [{"title": "Huge", "content": "x".repeat(200_001)}]})),
            "knowledge[0].content",
        ),
        (
            agent_with(
                json!({"questions": [{"id": "plan", "text": "Which?", "type": "one_of", "options": ["a"]}]}),
            ),
            "questions[0].options",
        ),
        (
            agent_with(json!({"questions": [{"id": "x", "text": "?", "type": "date"}]})),
            "questions[0].type",
        ),
        (
            agent_with(json!({"meeting": {"title": {"fr": "Bilan"}}})),
            "meeting.title.en",
        ),
    ];
    for (spec, field) in cases {
        let (status, body) = stack.post("/api/agents", spec).await;
        assert_eq!(status, 422, "{field}: {body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let (status, body) = stack
        .post(
            "/api/agents",
            agent_with(json!({"instructions": "Hi {{ lead.nmae }}"})),
        )
        .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("lead.nmae"),
        "{status} {body}"
    );
    // A file that is not text.
    let form = reqwest::multipart::Form::new()
        .part(
            "agent",
            reqwest::multipart::Part::text(default_agent().to_string())
                .mime_str("application/json")
                .unwrap(),
        )
        .part(
            "knowledge",
            reqwest::multipart::Part::bytes(b"%PDF-1.7\n\x00\x01binary".to_vec())
                .file_name("deck.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let resp = stack
        .http
        .post(format!("{}/api/agents", stack.api))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body: Value = resp.json().await.unwrap();
    // The default agent has one document: the file is the second.
    assert_eq!(body["error"]["field"], "knowledge[1]", "{body}");
    // A text file is taken, its name as the title.
    let form = reqwest::multipart::Form::new()
        .part(
            "agent",
            reqwest::multipart::Part::text(default_agent().to_string()),
        )
        .part(
            "knowledge",
            reqwest::multipart::Part::text("# Warranty\nTwenty-five years.")
                .file_name("warranty.md")
                .mime_str("text/markdown")
                .unwrap(),
        );
    let resp = stack
        .http
        .post(format!("{}/api/agents", stack.api))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.unwrap();
    let docs = created["spec"]["knowledge"].as_array().unwrap();
    assert_eq!(docs.last().unwrap()["title"], "warranty.md");
    // Only the stack's agent and this one were stored.
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM agent_versions")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(stored, 2);

    // Splits: a zero weight, another agent's version, an unknown agent.
    let ids = stack.create_leads(&[("Split Test", "+14155550601")]).await;
    // Versions are numbered per agent: version 2 is not this agent's (the other agent has its
    // own version 1), so naming it is refused.
    let agent = stack.agent_id.clone();
    for (split, field) in [
        (
            json!({"id": agent, "variants": [{"version": 1, "weight": 1}, {"version": 1, "weight": 0}]}),
            "agent.variants[1]",
        ),
        (
            json!({"id": agent, "variants": [{"version": 2, "weight": 1}]}),
            "agent.variants[0].version",
        ),
        (json!({"id": agent, "version": 9}), "agent.version"),
        (json!({"id": uuid::Uuid::new_v4()}), "agent.id"),
        (json!({"id": agent, "variants": []}), "agent.variants"),
    ] {
        let (status, body) = stack
            .post(
                "/api/campaigns/start",
                json!({"lead_ids": ids, "agent": split}),
            )
            .await;
        assert_eq!(status, 422, "{split}: {body}");
        assert_eq!(body["error"]["field"], field, "{split}: {body}");
    }
    let campaigns: i64 = sqlx::query_scalar("SELECT count(*) FROM campaigns")
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(campaigns, 0);
    let (status, body) = stack
        .post(
            "/api/campaigns/start",
            json!({"lead_ids": ids, "agent": {"id": agent}, "settings": {"business_name": "X"}}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("settings.business_name")),
        "{body}"
    );
}

/// A trial that played a real lead copied its name and fields: erasing the lead erases the
/// trial's copy and transcript too.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn erasing_a_lead_erases_the_trials_that_played_it() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let (status, lead) = stack
        .post(
            "/api/leads",
            json!({"name": "Erin Erase", "phone": "+442071838999", "email": "erin@example.com",
                   "fields": {"plan": "Secret-42"}}),
        )
        .await;
    assert_eq!(status, 201, "{lead}");
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    let (status, trial) = stack
        .post(
            &format!("/api/agents/{}/trials", stack.agent_id),
            json!({"lead_id": lead_id}),
        )
        .await;
    assert_eq!(status, 201, "{trial}");
    let id = trial["id"].as_str().unwrap().to_owned();
    let (status, _) = stack
        .post(
            &format!("/api/trials/{id}/messages"),
            json!({"text": "Who is calling?"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = stack
        .post(&format!("/api/trials/{id}/end"), json!({}))
        .await;
    assert_eq!(status, 202);
    let erased = stack.erase_lead(&lead_id).await;
    assert_eq!(erased.erased.map(|e| e.trials), Some(1));
    let copies: Vec<(String, Option<String>, Value)> = sqlx::query_as(
        "SELECT l.name, l.email, l.fields FROM agent_trials t JOIN leads l ON l.id = t.lead_id
         WHERE t.id = $1::uuid",
    )
    .bind(&id)
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(copies, vec![("(erased)".to_owned(), None, json!({}))]);
    let lines: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM call_turns t JOIN calls c ON c.id = t.call_id
         JOIN agent_trials a ON a.workflow_id = c.workflow_id WHERE a.id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(lines, 0);
}
