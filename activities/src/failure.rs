//! How provider and database failures become Temporal activity failures: retried or not as
//! their class says, with the provider's `Retry-After` as the next delay.

use callwright_agents::AgentError;
use callwright_providers::ProviderError;
use temporalio_sdk::ApplicationFailure;
use temporalio_sdk::activities::ActivityError;

/// A failure an activity returns.
pub trait IntoActivity {
    /// The activity failure Temporal retries (or not) as this error's class says. Use it
    /// instead of `?`: the SDK's blanket conversion would make every error retryable.
    fn into_activity(self) -> ActivityError;
}

impl IntoActivity for ProviderError {
    fn into_activity(self) -> ActivityError {
        let retryable = self.retryable;
        let delay = self.retry_after;
        let type_name = format!("{}Error", self.provider);
        let failure = ApplicationFailure::builder(self)
            .type_name(type_name)
            .non_retryable(!retryable)
            .maybe_next_retry_delay(delay)
            .build();
        ActivityError::application(failure)
    }
}

/// A database failure: retryable (Postgres may be restarting), unless the data was refused.
pub fn db_error(err: sqlx::Error) -> ActivityError {
    let permanent = matches!(&err, sqlx::Error::Database(db) if db.is_check_violation() || db.is_foreign_key_violation());
    let failure = ApplicationFailure::builder(err)
        .type_name("DatabaseError".to_owned())
        .non_retryable(permanent)
        .build();
    ActivityError::application(failure)
}

/// A missing or unreadable agent version will not heal on a retry; a database failure may.
impl IntoActivity for AgentError {
    fn into_activity(self) -> ActivityError {
        match self {
            Self::Db(e) => db_error(e),
            other => ProviderError::failed("agents", other.to_string(), false).into_activity(),
        }
    }
}
