//! Activity options: timeouts and retry policies per kind of work.

use std::time::Duration;
use temporalio_common::{ActivityCloseTimeouts, RetryPolicy};
use temporalio_sdk::{ActivityOptions, LocalActivityOptions};

/// Default task queue of workflows and non-dial activities.
pub const TASK_QUEUE: &str = "callwright";
/// Default task queue of the dial activity (rate-limited server-side).
pub const DIAL_TASK_QUEUE: &str = "callwright-dial";

fn retry(initial: Duration, max_interval: Duration, max_attempts: u32) -> RetryPolicy {
    RetryPolicy::builder()
        .initial_interval(initial)
        .backoff_coefficient(2.0)
        .maximum_interval(max_interval)
        .maximum_attempts(max_attempts)
        .build()
}

/// Dialling: a few quick retries; a dial that cannot be placed within minutes is a failed attempt.
pub fn dial(task_queue: &str) -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(30))
        .task_queue(task_queue.to_owned())
        .retry_policy(retry(Duration::from_secs(1), Duration::from_secs(30), 8))
        .build()
}

/// Projection writes and provider lookups: retried until they succeed (Postgres may be down for a
/// while; nothing may be lost).
pub fn durable() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(30))
        .retry_policy(retry(Duration::from_secs(1), Duration::from_secs(60), 0))
        .build()
}

/// The post-call summary: one model call; a few tries, then the workflow goes on without it.
pub fn summary() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(60))
        .retry_policy(retry(
            Duration::from_secs(2),
            Duration::from_secs(30),
            callwright_contracts::SUMMARY_ATTEMPTS,
        ))
        .build()
}

/// Transcribing a recording after the call: the provider announces the recording a little
/// after the call ends, so the first tries may find none yet; the last try settles the status
/// (`TRANSCRIBE_ATTEMPTS`, about two minutes in all).
pub fn transcription() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(180))
        .retry_policy(retry(
            Duration::from_secs(2),
            Duration::from_secs(30),
            callwright_contracts::activities::TRANSCRIBE_ATTEMPTS,
        ))
        .build()
}

/// Calendar, video and email steps of a booking: retried with backoff (429, 5xx, timeouts)
/// for up to a day; a refusal that will not change (a 4xx) fails the step at once.
pub fn booking() -> ActivityOptions {
    ActivityOptions::with_close_timeouts(ActivityCloseTimeouts::ScheduleAndStartToClose {
        schedule_to_close: Duration::from_secs(24 * 3600),
        start_to_close: Duration::from_secs(60),
    })
    .retry_policy(retry(Duration::from_secs(2), Duration::from_secs(300), 0))
    .build()
}

/// The innermost message of an activity failure (the provider's own words), for operators.
pub fn failure_reason(err: &temporalio_sdk::ActivityExecutionError) -> String {
    let mut reason = err.to_string();
    let mut failure = err.failure();
    while let Some(f) = failure {
        if !f.message.is_empty() {
            reason = f.message.clone();
        }
        failure = f.cause.as_deref();
    }
    reason
}

/// Live-call control (leave a voicemail): worth a few quick tries while the call lasts.
pub fn live_call() -> ActivityOptions {
    ActivityOptions::with_start_to_close_timeout(Duration::from_secs(10))
        .retry_policy(retry(Duration::from_millis(500), Duration::from_secs(5), 5))
        .build()
}

/// The model's turn: a person is waiting and Twilio gives up on a webhook after 15 s, so two
/// quick tries at most, then the agent apologises.
pub fn converse() -> LocalActivityOptions {
    LocalActivityOptions::builder()
        .start_to_close_timeout(Duration::from_secs(6))
        .schedule_to_close_timeout(Duration::from_secs(12))
        .retry_policy(retry(Duration::from_millis(200), Duration::from_secs(1), 2))
        .build()
}
