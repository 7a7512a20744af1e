//! Connecting to Temporal.

use temporalio_client::{Client, ClientOptions, Connection, ConnectionOptions};

/// Connects a client to `address` (e.g. `http://127.0.0.1:7233`) in `namespace`.
pub async fn connect(address: &str, namespace: &str) -> anyhow::Result<Client> {
    let url = callwright_runtime::settings::temporal_url(address)?;
    let connection = Connection::connect(
        ConnectionOptions::new(url)
            .identity("callwright-api".to_owned())
            .build(),
    )
    .await?;
    Ok(Client::new(
        connection,
        ClientOptions::new(namespace).build(),
    )?)
}
