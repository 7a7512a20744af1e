//! In-memory state shared by every handler: call records (with their event
//! log and transcript), per-number dial counters, live-call control channels,
//! recordings and fault knobs. Locks are short and never held across `.await`.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::chaos::{self, ChaosConfig, ChaosCounters};

/// A new Twilio-style identifier: `prefix` followed by 32 lowercase hex digits.
pub fn new_sid(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// Twilio call statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallStatus {
    /// Accepted, not yet dialled.
    Queued,
    /// Dialling started.
    Initiated,
    /// The callee's phone is ringing.
    Ringing,
    /// Answered and executing TwiML.
    InProgress,
    /// Answered and ended normally.
    Completed,
    /// The callee's line was busy.
    Busy,
    /// The call could not be placed.
    Failed,
    /// Nobody answered.
    NoAnswer,
    /// Cancelled through the REST API before it was answered.
    Canceled,
}

impl CallStatus {
    /// The wire spelling (`in-progress`, `no-answer`, ...).
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

    /// Whether the call is over.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Busy | Self::Failed | Self::NoAnswer | Self::Canceled
        )
    }
}

/// One entry of a call's event log.
#[derive(Debug, Clone, Serialize)]
pub struct CallEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Short machine-friendly kind, e.g. `status_callback`, `verb`, `modify`, `error`.
    pub kind: String,
    /// Human-readable detail.
    pub detail: String,
}

/// One line of what was said on the call.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptLine {
    /// When it was said.
    pub at: DateTime<Utc>,
    /// `agent` (TwiML Say) or `callee` (persona).
    pub speaker: String,
    /// The words.
    pub text: String,
}

/// Everything the simulator knows about one call.
#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    /// `CA...` identifier.
    pub sid: String,
    /// Owning account.
    pub account_sid: String,
    /// Dialled number.
    pub to: String,
    /// Caller ID.
    pub from: String,
    /// Name of the scripted callee persona.
    pub persona: String,
    /// Callee language code (`en`, `he`, ...).
    pub language: String,
    /// Current status.
    pub status: CallStatus,
    /// AMD verdict once known.
    pub answered_by: Option<String>,
    /// Voice webhook URL.
    pub url: String,
    /// Status callback URL, if any.
    pub status_callback: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When the callee answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the call ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Simulated duration in seconds once ended.
    pub duration: Option<u64>,
    /// Callbacks, verbs, modifications and errors in order.
    pub events: Vec<CallEvent>,
    /// Who said what.
    pub transcript: Vec<TranscriptLine>,
    /// Recording identifier when `Record=true`.
    pub recording_sid: Option<String>,
    /// Where the recording can be fetched.
    pub recording_url: Option<String>,
    /// The number a `<Dial>` put the call through to.
    pub transferred_to: Option<String>,
    /// For every callee turn, real milliseconds from handing it over to the first sign of the
    /// answer: on ConversationRelay, from the final `prompt` to the first `text` token; at a
    /// `<Gather>`, from posting `SpeechResult` to the action's response.
    pub reply_latencies_ms: Vec<u64>,
    /// The ConversationRelay sessions of the call, in order.
    pub relay_sessions: Vec<RelaySession>,
}

/// One ConversationRelay WebSocket session (see [`crate::relay`]).
#[derive(Debug, Clone, Serialize)]
pub struct RelaySession {
    /// `VX...` identifier sent in `setup` and to the action URL.
    pub session_id: String,
    /// The `url` attribute, as written in the TwiML.
    pub url: String,
    /// Whether the TwiML had a `welcomeGreeting` (a reconnect has none).
    pub welcome_greeting: bool,
    /// When the session started.
    pub started_at: DateTime<Utc>,
    /// Final prompts (`last: true`) sent.
    pub prompts: u32,
    /// `interrupt` messages sent.
    pub interrupts: Vec<RelayInterrupt>,
    /// `error` messages sent for malformed frames from the application.
    pub errors_sent: u32,
    /// How it ended: `ended` (the app sent `end`), `failed` (socket closed or dropped without
    /// `end`, or the handshake refused), `completed` (the callee hung up), `modified` (a REST
    /// modification took over); `None` while it runs.
    pub status: Option<String>,
    /// Twilio error code of a failed session (64102 handshake, 64105 closed, 64107 too many
    /// malformed messages).
    pub error_code: Option<u32>,
    /// What went wrong, for a failed session.
    pub error: Option<String>,
    /// `handoffData` of the `end` message.
    pub handoff_data: Option<String>,
    /// Simulated seconds, once over.
    pub duration_secs: Option<u64>,
}

/// One `interrupt` message sent to the application.
#[derive(Debug, Clone, Serialize)]
pub struct RelayInterrupt {
    /// `utteranceUntilInterrupt`: the words of the agent's line the callee heard.
    pub utterance_until_interrupt: String,
    /// `durationUntilInterruptMs` (simulated).
    pub duration_until_interrupt_ms: u64,
}

/// A REST instruction delivered to a live call's driver.
#[derive(Debug)]
pub enum Control {
    /// Replace the executing document with this TwiML.
    Twiml(String),
    /// Fetch and execute this URL with the given method.
    Url {
        /// Absolute URL.
        url: String,
        /// `GET` or `POST`.
        method: String,
    },
    /// Hang up (or cancel when not answered); `ack` fires once the status is final.
    Hangup {
        /// Requested status (`completed` or `canceled`).
        status: CallStatus,
        /// Signalled after the driver recorded the final status.
        ack: oneshot::Sender<()>,
    },
}

/// Remaining injected failures, settable through `POST /sim/faults`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Next n call creates answer 429.
    #[serde(default)]
    pub twilio_create_429: u32,
    /// Next n chat completions answer 500.
    #[serde(default)]
    pub llm_500: u32,
    /// Next n chat completions answer 429.
    #[serde(default)]
    pub llm_429: u32,
    /// Next n authenticated Google Calendar requests answer 500 `backendError`.
    #[serde(default)]
    pub calendar_500: u32,
    /// Next n authenticated Google Calendar requests answer 429 `rateLimitExceeded`
    /// with `Retry-After: 1`.
    #[serde(default)]
    pub calendar_429: u32,
    /// Next n authenticated Google Calendar requests answer 401 `authError` and
    /// revoke the access token they carried (as if it had expired).
    #[serde(default)]
    pub calendar_401: u32,
    /// Next n event inserts answer 403 `requiredAccessLevel` (the calendar is shared with us
    /// read-only): a refusal a retry will not change.
    #[serde(default)]
    pub calendar_insert_403: u32,
    /// Next n authenticated Zoom API requests answer 500.
    #[serde(default)]
    pub zoom_500: u32,
    /// Next n SMTP messages are refused after DATA with `451 4.3.0 Temporary failure`.
    #[serde(default)]
    pub smtp_451: u32,
    /// Next n ElevenLabs text-to-speech requests answer 500.
    #[serde(default)]
    pub tts_500: u32,
    /// Next n Deepgram transcription requests answer 500.
    #[serde(default)]
    pub deepgram_500: u32,
}

/// Which fault counter to consume.
#[derive(Debug, Clone, Copy)]
pub enum FaultKind {
    /// `twilio_create_429`.
    TwilioCreate429,
    /// `llm_500`.
    Llm500,
    /// `llm_429`.
    Llm429,
    /// `calendar_500`.
    Calendar500,
    /// `calendar_429`.
    Calendar429,
    /// `calendar_401`.
    Calendar401,
    /// `calendar_insert_403`.
    CalendarInsert403,
    /// `zoom_500`.
    Zoom500,
    /// `smtp_451`.
    Smtp451,
    /// `tts_500`.
    Tts500,
    /// `deepgram_500`.
    Deepgram500,
}

#[derive(Default)]
struct Inner {
    calls: HashMap<String, CallRecord>,
    order: Vec<String>,
    dial_counts: HashMap<String, u32>,
    controls: HashMap<String, mpsc::UnboundedSender<Control>>,
    recordings: HashSet<String>,
    faults: Faults,
    chaos: ChaosConfig,
    chaos_counters: ChaosCounters,
}

/// Cheaply clonable handle on the shared state.
#[derive(Clone, Default)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts one more call to `number` and returns the new count (1 for the first).
    pub fn next_dial_count(&self, number: &str) -> u32 {
        let mut inner = self.lock();
        let count = inner.dial_counts.entry(number.to_owned()).or_insert(0);
        *count += 1;
        *count
    }

    /// Stores a new call and the channel its driver listens on.
    pub fn insert_call(&self, record: CallRecord, control: mpsc::UnboundedSender<Control>) {
        let mut inner = self.lock();
        inner.order.push(record.sid.clone());
        inner.controls.insert(record.sid.clone(), control);
        inner.calls.insert(record.sid.clone(), record);
    }

    /// A snapshot of one call.
    pub fn get(&self, sid: &str) -> Option<CallRecord> {
        self.lock().calls.get(sid).cloned()
    }

    /// Snapshots of all calls, newest first.
    pub fn list(&self) -> Vec<CallRecord> {
        let inner = self.lock();
        inner
            .order
            .iter()
            .rev()
            .filter_map(|sid| inner.calls.get(sid).cloned())
            .collect()
    }

    /// Applies `f` to a call; returns false when the call is unknown (e.g. after a reset).
    pub fn update(&self, sid: &str, f: impl FnOnce(&mut CallRecord)) -> bool {
        let mut inner = self.lock();
        match inner.calls.get_mut(sid) {
            Some(call) => {
                f(call);
                call.updated_at = Utc::now();
                true
            }
            None => false,
        }
    }

    /// Appends to a call's event log.
    pub fn event(&self, sid: &str, kind: &str, detail: impl Into<String>) {
        let detail = detail.into();
        tracing::debug!(call = sid, kind, %detail, "call event");
        self.update(sid, |c| {
            c.events.push(CallEvent {
                at: Utc::now(),
                kind: kind.to_owned(),
                detail,
            })
        });
    }

    /// Appends to a call's transcript.
    pub fn say(&self, sid: &str, speaker: &str, text: &str) {
        self.update(sid, |c| {
            c.transcript.push(TranscriptLine {
                at: Utc::now(),
                speaker: speaker.to_owned(),
                text: text.to_owned(),
            })
        });
    }

    /// The control channel of a live call.
    pub fn control(&self, sid: &str) -> Option<mpsc::UnboundedSender<Control>> {
        self.lock().controls.get(sid).cloned()
    }

    /// Forgets a call's control channel once it ended.
    pub fn drop_control(&self, sid: &str) {
        self.lock().controls.remove(sid);
    }

    /// Registers a recording so it can be served.
    pub fn add_recording(&self, recording_sid: &str) {
        self.lock().recordings.insert(recording_sid.to_owned());
    }

    /// Deletes a recording (a `DELETE` on its resource).
    pub fn remove_recording(&self, recording_sid: &str) {
        self.lock().recordings.remove(recording_sid);
    }

    /// Whether a recording exists.
    pub fn has_recording(&self, recording_sid: &str) -> bool {
        self.lock().recordings.contains(recording_sid)
    }

    /// Forgets calls, counters, recordings and faults.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    /// Adds the given counts to the pending faults and returns the new state.
    pub fn add_faults(&self, add: Faults) -> Faults {
        let mut inner = self.lock();
        let f = &mut inner.faults;
        f.twilio_create_429 = f.twilio_create_429.saturating_add(add.twilio_create_429);
        f.llm_500 = f.llm_500.saturating_add(add.llm_500);
        f.llm_429 = f.llm_429.saturating_add(add.llm_429);
        f.calendar_500 = f.calendar_500.saturating_add(add.calendar_500);
        f.calendar_429 = f.calendar_429.saturating_add(add.calendar_429);
        f.calendar_401 = f.calendar_401.saturating_add(add.calendar_401);
        f.calendar_insert_403 = f
            .calendar_insert_403
            .saturating_add(add.calendar_insert_403);
        f.zoom_500 = f.zoom_500.saturating_add(add.zoom_500);
        f.smtp_451 = f.smtp_451.saturating_add(add.smtp_451);
        f.tts_500 = f.tts_500.saturating_add(add.tts_500);
        f.deepgram_500 = f.deepgram_500.saturating_add(add.deepgram_500);
        *f
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) -> Faults {
        let mut inner = self.lock();
        inner.faults = Faults::default();
        inner.faults
    }

    /// Current pending faults.
    pub fn faults(&self) -> Faults {
        self.lock().faults
    }

    /// Consumes one pending fault of this kind; true if one was pending.
    pub fn take_fault(&self, kind: FaultKind) -> bool {
        let mut inner = self.lock();
        let counter = match kind {
            FaultKind::TwilioCreate429 => &mut inner.faults.twilio_create_429,
            FaultKind::Llm500 => &mut inner.faults.llm_500,
            FaultKind::Llm429 => &mut inner.faults.llm_429,
            FaultKind::Calendar500 => &mut inner.faults.calendar_500,
            FaultKind::Calendar429 => &mut inner.faults.calendar_429,
            FaultKind::Calendar401 => &mut inner.faults.calendar_401,
            FaultKind::CalendarInsert403 => &mut inner.faults.calendar_insert_403,
            FaultKind::Zoom500 => &mut inner.faults.zoom_500,
            FaultKind::Smtp451 => &mut inner.faults.smtp_451,
            FaultKind::Tts500 => &mut inner.faults.tts_500,
            FaultKind::Deepgram500 => &mut inner.faults.deepgram_500,
        };
        if *counter > 0 {
            *counter -= 1;
            return true;
        }
        // Chaos mode: the same fault at a rate, counted.
        let chaos = inner.chaos;
        let counters = &mut inner.chaos_counters;
        let (rate, count) = match kind {
            FaultKind::Llm500 => (chaos.llm_500, &mut counters.llm_500),
            FaultKind::Llm429 => (chaos.llm_429, &mut counters.llm_429),
            FaultKind::Calendar500 => (chaos.calendar_500, &mut counters.calendar_500),
            FaultKind::Smtp451 => (chaos.smtp_451, &mut counters.smtp_451),
            _ => return false,
        };
        if chaos::roll(rate) {
            *count += 1;
            true
        } else {
            false
        }
    }

    /// Replaces the chaos settings (counters are kept).
    pub fn set_chaos(&self, config: ChaosConfig) {
        self.lock().chaos = config;
    }

    /// Current chaos settings.
    pub fn chaos(&self) -> ChaosConfig {
        self.lock().chaos
    }

    /// What chaos mode did so far.
    pub fn chaos_counters(&self) -> ChaosCounters {
        self.lock().chaos_counters
    }

    /// Updates the chaos counters.
    pub fn count_chaos(&self, f: impl FnOnce(&mut ChaosCounters)) {
        f(&mut self.lock().chaos_counters);
    }

    /// Whether this chat completion, which follows a successful booking, should fail in chaos
    /// mode (counted).
    pub fn fail_after_booking(&self) -> bool {
        let mut inner = self.lock();
        if !chaos::roll(inner.chaos.llm_500_after_booking) {
            return false;
        }
        inner.chaos_counters.llm_500_after_booking += 1;
        true
    }

    /// How long this chat completion should stall in chaos mode, if it should.
    pub fn llm_stall(&self) -> Option<std::time::Duration> {
        let mut inner = self.lock();
        if !chaos::roll(inner.chaos.llm_slow) {
            return None;
        }
        inner.chaos_counters.llm_slow += 1;
        Some(std::time::Duration::from_millis(inner.chaos.llm_slow_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids_have_prefix_and_32_hex() {
        let sid = new_sid("CA");
        assert_eq!(sid.len(), 34);
        assert!(
            sid[2..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn faults_are_consumed() {
        let store = Store::default();
        store.add_faults(Faults {
            llm_500: 2,
            ..Faults::default()
        });
        assert!(store.take_fault(FaultKind::Llm500));
        assert!(store.take_fault(FaultKind::Llm500));
        assert!(!store.take_fault(FaultKind::Llm500));
        assert!(!store.take_fault(FaultKind::Llm429));
        store.add_faults(Faults {
            smtp_451: 1,
            calendar_401: 3,
            ..Faults::default()
        });
        assert!(store.take_fault(FaultKind::Smtp451));
        assert!(!store.take_fault(FaultKind::Smtp451));
        assert_eq!(store.clear_faults(), Faults::default());
        assert!(!store.take_fault(FaultKind::Calendar401));
    }

    #[test]
    fn fault_rates_are_counted() {
        let store = Store::default();
        assert!(!store.take_fault(FaultKind::Smtp451));
        store.set_chaos(ChaosConfig {
            smtp_451: 1.0,
            llm_slow: 1.0,
            llm_slow_ms: 7,
            ..ChaosConfig::default()
        });
        assert!(store.take_fault(FaultKind::Smtp451));
        assert!(store.take_fault(FaultKind::Smtp451));
        assert!(!store.take_fault(FaultKind::Llm500));
        assert_eq!(store.llm_stall(), Some(std::time::Duration::from_millis(7)));
        let counted = store.chaos_counters();
        assert_eq!(
            (counted.smtp_451, counted.llm_500, counted.llm_slow),
            (2, 0, 1)
        );
        store.reset();
        assert_eq!(store.chaos_counters(), ChaosCounters::default());
    }

    #[test]
    fn dial_counts_per_number() {
        let store = Store::default();
        assert_eq!(store.next_dial_count("+1"), 1);
        assert_eq!(store.next_dial_count("+1"), 2);
        assert_eq!(store.next_dial_count("+2"), 1);
        store.reset();
        assert_eq!(store.next_dial_count("+1"), 1);
    }
}
