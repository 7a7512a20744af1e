//! Callwright provider simulator.
//!
//! One HTTP server on loopback that speaks Twilio's REST API and call
//! behaviour (signed webhooks, TwiML, AMD, recordings, ConversationRelay over a
//! WebSocket, see [`relay`]) and an
//! OpenAI-compatible chat completions endpoint backed by a scripted model that says only
//! what the product's system prompt gives it, plus hashed embeddings, with scripted callee
//! personas chosen by the dialled number. The same
//! server speaks Google OAuth 2.0 (`POST /token`) and Calendar API v3
//! (`/calendar/v3/...`, see [`google`]) and Zoom Server-to-Server OAuth and
//! meetings (`/oauth/token`, `/v2/...`, see [`zoom`]). A second listener is a
//! plaintext SMTP sink ([`smtp`]) whose messages are listed at `/sim/mail`.
//! ElevenLabs text to speech (`POST /v1/text-to-speech/{voice}`, see [`tts`]) answers with
//! audio the TwiML executor can hear back when it runs `<Play>`; Deepgram pre-recorded
//! transcription (`POST /v1/listen`, see [`deepgram`]) transcribes its own recordings from
//! what was said on the call.
//!
//! Test and demo control lives under `/sim` ([`inspect`]): reset, fault
//! injection (`POST|GET|DELETE /sim/faults`), call records, calendar events
//! and busy blocks, Zoom meetings, received mail, the requests the model received
//! (`GET /sim/llm/requests`), and the simulator's Google service-account key file
//! (`GET /sim/google/service-account.json`).
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
pub mod callee_answers;
pub mod chaos;
pub mod config;
pub mod deepgram;
pub mod google;
pub mod inspect;
pub mod llm;
pub mod personas;
pub mod phrases;
pub mod recording;
pub mod relay;
pub mod smtp;
pub mod state;
pub mod store;
pub mod texts;
pub mod tts;
pub mod twilio;
pub mod twiml_exec;
pub mod zoom;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use tokio::net::TcpListener;

pub use config::{ConfigError, SimConfig};
use state::{AppState, SharedState};
use store::Store;
use twilio::webhook::Webhooks;

/// A bound, ready-to-serve simulator: the HTTP listener and the SMTP sink's.
pub struct Sim {
    listener: TcpListener,
    smtp_listener: TcpListener,
    router: Router,
    state: SharedState,
    port: u16,
    smtp_addr: SocketAddr,
    base_url: String,
}

/// The address clients should dial for a bound address (loopback for unspecified).
fn dialable(local: SocketAddr) -> SocketAddr {
    let ip = match local.ip() {
        ip if ip.is_unspecified() || ip.is_loopback() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    SocketAddr::new(ip, local.port())
}

impl Sim {
    /// Binds both listeners and assembles all routes.
    pub async fn build(config: SimConfig) -> anyhow::Result<Sim> {
        let listener = TcpListener::bind(config.bind).await?;
        let local = dialable(listener.local_addr()?);
        let smtp_listener = TcpListener::bind(config.smtp_bind).await?;
        let smtp_addr = dialable(smtp_listener.local_addr()?);
        let base_url = format!("http://{local}");
        let state = Arc::new(AppState {
            webhooks: Webhooks::new(&config.auth_token)?,
            store: Store::default(),
            base_url: base_url.clone(),
            google: google::Google::new()?,
            zoom: zoom::Zoom::default(),
            mail: smtp::Mailbox::default(),
            tts: tts::Speech::default(),
            deepgram: deepgram::Transcriptions::default(),
            llm_requests: llm::requests::RequestLog::default(),
            config,
        });
        let router = Router::new()
            .merge(twilio::rest::router())
            .merge(llm::router())
            .merge(inspect::router())
            .merge(chaos::router())
            .merge(recording::router())
            .merge(google::router())
            .merge(zoom::router())
            .merge(smtp::router())
            .merge(tts::router())
            .merge(deepgram::router())
            .fallback(|| async { (StatusCode::NOT_FOUND, "no such simulator endpoint") })
            .with_state(state.clone());
        Ok(Sim {
            listener,
            smtp_listener,
            router,
            state,
            port: local.port(),
            smtp_addr,
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

    /// The SMTP sink's address (`127.0.0.1:PORT` when bound to loopback or any).
    pub fn smtp_addr(&self) -> SocketAddr {
        self.smtp_addr
    }

    /// The SMTP sink's port actually bound (useful with port 0).
    pub fn smtp_port(&self) -> u16 {
        self.smtp_addr.port()
    }

    /// Serves HTTP and SMTP until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) {
        tracing::info!(
            base_url = %self.base_url,
            smtp = %self.smtp_addr,
            "callwright-sim listening"
        );
        let http =
            axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown_signal());
        tokio::select! {
            served = http => {
                if let Err(e) = served {
                    tracing::error!(error = %e, "server error");
                }
            }
            () = smtp::serve(self.smtp_listener, self.state) => {}
        }
        tracing::info!("callwright-sim stopped");
    }

    /// Serves HTTP and SMTP in one background task (abort the handle to stop both).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let http = axum::serve(self.listener, self.router);
            tokio::select! {
                served = http => {
                    if let Err(e) = served {
                        tracing::error!(error = %e, "server error");
                    }
                }
                () = smtp::serve(self.smtp_listener, self.state) => {}
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
