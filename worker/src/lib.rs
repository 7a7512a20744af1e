//! Callwright's worker: runs the lead and campaign workflows and their activities on the main
//! task queue, and the dial activity on its own task queue whose server-side rate limit
//! (`max_task_queue_activities_per_second`) paces calls across every worker process.

pub mod booking_config;
pub mod config;
pub mod outbound;
pub mod voice_config;

pub use config::WorkerConfig;

use callwright_activities::booking::BookingDesk;
use callwright_activities::speech::Voice;
use callwright_activities::{CallActivities, DialActivities, ErasureActivities, MeetingActivities};
use callwright_agents::AgentBook;
use callwright_providers::calendar::{Calendar, GoogleCalendar};
use callwright_providers::embeddings::{Embedder, EmbeddingsConfig, OpenAiEmbeddings};
use callwright_providers::llm::{OpenAiChat, OpenAiConfig};
use callwright_providers::mail::SmtpMailer;
use callwright_providers::stt::{Deepgram, Transcriber};
use callwright_providers::telephony::{TwilioClient, TwilioConfig};
use callwright_providers::tts::ElevenLabs;
use callwright_providers::video::{VideoMeetings, ZoomClient};
use callwright_store::{MIGRATOR, Store};
use callwright_workflows::{
    CampaignWorkflow, LeadErasureWorkflow, LeadWorkflow, MeetingChangeWorkflow,
};
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;
use std::time::Duration;
use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions};
use temporalio_sdk::{Runtime, Worker, WorkerOptions};

async fn connect(config: &WorkerConfig) -> anyhow::Result<Client> {
    let url = callwright_runtime::settings::temporal_url(&config.temporal_address)?;
    let connection = Connection::connect(
        ConnectionOptions::new(url)
            .identity(format!("callwright-worker@{}", std::process::id()))
            .build(),
    )
    .await?;
    Ok(Client::new(
        connection,
        ClientOptions::new(config.temporal_namespace.clone()).build(),
    )?)
}

/// Registers the workflows' search attributes in the namespace, so a fresh Temporal server
/// (a Render or Kubernetes deployment) needs no setup step. Registering an attribute that
/// exists is harmless; a server that refuses (Temporal Cloud creates them through its own
/// control plane) is logged, not fatal: starting workflows then names what is missing.
async fn register_search_attributes(client: &Client, namespace: &str) {
    use temporalio_common::protos::temporal::api::enums::v1::IndexedValueType;
    use temporalio_common::protos::temporal::api::operatorservice::v1::AddSearchAttributesRequest;
    let search_attributes = callwright_workflows::search::ALL
        .iter()
        .map(|(name, kind)| {
            let kind = match *kind {
                "Int" => IndexedValueType::Int,
                _ => IndexedValueType::Keyword,
            };
            ((*name).to_owned(), kind as i32)
        })
        .collect();
    let request = AddSearchAttributesRequest {
        search_attributes,
        namespace: namespace.to_owned(),
    };
    match client
        .connection()
        .operator_service()
        .add_search_attributes(temporalio_client::tonic::Request::new(request))
        .await
    {
        Ok(_) => tracing::info!("search attributes registered"),
        Err(status) if status.code() == temporalio_client::tonic::Code::AlreadyExists => {}
        Err(status) => tracing::warn!(
            error = %status.message(),
            "could not register search attributes; register CampaignId, LeadId, Language, Outcome, LeadPhase, AgentId (Keyword), Attempt and AgentVersion (Int) by hand"
        ),
    }
}

/// Serves `GET /metrics` (Prometheus text) on `bind`: turn latency, attempts by outcome,
/// meetings confirmed, invites sent.
async fn serve_metrics(bind: std::net::SocketAddr) -> anyhow::Result<()> {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets_for_metric(
            metrics_exporter_prometheus::Matcher::Suffix("_seconds".to_owned()),
            &[0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0],
        )?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)?;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let handle = handle.clone();
            async move { handle.render() }
        }),
    );
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(%bind, "metrics at /metrics");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::warn!(error = %err, "metrics server stopped");
        }
    });
    Ok(())
}

/// Runs both workers until `shutdown` completes, then drains them.
pub async fn run(
    config: WorkerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&config.database_url)
        .await?;
    MIGRATOR.run(&pool).await?;
    if let Some(bind) = config.metrics_bind {
        serve_metrics(bind).await?;
    }
    outbound::register(&pool, config.outbound.as_ref()).await?;
    let (stop_outbound, outbound_stopped) = tokio::sync::watch::channel(false);
    if let Some(out) = config.outbound.clone() {
        tokio::spawn(outbound::run(pool.clone(), out, outbound_stopped));
    }
    let voice = match &config.speech {
        Some(speech) => {
            tracing::info!(base_url = %speech.elevenlabs.base_url, "text to speech: ElevenLabs");
            Some(Arc::new(Voice::new(
                Arc::new(ElevenLabs::new(speech.elevenlabs.clone())?),
                pool.clone(),
                secrecy::ExposeSecret::expose_secret(&config.twilio_auth_token),
                &config.public_base_url,
                speech.link_ttl,
            )))
        }
        None => None,
    };
    let transcriber: Option<Arc<dyn Transcriber>> = match &config.deepgram {
        Some(deepgram) => {
            tracing::info!(base_url = %deepgram.base_url, model = %deepgram.model, "recordings transcribed by Deepgram");
            Some(Arc::new(Deepgram::new(deepgram.clone())?))
        }
        None => None,
    };
    let store = Store::new(pool);
    let telephony = Arc::new(TwilioClient::new(TwilioConfig {
        base_url: config.twilio_base_url.clone(),
        account_sid: config.twilio_account_sid.clone(),
        auth_token: config.twilio_auth_token.clone(),
        from_number: config.twilio_from_number.clone(),
    })?);
    let llm = Arc::new(OpenAiChat::new(OpenAiConfig {
        base_url: config.llm_base_url.clone(),
        api_key: config.llm_api_key.clone(),
        model: config.llm_model.clone(),
        timeout: config.llm_timeout,
    })?);
    let embedder: Arc<dyn Embedder> = Arc::new(OpenAiEmbeddings::new(EmbeddingsConfig {
        base_url: config.llm_base_url.clone(),
        api_key: config.llm_api_key.clone(),
        model: config.embedding_model.clone(),
        timeout: config.llm_timeout,
    })?);
    let agents = Arc::new(AgentBook::new(store.pool().clone()));

    let booking = &config.booking;
    let calendar: Arc<dyn Calendar> = Arc::new(GoogleCalendar::new(booking.calendar.clone())?);
    let video: Option<Arc<dyn VideoMeetings>> = match &booking.zoom {
        Some(zoom) => Some(Arc::new(ZoomClient::new(zoom.clone())?)),
        None => None,
    };
    let mailer = Arc::new(SmtpMailer::from_url(
        &booking.smtp_url,
        Duration::from_secs(30),
    )?);
    let desk = Arc::new(BookingDesk::new(
        calendar.clone(),
        store.clone(),
        booking.settings.clone(),
    ));
    let meetings = MeetingActivities::new(
        calendar,
        video,
        mailer,
        store.clone(),
        booking.settings.clone(),
    );

    let runtime = Runtime::from_current_tokio(Default::default())?;
    let client = connect(&config).await?;
    register_search_attributes(&client, &config.temporal_namespace).await;
    let erasure = ErasureActivities::new(
        telephony.clone(),
        client.clone(),
        config.temporal_namespace.clone(),
        store.clone(),
    );
    let main_options = WorkerOptions::new(config.task_queue.clone())
        .register_workflow::<LeadWorkflow>()?
        .register_workflow::<CampaignWorkflow>()?
        .register_workflow::<MeetingChangeWorkflow>()?
        .register_workflow::<LeadErasureWorkflow>()?
        .register_activities(
            CallActivities::new(telephony.clone(), llm, desk, store.clone(), agents.clone())
                .with_embedder(Some(embedder))
                .with_voice(voice.clone())
                .with_transcriber(transcriber),
        )
        .register_activities(meetings)
        .register_activities(erasure)
        .max_cached_workflows(config.max_cached_workflows)
        .graceful_shutdown_period(Duration::from_secs(5))
        .build();
    let dial_options = WorkerOptions::new(config.dial_task_queue.clone())
        .register_activities(
            DialActivities::new(telephony, store, agents, config.public_base_url.clone())
                .with_voice(voice),
        )
        .max_task_queue_activities_per_second(config.dial_calls_per_second)
        .graceful_shutdown_period(Duration::from_secs(5))
        .build();
    let mut main_worker = Worker::new(&runtime, client.clone(), main_options)?;
    let mut dial_worker = Worker::new(&runtime, client, dial_options)?;
    tracing::info!(task_queue = %config.task_queue, dial_task_queue = %config.dial_task_queue, cps = config.dial_calls_per_second, "worker running");
    // If either worker stops (an error), stop the other too; on shutdown, drain both.
    let (stop_main, stop_dial) = (main_worker.shutdown_handle(), dial_worker.shutdown_handle());
    let (stop_main_too, stop_dial_too) =
        (main_worker.shutdown_handle(), dial_worker.shutdown_handle());
    let main = async {
        let result = main_worker.run().await;
        stop_dial_too();
        result
    };
    let dial = async {
        let result = dial_worker.run().await;
        stop_main_too();
        result
    };
    let workers = async { tokio::join!(main, dial) };
    tokio::pin!(workers);
    let (main_result, dial_result) = tokio::select! {
        results = &mut workers => results,
        () = shutdown => {
            tracing::info!("shutting down");
            stop_main();
            stop_dial();
            workers.await
        }
    };
    let _ = stop_outbound.send(true);
    main_result?;
    dial_result?;
    Ok(())
}
