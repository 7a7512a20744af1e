//! Asynchronous answering machine detection: after the detection delay,
//! records the verdict and posts `AsyncAmdStatusCallback` while the call's
//! TwiML keeps running.

use std::future::Future;
use std::time::Duration;

use crate::call_driver::CallCtx;
use crate::callbacks::forge_copy;
use crate::chaos::WebhookPlan;

/// A task that reports `verdict` after `amd_secs` simulated seconds, unless the
/// call ended before.
pub fn notify_later(
    ctx: &CallCtx,
    verdict: &'static str,
    amd_secs: f64,
) -> impl Future<Output = ()> + use<> {
    let state = ctx.state.clone();
    let sid = ctx.sid.clone();
    let target = ctx
        .req
        .async_amd_callback
        .clone()
        .map(|url| (url, ctx.req.async_amd_callback_method.clone()));
    let mut params = ctx.params("in-progress");
    params.push(("AnsweredBy".into(), verdict.to_owned()));
    params.push((
        "MachineDetectionDuration".into(),
        ((amd_secs * 1000.0) as u64).to_string(),
    ));
    async move {
        tokio::time::sleep(state.sim_time(amd_secs)).await;
        if state.store.get(&sid).is_none_or(|c| c.status.is_final()) {
            return;
        }
        state
            .store
            .update(&sid, |c| c.answered_by = Some(verdict.to_owned()));
        let Some((url, method)) = target else {
            state.store.event(
                &sid,
                "amd",
                format!("answered by {verdict} (no callback URL)"),
            );
            return;
        };
        // Chaos mode treats it as the callback it is: forged first, late, or twice.
        let plan = WebhookPlan::draw(&state.store.chaos());
        if plan.forge {
            forge_copy(&state, &sid, "amd_callback", &method, &url, &params).await;
        }
        if let Some(ms) = plan.delay_ms {
            state.store.count_chaos(|c| c.webhooks_delayed += 1);
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        for copy in 0..if plan.duplicate { 2 } else { 1 } {
            if copy == 1 {
                state.store.count_chaos(|c| c.webhooks_duplicated += 1);
            }
            state.store.count_chaos(|c| c.webhooks_sent += 1);
            let detail = match state.webhooks.send(&method, &url, &params).await {
                Ok(r) => format!("AnsweredBy={verdict}: {method} {url} -> HTTP {}", r.status),
                Err(e) => format!("AnsweredBy={verdict}: {method} {url} -> failed: {e}"),
            };
            state.store.event(&sid, "amd_callback", detail);
        }
    }
}
