//! A campaign over every simulator persona, end to end on real servers: each lead reaches the
//! outcome its caller's behaviour calls for, and the durable history of a call shows the dial
//! activity, the status signals and one update per conversation turn.
//!
//! With `CALLWRIGHT_RECORD_HISTORIES=<dir>` it also writes the replay fixtures used by
//! `workflows/tests/replay.rs` (an interested call; a no-answer-then-retry lead).

use crate::support::{Stack, StackOptions, lead_workflow};
use callwright_domain::Language;
use callwright_domain::phrases::phrases;
use callwright_workflows::LeadWorkflow;
use futures::TryStreamExt;
use std::collections::HashMap;
use std::time::Duration;
use temporalio_client::WorkflowFetchHistoryOptions;
use temporalio_common::protos::temporal::api::enums::v1::EventType;
use temporalio_common::protos::temporal::api::history::v1::HistoryEvent;
use temporalio_common::protos::temporal::api::history::v1::history_event::Attributes;

/// (persona, phone, expected outcome); the persona is the number's last two digits.
const PERSONAS: [(&str, &str, &str); 14] = [
    ("books (he)", "+972527654300", "interested"),
    (
        "asks questions then books (fr)",
        "+33612345601",
        "interested",
    ),
    ("not interested (de)", "+4915123456702", "not_interested"),
    ("callback (es)", "+34612345603", "callback_requested"),
    ("opts out (he)", "+972527654304", "opted_out"),
    ("voicemail (en)", "+14155552605", "voicemail"),
    ("no answer (en)", "+14155552606", "no_answer"),
    ("busy (fr)", "+33612345607", "busy"),
    ("hangs up mid-call (de)", "+4915123456708", "hung_up"),
    ("silent (es)", "+34612345609", "no_response"),
    ("unintelligible (en)", "+14155552610", "no_response"),
    ("failed (en)", "+14155552611", "failed"),
    ("no answer, then books (en)", "+14155552612", "interested"),
    ("opts out (es)", "+34612345604", "opted_out"),
];

pub(crate) async fn history(stack: &Stack, workflow_id: &str) -> Vec<HistoryEvent> {
    stack
        .temporal
        .get_workflow_handle::<LeadWorkflow>(workflow_id.to_owned())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .try_collect()
        .await
        .expect("history")
}

/// Each call to `phone`: its attempt number and outcome.
async fn attempts(stack: &Stack, phone: &str) -> Vec<(i32, String)> {
    sqlx::query_as(
        "SELECT c.attempt, c.outcome FROM calls c JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 ORDER BY attempt",
    )
    .bind(phone)
    .fetch_all(&stack.db)
    .await
    .unwrap()
}

fn count(events: &[HistoryEvent], kind: EventType) -> usize {
    events
        .iter()
        .filter(|e| e.event_type == kind as i32)
        .count()
}

pub(crate) async fn record_fixture(stack: &Stack, workflow_id: &str, name: &str) {
    record_history::<LeadWorkflow>(stack, workflow_id, name).await;
}

/// Writes the history of any workflow to `CALLWRIGHT_RECORD_HISTORIES/<name>.json`, if set.
pub(crate) async fn record_history<W: temporalio_common::HasWorkflowDefinition>(
    stack: &Stack,
    workflow_id: &str,
    name: &str,
) {
    if std::env::var_os("CALLWRIGHT_RECORD_HISTORIES").is_none() {
        return;
    }
    let json = stack
        .temporal
        .get_workflow_handle::<W>(workflow_id.to_owned())
        .fetch_history(WorkflowFetchHistoryOptions::default())
        .to_json()
        .await
        .expect("history JSON");
    save_fixture(name, json);
}

/// Writes a history already fetched (the SDK's JSON) as `CALLWRIGHT_RECORD_HISTORIES/<name>.json`,
/// if set.
pub(crate) fn save_fixture(name: &str, history: impl AsRef<[u8]>) {
    if let Ok(dir) = std::env::var("CALLWRIGHT_RECORD_HISTORIES") {
        std::fs::write(
            std::path::Path::new(&dir).join(format!("{name}.json")),
            history,
        )
        .expect("write fixture");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_persona_reaches_its_outcome() {
    let mut stack = Stack::start(StackOptions::default()).await;
    stack.start_worker();
    let leads: Vec<(&str, &str)> = PERSONAS
        .iter()
        .map(|(name, phone, _)| (*name, *phone))
        .collect();
    let ids = stack.create_leads(&leads).await;
    let campaign = stack.start_campaign(&ids, 13, 2).await;
    let detail = stack
        .wait_campaign_done(&campaign, Duration::from_secs(150))
        .await;

    let by_phone: HashMap<&str, &str> = detail
        .leads
        .iter()
        .map(|l| {
            (
                l.phone.as_deref().unwrap_or_default(),
                l.outcome.as_deref().unwrap_or("<none>"),
            )
        })
        .collect();
    for (persona, phone, expected) in PERSONAS {
        assert_eq!(
            by_phone.get(phone).copied(),
            Some(expected),
            "{persona} ({phone})"
        );
    }
    assert_eq!(detail.progress.as_ref().map(|p| p.settled), Some(14));

    // Both opt-outs, Hebrew and Spanish, are on the do-not-call list, and each call ended on
    // the agent confirming it in the callee's language.
    let dnc: Vec<String> = sqlx::query_scalar("SELECT phone FROM dnc ORDER BY phone")
        .fetch_all(&stack.db)
        .await
        .unwrap();
    assert_eq!(dnc, ["+34612345604", "+972527654304"]);
    for (phone, language) in [
        ("+972527654304", Language::He),
        ("+34612345604", Language::Es),
    ] {
        let last: (String, String) = sqlx::query_as(
            "SELECT t.speaker, t.text FROM call_turns t JOIN calls c ON c.id = t.call_id
             JOIN leads l ON l.id = c.lead_id WHERE l.phone = $1 ORDER BY t.idx DESC LIMIT 1",
        )
        .bind(phone)
        .fetch_one(&stack.db)
        .await
        .unwrap();
        assert_eq!(last.0, "agent", "{phone}");
        let confirmation = &phrases(language).opt_out_confirmation;
        assert_eq!(
            &last.1, confirmation,
            "{phone}: the call did not end on the confirmation"
        );
    }

    // The retried lead was dialled twice, one call row per attempt.
    assert_eq!(
        attempts(&stack, "+14155552612").await,
        vec![(1, "no_answer".to_owned()), (2, "interested".to_owned())]
    );

    // The Hebrew call's transcript: greeting with business name, AI disclosure and recording
    // notice, then both speakers.
    let turns: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.speaker, t.text FROM call_turns t JOIN calls c ON c.id = t.call_id JOIN leads l ON l.id = c.lead_id
         WHERE l.phone = $1 ORDER BY t.idx",
    )
    .bind("+972527654300")
    .fetch_all(&stack.db)
    .await
    .unwrap();
    assert!(turns.len() >= 3, "{turns:?}");
    assert_eq!(turns[0].0, "agent");
    assert!(
        turns[0].1.contains("Acme Solar")
            && turns[0].1.contains("בינה המלאכותית")
            && turns[0].1.contains("מוקלטת"),
        "{}",
        turns[0].1
    );
    assert!(turns.iter().any(|(speaker, _)| speaker == "callee"));

    // The voicemail persona heard a message left for it, and nobody conversed with the machine.
    let calls = stack.sim_calls().await;
    let voicemail = calls
        .iter()
        .find(|c| c["to"] == "+14155552605")
        .expect("voicemail call");
    let heard: Vec<&str> = voicemail["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["text"].as_str())
        .collect();
    assert!(
        heard
            .iter()
            .any(|t| t.contains("Acme Solar") && t.contains("try to reach you again")),
        "{heard:?}"
    );
    // A machine answer schedules a retry: the voicemail lead was called again (its campaign
    // allows two attempts), and left a message each time.
    assert_eq!(
        attempts(&stack, "+14155552605").await,
        vec![(1, "voicemail".to_owned()), (2, "voicemail".to_owned())]
    );

    // The history of a conversation: one dial activity, status signals, and one update per
    // turn (the voice webhook's greeting plus one per callee turn).
    let lead = &ids[1];
    let events = history(&stack, &lead_workflow(&campaign, lead)).await;
    let dials = events
        .iter()
        .filter(|e| matches!(&e.attributes, Some(Attributes::ActivityTaskScheduledEventAttributes(a)) if a.activity_type.as_ref().is_some_and(|t| t.name == "DialActivities::dial")))
        .count();
    assert_eq!(dials, 1);
    assert!(count(&events, EventType::WorkflowExecutionSignaled) >= 3);
    let callee_turns: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.lead_id = $1::uuid AND t.speaker = 'callee'",
    )
    .bind(lead)
    .fetch_one(&stack.db)
    .await
    .unwrap();
    assert_eq!(
        count(&events, EventType::WorkflowExecutionUpdateCompleted),
        usize::try_from(callee_turns).unwrap() + 1
    );

    record_fixture(
        &stack,
        &lead_workflow(&campaign, &ids[0]),
        "interested_call",
    )
    .await;
    record_history::<callwright_workflows::CampaignWorkflow>(
        &stack,
        &callwright_contracts::ids::campaign_workflow_id(&campaign),
        "campaign",
    )
    .await;
    record_fixture(
        &stack,
        &lead_workflow(&campaign, &ids[12]),
        "no_answer_then_retry",
    )
    .await;
}
