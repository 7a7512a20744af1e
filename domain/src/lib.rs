//! Callwright's domain: the types every crate shares and the pure decisions the workflows make.
//!
//! Everything here is deterministic and free of I/O so that workflows can call it during replay
//! and unit tests can cover it exhaustively.

pub mod agent;
pub mod booking;
pub mod call;
pub mod clauses;
pub mod conversation;
pub mod detect;
pub mod field;
pub mod invite;
pub mod language;
pub mod lead;
pub mod meeting;
pub mod new_lead;
pub mod outcome;
pub mod phone;
pub mod phrases;
pub mod relay;
pub mod safety;
pub mod stats;
pub mod summary;
pub mod timezone;
pub mod twiml;
pub mod window;

pub use booking::{BookingError, BookingRules, Interval, free_slots, offer, slot_label};
pub use call::{AnsweredBy, CallStatus};
pub use field::FieldError;
pub use invite::{Invite, InviteMethod};
pub use language::{Language, VoiceMode};
pub use lead::{CallSettings, LeadProfile, RetryCadence};
pub use meeting::{MeetingEvent, MeetingStatus};
pub use new_lead::{Email, LeadInput, NewLead};
pub use outcome::{
    AgentAction, AttemptOutcome, ConversationEnd, EndCallReason, NextStep, classify_attempt,
    next_step,
};
pub use phone::{E164, PhoneError};
