//! Calls, their transcripts and recording links.

use callwright_domain::call::RecordingTranscriptStatus;
use callwright_domain::conversation::RecordedUtterance;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// A call in a list.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallRecord {
    /// Call id.
    pub id: Uuid,
    /// The lead called.
    pub lead_id: Uuid,
    /// Their name.
    pub lead_name: String,
    /// The number dialled, E.164 (none once the lead was erased).
    pub phone: Option<String>,
    /// Campaign of the attempt.
    pub campaign_id: Option<Uuid>,
    /// The lead workflow that placed it.
    pub workflow_id: String,
    /// Attempt number, from 1.
    pub attempt: i32,
    /// Provider call id, once dialled.
    pub call_sid: Option<String>,
    /// Provider call status (`queued`, `ringing`, `in-progress`, `completed`, `busy`, ...).
    pub status: String,
    /// Answering-machine detection result (`human`, `machine_end_beep`, ...).
    pub answered_by: Option<String>,
    /// Outcome code, once the attempt is over.
    pub outcome: Option<String>,
    /// Language of the call.
    pub language: String,
    /// Dialled at.
    pub dialed_at: DateTime<Utc>,
    /// Ended at.
    pub ended_at: Option<DateTime<Utc>>,
    /// Length of the call, seconds.
    pub duration_secs: Option<i32>,
    /// Whether a recording is kept.
    pub has_recording: bool,
    /// The agent that spoke.
    pub agent_id: Option<Uuid>,
    /// Its version.
    pub agent_version: Option<i32>,
    /// A trial chat of the agent (`POST /api/agents/{id}/trials`), not a phone call.
    pub trial: bool,
}

/// One line of a transcript.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TurnRow {
    /// Position in the call, from 0.
    pub idx: i32,
    /// `agent` or `callee`.
    pub speaker: String,
    /// What was said (empty for a silent callee turn).
    pub text: String,
    /// ASR confidence of a callee line.
    pub confidence: Option<f32>,
    /// On a callee line: what it meant, as the agent acted on it (`book_meeting`, `interested`,
    /// `callback`, `opt_out`, `not_interested`, `wrong_person`, `end_call`, `asks_for_times`,
    /// `continue`).
    pub intent: Option<String>,
    /// The line's language: the one the agent spoke, or the one recognised in the callee's
    /// words (absent when they do not tell). A change shows where the callee switched.
    pub language: Option<String>,
    /// On an agent line: the tools the model used to answer (name, arguments, result), in order.
    #[schema(value_type = Option<Vec<callwright_domain::conversation::ToolUse>>)]
    pub tools: Option<Value>,
    /// When.
    pub spoken_at: DateTime<Utc>,
    /// On an agent line the callee cut off (a realtime call): the words they heard before they
    /// spoke; `text` is the whole line. Absent when the line was heard whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heard: Option<String>,
}

/// A page of calls.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallPage {
    /// Newest first.
    pub calls: Vec<CallRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /api/calls/{id}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CallDetail {
    /// The call.
    #[serde(flatten)]
    pub call: CallRecord,
    /// What the outcome carries (meeting time and id, callback time, ...).
    #[schema(value_type = Option<callwright_domain::AttemptOutcome>)]
    pub outcome_detail: Option<Value>,
    /// The post-call summary (interest 1-5, objections, questions, next step, language), once
    /// the model wrote it after an answered call.
    #[schema(value_type = Option<callwright_domain::summary::CallSummary>)]
    pub summary: Option<Value>,
    /// The answers to the agent's qualification questions, by question id, typed as each
    /// question says (a number, a boolean, one of its options, or text); once the post-call
    /// summary is written. Unanswered questions are absent.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
    /// Both sides, in order, with ASR confidence for the callee's lines. Text is stored and
    /// returned as spoken (UTF-8; right-to-left scripts are not reordered).
    pub transcript: Vec<TurnRow>,
    /// Where transcribing the recording after the call stands: `done`, `skipped` (no
    /// speech-to-text provider configured), `no_recording`, `failed`; null until settled.
    pub recording_transcript_status: Option<RecordingTranscriptStatus>,
    /// The recording transcribed (when `done`): agent and callee utterances with their start
    /// and end in seconds from the start of the recording.
    pub recording_transcript: Vec<RecordedUtterance>,
}

/// A short-lived link to a call's recording.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordingLink {
    /// Plays without an API key until `expires_at`.
    pub url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}
