//! Building and running the application: a test can bind port 0 and ask for the port.

use crate::events::EventHub;
use crate::state::AppState;
use crate::{ApiConfig, routes};
use callwright_providers::embeddings::{Embedder, OpenAiEmbeddings};
use callwright_providers::telephony::{Telephony, TwilioClient, TwilioConfig};
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tokio::net::TcpListener;

/// A bound, ready-to-serve API.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to Postgres (running migrations) and Temporal, and binds the listener.
    pub async fn build(config: ApiConfig) -> anyhow::Result<Self> {
        crate::metrics::handle();
        let db = PgPoolOptions::new()
            .max_connections(20)
            .acquire_timeout(Duration::from_secs(5))
            .connect(&config.database_url)
            .await?;
        callwright_store::MIGRATOR.run(&db).await?;
        let temporal =
            crate::temporal::connect(&config.temporal_address, &config.temporal_namespace).await?;
        let listener = TcpListener::bind(config.bind).await?;
        let telephony: Option<std::sync::Arc<dyn Telephony>> = match &config.twilio_account_sid {
            Some(sid) => Some(std::sync::Arc::new(TwilioClient::new(TwilioConfig {
                base_url: config.twilio_base_url.clone(),
                account_sid: sid.clone(),
                auth_token: config.twilio_auth_token.clone(),
                // The API never dials.
                from_number: String::new(),
            })?)),
            None => None,
        };
        let embedder: Option<std::sync::Arc<dyn Embedder>> = match &config.embeddings {
            Some(c) => Some(std::sync::Arc::new(OpenAiEmbeddings::new(c.clone())?)),
            None => None,
        };
        Ok(Self {
            listener,
            state: AppState {
                db: db.clone(),
                temporal,
                config,
                keys: Default::default(),
                events: EventHub::start(db.clone()),
                telephony,
                embedder,
            },
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// Serves until the future `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let app = routes::router(self.state);
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    }
}
