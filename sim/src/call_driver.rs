//! Drives one call through its life like Twilio does: queued → initiated →
//! ringing → answered (or busy / no-answer / failed / canceled) → TwiML
//! execution → completed, emitting status, AMD and recording callbacks.

use std::future::Future;
use std::time::Instant;

use chrono::Utc;
use rand::Rng as _;
use tokio::sync::{mpsc, oneshot};

use crate::amd;
use crate::callbacks::Notifier;
use crate::personas::{Persona, Pickup};
use crate::state::SharedState;
use crate::store::{CallRecord, CallStatus, Control, new_sid};
use crate::twilio::call_request::CallRequest;
use crate::twiml_exec::{self, End, Source};

/// Everything a running call needs; owned by its driver task.
pub struct CallCtx {
    /// Shared application state.
    pub state: SharedState,
    /// Call SID.
    pub sid: String,
    /// The validated create request.
    pub req: CallRequest,
    /// The scripted callee.
    pub persona: Persona,
    /// AMD verdict to include in voice webhooks (synchronous AMD only).
    pub answered_by: Option<String>,
    /// REST modifications for this call.
    pub rx: mpsc::UnboundedReceiver<Control>,
    /// ConversationRelay state carried from one session of the call to the next.
    pub relay: crate::relay::CallRelay,
    /// Keeps `rx` open even after the store forgets the call.
    _keep: mpsc::UnboundedSender<Control>,
}

impl CallCtx {
    /// Parameters Twilio sends on every callback.
    pub fn params(&self, call_status: &str) -> Vec<(String, String)> {
        let cfg = &self.state.config;
        [
            ("AccountSid", cfg.account_sid.as_str()),
            ("CallSid", self.sid.as_str()),
            ("From", self.req.from.as_str()),
            ("To", self.req.to.as_str()),
            ("Caller", self.req.from.as_str()),
            ("Called", self.req.to.as_str()),
            ("Direction", "outbound-api"),
            ("ApiVersion", "2010-04-01"),
            ("CallStatus", call_status),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    }

    fn set_status(&self, status: CallStatus) {
        self.state.store.update(&self.sid, |c| c.status = status);
        self.state.store.event(&self.sid, "status", status.as_str());
    }
}

/// Runs `fut` unless a REST modification arrives first, which is returned instead.
pub async fn guard<T>(
    rx: &mut mpsc::UnboundedReceiver<Control>,
    fut: impl Future<Output = T>,
) -> Result<T, Control> {
    tokio::pin!(fut);
    tokio::select! {
        biased;
        Some(control) = rx.recv() => Err(control),
        value = &mut fut => Ok(value),
    }
}

/// Registers a new call and starts driving it in the background.
pub fn start(state: SharedState, req: CallRequest) -> CallRecord {
    let dial_count = state.store.next_dial_count(&req.to);
    let persona = Persona::new(&req.to, dial_count);
    let now = Utc::now();
    let record = CallRecord {
        sid: new_sid("CA"),
        account_sid: state.config.account_sid.clone(),
        to: req.to.clone(),
        from: req.from.clone(),
        persona: persona.kind().name().to_owned(),
        language: persona.language().code().to_owned(),
        status: CallStatus::Queued,
        answered_by: None,
        url: req.url.clone(),
        status_callback: req.status_callback.clone(),
        created_at: now,
        updated_at: now,
        answered_at: None,
        ended_at: None,
        duration: None,
        events: Vec::new(),
        transcript: Vec::new(),
        recording_sid: None,
        recording_url: None,
        transferred_to: None,
        reply_latencies_ms: Vec::new(),
        relay_sessions: Vec::new(),
    };
    let (tx, rx) = mpsc::unbounded_channel();
    state.store.insert_call(record.clone(), tx.clone());
    state.store.event(
        &record.sid,
        "created",
        format!(
            "persona {} ({}), call #{dial_count} to this number",
            record.persona, record.language
        ),
    );
    let ctx = CallCtx {
        state,
        sid: record.sid.clone(),
        req,
        persona,
        answered_by: None,
        rx,
        relay: crate::relay::CallRelay::default(),
        _keep: tx,
    };
    tokio::spawn(run(ctx));
    record
}

type HangupRequest = (CallStatus, oneshot::Sender<()>);

async fn run(mut ctx: CallCtx) {
    let mut notifier = Notifier::new(ctx.state.clone(), &ctx.sid, &ctx.req);
    let mut first = match &ctx.req.twiml {
        Some(xml) => Source::Inline(xml.clone()),
        None => Source::fetch(&ctx.req.url, &ctx.req.method),
    };
    let pickup = ctx.persona.pickup();

    if let Some(h) = ring_wait(&mut ctx, 0.2, &mut first).await {
        return finish_unanswered(&ctx, &mut notifier, CallStatus::Canceled, Some(h));
    }
    ctx.set_status(CallStatus::Initiated);
    notifier.status("initiated", ctx.params("initiated"));
    if pickup == Pickup::Failed {
        let hangup = ring_wait(&mut ctx, 0.5, &mut first).await;
        return finish_unanswered(&ctx, &mut notifier, CallStatus::Failed, hangup);
    }
    if let Some(h) = ring_wait(&mut ctx, 0.5, &mut first).await {
        return finish_unanswered(&ctx, &mut notifier, CallStatus::Canceled, Some(h));
    }
    ctx.set_status(CallStatus::Ringing);
    notifier.status("ringing", ctx.params("ringing"));
    let ring_limit = ctx.req.timeout.unwrap_or(60).clamp(1, 600) as f64;
    let (ring_secs, outcome) = match pickup {
        Pickup::Busy => (1.0, CallStatus::Busy),
        Pickup::NoAnswer => (
            ctx.req.timeout.map_or(5.0, |_| ring_limit),
            CallStatus::NoAnswer,
        ),
        _ if ring_limit < 2.0 => (ring_limit, CallStatus::NoAnswer),
        _ => (2.0, CallStatus::InProgress),
    };
    if let Some(h) = ring_wait(&mut ctx, ring_secs, &mut first).await {
        return finish_unanswered(&ctx, &mut notifier, CallStatus::Canceled, Some(h));
    }
    if outcome != CallStatus::InProgress {
        return finish_unanswered(&ctx, &mut notifier, outcome, None);
    }
    answer(ctx, notifier, first).await;
}

/// Waits `secs` simulated seconds before the call is answered; a new document
/// replaces the one to run on answer, a hangup stops the wait.
async fn ring_wait(ctx: &mut CallCtx, secs: f64, first: &mut Source) -> Option<HangupRequest> {
    let deadline = tokio::time::Instant::now() + ctx.state.sim_time(secs);
    loop {
        match guard(&mut ctx.rx, tokio::time::sleep_until(deadline)).await {
            Ok(()) => return None,
            Err(Control::Hangup { status, ack }) => return Some((status, ack)),
            Err(other) => {
                if let Some(source) = Source::from_control(other) {
                    ctx.state.store.event(
                        &ctx.sid,
                        "modify",
                        "new instructions will run when answered",
                    );
                    *first = source;
                }
            }
        }
    }
}

fn finish_unanswered(
    ctx: &CallCtx,
    notifier: &mut Notifier,
    status: CallStatus,
    hangup: Option<HangupRequest>,
) {
    ctx.state.store.update(&ctx.sid, |c| {
        c.status = status;
        c.ended_at = Some(Utc::now());
        c.duration = Some(0);
    });
    ctx.state.store.event(
        &ctx.sid,
        "ended",
        format!("call ended: {}", status.as_str()),
    );
    ctx.state.store.drop_control(&ctx.sid);
    if let Some((_, ack)) = hangup {
        let _ = ack.send(());
    }
    let mut params = ctx.params(status.as_str());
    params.push(("CallDuration".into(), "0".into()));
    notifier.status("completed", params);
}

async fn answer(mut ctx: CallCtx, mut notifier: Notifier, first: Source) {
    let answered = Instant::now();
    let machine = ctx.persona.pickup() == Pickup::Machine;
    let amd = ctx.req.machine_detection.clone();
    let verdict = match (&amd, machine) {
        (None, _) => None,
        (Some(_), false) => Some("human"),
        (Some(mode), true) if mode.eq_ignore_ascii_case("DetectMessageEnd") => {
            Some("machine_end_beep")
        }
        (Some(_), true) => Some("machine_start"),
    };
    let recording_sid = ctx.req.record.then(|| new_sid("RE"));
    ctx.state.store.update(&ctx.sid, |c| {
        c.status = CallStatus::InProgress;
        c.answered_at = Some(Utc::now());
        c.recording_sid = recording_sid.clone();
    });
    ctx.state
        .store
        .event(&ctx.sid, "status", "in-progress (answered)");
    notifier.status("answered", ctx.params("in-progress"));
    if let Some(greeting) = ctx.persona.machine_greeting() {
        ctx.state.store.say(&ctx.sid, "callee", greeting);
    }

    let mut end = None;
    if let Some(verdict) = verdict {
        let amd_secs = if machine { 4.0 } else { 1.5 } + rand::thread_rng().gen_range(0.0..0.4);
        if ctx.req.async_amd {
            tokio::spawn(amd::notify_later(&ctx, verdict, amd_secs));
        } else {
            match guard(
                &mut ctx.rx,
                tokio::time::sleep(ctx.state.sim_time(amd_secs)),
            )
            .await
            {
                Ok(()) | Err(Control::Twiml(_) | Control::Url { .. }) => {}
                Err(Control::Hangup { ack, .. }) => end = Some(End::Api(ack)),
            }
            ctx.answered_by = Some(verdict.to_owned());
            ctx.state
                .store
                .update(&ctx.sid, |c| c.answered_by = Some(verdict.to_owned()));
        }
    }
    let end = match end {
        Some(end) => end,
        None => twiml_exec::execute(&mut ctx, first).await,
    };
    finish_answered(&ctx, &mut notifier, end, answered, recording_sid);
}

fn finish_answered(
    ctx: &CallCtx,
    notifier: &mut Notifier,
    end: End,
    answered: Instant,
    recording_sid: Option<String>,
) {
    let secs = ctx.state.simulated_secs(answered.elapsed()).ceil().max(1.0) as u64;
    let recording_url = recording_sid.as_ref().map(|sid| {
        crate::recording::resource_url(&ctx.state.base_url, &ctx.state.config.account_sid, sid)
    });
    ctx.state.store.update(&ctx.sid, |c| {
        c.status = CallStatus::Completed;
        c.ended_at = Some(Utc::now());
        c.duration = Some(secs);
        c.recording_url = recording_url.clone();
    });
    ctx.state.store.event(
        &ctx.sid,
        "ended",
        format!("call completed ({}), {secs} s", end.describe()),
    );
    ctx.state.store.drop_control(&ctx.sid);
    if let End::Api(ack) = end {
        let _ = ack.send(());
    }
    let mut params = ctx.params("completed");
    params.push(("CallDuration".into(), secs.to_string()));
    params.push(("Duration".into(), secs.div_ceil(60).to_string()));
    notifier.status("completed", params);

    let (Some(rec_sid), Some(rec_url)) = (recording_sid, recording_url) else {
        return;
    };
    ctx.state.store.add_recording(&rec_sid);
    if let Some(callback) = ctx.req.recording_status_callback.clone() {
        let mut params: Vec<(String, String)> = ctx
            .params("completed")
            .into_iter()
            .filter(|(k, _)| matches!(k.as_str(), "AccountSid" | "CallSid"))
            .collect();
        for (k, v) in [
            ("RecordingSid", rec_sid),
            ("RecordingUrl", rec_url),
            ("RecordingStatus", "completed".to_owned()),
            ("RecordingDuration", secs.to_string()),
            ("RecordingChannels", "1".to_owned()),
            ("RecordingSource", "OutboundAPI".to_owned()),
            ("RecordingStartTime", Utc::now().to_rfc2822()),
            ("ErrorCode", "0".to_owned()),
        ] {
            params.push((k.to_owned(), v));
        }
        notifier.enqueue(
            "recording_status_callback".to_owned(),
            callback,
            ctx.req.recording_status_callback_method.clone(),
            params,
        );
    }
}
