//! `DELETE /api/leads/{id}` and recordings: a deleted lead stops (its workflow ends, it is never
//! dialled again, its number is free for a new lead) while its calls stay on record; erasing it
//! removes its personal data here, at Twilio (the recording) and in Temporal (the histories).
//! Recordings play through signed links that expire and cannot be forged.

use crate::support::{Stack, StackOptions, lead_workflow, wait_for};
use base64::Engine as _;
use callwright_api::signature::sign;
use callwright_contracts::api::leads::ErasureState;
use callwright_contracts::ids::campaign_workflow_id;
use callwright_sim::SimConfig;
use callwright_workflows::{CampaignWorkflow, LeadErasureWorkflow, LeadWorkflow};
use serde_json::{Value, json};
use std::time::Duration;
use temporalio_client::WorkflowExecutionStatus;
use temporalio_client::{WorkflowDescribeOptions, WorkflowFetchHistoryOptions};

async fn lead_status(stack: &Stack, id: &str) -> (u16, Value) {
    let resp = stack
        .http
        .get(format!("{}/api/leads/{id}", stack.api))
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

async fn delete(stack: &Stack, path: &str) -> (u16, Value) {
    let resp = stack
        .http
        .delete(format!("{}{path}", stack.api))
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_deleted_lead_stops_and_an_erased_one_leaves_no_personal_data() {
    let mut stack = Stack::start(StackOptions {
        api_env: vec![("RECORDING_LINK_TTL_SECS", "3".to_owned())],
        ..Default::default()
    })
    .await;
    stack.start_worker();
    // Dana (persona 03) asks to be called back tomorrow: her workflow then waits on a timer.
    // Ben is second in a one-at-a-time campaign and is deleted before his turn.
    let ids = stack
        .create_leads(&[("Dana Levi", "+972527654303"), ("Ben Ami", "+972527654300")])
        .await;
    let (dana, ben) = (ids[0].clone(), ids[1].clone());
    let campaign = stack.start_campaign(&ids, 1, 3).await;
    let (status, body) = delete(&stack, &format!("/api/leads/{ben}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["erasure"],
        Value::Null,
        "a plain delete erases nothing: {body}"
    );

    let call_id = wait_for(
        "Dana's call recorded and parked",
        Duration::from_secs(90),
        || async {
            let (_, lead) = lead_status(&stack, &dana).await;
            let parked = lead["workflow"]["phase"] == "waiting_callback";
            let call = &lead["calls"][0];
            (parked && call["recording_url"].is_string())
                .then(|| call["id"].as_str().unwrap().to_owned())
        },
    )
    .await;
    let twilio_recording: String =
        sqlx::query_scalar("SELECT recording_url FROM calls WHERE id = $1::uuid")
            .bind(&call_id)
            .fetch_one(&stack.db)
            .await
            .unwrap();

    // The recording: a key is needed for the link, not for the link itself.
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let link_path = format!("{}/api/calls/{call_id}/recording", stack.api);
    assert_eq!(
        anonymous.get(&link_path).send().await.unwrap().status(),
        401
    );
    let link = stack.get(&format!("/api/calls/{call_id}/recording")).await;
    let url = link["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/recordings/{call_id}?", stack.api)),
        "{url}"
    );
    assert!(
        !url.contains(&twilio_recording),
        "the provider URL stays private: {url}"
    );
    let audio = anonymous.get(&url).send().await.unwrap();
    assert_eq!(audio.status(), 200);
    assert_eq!(audio.headers()["content-type"], "audio/x-wav");
    assert_eq!(&audio.bytes().await.unwrap()[..4], b"RIFF");
    let forged = url.replace("signature=", "signature=x");
    let refused = anonymous.get(&forged).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "link_rejected");
    let later = url.replace("expires=", "expires=9");
    assert_eq!(
        anonymous.get(&later).send().await.unwrap().status(),
        403,
        "a changed expiry is a forgery"
    );
    let redirect = anonymous
        .get(format!("{link_path}?redirect=true"))
        .bearer_auth(&stack.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 307);
    assert!(
        redirect.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(&format!("{}/recordings/", stack.api))
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        anonymous.get(&url).send().await.unwrap().status(),
        403,
        "expired"
    );

    // Delete: the waiting workflow ends, the lead leaves the API, its number is free again.
    let workflow = lead_workflow(&campaign, &dana);
    let (status, body) = delete(&stack, &format!("/api/leads/{dana}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stopped_workflows"], json!([workflow]));
    let handle = stack
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow.clone());
    wait_for(
        "the lead's workflow to end",
        Duration::from_secs(30),
        || async {
            let d = handle
                .describe(WorkflowDescribeOptions::default())
                .await
                .ok()?;
            (d.status() != WorkflowExecutionStatus::Running).then_some(())
        },
    )
    .await;
    assert_eq!(lead_status(&stack, &dana).await.0, 404);
    let listed = stack.get("/api/leads?limit=100").await;
    assert!(
        listed["leads"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["id"] != dana.as_str() && l["id"] != ben.as_str()),
        "{listed}"
    );
    let again = stack.create_leads(&[("Dana Levi", "+972527654303")]).await;
    assert_ne!(again[0], dana);
    let calls = stack.get(&format!("/api/calls?lead_id={dana}")).await;
    assert_eq!(
        calls["calls"].as_array().unwrap().len(),
        1,
        "calls stay for audit: {calls}"
    );
    stack
        .wait_campaign_done(&campaign, Duration::from_secs(60))
        .await;

    // Erase: personal data gone here, at the provider and in Temporal; the call's facts stay.
    // An outbound webhook event about her that an endpoint received earlier.
    let event: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO webhook_outbox (event_type, payload, delivered_at)
         VALUES ('turn', jsonb_build_object('type', 'turn', 'lead_id', $1::text,
                 'text', 'call me on my other number', 'at', now()), now())
         RETURNING id",
    )
    .bind(&dana)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    let done = stack.erase_lead(&dana).await;
    let payload: Value = sqlx::query_scalar("SELECT payload FROM webhook_outbox WHERE id = $1")
        .bind(event)
        .fetch_one(&stack.db)
        .await
        .unwrap();
    assert_eq!(payload["text"], Value::Null, "{payload}");
    assert_eq!(
        payload["lead_id"],
        dana.as_str(),
        "the event's facts stay: {payload}"
    );
    let erased = done.erased.clone().expect("what the erasure removed");
    assert_eq!(erased.deleted_recordings, 1, "{done:?}");
    assert!(erased.deleted_histories >= 1, "{done:?}");
    assert!(erased.deleted_transcript_turns > 0, "{done:?}");
    crate::lifecycle::record_history::<LeadErasureWorkflow>(
        &stack,
        &done.workflow_id,
        "lead_erasure",
    )
    .await;
    // Asking again runs the erasure again, which finds everything done and removes nothing.
    let repeat = stack.erase_lead(&dana).await;
    assert_eq!(
        repeat.erased.as_ref().map(|e| e.deleted_transcript_turns),
        Some(0),
        "{repeat:?}"
    );
    let (name, phone, email): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, phone, email FROM leads WHERE id = $1::uuid")
            .bind(&dana)
            .fetch_one(&stack.db)
            .await
            .unwrap();
    assert_eq!((name.as_str(), phone, email), ("(erased)", None, None));
    let (calls, turns, recordings): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), (SELECT count(*) FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.lead_id = $1::uuid),
                count(recording_url)
         FROM calls WHERE lead_id = $1::uuid AND outcome = 'callback_requested'",
    )
    .bind(&dana)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!((calls, turns, recordings), (1, 0, 0));
    let link = stack
        .http
        .get(format!("{}/api/calls/{call_id}/recording", stack.api))
        .send()
        .await
        .unwrap();
    assert_eq!(link.status(), 404);
    let sim = SimConfig::default();
    let at_twilio = anonymous
        .get(format!("{twilio_recording}.wav"))
        .basic_auth(&sim.account_sid, Some(&sim.auth_token))
        .send()
        .await
        .unwrap();
    assert_eq!(
        at_twilio.status(),
        404,
        "the recording is deleted at the provider"
    );
    // Temporal deletes asynchronously (a background task on the server), slower under load.
    wait_for(
        "the workflow history to be deleted",
        Duration::from_secs(120),
        || async {
            handle
                .describe(WorkflowDescribeOptions::default())
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
    // The campaign's history stays (it is the campaign's), and never held her name or number:
    // her workflow was started with her id and read the rest into its own, deleted, history.
    let campaign_history = stack
        .temporal
        .get_workflow_handle::<CampaignWorkflow>(campaign_workflow_id(&campaign))
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .to_json()
        .await
        .unwrap();
    let campaign_history = history_text(&serde_json::from_slice(&campaign_history).unwrap());
    assert!(campaign_history.contains(dana.as_str()), "her id stays");
    for personal in ["Dana Levi", "972527654303", "Ben Ami", "972527654300"] {
        assert!(
            !campaign_history.contains(personal),
            "the campaign's history holds {personal:?}"
        );
    }
    // Twilio announces the recording again after the erasure (a late retry of its callback):
    // the product erases once more on its own, so the link does not come back.
    let (call_sid, workflow, attempt): (String, String, i32) =
        sqlx::query_as("SELECT call_sid, workflow_id, attempt FROM calls WHERE id = $1::uuid")
            .bind(&call_id)
            .fetch_one(&stack.db)
            .await
            .unwrap();
    let hook = format!(
        "{}/twilio/recording?wf={workflow}&attempt={attempt}",
        stack.api
    );
    let params: Vec<(String, String)> = [
        ("AccountSid", sim.account_sid.as_str()),
        ("CallSid", call_sid.as_str()),
        ("RecordingUrl", twilio_recording.as_str()),
        ("RecordingStatus", "completed"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let late = anonymous
        .post(&hook)
        .header("X-Twilio-Signature", sign(&sim.auth_token, &hook, &params))
        .form(&params)
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 204, "{}", late.text().await.unwrap());
    let audited: Vec<(String, Value)> = wait_for(
        "the late recording erased",
        Duration::from_secs(60),
        || async {
            let left: Option<String> =
                sqlx::query_scalar("SELECT recording_url FROM calls WHERE id = $1::uuid")
                    .bind(&call_id)
                    .fetch_one(&stack.db)
                    .await
                    .unwrap();
            let audited: Vec<(String, Value)> = sqlx::query_as(
                "SELECT action, detail FROM audit_log WHERE target = $1 ORDER BY at",
            )
            .bind(&dana)
            .fetch_all(&stack.db)
            .await
            .unwrap();
            (left.is_none() && audited.len() == 4).then_some(audited)
        },
    )
    .await;
    // One delete; two erasures asked for and one the product asked itself, each audited once.
    let actions: Vec<&str> = audited.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        ["lead.delete", "lead.erase", "lead.erase", "lead.erase"]
    );
    assert_eq!(audited[1].1["asked_by"], "operator");
    assert_eq!(
        audited[3].1["asked_by"], "late recording",
        "{:?}",
        audited[3]
    );
    // The new lead with the same number is untouched; Ben was never dialled.
    let (status, fresh) = lead_status(&stack, &again[0]).await;
    assert_eq!(
        (status, fresh["phone"].as_str()),
        (200, Some("+972527654303"))
    );
    let dialled_ben = stack
        .sim_calls()
        .await
        .iter()
        .filter(|c| c["to"] == "+972527654300")
        .count();
    assert_eq!(dialled_ben, 0);
    let (status, _) = delete(&stack, &format!("/api/leads/{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, 404);
}

/// Every string of a history (Temporal's JSON), with each payload's `data` decoded: what an
/// operator can read in it.
fn history_text(history: &Value) -> String {
    fn walk(value: &Value, key: Option<&str>, out: &mut String) {
        match value {
            Value::String(text) => {
                let decoded = (key == Some("data"))
                    .then(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
                    .flatten();
                match decoded {
                    Some(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
                    None => out.push_str(text),
                }
                out.push('\n');
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
            Value::Object(fields) => fields.iter().for_each(|(k, v)| walk(v, Some(k), out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(history, None, &mut out);
    out
}

/// A recording the provider refuses to delete (here a link outside the account, which the
/// adapter never sends the account's credentials to) does not keep the lead's personal data:
/// the erasure blanks the lead, keeps the recording due for the next run, and fails naming the
/// refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_recording_still_leaves_the_lead_blanked_and_the_recording_due() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let ids = stack.create_leads(&[("Dana Levi", "+972527654303")]).await;
    let lead = &ids[0];
    let foreign = "https://recordings.example.net/Recordings/RE0123456789abcdef0123456789abcdef";
    sqlx::query(
        "INSERT INTO calls (id, lead_id, workflow_id, attempt, call_sid, status, language,
                            recording_url)
         VALUES ($1, $2::uuid, 'lead-imported', 1, 'CAimported', 'completed', 'en', $3)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(lead)
    .bind(foreign)
    .execute(&stack.db)
    .await
    .unwrap();

    let deleted = stack.client.delete_lead(lead, true).await.unwrap();
    assert!(deleted.erasure.is_some(), "{deleted:?}");
    let status = wait_for("the erasure to end", Duration::from_secs(90), || async {
        let status = stack.client.erasure(lead).await.unwrap();
        (status.status != ErasureState::Running).then_some(status)
    })
    .await;
    assert_eq!(status.status, ErasureState::Failed, "{status:?}");
    let error = status.error.unwrap_or_default();
    assert!(error.contains("refused"), "{error}");

    let (name, phone): (String, Option<String>) =
        sqlx::query_as("SELECT name, phone FROM leads WHERE id = $1::uuid")
            .bind(lead)
            .fetch_one(&stack.db)
            .await
            .unwrap();
    assert_eq!((name.as_str(), phone), ("(erased)", None));
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT url FROM recording_deletions WHERE lead_id = $1::uuid AND deleted_at IS NULL",
    )
    .bind(lead)
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert_eq!(due, [foreign], "due for the next run");
}
