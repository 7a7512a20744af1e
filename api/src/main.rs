//! The API binary: configuration, tracing, then serve until Ctrl-C or SIGTERM.

use callwright_api::{ApiConfig, Application};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    callwright_runtime::telemetry::init("callwright_api=info,tower_http=info");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.is_empty() {
        let db_url = std::env::var("DATABASE_URL")
            .map_err(|_| anyhow::anyhow!("configuration: DATABASE_URL is not set"))?;
        return match callwright_api::auth::command(&db_url, &args).await {
            Some(Ok(out)) => {
                println!("{out}");
                Ok(())
            }
            Some(Err(err)) => Err(err),
            None => anyhow::bail!(
                "unknown command '{}'; usage: callwright-api [keys create --name NAME | keys list | keys revoke ID]",
                args[0]
            ),
        };
    }
    let config = ApiConfig::from_env()?;
    let app = Application::build(config).await?;
    tracing::info!(port = app.port(), "API listening");
    app.run_until(callwright_runtime::telemetry::shutdown_signal())
        .await
}
