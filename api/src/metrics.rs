//! Prometheus metrics at `GET /metrics`: every request by route, method and status with its
//! latency, plus, read from the projections at scrape time, the calls in progress and the calls
//! per outcome (so the figures agree across any number of API and worker processes).

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Latency buckets (seconds): the turn webhook should sit in the first few.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide recorder (installed once; later calls share it).
pub fn handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &BUCKETS)
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (tests running several apps).
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .clone()
}

/// Middleware: counts and times every request by its route template.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("route", route), ("method", method), ("status", status)];
    metrics::counter!("callwright_http_requests_total", &labels).increment(1);
    metrics::histogram!("callwright_http_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` in the Prometheus text format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "health",
    responses((status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain"))
)]
pub async fn render(State(state): State<AppState>) -> Response {
    let mut out = handle().map(|h| h.render()).unwrap_or_default();
    if let Ok(live) = callwright_store::calls::live_count(&state.db).await {
        out.push_str(&format!(
            "# HELP callwright_calls_in_progress Calls placed and not yet finished.\n\
             # TYPE callwright_calls_in_progress gauge\ncallwright_calls_in_progress {live}\n"
        ));
    }
    if let Ok(rows) = callwright_store::calls::outcome_counts(&state.db).await {
        out.push_str(
            "# HELP callwright_calls_total Finished calls by outcome.\n\
             # TYPE callwright_calls_total counter\n",
        );
        for (outcome, n) in rows {
            out.push_str(&format!(
                "callwright_calls_total{{outcome=\"{outcome}\"}} {n}\n"
            ));
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
