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
pub(crate) mod query;
mod recordings;
mod relay;
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
use axum::{Json, Router};
use std::time::Duration;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter, UtoipaMethodRouterExt as _};
use utoipa_axum::routes;

/// Largest JSON body accepted (uploads have their own limit).
const MAX_JSON_BODY: usize = 1024 * 1024;
/// Longest a request may take (Twilio itself gives up on a webhook after 15 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One path's handlers with their documentation (`utoipa_axum::routes!`): the only way a route
/// is added, so no route goes undocumented and no documented route is missing.
type Entry = UtoipaMethodRouter<AppState>;

/// The operator's API: every route needs an API key.
fn api_routes() -> Vec<Entry> {
    vec![
        routes!(leads::create, lead_list::list),
        routes!(leads::get_one, lead_delete::delete),
        routes!(lead_delete::erasure),
        routes!(lead_actions::retry),
        routes!(lead_actions::reset),
        routes!(lead_filters::create, lead_filters::list),
        routes!(lead_filters::delete),
        routes!(campaigns::start),
        routes!(campaign_list::list),
        routes!(campaigns::get_one),
        routes!(campaigns::control),
        routes!(analytics::overview),
        routes!(agent_analytics::agents),
        routes!(analytics::call_outcomes),
        routes!(analytics::language_distribution),
        routes!(analytics::calls_over_time),
        routes!(crate::events::stream),
        routes!(calls::list),
        routes!(call_export::export),
        routes!(calls::get_one),
        routes!(recordings::link),
        routes!(meetings::list),
        routes!(meetings::get_one),
        routes!(meetings::set_status),
        routes!(dnc::add),
        routes!(dnc::bulk_add),
        routes!(dnc::get_one, dnc::remove),
    ]
}

/// Agents and trials: the same key, with room for a large knowledge base in the body.
fn agent_routes() -> Vec<Entry> {
    vec![
        routes!(agents::create, agents::list),
        routes!(agents::rules),
        routes!(agents::preview),
        routes!(agents::get_one, agents::update),
        routes!(agents::list_versions),
        routes!(agents::get_version),
        routes!(trials::start),
        routes!(trials::get_one),
        routes!(trials::message),
        routes!(trials::end),
    ]
}

/// CSV uploads: the same key, streamed with no body limit of their own (the upload enforces
/// `UPLOAD_MAX_BYTES` as it reads).
fn upload_routes() -> Vec<Entry> {
    vec![
        routes!(upload::upload).layer(DefaultBodyLimit::disable()),
        routes!(dnc_import::import).layer(DefaultBodyLimit::disable()),
    ]
}

/// Twilio's webhooks: signature-checked instead of keyed.
fn twilio_routes() -> Vec<Entry> {
    vec![
        routes!(webhooks::status),
        routes!(webhooks::amd),
        routes!(webhooks::voice),
        routes!(webhooks::turn),
        routes!(relay::socket),
        routes!(relay::ended),
        routes!(webhooks::recording),
    ]
}

/// No key: health and metrics, and the signed links (so an `<audio>` element can play a
/// recording, and Twilio can fetch the agent's synthesised speech for `<Play>`).
fn public_routes() -> Vec<Entry> {
    vec![
        routes!(health::healthz),
        routes!(health::readyz),
        routes!(crate::metrics::render),
        routes!(recordings::play),
        routes!(speech::play),
    ]
}

/// Every group, in the order the document lists them.
fn route_groups() -> [Vec<Entry>; 5] {
    [
        api_routes(),
        agent_routes(),
        upload_routes(),
        twilio_routes(),
        public_routes(),
    ]
}

/// The entries as one router (with their document).
fn documented(entries: Vec<Entry>) -> OpenApiRouter<AppState> {
    entries
        .into_iter()
        .fold(OpenApiRouter::new(), OpenApiRouter::routes)
}

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    let key = || middleware::from_fn_with_state(state.clone(), crate::auth::require_key);
    let [api, agents, uploads, twilio, public] = route_groups().map(documented);
    let api = api.route_layer(key());
    // No request timeout for agents (merged after that layer, like uploads): a save may embed a
    // thousand passages, and a trial's turn waits on the model.
    let agents = agents
        .layer(DefaultBodyLimit::max(agents::MAX_AGENT_BODY))
        .route_layer(key());
    // Nor for uploads: streaming up to UPLOAD_MAX_BYTES and importing a million rows takes
    // longer than 30 s.
    let uploads = uploads.route_layer(key());
    let (routes, _) = public.merge(api).merge(twilio).split_for_parts();
    let (uploads, _) = uploads.split_for_parts();
    let (agents, _) = agents.split_for_parts();
    routes
        .merge(openapi::router(openapi::document()))
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
