//! The router: REST under `/api`, Twilio webhooks under `/twilio`, health at the root.

mod campaigns;
mod dnc;
mod health;
mod leads;
mod meetings;
mod twilio_hook;
mod webhooks;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, patch, post};
use tower_http::trace::TraceLayer;

/// Every route of the API.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/leads", post(leads::create))
        .route("/api/leads/{id}", get(leads::get_one))
        .route("/api/campaigns/start", post(campaigns::start))
        .route("/api/campaigns/{id}", get(campaigns::get_one))
        .route("/api/campaigns/{id}/{action}", post(campaigns::control))
        .route("/api/meetings", get(meetings::list))
        .route("/api/meetings/{id}", get(meetings::get_one))
        .route("/api/meetings/{id}/status", patch(meetings::set_status))
        .route("/api/dnc", post(dnc::add))
        .route("/api/dnc/{phone}", get(dnc::get_one).delete(dnc::remove))
        .route("/twilio/status", post(webhooks::status))
        .route("/twilio/amd", post(webhooks::amd))
        .route("/twilio/voice", post(webhooks::voice))
        .route("/twilio/turn", post(webhooks::turn))
        .route("/twilio/recording", post(webhooks::recording))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
