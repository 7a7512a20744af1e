//! `callwright-sim` binary: reads `SIM_*` environment variables (see
//! [`SimConfig::from_env`]: `SIM_BIND`, `SIM_SMTP_BIND`, `SIM_ACCOUNT_SID`,
//! `SIM_AUTH_TOKEN`, `SIM_SPEED`, `SIM_LLM_DELAY_MS`, `SIM_LLM_TOKENS_PER_SEC`,
//! `SIM_LLM_API_KEY`) and
//! serves the simulator (HTTP and the SMTP sink) until Ctrl-C or SIGTERM.

use callwright_sim::{Sim, SimConfig};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = SimConfig::from_env()?;
    tracing::info!(
        bind = %config.bind,
        smtp_bind = %config.smtp_bind,
        speed = config.speed,
        llm_delay_ms = config.llm_delay_ms,
        llm_tokens_per_sec = config.llm_tokens_per_sec,
        llm_auth = config.llm_api_key.is_some(),
        "starting callwright-sim"
    );
    Sim::build(config).await?.run_until_stopped().await;
    Ok(())
}
