//! Queue throughput: jobs claimed and completed per second by 1, 2 and 4
//! workers in one process, each with its own connection pool, on
//! PostgreSQL (when `DGI_BENCH_POSTGRES_URL` or `DGI_TEST_POSTGRES_URL`
//! names a server) and on a SQLite file.
//!
//! Two kinds of job. A no-op job's executor only opens a transaction, marks
//! the job done in it and commits: what is measured is the queue itself. A
//! real job pulls a day of leasing records for a dummy dealer and stores
//! them.
//!
//! Run with `cargo bench --bench queue`. `DGI_BENCH_NOOP_JOBS` and
//! `DGI_BENCH_REAL_JOBS` change how many jobs each case runs (10,000 and
//! 200); `DGI_BENCH_BACKENDS=postgres` (or `sqlite`) runs one backend only,
//! `DGI_BENCH_WORKERS=4` (or `1,2`) only those worker counts, and
//! `DGI_BENCH_PER_DEALER` sets the per-dealer limit (1,000 by default, which
//! leaves it unreached; the jobs are spread over 50 dealers).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{NaiveDateTime, Utc};
use dgi::queue::{ClaimedJob, Executor, NewJob, Queue, RunExecutor, Worker, WorkerOptions};
use dgi::{CommitHook, Dealer, JobState, Registry, Report, Storage, Window};
use sea_orm::{ConnectionTrait, TransactionTrait};
use tokio::task::JoinSet;

/// Dummy dealers the jobs are spread over.
const DEALERS: usize = 50;

/// Tasks that queue the jobs before a case.
const FILLERS: usize = 4;

/// Workers per case, unless `DGI_BENCH_WORKERS` lists others.
const WORKERS: [usize; 3] = [1, 2, 4];

/// Numbers the databases the cases make.
static CASES: AtomicUsize = AtomicUsize::new(0);

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// A database server, or a file, to run cases on.
#[derive(Debug, Clone)]
enum Backend {
    Postgres { server: String },
    Sqlite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Noop,
    Real,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Noop => "no-op",
            Self::Real => "real",
        }
    }
}

/// Does no work: commits the job's completion in a transaction of its own.
struct Noop {
    storage: Storage,
}

#[async_trait]
impl Executor for Noop {
    async fn execute(&self, _job: &ClaimedJob, hook: &dyn CommitHook) -> dgi::Result<Report> {
        let report = Report::default();
        let tx = self.storage.connection().begin().await?;
        hook.before_commit(&tx, &report).await?;
        tx.commit().await?;
        Ok(report)
    }
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let registry = Registry::global()?;
    let mut backends = Vec::new();
    match postgres_server() {
        Some(server) => backends.push(Backend::Postgres { server }),
        None => println!(
            "postgres skipped: set DGI_BENCH_POSTGRES_URL or DGI_TEST_POSTGRES_URL to include it"
        ),
    }
    backends.push(Backend::Sqlite);
    if let Ok(only) = std::env::var("DGI_BENCH_BACKENDS") {
        backends.retain(|b| only.split(',').any(|name| name.trim() == b.name()));
    }
    let jobs = |kind| match kind {
        Kind::Noop => count_from_env("DGI_BENCH_NOOP_JOBS", 10_000),
        Kind::Real => count_from_env("DGI_BENCH_REAL_JOBS", 200),
    };

    let worker_counts: Vec<usize> = match std::env::var("DGI_BENCH_WORKERS") {
        Ok(list) => list
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
        Err(_) => WORKERS.to_vec(),
    };

    println!("each worker: {:?}", options());
    println!(
        "{:<9} {:<6} {:>7} {:>6} {:>8} {:>8}",
        "backend", "kind", "workers", "jobs", "seconds", "jobs/s"
    );
    for backend in &backends {
        for kind in [Kind::Noop, Kind::Real] {
            for &workers in &worker_counts {
                let n = jobs(kind);
                let measured = case(backend, registry, kind, workers, n).await?;
                let seconds = measured.elapsed.as_secs_f64();
                println!(
                    "{:<9} {:<6} {:>7} {:>6} {:>8.2} {:>8.0}",
                    backend.name(),
                    kind.name(),
                    workers,
                    n,
                    seconds,
                    measured.succeeded as f64 / seconds
                );
                if let Some(trouble) = measured.trouble {
                    println!("  only {} succeeded: {trouble}", measured.succeeded);
                }
            }
        }
    }
    Ok(())
}

/// What one case measured.
struct Measured {
    /// How long the workers took to empty the queue.
    elapsed: Duration,
    succeeded: usize,
    /// The last error of a job that did not succeed, if any did not.
    trouble: Option<String>,
}

/// Runs `n` jobs of `kind` with `workers` workers on a fresh database.
async fn case(
    backend: &Backend,
    registry: &'static Registry,
    kind: Kind,
    workers: usize,
    n: usize,
) -> Result<Measured, Failure> {
    let (url, place) = backend.fresh().await?;
    let measured = measure(&url, registry, kind, workers, n).await;
    backend.remove(&place).await?;
    measured
}

async fn measure(
    url: &str,
    registry: &'static Registry,
    kind: Kind,
    workers: usize,
    n: usize,
) -> Result<Measured, Failure> {
    let storage = Storage::connect(url).await?;
    storage.init(registry).await?;
    let queue = Queue::new(storage);
    fill(&queue, registry, n).await?;

    let mut running = JoinSet::new();
    let started = Instant::now();
    for _ in 0..workers {
        let worker = worker(url, registry, kind).await?;
        running.spawn(async move { worker.run(std::future::pending()).await });
    }
    while let Some(done) = running.join_next().await {
        done??;
    }
    let elapsed = started.elapsed();

    let jobs = queue.list(None, u64::try_from(n)?).await?;
    let succeeded = jobs
        .iter()
        .filter(|j| j.state == JobState::Succeeded)
        .count();
    let trouble = jobs
        .into_iter()
        .find(|j| j.state != JobState::Succeeded)
        .map(|j| format!("{}: {}", j.state, j.last_error.unwrap_or_default()));
    Ok(Measured {
        elapsed,
        succeeded,
        trouble,
    })
}

/// A worker with a connection pool of its own.
async fn worker(url: &str, registry: &'static Registry, kind: Kind) -> Result<Worker, Failure> {
    let storage = Storage::connect(url).await?;
    let executor: Arc<dyn Executor> = match kind {
        Kind::Noop => Arc::new(Noop {
            storage: storage.clone(),
        }),
        Kind::Real => Arc::new(RunExecutor::new(storage.clone(), registry)),
    };
    Ok(Worker::new(Queue::new(storage), executor, options()))
}

fn options() -> WorkerOptions {
    WorkerOptions {
        concurrency: 8,
        per_dealer: count_from_env("DGI_BENCH_PER_DEALER", 1_000),
        poll: Duration::from_millis(50),
        until_idle: true,
        ..WorkerOptions::default()
    }
}

/// Queues `n` distinct leasing jobs, a day each, over the dummy dealers,
/// from a few tasks at once.
async fn fill(queue: &Queue, registry: &'static Registry, n: usize) -> Result<(), Failure> {
    let dealers: Vec<String> = (0..DEALERS).map(|i| (30_000 + i).to_string()).collect();
    for id in &dealers {
        queue
            .storage()
            .put_dealer(&Dealer::dummy(id.as_str()))
            .await?;
    }
    let end = chrono::Local::now().naive_local() - chrono::Duration::minutes(1);
    let mut fillers = JoinSet::new();
    for part in 0..FILLERS {
        let (queue, dealers) = (queue.clone(), dealers.clone());
        fillers.spawn(async move {
            for i in (part..n).step_by(FILLERS) {
                let to = end - chrono::Duration::seconds(i64::try_from(i / DEALERS)?);
                let job = NewJob {
                    job_type: "leasing".into(),
                    dealer_id: dealers[i % DEALERS].clone(),
                    window: Window::new(to - chrono::Duration::days(1), to)?,
                    filters: Vec::new(),
                    priority: 0,
                    run_at: None,
                };
                queue.enqueue(registry, &job, now()).await?;
            }
            Ok::<(), Failure>(())
        });
    }
    while let Some(done) = fillers.join_next().await {
        done??;
    }
    Ok(())
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Self::Postgres { .. } => "postgres",
            Self::Sqlite => "sqlite",
        }
    }

    /// A new, empty database: its URL, and what to remove afterwards (a
    /// database name or a file path).
    async fn fresh(&self) -> Result<(String, String), Failure> {
        let n = CASES.fetch_add(1, Ordering::Relaxed);
        let name = format!("dgi_bench_{}_{n}", std::process::id());
        match self {
            Self::Postgres { server } => {
                let admin = Storage::connect(server).await?;
                let sql = format!("CREATE DATABASE {name}");
                admin.connection().execute_unprepared(&sql).await?;
                Ok((database_url(server, &name), name))
            }
            Self::Sqlite => {
                let path: PathBuf = std::env::temp_dir().join(format!("{name}.db"));
                let path = path.display().to_string();
                Ok((format!("sqlite://{path}"), path))
            }
        }
    }

    async fn remove(&self, place: &str) -> Result<(), Failure> {
        match self {
            Self::Postgres { server } => {
                let admin = Storage::connect(server).await?;
                let sql = format!("DROP DATABASE IF EXISTS {place} WITH (FORCE)");
                admin.connection().execute_unprepared(&sql).await?;
            }
            Self::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{place}{suffix}"));
                }
            }
        }
        Ok(())
    }
}

fn postgres_server() -> Option<String> {
    ["DGI_BENCH_POSTGRES_URL", "DGI_TEST_POSTGRES_URL"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|url| !url.is_empty())
}

/// `server` with its database replaced by `name`.
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').map_or((server, ""), |(b, q)| (b, q));
    let base = match base.rfind('/') {
        Some(i) if !base[..i].ends_with('/') => &base[..i],
        _ => base,
    };
    match query {
        "" => format!("{base}/{name}"),
        query => format!("{base}/{name}?{query}"),
    }
}

fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
