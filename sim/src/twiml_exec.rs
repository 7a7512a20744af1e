//! The TwiML interpreter: fetches documents, executes their verbs against
//! the scripted callee, follows Gather actions and Redirects, and gives way
//! at once to REST modifications (new TwiML, new URL, hangup).

use std::time::Duration;

use tokio::sync::oneshot;

use crate::call_driver::{CallCtx, guard};
use crate::callbacks::forge_copy;
use crate::chaos::DocumentPlan;
use crate::personas::Reply;
use crate::store::Control;
use crate::twilio::twiml::{self, Gather, Verb};
use crate::twilio::webhook::{self, WebhookResponse};

/// Documents executed per call before the simulator assumes a loop.
const MAX_DOCUMENTS: usize = 200;

/// What is told in the call when a webhook fails, like Twilio.
pub const APPLICATION_ERROR: &str = "An application error has occurred.";

/// Where the next TwiML document comes from.
#[derive(Debug)]
pub enum Source {
    /// Request it from a webhook.
    Fetch {
        /// Absolute URL.
        url: String,
        /// `GET` or `POST`.
        method: String,
        /// Parameters beyond the common ones (e.g. `SpeechResult`).
        extra: Vec<(String, String)>,
    },
    /// TwiML given directly (REST `Twiml=`).
    Inline(String),
}

impl Source {
    /// A plain fetch of `url`.
    pub fn fetch(url: &str, method: &str) -> Self {
        Self::Fetch {
            url: url.to_owned(),
            method: method.to_owned(),
            extra: Vec::new(),
        }
    }

    /// The document a REST modification asks for; `None` for a hangup.
    pub fn from_control(control: Control) -> Option<Self> {
        match control {
            Control::Twiml(xml) => Some(Self::Inline(xml)),
            Control::Url { url, method } => Some(Self::fetch(&url, &method)),
            Control::Hangup { .. } => None,
        }
    }
}

/// Why TwiML execution stopped.
#[derive(Debug)]
pub enum End {
    /// A `<Hangup/>` or `<Reject/>` verb.
    Hangup,
    /// The document ran out of verbs.
    DocumentEnd,
    /// The callee hung up.
    CalleeHungUp,
    /// REST `Status=completed`; acknowledged once the call is final.
    Api(oneshot::Sender<()>),
    /// A webhook failed; the application error message was played.
    AppError(String),
}

impl End {
    /// Short description for the event log.
    pub fn describe(&self) -> String {
        match self {
            Self::Hangup => "Hangup verb".to_owned(),
            Self::DocumentEnd => "end of TwiML".to_owned(),
            Self::CalleeHungUp => "callee hung up".to_owned(),
            Self::Api(_) => "hung up via REST".to_owned(),
            Self::AppError(e) => format!("application error: {e}"),
        }
    }
}

/// What a verb leaves the interpreter to do.
pub(crate) enum Flow {
    /// Go on with the next verb of the document.
    Next,
    /// Leave the document for another one.
    Goto(Source),
    /// The call's TwiML is over.
    Stop(End),
}

/// Executes TwiML starting from `first` until the call ends.
pub async fn execute(ctx: &mut CallCtx, first: Source) -> End {
    let mut source = first;
    for _ in 0..MAX_DOCUMENTS {
        let (verbs, base) = match load(ctx, source).await {
            Ok(doc) => doc,
            Err(Flow::Goto(next)) => {
                source = next;
                continue;
            }
            Err(Flow::Stop(end)) => return end,
            Err(Flow::Next) => return End::DocumentEnd,
        };
        let mut next = None;
        for verb in &verbs {
            match run_verb(ctx, verb, &base).await {
                Flow::Next => {}
                Flow::Goto(target) => {
                    next = Some(target);
                    break;
                }
                Flow::Stop(end) => return end,
            }
        }
        match next {
            Some(target) => source = target,
            None => return End::DocumentEnd,
        }
    }
    app_error(
        ctx,
        format!("more than {MAX_DOCUMENTS} documents, assuming a loop"),
    )
}

async fn load(ctx: &mut CallCtx, source: Source) -> Result<(Vec<Verb>, String), Flow> {
    let (body, base) = match source {
        Source::Inline(xml) => (xml, ctx.req.url.clone()),
        Source::Fetch { url, method, extra } => {
            let mut params = ctx.params("in-progress");
            if let Some(by) = &ctx.answered_by {
                params.push(("AnsweredBy".into(), by.clone()));
            }
            params.extend(extra);
            let plan = DocumentPlan::draw(&ctx.state.store.chaos());
            if plan.forge {
                forge_copy(&ctx.state, &ctx.sid, "document", &method, &url, &params).await;
            }
            if let Some(ms) = plan.delay_ms {
                ctx.state.store.count_chaos(|c| c.documents_delayed += 1);
                // A REST change (hang-up, new TwiML) still takes effect at once.
                let late = tokio::time::sleep(Duration::from_millis(ms));
                if let Err(control) = guard(&mut ctx.rx, late).await {
                    return Err(interrupt(ctx, control));
                }
            }
            ctx.state.store.count_chaos(|c| c.documents_sent += 1);
            // The callee's turn is handed over here: its answer's latency is measured.
            let turn = params.iter().any(|(k, _)| k == "SpeechResult");
            let asked = std::time::Instant::now();
            let sent = guard(&mut ctx.rx, ctx.state.webhooks.send(&method, &url, &params)).await;
            match sent {
                Err(control) => return Err(interrupt(ctx, control)),
                Ok(Err(e)) => {
                    return Err(Flow::Stop(app_error(ctx, format!("{method} {url}: {e}"))));
                }
                Ok(Ok(response)) => {
                    if turn {
                        let ms = u64::try_from(asked.elapsed().as_millis()).unwrap_or(u64::MAX);
                        ctx.state
                            .store
                            .update(&ctx.sid, |c| c.reply_latencies_ms.push(ms));
                    }
                    ctx.state.store.event(
                        &ctx.sid,
                        "webhook",
                        format!("{method} {url} -> HTTP {}", response.status),
                    );
                    if plan.duplicate {
                        duplicate(ctx, &method, &url, &params, &response).await;
                    }
                    (response.body, url)
                }
            }
        }
    };
    match twiml::parse(&body) {
        Ok(verbs) => Ok((verbs, base)),
        Err(e) => Err(Flow::Stop(app_error(
            ctx,
            format!("unusable TwiML from {base}: {e}"),
        ))),
    }
}

/// Chaos mode: the same request again, as a retry would send it; the answer must be the
/// document the first one got (a repeated update is answered once).
async fn duplicate(
    ctx: &CallCtx,
    method: &str,
    url: &str,
    params: &[(String, String)],
    first: &WebhookResponse,
) {
    ctx.state.store.count_chaos(|c| {
        c.documents_sent += 1;
        c.documents_duplicated += 1;
    });
    let again = ctx.state.webhooks.send(method, url, params).await;
    let same = again
        .as_ref()
        .is_ok_and(|r| r.status == first.status && r.body == first.body);
    // A request that got no answer at all is the network's doing, not a second answer.
    if again.is_ok() && !same {
        ctx.state
            .store
            .count_chaos(|c| c.documents_duplicate_differs += 1);
    }
    let detail = match again {
        Ok(r) if same => format!("HTTP {}, the same document", r.status),
        Ok(r) => format!("HTTP {}, a different document: {}", r.status, r.body),
        Err(e) => format!("failed: {e}"),
    };
    ctx.state.store.event(
        &ctx.sid,
        "chaos",
        format!("duplicate {method} {url}: {detail}"),
    );
}

/// A REST modification takes over: hang up, or run the new document.
pub(crate) fn interrupt(ctx: &CallCtx, control: Control) -> Flow {
    let flow = match control {
        Control::Hangup { ack, .. } => Flow::Stop(End::Api(ack)),
        other => match Source::from_control(other) {
            Some(source) => Flow::Goto(source),
            None => Flow::Next,
        },
    };
    ctx.state.store.event(
        &ctx.sid,
        "interrupted",
        "current TwiML interrupted by a REST modification",
    );
    flow
}

/// Plays the application error message and ends the call's TwiML.
pub(crate) fn app_error(ctx: &CallCtx, detail: String) -> End {
    tracing::warn!(call = %ctx.sid, %detail, "application error");
    ctx.state.store.event(&ctx.sid, "error", detail.clone());
    ctx.state.store.say(&ctx.sid, "agent", APPLICATION_ERROR);
    End::AppError(detail)
}

async fn wait(ctx: &mut CallCtx, secs: f64) -> Flow {
    let pause = ctx.state.sim_time(secs);
    match guard(&mut ctx.rx, tokio::time::sleep(pause)).await {
        Ok(()) => Flow::Next,
        Err(control) => interrupt(ctx, control),
    }
}

/// Simulated speaking pace of the agent's voice and the callee's.
pub(crate) const WORDS_PER_SEC: f64 = 2.5;

fn speaking_secs(text: &str) -> f64 {
    text.split_whitespace().count() as f64 / WORDS_PER_SEC
}

async fn run_verb(ctx: &mut CallCtx, verb: &Verb, base: &str) -> Flow {
    match verb {
        Verb::Say { .. } | Verb::Play { .. } | Verb::Pause { .. } => prompt(ctx, verb, base).await,
        Verb::Gather(g) => gather(ctx, g, base).await,
        Verb::Dial { number, .. } => {
            ctx.state
                .store
                .event(&ctx.sid, "verb", format!("Dial {number}"));
            let to = number.clone();
            ctx.state
                .store
                .update(&ctx.sid, |c| c.transferred_to = Some(to.clone()));
            // The colleague answers and talks with the callee for a while; then the document
            // goes on after the <Dial>.
            wait(ctx, 20.0).await
        }
        Verb::Hangup | Verb::Reject => {
            ctx.state.store.event(&ctx.sid, "verb", "Hangup");
            Flow::Stop(End::Hangup)
        }
        Verb::Redirect { url, method } => {
            ctx.state
                .store
                .event(&ctx.sid, "verb", format!("Redirect {method} {url}"));
            match webhook::resolve(base, url) {
                Ok(target) => Flow::Goto(Source::fetch(&target, method)),
                Err(e) => Flow::Stop(app_error(ctx, format!("Redirect: {e}"))),
            }
        }
        Verb::Connect(connect) => crate::relay::run(ctx, connect, base).await,
        Verb::Unsupported(name) => {
            ctx.state
                .store
                .event(&ctx.sid, "verb", format!("skipped unsupported <{name}>"));
            Flow::Next
        }
    }
}

/// Say, Play and Pause, at top level or inside a Gather.
async fn prompt(ctx: &mut CallCtx, verb: &Verb, base: &str) -> Flow {
    match verb {
        Verb::Say { text, language, .. } => {
            let lang = language.as_deref().unwrap_or("default");
            ctx.state
                .store
                .event(&ctx.sid, "verb", format!("Say ({lang}): {text}"));
            ctx.state.store.say(&ctx.sid, "agent", text);
            let flow = wait(ctx, speaking_secs(text)).await;
            if matches!(flow, Flow::Next) && ctx.persona.hear(text) {
                ctx.state.store.event(&ctx.sid, "callee", "callee hung up");
                return Flow::Stop(End::CalleeHungUp);
            }
            flow
        }
        Verb::Play { url } => {
            // Fetched like Twilio does; simulated speech is heard like a <Say> of its text.
            let (detail, heard) = match webhook::resolve(base, url) {
                Ok(target) => {
                    match guard(&mut ctx.rx, ctx.state.webhooks.fetch_media(&target)).await {
                        Err(control) => return interrupt(ctx, control),
                        Ok(Ok(bytes)) => match crate::tts::decode(&bytes) {
                            Some(text) => (format!("Play {target}: speech: {text}"), Some(text)),
                            None => (format!("Play {target}: {} bytes", bytes.len()), None),
                        },
                        Ok(Err(e)) => (format!("Play {target}: fetch failed: {e}"), None),
                    }
                }
                Err(e) => (format!("Play: {e}"), None),
            };
            ctx.state.store.event(&ctx.sid, "verb", detail);
            let Some(text) = heard else {
                return wait(ctx, 2.0).await;
            };
            ctx.state.store.say(&ctx.sid, "agent", &text);
            let flow = wait(ctx, speaking_secs(&text)).await;
            if matches!(flow, Flow::Next) && ctx.persona.hear(&text) {
                ctx.state.store.event(&ctx.sid, "callee", "callee hung up");
                return Flow::Stop(End::CalleeHungUp);
            }
            flow
        }
        Verb::Pause { length } => {
            ctx.state
                .store
                .event(&ctx.sid, "verb", format!("Pause {length} s"));
            wait(ctx, *length as f64).await
        }
        _ => Flow::Next,
    }
}

async fn gather(ctx: &mut CallCtx, g: &Gather, base: &str) -> Flow {
    ctx.state.store.event(
        &ctx.sid,
        "verb",
        format!(
            "Gather input={} action={} timeout={}",
            g.input,
            g.action.as_deref().unwrap_or("(current document)"),
            g.timeout
        ),
    );
    for p in &g.prompts {
        match prompt(ctx, p, base).await {
            Flow::Next => {}
            other => return other,
        }
    }
    let action = match webhook::resolve(base, g.action.as_deref().unwrap_or(base)) {
        Ok(a) => a,
        Err(e) => return Flow::Stop(app_error(ctx, format!("Gather action: {e}"))),
    };
    let listens = g.input.to_ascii_lowercase().contains("speech");
    let reply = if listens {
        ctx.persona.reply()
    } else {
        Reply::Silent
    };
    match reply {
        Reply::Speak { text, confidence } => {
            ctx.state.store.say(&ctx.sid, "callee", &text);
            let end_silence = match g.speech_timeout.as_deref().map(str::trim) {
                Some(t) => t.parse::<f64>().unwrap_or(1.0),
                None => 1.0,
            };
            if let flow @ (Flow::Goto(_) | Flow::Stop(_)) =
                wait(ctx, speaking_secs(&text) + end_silence).await
            {
                return flow;
            }
            let confidence = format!("{confidence:.2}");
            ctx.state.store.event(
                &ctx.sid,
                "gather",
                format!(
                    "speech {text:?} (confidence {confidence}) -> {} {action}",
                    g.method
                ),
            );
            Flow::Goto(Source::Fetch {
                url: action,
                method: g.method.clone(),
                extra: vec![
                    ("SpeechResult".to_owned(), text),
                    ("Confidence".to_owned(), confidence),
                ],
            })
        }
        Reply::Silent => {
            if let flow @ (Flow::Goto(_) | Flow::Stop(_)) = wait(ctx, g.timeout as f64).await {
                return flow;
            }
            if g.action_on_empty_result {
                ctx.state.store.event(
                    &ctx.sid,
                    "gather",
                    format!("no speech -> {} {action}", g.method),
                );
                Flow::Goto(Source::fetch(&action, &g.method))
            } else {
                ctx.state
                    .store
                    .event(&ctx.sid, "gather", "no speech, continuing");
                Flow::Next
            }
        }
        Reply::HangUp => {
            ctx.state.store.event(&ctx.sid, "callee", "callee hung up");
            Flow::Stop(End::CalleeHungUp)
        }
    }
}
