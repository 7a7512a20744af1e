//! The router: REST under `/api`, Twilio webhooks under `/twilio`, health at the root, the
//! OpenAPI document at `/openapi.json`, Swagger UI at `/docs` and the dashboard at `/`.

mod agent_analytics;
mod agents;
mod analytics;
mod call_export;
mod calls;
mod campaign_list;
mod campaigns;
mod csv_input;
mod dnc;
mod dnc_import;
mod health;
mod json_body;
mod lead_actions;
mod lead_delete;
mod lead_filters;
mod lead_list;
mod leads;
mod meetings;
pub mod openapi;
mod page;
mod recordings;
mod speech;
mod trials;
mod twilio_hook;
mod upload;
mod webhooks;

pub use twilio_hook::{Target, Verified};
pub use upload::{ParsedUpload, parse_upload};

use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest JSON body accepted (uploads have their own limit).
const MAX_JSON_BODY: usize = 1024 * 1024;
/// Longest a request may take (Twilio itself gives up on a webhook after 15 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    // The operator's API: every route needs an API key.
    let api = Router::new()
        .route("/api/leads", post(leads::create).get(lead_list::list))
        .route(
            "/api/leads/{id}",
            get(leads::get_one).delete(lead_delete::delete),
        )
        .route("/api/leads/{id}/erasure", get(lead_delete::erasure))
        .route("/api/leads/{id}/retry", post(lead_actions::retry))
        .route("/api/leads/{id}/reset", post(lead_actions::reset))
        .route(
            "/api/lead-filters",
            post(lead_filters::create).get(lead_filters::list),
        )
        .route("/api/lead-filters/{id}", delete(lead_filters::delete))
        .route("/api/campaigns/start", post(campaigns::start))
        .route("/api/campaigns/status", get(campaign_list::list))
        .route("/api/campaigns/{id}", get(campaigns::get_one))
        .route("/api/campaigns/{id}/{action}", post(campaigns::control))
        .route("/api/analytics/overview", get(analytics::overview))
        .route("/api/analytics/agents", get(agent_analytics::agents))
        .route(
            "/api/analytics/call-outcomes",
            get(analytics::call_outcomes),
        )
        .route(
            "/api/analytics/language-distribution",
            get(analytics::language_distribution),
        )
        .route(
            "/api/analytics/calls-over-time",
            get(analytics::calls_over_time),
        )
        .route("/api/events", get(crate::events::stream))
        .route("/api/calls", get(calls::list))
        .route("/api/calls/export", get(call_export::export))
        .route("/api/calls/{id}", get(calls::get_one))
        .route("/api/calls/{id}/recording", get(recordings::link))
        .route("/api/meetings", get(meetings::list))
        .route("/api/meetings/{id}", get(meetings::get_one))
        .route("/api/meetings/{id}/status", patch(meetings::set_status))
        .route("/api/dnc", post(dnc::add))
        .route("/api/dnc/bulk", post(dnc::bulk_add))
        .route("/api/dnc/{phone}", get(dnc::get_one).delete(dnc::remove))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require_key,
        ));
    // Agents: the same key, with room for a large knowledge base in the body, and no request
    // timeout (merged after that layer, like uploads): a save may embed a thousand passages, and
    // a trial's turn waits on the model.
    let agents = Router::new()
        .route("/api/agents", post(agents::create).get(agents::list))
        .route("/api/agents/rules", get(agents::rules))
        .route("/api/agents/preview", post(agents::preview))
        .route("/api/agents/{id}", get(agents::get_one).put(agents::update))
        .route("/api/agents/{id}/versions", get(agents::list_versions))
        .route(
            "/api/agents/{id}/versions/{version}",
            get(agents::get_version),
        )
        .route("/api/agents/{id}/trials", post(trials::start))
        .route("/api/trials/{id}", get(trials::get_one))
        .route("/api/trials/{id}/messages", post(trials::message))
        .route("/api/trials/{id}/end", post(trials::end))
        .layer(DefaultBodyLimit::max(agents::MAX_AGENT_BODY))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require_key,
        ));
    // CSV uploads: the same key, but no request timeout (they are merged after that layer):
    // streaming up to UPLOAD_MAX_BYTES and importing a million rows takes longer than 30 s.
    let uploads = Router::new()
        .route("/api/leads/upload", upload::route())
        .route("/api/dnc/import", dnc_import::route())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require_key,
        ));
    // Twilio's webhooks: signature-checked instead.
    let twilio = Router::new()
        .route("/twilio/status", post(webhooks::status))
        .route("/twilio/amd", post(webhooks::amd))
        .route("/twilio/voice", post(webhooks::voice))
        .route("/twilio/turn", post(webhooks::turn))
        .route("/twilio/recording", post(webhooks::recording));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(crate::metrics::render))
        // Signed links instead of a key, so an <audio> element can play them.
        .route("/recordings/{id}", get(recordings::play))
        // Twilio fetches the agent's synthesised speech for <Play> the same way.
        .route("/tts/{file}", get(speech::play))
        .merge(openapi::router())
        .merge(api)
        .merge(twilio)
        .fallback_service(crate::dashboard::service(&state.config))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .merge(uploads)
        .merge(agents)
        .layer(middleware::from_fn(json_errors))
        .route_layer(middleware::from_fn(crate::metrics::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Gives every error the API's JSON shape, including the ones axum and tower-http produce
/// (a malformed JSON body, a bad path parameter, a body over the limit, a timeout, a wrong
/// method), which come as plain text or empty.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let text = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            format!("request body over the limit of {MAX_JSON_BODY} bytes"),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            format!(
                "the request took longer than {} s",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "method not allowed here".to_owned())
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", text),
        StatusCode::UNPROCESSABLE_ENTITY => ("invalid", text),
        s if s.is_server_error() => ("internal", "internal error".to_owned()),
        _ => ("bad_request", text),
    };
    (status, Json(crate::error::body(code, &message))).into_response()
}
