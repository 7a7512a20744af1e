//! Replays recorded histories (the SDK's own JSON, recorded by the end-to-end tests with
//! `CALLWRIGHT_RECORD_HISTORIES`) against today's workflow code: a change that would break a
//! running workflow (nondeterminism) fails here, one test per history so a failure names it.
//!
//! The fixtures are the versioning baseline of `docs/versioning.md`: every workflow path a
//! deployment can be in the middle of, recorded from the code as it was when the baseline was
//! reset (no patch markers). A change that alters history adds a `ctx.patched(..)` branch and a
//! fixture recorded with it; see that document for when a patch is deprecated and removed.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use callwright_workflows::{
    CampaignWorkflow, LeadErasureWorkflow, LeadWorkflow, MeetingChangeWorkflow,
};
use temporalio_client::WorkflowHistory;
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

/// Replays `tests/histories/<name>.json`.
async fn replay(name: &str) {
    let options = WorkflowReplayerOptions::new()
        .register_workflow::<LeadWorkflow>()
        .and_then(|o| o.register_workflow::<CampaignWorkflow>())
        .and_then(|o| o.register_workflow::<MeetingChangeWorkflow>())
        .and_then(|o| o.register_workflow::<LeadErasureWorkflow>())
        .expect("workflows register")
        .build();
    let replayer = WorkflowReplayer::new(options).expect("replayer");
    let path = format!("{}/tests/histories/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let history = WorkflowHistory::from_json(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    if let Err(err) = replayer.replay_workflow(history).await {
        panic!("{name} no longer replays: {err}");
    }
}

/// One test per fixture: `fixture!(name, "what it recorded (and which test records it)")`.
macro_rules! fixture {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[tokio::test]
        async fn $name() {
            replay(stringify!($name)).await;
        }
    };
}

fixture!(
    interested_call,
    "A call that agreed to meet (no booking tools used), then the summary (`lifecycle.rs`)."
);
fixture!(
    relay_interested_call,
    "A realtime call over ConversationRelay: the voice update's <Connect>, the relay_setup \
     update, one turn update per final prompt, the relay_ended update, then booking and the \
     summary (`relay.rs`)."
);
fixture!(
    relay_interrupted_call,
    "A realtime call whose callee cut the agent off: the relay_interrupted signal marks the line, \
     and the next turn is answered with it (`relay.rs`)."
);
fixture!(
    no_answer_then_retry,
    "No answer, a retry timer, an answered retry (`lifecycle.rs`)."
);
fixture!(
    campaign,
    "A campaign starting its leads in batches, settling them, completing (`lifecycle.rs`)."
);
fixture!(
    booked_call,
    "A call that booked a slot: confirm (event, video link), invite, summary (`booking.rs`)."
);
fixture!(
    meeting_change,
    "An operator moving a booked meeting: calendar, video, updated invite (`booking.rs`)."
);
fixture!(
    language_switch,
    "A French callee who goes over to English mid-call (`languages.rs`)."
);
fixture!(
    llm_failure_release_unbooked,
    "The model failing right after a booking: the reservation released (`chaos.rs`)."
);
fixture!(
    speech_call,
    "A call with synthesised speech from the dial (`speech.rs`)."
);
fixture!(
    transcribed_call,
    "An answered call whose recording is transcribed after it (`transcription.rs`)."
);
fixture!(
    agent_call,
    "An agent with its own greeting, a lead field and four typed questions (`agents.rs`)."
);
fixture!(
    trial_chat,
    "A trial over the chat channel: booked, ended, its meeting released (`agents.rs`)."
);
fixture!(
    lead_erasure,
    "A lead's erasure: its recording deleted at the provider, its workflows' histories deleted, its projections blanked with the audit row (`lead_delete.rs`)."
);
fixture!(
    interested_call_follow_answered,
    "`interested_call` recorded with the `follow-answered` marker (`lifecycle.rs`)."
);

/// The timers of a fixture's history, in order: `(started, duration in seconds)` for each
/// start, `(canceled, 0)` and `(fired, 0)` for the others, by the timer's id.
fn timers(name: &str) -> Vec<(&'static str, String, f64)> {
    let path = format!("{}/tests/histories/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let history: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut out = Vec::new();
    for event in history["events"].as_array().unwrap() {
        let attributes = &event["attributes"];
        let seconds = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|s| s.trim_end_matches('s').parse::<f64>().ok())
                .unwrap_or_default()
        };
        if let Some(a) = attributes.get("TimerStartedEventAttributes") {
            let id = a["timer_id"].as_str().unwrap().to_owned();
            out.push(("started", id, seconds(&a["start_to_fire_timeout"])));
        } else if let Some(a) = attributes.get("TimerCanceledEventAttributes") {
            out.push(("canceled", a["timer_id"].as_str().unwrap().to_owned(), 0.0));
        } else if let Some(a) = attributes.get("TimerFiredEventAttributes") {
            out.push(("fired", a["timer_id"].as_str().unwrap().to_owned(), 0.0));
        }
    }
    out
}

/// A guard on the fixtures themselves (the replays above are what checks the code: the new
/// fixture's `TimerCanceled` must meet a cancel command on replay). What the `follow-answered`
/// marker changed, read from the two recordings of the same call:
/// before it, the ringing timer armed at the dial outlives the answer (it would fire, and ask
/// the provider, mid-conversation); with it, the answer cancels that timer and arms one as
/// long as the call may last.
#[test]
fn an_answered_call_drops_its_ringing_timer() {
    let before = timers("interested_call");
    let ringing = &before[0];
    assert_eq!(ringing.0, "started", "{before:?}");
    assert!(
        !before
            .iter()
            .any(|(kind, id, _)| *kind == "canceled" && *id == ringing.1),
        "without the marker the ringing timer was never canceled: {before:?}"
    );

    let after = timers("interested_call_follow_answered");
    let ringing = &after[0];
    assert_eq!(ringing.0, "started", "{after:?}");
    assert_eq!(
        after[1],
        ("canceled", ringing.1.clone(), 0.0),
        "the answer cancels the ringing timer first: {after:?}"
    );
    // The e2e stack's settings (`worker/tests/e2e/support.rs`): a 10 s ring timeout, so a
    // ringing bound of 130 s, and calls of at most 120 s.
    assert_eq!(ringing.2, 130.0, "{after:?}");
    let (kind, _, length) = &after[2];
    assert!(
        *kind == "started" && *length == 120.0,
        "then waits as long as the call may last: {after:?}"
    );
}
