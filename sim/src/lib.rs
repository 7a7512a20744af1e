//! Callwright provider simulator.
//!
//! One HTTP server on loopback that speaks Twilio's REST API and call
//! behaviour (signed webhooks, TwiML, AMD, recordings) and an
//! OpenAI-compatible chat completions endpoint backed by a scripted model,
//! with scripted callee personas chosen by the dialled number.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let sim = callwright_sim::Sim::build(callwright_sim::SimConfig::for_tests(0.01)).await?;
//! let base = sim.base_url();
//! let server = sim.spawn();
//! # let _ = (base, server);
//! # Ok(())
//! # }
//! ```

pub mod amd;
pub mod call_driver;
pub mod callbacks;
pub mod config;
pub mod inspect;
pub mod llm;
pub mod personas;
pub mod phrases;
pub mod recording;
pub mod state;
pub mod store;
pub mod twilio;
pub mod twiml_exec;

use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use tokio::net::TcpListener;

pub use config::{ConfigError, SimConfig};
use state::AppState;
use store::Store;
use twilio::webhook::Webhooks;

/// A bound, ready-to-serve simulator.
pub struct Sim {
    listener: TcpListener,
    router: Router,
    port: u16,
    base_url: String,
}

impl Sim {
    /// Binds the listener and assembles all routes.
    pub async fn build(config: SimConfig) -> anyhow::Result<Sim> {
        let listener = TcpListener::bind(config.bind).await?;
        let local = listener.local_addr()?;
        let host = match local.ip() {
            ip if ip.is_unspecified() || ip.is_loopback() => IpAddr::from([127, 0, 0, 1]),
            ip => ip,
        };
        let base_url = format!("http://{host}:{}", local.port());
        let state = Arc::new(AppState {
            webhooks: Webhooks::new(&config.auth_token)?,
            store: Store::default(),
            base_url: base_url.clone(),
            config,
        });
        let router = Router::new()
            .merge(twilio::rest::router())
            .merge(llm::router())
            .merge(inspect::router())
            .merge(recording::router())
            .fallback(|| async { (StatusCode::NOT_FOUND, "no such simulator endpoint") })
            .with_state(state);
        Ok(Sim {
            listener,
            router,
            port: local.port(),
            base_url,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) {
        tracing::info!(base_url = %self.base_url, "callwright-sim listening");
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "server error");
        }
        tracing::info!("callwright-sim stopped");
    }

    /// Serves in a background task (abort the handle to stop).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(e) = axum::serve(self.listener, self.router).await {
                tracing::error!(error = %e, "server error");
            }
        })
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
