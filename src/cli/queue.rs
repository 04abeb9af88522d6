//! `dgi queue`, `dgi worker` and `dgi schedule`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use chrono::Local;
use dgi::queue::{
    JobState, NewJob, Queue, RunExecutor, ScheduleOptions, Worker, WorkerOptions, WorkerSummary,
};
use dgi::{Registry, Storage};
use indicatif::{ProgressBar, ProgressStyle};

use super::args::{Format, QueueAdd, WorkerArgs};
use super::output::{self, table};

/// The queue of `storage`, its clock set by the database's.
async fn queue(storage: &Storage) -> Result<Queue> {
    let queue = Queue::new(storage.clone());
    queue.sync_clock().await?;
    Ok(queue)
}

pub(crate) async fn add(storage: &Storage, registry: &Registry, add: QueueAdd) -> Result<()> {
    let queue = queue(storage).await?;
    let (window, filters) = add.window.parse()?;
    let now = queue.now();
    let job = NewJob {
        job_type: add.job_type.clone(),
        dealer_id: add.dealer.clone().unwrap_or_default(),
        window,
        filters,
        priority: add.priority,
        run_at: Some(now + chrono::Duration::seconds(add.delay_secs.into())),
    };
    let queued = match (&add.dealer, add.all_dealers) {
        (Some(_), false) => vec![queue.enqueue(registry, &job, now).await?],
        (None, true) => {
            let types = [add.job_type.clone()];
            queue
                .enqueue_all_dealers(registry, &job, &types, now)
                .await?
        }
        _ => bail!("give either --dealer or --all-dealers"),
    };
    for job in queued {
        println!("{}", job.id);
    }
    Ok(())
}

pub(crate) async fn list(
    storage: &Storage,
    state: Option<&str>,
    limit: u64,
    format: Format,
) -> Result<()> {
    let state = state.map(JobState::parse).transpose()?;
    let jobs = Queue::new(storage.clone()).list(state, limit).await?;
    if format == Format::Json {
        return output::json(&jobs);
    }
    let header = [
        "id",
        "job type",
        "dealer",
        "from",
        "to",
        "state",
        "attempts",
        "progress",
        "last error",
    ];
    let rows = jobs.iter().map(|j| {
        vec![
            j.id.to_string(),
            j.job_type.clone(),
            j.dealer_id.clone(),
            dgi::window::format_time(j.from_time),
            dgi::window::format_time(j.to_time),
            j.state.to_string(),
            format!("{}/{}", j.attempts, j.max_attempts),
            j.progress.map(|p| progress(&p)).unwrap_or_default(),
            j.last_error.clone().unwrap_or_default(),
        ]
    });
    println!("{}", table(&header, rows));
    Ok(())
}

/// `2/3 calls, 120 fetched`.
fn progress(progress: &dgi::JobProgress) -> String {
    format!(
        "{}/{} calls, {} fetched",
        progress.calls_done, progress.calls, progress.fetched
    )
}

pub(crate) async fn status(storage: &Storage, format: Format) -> Result<()> {
    let counts = Queue::new(storage.clone()).status().await?;
    if format == Format::Json {
        let map: serde_json::Map<String, serde_json::Value> = counts
            .iter()
            .map(|(s, n)| (s.to_string(), (*n).into()))
            .collect();
        return output::json(&map);
    }
    let rows = counts
        .iter()
        .map(|(s, n)| vec![s.to_string(), n.to_string()]);
    println!("{}", table(&["state", "jobs"], rows));
    Ok(())
}

pub(crate) async fn cancel(storage: &Storage, id: i64) -> Result<()> {
    let queue = queue(storage).await?;
    queue.cancel(id, queue.now()).await?;
    println!("job {id} cancelled");
    Ok(())
}

pub(crate) async fn retry(storage: &Storage, id: i64) -> Result<()> {
    let queue = queue(storage).await?;
    queue.retry(id, queue.now()).await?;
    println!("job {id} queued again");
    Ok(())
}

pub(crate) async fn prune(storage: &Storage, days: i64) -> Result<()> {
    let queue = queue(storage).await?;
    let pruned = queue
        .prune(chrono::Duration::days(days), queue.now())
        .await?;
    println!("{pruned} finished jobs deleted");
    Ok(())
}

pub(crate) async fn worker(
    storage: &Storage,
    registry: &'static Registry,
    args: WorkerArgs,
) -> Result<()> {
    let options = WorkerOptions {
        concurrency: args.concurrency.max(1),
        per_dealer: args.per_dealer.max(1),
        lease: Duration::from_secs(args.lease_secs.max(1)),
        until_idle: args.until_idle,
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout_secs),
        retry_base: Duration::from_secs(args.retry_base_secs),
        ..WorkerOptions::default()
    };
    let executor = Arc::new(RunExecutor::new(storage.clone(), registry));
    let mut worker = Worker::new(Queue::new(storage.clone()), executor, options);
    let bar = progress_bar();
    if let Some(bar) = bar.clone() {
        worker = worker.with_progress(move |s| bar.set_message(summary_line(s)));
    }
    let summary = worker.run(shutdown_signal()).await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    println!("{}", summary_line(&summary));
    Ok(())
}

pub(crate) async fn schedule(
    storage: &Storage,
    registry: &Registry,
    every_secs: Option<u64>,
    overlap_mins: i64,
) -> Result<()> {
    let queue = Queue::new(storage.clone());
    let options = ScheduleOptions {
        overlap: chrono::Duration::minutes(overlap_mins),
    };
    loop {
        queue.sync_clock().await?;
        let local = Local::now().naive_local();
        let queued = dgi::queue::schedule(&queue, registry, &options, local).await?;
        let created = queued.iter().filter(|q| q.created).count();
        println!(
            "{created} jobs queued, {} already pending",
            queued.len() - created
        );
        let Some(every) = every_secs else {
            return Ok(());
        };
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(every.max(1))) => {}
            () = shutdown_signal() => return Ok(()),
        }
    }
}

fn summary_line(s: &WorkerSummary) -> String {
    format!(
        "{} succeeded, {} failed (will retry), {} discarded, {} skipped, {} lost, {} released",
        s.succeeded, s.failed, s.discarded, s.skipped, s.lost, s.released
    )
}

/// A spinner on a terminal; nothing when output is piped.
fn progress_bar() -> Option<ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").ok()?);
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
