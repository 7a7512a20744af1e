//! The floor: the bare `execute_update` round trip on a minimal workflow whose update handler
//! awaits one local activity, on the same server and machine as the turn benchmark.

// The workflow and activity macros generate undocumented items.
#![allow(missing_docs)]

use crate::stats::{Summary, summarise};
use std::time::{Duration, Instant};
use temporalio_client::{Client, WorkflowExecuteUpdateOptions, WorkflowStartOptions};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::activities::{ActivityContext, ActivityError};
use temporalio_sdk::{
    LocalActivityOptions, Runtime, Worker, WorkerOptions, WorkflowContext, WorkflowContextView,
    WorkflowResult,
};

pub struct Echo;

#[activities]
impl Echo {
    #[activity]
    pub async fn echo(_ctx: ActivityContext, input: String) -> Result<String, ActivityError> {
        Ok(input)
    }
}

#[workflow]
#[derive(Default)]
pub struct FloorWorkflow {
    done: bool,
}

#[workflow_methods]
impl FloorWorkflow {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>) -> WorkflowResult<()> {
        ctx.wait_condition(|s: &Self| s.done).await?;
        Ok(())
    }

    #[update]
    pub async fn ping(ctx: &mut WorkflowContext<Self>, input: String) -> String {
        let opts = LocalActivityOptions::builder()
            .start_to_close_timeout(Duration::from_secs(5))
            .build();
        ctx.execute_local_activity(Echo::echo, input, opts)
            .await
            .unwrap_or_default()
    }

    #[signal]
    pub fn finish(&mut self, _ctx: &mut temporalio_sdk::SyncWorkflowContext<Self>) {
        self.done = true;
    }

    #[query]
    pub fn alive(&self, _ctx: &WorkflowContextView) -> bool {
        !self.done
    }
}

/// Runs `callers` concurrent callers, each doing `rounds` sequential updates on its own workflow.
pub async fn run(client: &Client, callers: usize, rounds: usize) -> anyhow::Result<Summary> {
    let queue = format!("floor-{}", uuid::Uuid::new_v4().simple());
    let runtime = Runtime::from_current_tokio(Default::default())?;
    let options = WorkerOptions::new(queue.clone())
        .register_workflow::<FloorWorkflow>()?
        .register_activities(Echo)
        .build();
    let mut worker = Worker::new(&runtime, client.clone(), options)?;
    let stop = worker.shutdown_handle();
    let driver = async {
        let result = drive(client, &queue, callers, rounds).await;
        stop();
        result
    };
    let (worker_result, summary) = tokio::join!(worker.run(), driver);
    worker_result?;
    summary
}

async fn drive(
    client: &Client,
    queue: &str,
    callers: usize,
    rounds: usize,
) -> anyhow::Result<Summary> {
    let mut handles = Vec::with_capacity(callers);
    for i in 0..callers {
        let options = WorkflowStartOptions::new(queue.to_owned(), format!("{queue}-{i}")).build();
        handles.push(
            client
                .start_workflow(FloorWorkflow::run, (), options)
                .await?,
        );
    }
    let started = Instant::now();
    let callers = handles.iter().enumerate().map(|(i, handle)| async move {
        let mut samples = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let t = Instant::now();
            let options = WorkflowExecuteUpdateOptions::builder()
                .update_id(format!("{i}-{round}"))
                .build();
            handle
                .execute_update(FloorWorkflow::ping, "ping".to_owned(), options)
                .await?;
            samples.push(t.elapsed());
        }
        anyhow::Ok(samples)
    });
    let mut all = Vec::new();
    for samples in futures::future::join_all(callers).await {
        all.extend(samples?);
    }
    let elapsed = started.elapsed();
    for handle in &handles {
        handle
            .signal(FloorWorkflow::finish, (), Default::default())
            .await?;
    }
    Ok(summarise(all, elapsed))
}
