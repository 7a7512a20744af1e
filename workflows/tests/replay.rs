//! Replays recorded histories (the SDK's own JSON, recorded by `worker/tests/e2e/lifecycle.rs` with
//! `CALLWRIGHT_RECORD_HISTORIES`) against today's workflow code. A change that would break
//! running workflows (nondeterminism) fails here. A workflow change that alters history needs
//! versioning (`ctx.patched`) so these still replay, plus a new fixture recorded with it.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use callwright_workflows::{CampaignWorkflow, LeadWorkflow};
use temporalio_client::WorkflowHistory;
use temporalio_sdk::workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions};

/// Recorded before calling windows (no patch markers), then with the `calling-window` patch,
/// then a call that booked a meeting (the `book-meeting` patch: calendar event and invite),
/// recorded by `worker/tests/e2e/booking.rs`; then both of those again with the
/// `post-call-summary` patch (`summarize_call` after each answered call); then a French call whose
/// callee moved to English (the `language-switch` patch), recorded by `worker/tests/e2e/languages.rs`;
/// then a call whose model failed after reserving a slot (the `release-unbooked` patch); then calls
/// with synthesised speech (`tts-speech`) and a transcribed recording (`recording-transcript`);
/// and a campaign (by `worker/tests/e2e/lifecycle.rs`) starting its leads one at a time, then
/// in batches (the `batch-starts` patch).
const FIXTURES: [&str; 13] = [
    "interested_call",
    "no_answer_then_retry",
    "interested_call_window",
    "no_answer_then_retry_window",
    "booked_call",
    "booked_call_summary",
    "no_answer_then_retry_summary",
    "language_switch",
    "llm_failure_release_unbooked",
    "speech_call",
    "transcribed_call",
    "campaign_one_at_a_time",
    "campaign_batched",
];

#[tokio::test]
async fn recorded_histories_replay_deterministically() {
    let options = WorkflowReplayerOptions::new()
        .register_workflow::<LeadWorkflow>()
        .and_then(|o| o.register_workflow::<CampaignWorkflow>())
        .expect("workflows register")
        .build();
    let replayer = WorkflowReplayer::new(options).expect("replayer");
    for name in FIXTURES {
        let path = format!("{}/tests/histories/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let history = WorkflowHistory::from_json(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        if let Err(err) = replayer.replay_workflow(history).await {
            panic!("{name} no longer replays: {err}");
        }
    }
}
