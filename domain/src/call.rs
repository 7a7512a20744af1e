//! Twilio's call vocabulary, parsed into enums at the webhook edge.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::AttemptOutcome;
use crate::conversation::Turn;

/// Twilio `CallStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    /// Accepted by Twilio, not yet dialled.
    Queued,
    /// Dialling.
    Initiated,
    /// The callee's phone is ringing.
    Ringing,
    /// Answered (by a person or a machine).
    InProgress,
    /// Ended after being answered.
    Completed,
    /// The line was busy.
    Busy,
    /// Could not be placed.
    Failed,
    /// Rang out without an answer.
    NoAnswer,
    /// Cancelled before it was answered.
    Canceled,
}

impl CallStatus {
    /// True when the call is over and no further status can follow.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Busy | Self::Failed | Self::NoAnswer | Self::Canceled
        )
    }

    /// Twilio's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Initiated => "initiated",
            Self::Ringing => "ringing",
            Self::InProgress => "in-progress",
            Self::Completed => "completed",
            Self::Busy => "busy",
            Self::Failed => "failed",
            Self::NoAnswer => "no-answer",
            Self::Canceled => "canceled",
        }
    }

    /// Order of progress; a status never moves backwards to a lower rank.
    fn rank(self) -> u8 {
        match self {
            Self::Queued => 0,
            Self::Initiated => 1,
            Self::Ringing => 2,
            Self::InProgress => 3,
            _ => 4,
        }
    }

    /// Whether moving from `self` to `next` is progress (used to ignore stale callbacks).
    pub fn advances_to(self, next: CallStatus) -> bool {
        !self.is_final() && next.rank() > self.rank()
    }
}

/// A value Twilio sent that we do not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} '{value}'")]
pub struct UnknownValue {
    /// Which field.
    pub kind: &'static str,
    /// What was sent.
    pub value: String,
}

impl FromStr for CallStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "queued" => Self::Queued,
            "initiated" => Self::Initiated,
            "ringing" => Self::Ringing,
            "in-progress" | "answered" => Self::InProgress,
            "completed" => Self::Completed,
            "busy" => Self::Busy,
            "failed" => Self::Failed,
            "no-answer" => Self::NoAnswer,
            "canceled" => Self::Canceled,
            other => {
                return Err(UnknownValue {
                    kind: "CallStatus",
                    value: other.to_owned(),
                });
            }
        })
    }
}

/// Twilio answering machine detection result (`AnsweredBy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredBy {
    /// A person.
    Human,
    /// A machine, detected at its greeting's start.
    MachineStart,
    /// A machine, its greeting ended with a beep: the moment to leave a message.
    MachineEndBeep,
    /// A machine, greeting ended in silence.
    MachineEndSilence,
    /// A machine, greeting ended otherwise.
    MachineEndOther,
    /// A fax machine.
    Fax,
    /// Detection could not decide.
    Unknown,
}

impl AnsweredBy {
    /// True for every machine (and fax) result.
    pub fn is_machine(self) -> bool {
        !matches!(self, Self::Human | Self::Unknown)
    }

    /// Twilio's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Human => "human",
            Self::MachineStart => "machine_start",
            Self::MachineEndBeep => "machine_end_beep",
            Self::MachineEndSilence => "machine_end_silence",
            Self::MachineEndOther => "machine_end_other",
            Self::Fax => "fax",
            Self::Unknown => "unknown",
        }
    }
}

impl FromStr for AnsweredBy {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "human" => Self::Human,
            "machine_start" => Self::MachineStart,
            "machine_end_beep" => Self::MachineEndBeep,
            "machine_end_silence" => Self::MachineEndSilence,
            "machine_end_other" => Self::MachineEndOther,
            "fax" => Self::Fax,
            "unknown" => Self::Unknown,
            other => {
                return Err(UnknownValue {
                    kind: "AnsweredBy",
                    value: other.to_owned(),
                });
            }
        })
    }
}

/// A call as the provider sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInfo {
    /// Provider call id.
    pub sid: String,
    /// Provider status (Twilio spelling).
    pub status: String,
    /// Seconds, once ended.
    pub duration_secs: Option<u32>,
    /// AMD result, if any.
    pub answered_by: Option<String>,
    /// When the provider created it.
    pub created_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_twilio_status() {
        for s in [
            "queued",
            "initiated",
            "ringing",
            "in-progress",
            "completed",
            "busy",
            "failed",
            "no-answer",
            "canceled",
        ] {
            let status: CallStatus = s.parse().expect("known status");
            assert_eq!(status.as_str(), s);
        }
        assert!("bogus".parse::<CallStatus>().is_err());
    }

    #[test]
    fn status_only_moves_forward() {
        assert!(CallStatus::Initiated.advances_to(CallStatus::Ringing));
        assert!(CallStatus::Ringing.advances_to(CallStatus::Completed));
        assert!(!CallStatus::InProgress.advances_to(CallStatus::Ringing));
        assert!(!CallStatus::Completed.advances_to(CallStatus::Completed));
        assert!(!CallStatus::Busy.advances_to(CallStatus::Completed));
    }

    #[test]
    fn machine_detection() {
        for s in [
            "machine_start",
            "machine_end_beep",
            "machine_end_silence",
            "machine_end_other",
            "fax",
        ] {
            assert!(s.parse::<AnsweredBy>().expect("known").is_machine(), "{s}");
        }
        assert!(!AnsweredBy::Human.is_machine());
        assert!(!AnsweredBy::Unknown.is_machine());
    }
}

/// A finished attempt, as the lead workflow records it (the `finish_attempt` activity's input).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FinishedAttempt {
    /// Lead id.
    pub lead_id: String,
    /// Campaign id, if any.
    pub campaign_id: Option<String>,
    /// Number called (added to do-not-call on opt-out); none on a trial.
    pub phone: Option<String>,
    /// Attempt number.
    pub attempt: u32,
    /// The `calls` row, when a call was placed.
    pub call_id: Option<String>,
    /// Final provider status.
    pub status: Option<CallStatus>,
    /// AMD result.
    pub answered_by: Option<AnsweredBy>,
    /// Call length.
    pub duration_secs: Option<u32>,
    /// The outcome.
    pub outcome: AttemptOutcome,
    /// Transcript turns not yet persisted.
    pub turns: Vec<Turn>,
    /// When the attempt ended (workflow time).
    pub ended_at: DateTime<Utc>,
    /// True when this is the lead's last word in its campaign for now (done, or parked until a
    /// callback).
    pub settled: bool,
    /// A post-call summary follows (the callee spoke): the CRM's `call_ended` waits for it.
    #[serde(default)]
    pub summary_expected: bool,
}

/// Where transcribing a call's recording stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordingTranscriptStatus {
    /// Transcribed: the utterances are stored.
    Done,
    /// No speech-to-text provider is configured (`DEEPGRAM_API_KEY` unset).
    Skipped,
    /// The provider never announced a recording of the call.
    NoRecording,
    /// The provider or the transcriber failed for good.
    Failed,
}

impl RecordingTranscriptStatus {
    /// The status stored as `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Done, Self::Skipped, Self::NoRecording, Self::Failed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The code stored in `calls.recording_transcript_status`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Skipped => "skipped",
            Self::NoRecording => "no_recording",
            Self::Failed => "failed",
        }
    }
}
