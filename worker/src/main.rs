//! The worker binary: configuration, tracing, then run until Ctrl-C or SIGTERM.

use callwright_worker::WorkerConfig;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    callwright_runtime::telemetry::init(
        "callwright_worker=info,callwright_activities=info,temporalio_sdk=warn",
    );
    let config = WorkerConfig::from_env()?;
    callwright_worker::run(config, callwright_runtime::telemetry::shutdown_signal()).await
}
