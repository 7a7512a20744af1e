//! What an attempt came to, and what happens next: pure functions of what the call did.

use crate::{AnsweredBy, CallSettings, CallStatus};
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

/// Why the agent ended the call through the `end_call` tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndCallReason {
    /// The callee declined.
    NotInterested,
    /// Not the person we meant to reach.
    WrongPerson,
    /// Anything else.
    Other,
}

/// What the callee's latest line meant, as the agent acted on it: `book_meeting`, `callback`, `opt_out`, `wants_a_person`, `not_interested`, `wrong_person`, `end_call`,
/// `asks_for_times` (the
/// agent looked up slots to offer) or `continue` (a question or small talk: the conversation
/// goes on). Stored with the callee's line and shown live.
pub fn turn_intent(action: Option<&AgentAction>, offered_slots: bool) -> &'static str {
    match action {
        Some(AgentAction::BookMeeting { .. }) => "book_meeting",
        Some(AgentAction::ScheduleCallback { .. }) => "callback",
        Some(AgentAction::OptOut) => "opt_out",
        Some(AgentAction::TransferToHuman { .. }) => "wants_a_person",
        Some(AgentAction::EndCall { reason }) => match reason {
            EndCallReason::NotInterested => "not_interested",
            EndCallReason::WrongPerson => "wrong_person",
            EndCallReason::Other => "end_call",
        },
        None if offered_slots => "asks_for_times",
        None => "continue",
    }
}

/// A decision the LLM took through one of its tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tool", rename_all = "snake_case")]
pub enum AgentAction {
    /// A meeting was booked on the calendar during the call (the slot is reserved; the event and
    /// the invite follow once the call is over).
    BookMeeting {
        /// The `meetings` row holding the reservation.
        meeting_id: String,
        /// Meeting start, with the callee's offset.
        start: DateTime<FixedOffset>,
        /// How the agent said the slot to the callee.
        label: String,
        /// Where the invite goes.
        email: String,
    },
    /// The callee asked to be called back at this time.
    ScheduleCallback {
        /// When to call again, with the callee's offset.
        callback_at: DateTime<FixedOffset>,
    },
    /// The callee asked never to be called again.
    OptOut,
    /// Put the callee through to a person (the campaign's transfer number).
    TransferToHuman {
        /// Why, for the person taking the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The conversation is over without a meeting.
    EndCall {
        /// Why.
        reason: EndCallReason,
    },
}

/// How a conversation ended, when the agent ended it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum ConversationEnd {
    /// The LLM decided, through a tool.
    Agent {
        /// The decision.
        action: AgentAction,
    },
    /// The callee said an opt-out phrase the keyword safety net caught.
    OptOutPhrase,
    /// Too many turns without a decision.
    MaxTurns,
    /// The callee stayed silent.
    Silence,
    /// The callee could not be understood.
    Unintelligible,
    /// The agent could not continue (the model failed); it apologised and hung up.
    AgentError,
}

/// The result of one attempt (one dialled call, or one decision not to dial).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// Agreed to a meeting.
    Interested {
        /// Agreed meeting start, with the callee's offset.
        meeting_time: DateTime<FixedOffset>,
        /// Notes from the call.
        notes: Option<String>,
        /// The booked meeting, when one was reserved on the call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meeting_id: Option<String>,
    },
    /// Declined.
    NotInterested,
    /// Asked to be called back.
    CallbackRequested {
        /// When, with the callee's offset.
        callback_at: DateTime<FixedOffset>,
    },
    /// Asked never to be called again; the number is on the do-not-call list.
    OptedOut,
    /// Reached an answering machine.
    Voicemail,
    /// Nobody answered.
    NoAnswer,
    /// Line busy.
    Busy,
    /// The call could not be placed or dropped in error.
    Failed,
    /// The callee hung up before any decision.
    HungUp,
    /// The callee never said anything we could understand.
    NoResponse,
    /// Talked until the turn limit without a decision.
    Undecided,
    /// Not dialled: the number is on the do-not-call list.
    DoNotCall,
    /// Not dialled: the campaign or lead was stopped.
    Canceled,
    /// Asked for a person (or the agent could not help) and was put through to the campaign's
    /// transfer number.
    Transferred,
}

impl AttemptOutcome {
    /// The outcome's stable code (search attribute, database, API).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Interested { .. } => "interested",
            Self::NotInterested => "not_interested",
            Self::CallbackRequested { .. } => "callback_requested",
            Self::OptedOut => "opted_out",
            Self::Voicemail => "voicemail",
            Self::NoAnswer => "no_answer",
            Self::Busy => "busy",
            Self::Failed => "failed",
            Self::HungUp => "hung_up",
            Self::NoResponse => "no_response",
            Self::Undecided => "undecided",
            Self::DoNotCall => "do_not_call",
            Self::Canceled => "canceled",
            Self::Transferred => "transferred",
        }
    }

    /// Every outcome code, in display order.
    pub const CODES: [&'static str; 14] = [
        "interested",
        "not_interested",
        "callback_requested",
        "opted_out",
        "voicemail",
        "no_answer",
        "busy",
        "failed",
        "hung_up",
        "no_response",
        "undecided",
        "do_not_call",
        "canceled",
        "transferred",
    ];

    /// Seconds to wait before retrying after this outcome, if it is retried at all.
    fn retry_delay_secs(&self, settings: &CallSettings) -> Option<u64> {
        let cadence = &settings.retry;
        match self {
            Self::NoAnswer => Some(cadence.no_answer_secs),
            Self::Busy => Some(cadence.busy_secs),
            Self::Voicemail => Some(cadence.voicemail_secs),
            Self::Failed => Some(cadence.failed_secs),
            Self::HungUp | Self::NoResponse => Some(cadence.incomplete_secs),
            _ => None,
        }
    }
}

/// What the lead workflow does after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Dial again after this many seconds.
    RetryAfter(u64),
    /// Call back at this time.
    CallbackAt(DateTime<Utc>),
    /// The lead is done.
    Finish,
}

/// Decides whether and when to try again. `attempt` is the 1-based attempt just made and
/// `callbacks` the callbacks already honoured.
pub fn next_step(
    outcome: &AttemptOutcome,
    attempt: u32,
    callbacks: u32,
    settings: &CallSettings,
) -> NextStep {
    match outcome {
        AttemptOutcome::CallbackRequested { callback_at } if callbacks < settings.max_callbacks => {
            NextStep::CallbackAt(callback_at.with_timezone(&Utc))
        }
        other => match other.retry_delay_secs(settings) {
            Some(secs) if attempt < settings.max_attempts => NextStep::RetryAfter(secs),
            _ => NextStep::Finish,
        },
    }
}

/// Classifies a finished call from its final status, what answered, and how the
/// conversation ended (if the agent ended it).
pub fn classify_attempt(
    final_status: CallStatus,
    answered_by: Option<AnsweredBy>,
    end: Option<&ConversationEnd>,
    callee_spoke: bool,
) -> AttemptOutcome {
    match final_status {
        CallStatus::NoAnswer => return AttemptOutcome::NoAnswer,
        CallStatus::Busy => return AttemptOutcome::Busy,
        CallStatus::Failed => return AttemptOutcome::Failed,
        CallStatus::Canceled => return AttemptOutcome::Canceled,
        _ => {}
    }
    // A decision spoken by a person stands even if AMD guessed wrong afterwards.
    if let Some(end) = end {
        match end {
            ConversationEnd::Agent { action } => {
                return match action {
                    AgentAction::BookMeeting {
                        meeting_id,
                        start,
                        label,
                        email,
                    } => AttemptOutcome::Interested {
                        meeting_time: *start,
                        notes: Some(format!("Meeting booked for {label}; invite to {email}.")),
                        meeting_id: Some(meeting_id.clone()),
                    },
                    AgentAction::ScheduleCallback { callback_at } => {
                        AttemptOutcome::CallbackRequested {
                            callback_at: *callback_at,
                        }
                    }
                    AgentAction::OptOut => AttemptOutcome::OptedOut,
                    AgentAction::TransferToHuman { .. } => AttemptOutcome::Transferred,
                    AgentAction::EndCall { .. } => AttemptOutcome::NotInterested,
                };
            }
            ConversationEnd::OptOutPhrase => return AttemptOutcome::OptedOut,
            ConversationEnd::MaxTurns => return AttemptOutcome::Undecided,
            ConversationEnd::AgentError => return AttemptOutcome::Failed,
            ConversationEnd::Silence | ConversationEnd::Unintelligible
                if !answered_by.is_some_and(AnsweredBy::is_machine) =>
            {
                return AttemptOutcome::NoResponse;
            }
            _ => {}
        }
    }
    if answered_by.is_some_and(AnsweredBy::is_machine) {
        return AttemptOutcome::Voicemail;
    }
    match final_status {
        CallStatus::Completed if callee_spoke => AttemptOutcome::HungUp,
        CallStatus::Completed => AttemptOutcome::NoResponse,
        // Not final: the provider lost track of the call.
        _ => AttemptOutcome::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(rfc3339).expect("a time")
    }

    #[test]
    fn each_exchange_gets_the_intent_the_agent_acted_on() {
        let end = |reason| AgentAction::EndCall { reason };
        assert_eq!(turn_intent(Some(&AgentAction::OptOut), false), "opt_out");
        assert_eq!(
            turn_intent(Some(&end(EndCallReason::NotInterested)), false),
            "not_interested"
        );
        assert_eq!(
            turn_intent(Some(&end(EndCallReason::WrongPerson)), false),
            "wrong_person"
        );
        assert_eq!(turn_intent(None, true), "asks_for_times");
        assert_eq!(turn_intent(None, false), "continue");
        let callback = AgentAction::ScheduleCallback {
            callback_at: at("2026-11-25T17:00:00+01:00"),
        };
        assert_eq!(
            turn_intent(Some(&callback), true),
            "callback",
            "a decision wins over an offer"
        );
    }

    fn interest() -> ConversationEnd {
        ConversationEnd::Agent {
            action: AgentAction::BookMeeting {
                meeting_id: "m1".into(),
                start: at("2026-11-26T15:00:00+02:00"),
                label: "Thursday at 3 pm".into(),
                email: "ada@example.com".into(),
            },
        }
    }

    #[test]
    fn telephony_failures_win() {
        assert_eq!(
            classify_attempt(CallStatus::NoAnswer, None, None, false),
            AttemptOutcome::NoAnswer
        );
        assert_eq!(
            classify_attempt(CallStatus::Busy, None, None, false),
            AttemptOutcome::Busy
        );
        assert_eq!(
            classify_attempt(CallStatus::Failed, None, None, false),
            AttemptOutcome::Failed
        );
    }

    #[test]
    fn agent_decisions_become_outcomes() {
        let human = Some(AnsweredBy::Human);
        assert!(matches!(
            classify_attempt(CallStatus::Completed, human, Some(&interest()), true),
            AttemptOutcome::Interested { .. }
        ));
        let opt = ConversationEnd::Agent {
            action: AgentAction::OptOut,
        };
        assert_eq!(
            classify_attempt(CallStatus::Completed, human, Some(&opt), true),
            AttemptOutcome::OptedOut
        );
        assert_eq!(
            classify_attempt(
                CallStatus::Completed,
                human,
                Some(&ConversationEnd::OptOutPhrase),
                true
            ),
            AttemptOutcome::OptedOut
        );
        let no = ConversationEnd::Agent {
            action: AgentAction::EndCall {
                reason: EndCallReason::NotInterested,
            },
        };
        assert_eq!(
            classify_attempt(CallStatus::Completed, human, Some(&no), true),
            AttemptOutcome::NotInterested
        );
        let cb = ConversationEnd::Agent {
            action: AgentAction::ScheduleCallback {
                callback_at: at("2026-11-25T17:00:00+02:00"),
            },
        };
        assert_eq!(
            classify_attempt(CallStatus::Completed, human, Some(&cb), true),
            AttemptOutcome::CallbackRequested {
                callback_at: at("2026-11-25T17:00:00+02:00")
            }
        );
    }

    #[test]
    fn machines_are_voicemail_and_silence_is_no_response() {
        let machine = Some(AnsweredBy::MachineEndBeep);
        assert_eq!(
            classify_attempt(CallStatus::Completed, machine, None, false),
            AttemptOutcome::Voicemail
        );
        assert_eq!(
            classify_attempt(
                CallStatus::Completed,
                machine,
                Some(&ConversationEnd::Silence),
                false
            ),
            AttemptOutcome::Voicemail
        );
        let human = Some(AnsweredBy::Human);
        assert_eq!(
            classify_attempt(
                CallStatus::Completed,
                human,
                Some(&ConversationEnd::Silence),
                false
            ),
            AttemptOutcome::NoResponse
        );
        assert_eq!(
            classify_attempt(
                CallStatus::Completed,
                human,
                Some(&ConversationEnd::Unintelligible),
                true
            ),
            AttemptOutcome::NoResponse
        );
        assert_eq!(
            classify_attempt(CallStatus::Completed, human, None, true),
            AttemptOutcome::HungUp
        );
        assert_eq!(
            classify_attempt(
                CallStatus::Completed,
                human,
                Some(&ConversationEnd::MaxTurns),
                true
            ),
            AttemptOutcome::Undecided
        );
    }

    #[test]
    fn retry_cadence_per_outcome_up_to_max_attempts() {
        let s = CallSettings::default();
        for (outcome, attempt, wait) in [
            (AttemptOutcome::NoAnswer, 1, s.retry.no_answer_secs),
            (AttemptOutcome::Busy, 2, s.retry.busy_secs),
            (AttemptOutcome::Voicemail, 1, s.retry.voicemail_secs),
            (AttemptOutcome::Failed, 1, s.retry.failed_secs),
            (AttemptOutcome::HungUp, 1, s.retry.incomplete_secs),
        ] {
            assert_eq!(
                next_step(&outcome, attempt, 0, &s),
                NextStep::RetryAfter(wait),
                "{outcome:?}"
            );
        }
        assert_eq!(
            next_step(&AttemptOutcome::NoAnswer, s.max_attempts, 0, &s),
            NextStep::Finish
        );
        for done in [
            AttemptOutcome::NotInterested,
            AttemptOutcome::OptedOut,
            AttemptOutcome::DoNotCall,
            AttemptOutcome::Undecided,
        ] {
            assert_eq!(next_step(&done, 1, 0, &s), NextStep::Finish, "{done:?}");
        }
        let interested = AttemptOutcome::Interested {
            meeting_time: at("2026-11-25T17:00:00+02:00"),
            notes: None,
            meeting_id: None,
        };
        assert_eq!(next_step(&interested, 1, 0, &s), NextStep::Finish);
    }

    #[test]
    fn callbacks_are_honoured_up_to_their_cap() {
        let s = CallSettings::default();
        let cb = AttemptOutcome::CallbackRequested {
            callback_at: at("2026-11-25T17:00:00+02:00"),
        };
        assert_eq!(
            next_step(&cb, 3, 0, &s),
            NextStep::CallbackAt(at("2026-11-25T15:00:00Z").with_timezone(&Utc))
        );
        assert_eq!(next_step(&cb, 1, s.max_callbacks, &s), NextStep::Finish);
    }

    #[test]
    fn codes_cover_every_outcome() {
        let all = [
            AttemptOutcome::Interested {
                meeting_time: at("2026-11-25T17:00:00+02:00"),
                notes: None,
                meeting_id: None,
            },
            AttemptOutcome::NotInterested,
            AttemptOutcome::CallbackRequested {
                callback_at: at("2026-11-25T17:00:00+02:00"),
            },
            AttemptOutcome::OptedOut,
            AttemptOutcome::Voicemail,
            AttemptOutcome::NoAnswer,
            AttemptOutcome::Busy,
            AttemptOutcome::Failed,
            AttemptOutcome::HungUp,
            AttemptOutcome::NoResponse,
            AttemptOutcome::Undecided,
            AttemptOutcome::DoNotCall,
            AttemptOutcome::Canceled,
            AttemptOutcome::Transferred,
        ];
        let codes: Vec<&str> = all.iter().map(AttemptOutcome::code).collect();
        assert_eq!(codes, AttemptOutcome::CODES);
    }
}
