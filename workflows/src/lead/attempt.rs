//! One attempt of the lead workflow: waiting for the calling window, dialling (or opening a
//! trial's chat), following the call through its status, AMD and voice events, and asking
//! the model for a turn. Same workflow, same history: these are the [`LeadWorkflow`] methods
//! an attempt runs, kept apart from the workflow's handlers.

use super::*;
use temporalio_sdk::CancellableFuture as _;

impl LeadWorkflow {
    /// Waits, durably and visibly (phase `waiting_window`, `next_action_at`), until the lead's
    /// calling window is open, or until the lead is stopped.
    pub(super) async fn wait_for_window(ctx: &WorkflowContext<Self>) {
        loop {
            let now = utc(ctx.workflow_time());
            let (primary, zones, window) = ctx.state(|s| {
                let lead = &s.lead;
                let primary = lead.timezone;
                let zones = lead.window_timezones.clone();
                let window = s
                    .input
                    .settings
                    .calling_window
                    .for_region(lead.phone.as_ref().and_then(|p| p.region()))
                    .clone();
                (primary, zones, window)
            });
            let opening = if zones.is_empty() {
                next_opening(now, primary, &window)
            } else {
                // Never open in all candidate zones at once: fall back to the lead's main zone.
                next_common_opening(now, &zones, &window)
                    .unwrap_or_else(|_| next_opening(now, primary, &window))
            };
            let Some(opens) = opening else { return };
            Self::set_phase(ctx, LeadPhase::WaitingWindow);
            ctx.state_mut(|s| s.next_action_at = Some(opens));
            let wait = (opens - now)
                .to_std()
                .unwrap_or_default()
                .max(Duration::from_secs(1));
            select! {
                _ = ctx.timer(wait) => {}
                _ = ctx.wait_condition(|s: &Self| s.stop_requested) => {}
            };
            ctx.state_mut(|s| s.next_action_at = None);
            if ctx.state(|s| s.stop_requested) {
                return;
            }
        }
    }

    /// Asks the model (local activity) and folds its answer into the conversation.
    pub(super) async fn ask_model(
        ctx: &WorkflowContext<Self>,
        req: &TurnRequest,
        now: DateTime<Utc>,
    ) -> (Twiml, Vec<ToolUse>) {
        let input = ctx.state(|s| {
            let call = s.call.as_ref()?;
            let conversation = call.conversation.as_ref()?;
            // The agent speaks the conversation's language (the lead's, unless the callee
            // switched), and the model is told what it heard.
            let mut lead = s.lead.clone();
            lead.language = conversation.language;
            Some(ConverseInput {
                call_id: call.call_id.clone()?,
                heard_language: conversation.last_heard_language(),
                lead,
                agent: s.input.agent.clone(),
                trial: s.input.channel == Channel::Chat,
                now,
                turns: conversation.turns.clone(),
                persist_from: call.persisted,
                workflow_id: s.workflow_id.clone(),
                campaign_id: s.input.campaign_id.clone(),
                offered: conversation.offered.clone(),
                slots_offered: conversation.slots_offered,
                can_transfer: s.input.settings.transfer_number.is_some(),
                relay: call.relay_url.is_some(),
            })
        });
        let Some(input) = input else {
            return (Twiml::new().hangup(), Vec::new());
        };
        let reply = ctx
            .execute_local_activity(CallActivities::converse, input, options::converse())
            .await;
        ctx.state_mut(|s| {
            let settings = s.input.settings.clone();
            let Some(call) = s.live_mut(req.attempt, &req.call_sid) else {
                return (Twiml::new().hangup(), Vec::new());
            };
            let Some(conversation) = call.conversation.as_mut() else {
                return (Twiml::new().hangup(), Vec::new());
            };
            let p = phrases(conversation.language);
            match reply {
                Ok(out) => {
                    if let Some(url) = out.audio_url {
                        conversation.audio.insert(out.reply.trim().to_owned(), url);
                    }
                    if let Some(offer) = out.offer {
                        conversation.offered = offer.slots;
                        conversation.slots_offered = offer.slots_offered;
                    }
                    let twiml = conversation.answer(&out.reply, out.action, now, &settings, p);
                    if out.persisted {
                        call.persisted = conversation.turns.len();
                    }
                    (twiml, out.tools)
                }
                Err(_) => (conversation.fail(now, p), Vec::new()),
            }
        })
    }

    /// Dials and follows one call to its end; returns what came of it.
    pub(super) async fn run_attempt(
        ctx: &mut WorkflowContext<Self>,
    ) -> WorkflowResult<AttemptOutcome> {
        let chat = ctx.state(|s| s.input.channel == Channel::Chat);
        let attempt = ctx.state_mut(|s| {
            s.attempt += 1;
            s.call = Some(LiveCall::new(s.attempt));
            s.attempt
        });
        ctx.upsert_search_attributes([search::ATTEMPT.value_set(i64::from(attempt))]);
        Self::set_phase(ctx, LeadPhase::Dialing);
        let placed = if chat {
            let input = ctx.state(|s| OpenChatInput {
                workflow_id: s.workflow_id.clone(),
                attempt,
                lead: s.lead.clone(),
                agent: s.input.agent.clone(),
            });
            ctx.execute_activity(CallActivities::open_chat, input, options::live_call())
                .await
        } else {
            let (input, queue) = ctx.state(|s| {
                let input = DialInput {
                    workflow_id: s.workflow_id.clone(),
                    attempt,
                    lead: s.lead.clone(),
                    campaign_id: s.input.campaign_id.clone(),
                    ring_timeout_secs: s.input.settings.ring_timeout_secs,
                    agent: s.input.agent.clone(),
                };
                (input, s.input.dial_task_queue.clone())
            });
            ctx.execute_activity(DialActivities::dial, input, options::dial(&queue))
                .await
        };
        let (call_id, call_sid, audio, script) = match placed {
            Ok(DialOutput::Placed {
                call_id,
                call_sid,
                audio,
                script,
            }) => (call_id, call_sid, audio, script),
            Ok(DialOutput::DoNotCall) => return Ok(AttemptOutcome::DoNotCall),
            Ok(DialOutput::LeadDeleted) => return Ok(AttemptOutcome::Canceled),
            Err(_) => return Ok(AttemptOutcome::Failed),
        };
        ctx.state_mut(|s| {
            if let Some(call) = s.call.as_mut() {
                call.call_id = Some(call_id);
                call.call_sid.get_or_insert(call_sid);
                call.audio = audio;
                call.script = Some(script);
                if chat {
                    // A chat is answered by the operator who opened it.
                    call.status = CallStatus::InProgress;
                    call.answered_by = Some(AnsweredBy::Human);
                }
            }
        });
        if chat {
            Self::follow_chat(ctx).await;
        } else {
            Self::follow_call(ctx).await?;
        }
        Ok(ctx.state(|s| {
            let Some(call) = s.call.as_ref() else {
                return AttemptOutcome::Failed;
            };
            let conversation = call.conversation.as_ref();
            classify_attempt(
                call.status,
                call.answered_by,
                conversation.and_then(|c| c.end.as_ref()),
                conversation.is_some_and(Conversation::callee_spoke),
            )
        }))
    }

    /// Waits until a trial's chat is over: the agent ended the conversation, the operator
    /// ended the trial (a `completed` status), or it sat idle past the call's limit.
    pub(super) async fn follow_chat(ctx: &mut WorkflowContext<Self>) {
        let idle = ctx.state(|s| s.input.settings.max_call_secs);
        // The idle clock restarts with every line said.
        let lines = |s: &Self| {
            s.call
                .as_ref()
                .and_then(|c| c.conversation.as_ref())
                .map_or(0, |v| v.turns.len())
        };
        loop {
            let said = ctx.state(lines);
            let woke = select! {
                _ = ctx.wait_condition(move |s: &Self| {
                    s.stop_requested
                        || lines(s) != said
                        || s.call.as_ref().is_none_or(|c| {
                            c.is_over()
                                || (c.turns_in_flight == 0
                                    && c.conversation.as_ref().is_some_and(|v| v.end.is_some()))
                        })
                }) => true,
                _ = ctx.timer(Duration::from_secs(idle)) => false,
            };
            let over = ctx.state(|s| {
                s.stop_requested
                    || s.call.as_ref().is_none_or(|c| {
                        c.status.is_final()
                            || c.conversation.as_ref().is_some_and(|v| v.end.is_some())
                    })
            });
            if over || !woke {
                break;
            }
        }
        // No turn may still be booking when the trial's meetings are released: the call is over
        // for new turns from here (the turn validator refuses them), and a running one finishes.
        ctx.state_mut(|s| {
            if let Some(call) = s.call.as_mut() {
                call.status = CallStatus::Completed;
            }
        });
        let _ = ctx
            .wait_condition(|s: &Self| s.call.as_ref().is_none_or(|c| c.turns_in_flight == 0))
            .await;
    }

    /// Waits until the call is over, leaving a voicemail when AMD asks for one. If the final
    /// status never arrives, asks the provider.
    pub(super) async fn follow_call(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        // The ringing timer bounds a call that is never answered; an answered call is bounded
        // by its own length. Left running past the answer, the ringing timer of every call
        // dialled in the same second would fire together (each with a provider lookup) in the
        // middle of their conversations. Histories from before the marker kept it running.
        let rearm_on_answer = ctx.patched(FOLLOW_ANSWERED_PATCH);
        loop {
            let (answered, settings) = ctx.state(|s| {
                (
                    s.call
                        .as_ref()
                        .is_some_and(|c| c.status == CallStatus::InProgress),
                    s.input.settings.clone(),
                )
            });
            let patience = if answered {
                settings.max_call_secs
            } else {
                u64::from(settings.ring_timeout_secs) + 120
            };
            let timer = ctx.timer(Duration::from_secs(patience));
            let mut timer = std::pin::pin!(timer);
            let woke_by_state = select! {
                _ = ctx.wait_condition(move |s: &Self| {
                    s.call.as_ref().is_none_or(|c| {
                        c.is_over()
                            || c.voicemail == Voicemail::Due
                            || (rearm_on_answer && !answered && c.status == CallStatus::InProgress)
                    })
                }) => true,
                _ = timer.as_mut() => false,
            };
            if woke_by_state && rearm_on_answer {
                // Dropping a timer future does not cancel it at the server: it would still
                // fire (a workflow task for nothing) when its time comes.
                timer.as_ref().get_ref().cancel();
            }
            if woke_by_state {
                let voicemail = ctx.state_mut(|s| {
                    let lead = &s.lead;
                    let call = s
                        .call
                        .as_mut()
                        .filter(|c| c.voicemail == Voicemail::Due && !c.status.is_final())?;
                    call.voicemail = Voicemail::Left;
                    let script = call.script.as_ref()?;
                    let voice = script.say_voices.get(&lead.language).map(String::as_str);
                    Some(RedirectInput {
                        call_sid: call.call_sid.clone()?,
                        twiml: Twiml::new()
                            .push(speech(&call.audio, &script.voicemail, lead.language, voice))
                            .hangup()
                            .render(),
                    })
                });
                match voicemail {
                    Some(input) => {
                        // Best effort: if the call is gone, the final status settles it.
                        let _ = ctx
                            .execute_activity(
                                CallActivities::redirect_call,
                                input,
                                options::live_call(),
                            )
                            .await;
                    }
                    // Woken by the answer: wait again, bounded by the call's length now. Not
                    // when a voicemail is still due (on a call that ended with a turn in
                    // flight): that would wake again at once, for ever, and starve the turn.
                    None if rearm_on_answer
                        && ctx.state(|s| {
                            s.call
                                .as_ref()
                                .is_some_and(|c| !c.is_over() && c.voicemail != Voicemail::Due)
                        }) => {}
                    None => return Ok(()),
                }
            } else {
                let Some(sid) = ctx.state(|s| s.call.as_ref().and_then(|c| c.call_sid.clone()))
                else {
                    return Ok(());
                };
                let fetched = ctx
                    .execute_activity(CallActivities::fetch_call, sid, options::durable())
                    .await;
                // A provider that no longer knows the call (a permanent error) cannot have it
                // live: the attempt failed, and the lead is retried rather than lost.
                let (status, duration, answered_by) = match fetched {
                    Ok(info) => (
                        info.status
                            .parse::<CallStatus>()
                            .ok()
                            .filter(|st| st.is_final()),
                        info.duration_secs,
                        info.answered_by.and_then(|a| a.parse().ok()),
                    ),
                    Err(_) => (Some(CallStatus::Failed), None, None),
                };
                if let Some(status) = status {
                    ctx.state_mut(|s| {
                        if let Some(call) = s.call.as_mut() {
                            call.status = status;
                            call.duration_secs = duration.or(call.duration_secs);
                            call.answered_by = call.answered_by.or(answered_by);
                            call.turns_in_flight = 0;
                        }
                    });
                    return Ok(());
                }
            }
        }
    }

    /// Whether the callee said anything on the attempt's call (a summary has something to read).
    pub(super) fn callee_spoke(ctx: &WorkflowContext<Self>) -> bool {
        ctx.state(|s| {
            s.call
                .as_ref()
                .and_then(|c| c.conversation.as_ref())
                .is_some_and(|c| {
                    c.turns
                        .iter()
                        .any(|t| t.speaker == Speaker::Callee && !t.text.trim().is_empty())
                })
        })
    }

    /// Whether the attempt's call was answered by a person (a conversation was opened).
    pub(super) fn conversed(ctx: &WorkflowContext<Self>) -> bool {
        ctx.state(|s| s.call.as_ref().is_some_and(|c| c.conversation.is_some()))
    }
}
