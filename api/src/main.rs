//! The API binary: configuration, tracing, then serve until Ctrl-C or SIGTERM.

use callwright_api::{ApiConfig, Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    callwright_activities::telemetry::init("callwright_api=info,tower_http=info");
    let config = ApiConfig::from_env()?;
    let app = Application::build(config).await?;
    tracing::info!(port = app.port(), "API listening");
    app.run_until(callwright_activities::telemetry::shutdown_signal())
        .await
}
