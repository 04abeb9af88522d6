//! Workers: claim jobs, hold their leases, run them, record the outcome.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::{ClaimedJob, JobState, Queue};
use crate::runner::{CommitHook, run_job_with};
use crate::{Error, JobProgress, Registry, Report, Result, Storage};

/// Runs a claimed job. The hook must run inside the job's transaction,
/// before it commits.
#[async_trait]
pub trait Executor: Send + Sync {
    /// Runs `job`, calling `hook` inside its transaction.
    ///
    /// # Errors
    ///
    /// The job's error; the worker decides whether to retry.
    async fn execute(&self, job: &ClaimedJob, hook: &dyn CommitHook) -> Result<Report>;
}

/// The executor that runs jobs for real: fetch, store, report.
#[derive(Debug, Clone)]
pub struct RunExecutor {
    storage: Storage,
    registry: &'static Registry,
}

impl RunExecutor {
    /// Runs jobs against `storage` with the job types of `registry`.
    pub fn new(storage: Storage, registry: &'static Registry) -> Self {
        Self { storage, registry }
    }
}

#[async_trait]
impl Executor for RunExecutor {
    async fn execute(&self, job: &ClaimedJob, hook: &dyn CommitHook) -> Result<Report> {
        run_job_with(&self.storage, self.registry, &job.request, hook).await
    }
}

/// How a worker behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerOptions {
    /// Jobs this worker runs at once.
    pub concurrency: usize,
    /// Running jobs allowed per dealer, across all workers.
    pub per_dealer: usize,
    /// How long a claim holds; renewed every third of it. Workers look for
    /// expired leases as often.
    pub lease: Duration,
    /// How long to wait before looking again when nothing was due.
    pub poll: Duration,
    /// Stop once nothing is queued, running or waiting for a retry.
    pub until_idle: bool,
    /// How long running jobs may take to finish after shutdown is asked.
    pub shutdown_timeout: Duration,
    /// The first retry delay; it doubles with each attempt, with jitter.
    pub retry_base: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            per_dealer: 1,
            lease: Duration::from_secs(30),
            poll: Duration::from_millis(500),
            until_idle: false,
            shutdown_timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(10),
        }
    }
}

/// What a worker did before it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorkerSummary {
    /// Jobs that committed.
    pub succeeded: usize,
    /// Jobs that failed and will be retried.
    pub failed: usize,
    /// Jobs that failed for good.
    pub discarded: usize,
    /// Jobs skipped for an inactive dealer.
    pub skipped: usize,
    /// Jobs whose lease was lost; they committed nothing.
    pub lost: usize,
    /// Jobs given back to the queue at shutdown.
    pub released: usize,
}

/// A queue worker. Many may run at once, in one process or many.
pub struct Worker {
    queue: Queue,
    executor: Arc<dyn Executor>,
    options: WorkerOptions,
    id: String,
    progress: Option<Progress>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("id", &self.id)
            .field("options", &self.options)
            .finish()
    }
}

type Running = Arc<Mutex<HashMap<i64, ClaimedJob>>>;

/// Called with the running totals after each finished job.
type Progress = Arc<dyn Fn(&WorkerSummary) + Send + Sync>;

impl Worker {
    /// A worker with a unique id (host, process, random suffix).
    pub fn new(queue: Queue, executor: Arc<dyn Executor>, options: WorkerOptions) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        let id = format!("{host}:{}:{:08x}", std::process::id(), fastrand::u32(..));
        Self {
            queue,
            executor,
            options,
            id,
            progress: None,
        }
    }

    /// Calls `report` with the running totals after each finished job.
    pub fn with_progress(self, report: impl Fn(&WorkerSummary) + Send + Sync + 'static) -> Self {
        Self {
            progress: Some(Arc::new(report)),
            ..self
        }
    }

    /// This worker's id, as stored in `locked_by`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and runs jobs until `shutdown` completes (or, with
    /// `until_idle`, until nothing is pending). On shutdown it stops
    /// claiming, lets running jobs finish within the timeout, and gives the
    /// rest back to the queue.
    ///
    /// # Errors
    ///
    /// A database error while claiming.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<WorkerSummary> {
        tracing::info!(worker = %self.id, concurrency = self.options.concurrency, "worker started");
        let mut tasks: JoinSet<(i64, Outcome)> = JoinSet::new();
        let running: Running = Arc::default();
        let mut summary = WorkerSummary::default();
        let mut next_rescue = tokio::time::Instant::now();
        tokio::pin!(shutdown);

        loop {
            if tokio::time::Instant::now() >= next_rescue {
                self.queue.sync_clock().await?;
                self.rescue().await?;
                next_rescue = tokio::time::Instant::now() + self.renew_every();
            }
            let free = self.options.concurrency.saturating_sub(tasks.len());
            let claimed = self.claim(free).await?;
            let claimed_any = !claimed.is_empty();
            for job in claimed {
                running
                    .lock()
                    .map_err(|_| poisoned())?
                    .insert(job.id, job.clone());
                tasks.spawn(self.work(job));
            }
            if self.options.until_idle
                && tasks.is_empty()
                && !claimed_any
                && self.queue.pending().await? == 0
            {
                break;
            }

            let wait = if claimed_any {
                Duration::ZERO
            } else {
                self.options.poll
            };
            tokio::select! {
                () = &mut shutdown => break,
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    self.record(done, &running, &mut summary)?;
                    // Every slot freed so far goes into the next claim.
                    while let Some(done) = tasks.try_join_next() {
                        self.record(done, &running, &mut summary)?;
                    }
                }
                () = tokio::time::sleep(wait), if tasks.is_empty() || !claimed_any => {}
            }
        }

        self.drain(&mut tasks, &running, &mut summary).await?;
        tracing::info!(worker = %self.id, succeeded = summary.succeeded, "worker stopped");
        Ok(summary)
    }

    /// Takes back jobs whose worker stopped renewing their lease.
    async fn rescue(&self) -> Result<()> {
        let rescued = self.queue.rescue(self.queue.now()).await?;
        if rescued > 0 {
            tracing::info!(worker = %self.id, rescued, "took back jobs whose lease expired");
        }
        Ok(())
    }

    fn renew_every(&self) -> Duration {
        renew_every(self.options.lease)
    }

    async fn claim(&self, free: usize) -> Result<Vec<ClaimedJob>> {
        if free == 0 {
            return Ok(Vec::new());
        }
        let lease = chrono::Duration::from_std(self.options.lease).unwrap_or(chrono::Duration::MAX);
        self.queue
            .claim(
                &self.id,
                free,
                self.options.per_dealer,
                lease,
                self.queue.now(),
            )
            .await
    }

    fn work(&self, job: ClaimedJob) -> impl Future<Output = (i64, Outcome)> + Send + 'static {
        let queue = self.queue.clone();
        let executor = Arc::clone(&self.executor);
        let worker = self.id.clone();
        let lease = self.options.lease;
        let retry_base = self.options.retry_base;
        let span = tracing::info_span!("job", job_id = job.id, attempt = job.attempt);
        async move {
            let id = job.id;
            let outcome =
                run_one(&queue, executor.as_ref(), &job, &worker, lease, retry_base).await;
            (id, outcome)
        }
        .instrument(span)
    }

    fn record(
        &self,
        done: std::result::Result<(i64, Outcome), tokio::task::JoinError>,
        running: &Running,
        summary: &mut WorkerSummary,
    ) -> Result<()> {
        let outcome = match done {
            Ok((id, outcome)) => {
                running.lock().map_err(|_| poisoned())?.remove(&id);
                outcome
            }
            Err(error) => {
                tracing::warn!(%error, "job task ended abnormally");
                return Ok(());
            }
        };
        match outcome {
            Outcome::Succeeded => summary.succeeded += 1,
            Outcome::Failed => summary.failed += 1,
            Outcome::Discarded => summary.discarded += 1,
            Outcome::Skipped => summary.skipped += 1,
            Outcome::Lost => summary.lost += 1,
        }
        if let Some(progress) = &self.progress {
            progress(summary);
        }
        Ok(())
    }

    async fn drain(
        &self,
        tasks: &mut JoinSet<(i64, Outcome)>,
        running: &Running,
        summary: &mut WorkerSummary,
    ) -> Result<()> {
        let deadline = tokio::time::Instant::now() + self.options.shutdown_timeout;
        while !tasks.is_empty() {
            match tokio::time::timeout_at(deadline, tasks.join_next()).await {
                Ok(Some(done)) => self.record(done, running, summary)?,
                Ok(None) => break,
                Err(_) => {
                    tasks.abort_all();
                    while tasks.join_next().await.is_some() {}
                    break;
                }
            }
        }
        let left: Vec<ClaimedJob> = running
            .lock()
            .map_err(|_| poisoned())?
            .drain()
            .map(|(_, job)| job)
            .collect();
        for job in left {
            match self.queue.release(&job, &self.id, self.queue.now()).await {
                Ok(()) => summary.released += 1,
                Err(Error::LeaseLost(_)) => summary.lost += 1,
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }
}

/// How one job ended, for the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeded,
    Failed,
    Discarded,
    Skipped,
    Lost,
}

/// The hook that marks a claimed job succeeded inside the transaction of
/// its rows; it fails with [`Error::LeaseLost`], rolling the job back, when
/// `worker` no longer holds the job. It also records the job's progress.
#[derive(Debug, Clone, Copy)]
pub struct Completion<'a> {
    /// The queue holding the job.
    pub queue: &'a Queue,
    /// The job.
    pub job: &'a ClaimedJob,
    /// The worker that claimed it.
    pub worker: &'a str,
}

#[async_trait]
impl CommitHook for Completion<'_> {
    async fn before_commit(&self, tx: &DatabaseTransaction, report: &Report) -> Result<()> {
        self.queue
            .complete_in(tx, self.job, self.worker, report, self.queue.now())
            .await
    }

    async fn progress(&self, progress: &JobProgress) {
        let now = self.queue.now();
        match self
            .queue
            .record_progress(self.job, self.worker, progress, now)
            .await
        {
            Ok(true) => {}
            Ok(false) => tracing::debug!("progress not recorded: the lease is lost"),
            Err(error) => tracing::debug!(%error, "progress not recorded"),
        }
    }
}

async fn run_one(
    queue: &Queue,
    executor: &dyn Executor,
    job: &ClaimedJob,
    worker: &str,
    lease: Duration,
    retry_base: Duration,
) -> Outcome {
    let hook = Completion { queue, job, worker };
    let result = tokio::select! {
        result = executor.execute(job, &hook) => result,
        lost = keep_lease(queue, job.id, worker, lease) => Err(lost),
    };
    let outcome = match result {
        Ok(report) if report.skipped.is_some() => queue
            .skip(job, worker, &report, queue.now())
            .await
            .map(|()| Outcome::Skipped),
        Ok(_) => Ok(Outcome::Succeeded),
        Err(Error::LeaseLost(_)) => Ok(Outcome::Lost),
        Err(error) => {
            let retry_at = queue.now() + chrono_delay(retry_delay(retry_base, job.attempt));
            tracing::debug!(%error, attempt = job.attempt, "job failed");
            queue
                .fail(job, worker, &error, retry_at, queue.now())
                .await
                .map(|state| match state {
                    JobState::Failed => Outcome::Failed,
                    _ => Outcome::Discarded,
                })
        }
    };
    outcome.unwrap_or_else(|error| {
        tracing::warn!(%error, job_id = job.id, "could not record the job's outcome");
        Outcome::Lost
    })
}

/// Renews the lease every third of its length; returns once it is lost.
async fn keep_lease(queue: &Queue, id: i64, worker: &str, lease: Duration) -> Error {
    let every = renew_every(lease);
    let length = chrono_delay(lease);
    loop {
        tokio::time::sleep(every).await;
        match queue.renew(id, worker, length, queue.now()).await {
            Ok(()) => {}
            Err(lost @ Error::LeaseLost(_)) => return lost,
            Err(error) => tracing::debug!(%error, "lease renewal failed, trying again"),
        }
    }
}

/// How often a lease is renewed, and expired ones looked for: a third of
/// its length.
fn renew_every(lease: Duration) -> Duration {
    (lease / 3).max(Duration::from_millis(50))
}

/// The delay before retry number `attempt` (1 for the first retry): the
/// base doubled per attempt, capped at an hour, with equal jitter.
pub fn retry_delay(base: Duration, attempt: i32) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let ceiling = base
        .saturating_mul(1 << doublings)
        .min(Duration::from_secs(3600));
    let half = ceiling / 2;
    half + half.mul_f64(fastrand::f64())
}

fn chrono_delay(delay: Duration) -> chrono::Duration {
    chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
}

fn poisoned() -> Error {
    Error::Corrupt {
        what: "worker state",
        reason: "a job task panicked".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_stay_within_their_bounds() {
        let base = Duration::from_secs(10);
        let mut last_ceiling = Duration::ZERO;
        for attempt in 1..=6 {
            let ceiling = base * (1 << (attempt - 1));
            for _ in 0..50 {
                let d = retry_delay(base, attempt);
                assert!(d >= ceiling / 2 && d <= ceiling, "{attempt}: {d:?}");
            }
            assert!(ceiling > last_ceiling);
            last_ceiling = ceiling;
        }
        assert!(retry_delay(base, 40) <= Duration::from_secs(3600));
    }
}
