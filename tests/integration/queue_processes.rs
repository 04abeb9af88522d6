//! The queue across real `dgi` processes sharing one PostgreSQL database:
//! workers racing for jobs, a worker killed mid-job, a worker told to stop
//! while busy, and identical enqueues racing from several processes.

use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use dgi::queue::{NewJob, Queue};
use dgi::{Dealer, JobState, Storage, Window};
use serde_json::Value as Json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::leasing::leasing;
use crate::support::{
    POSTGRES_URL, count, envelope, live_dealer, notice, number, postgres_url, recent_window,
    registry, windows,
};

/// How long the test waits for a process to exit or a state to be reached
/// before it gives up.
const PATIENCE: Duration = Duration::from_secs(40);

/// A running `dgi` command, killed if the test ends before it does.
struct Dgi {
    child: Option<Child>,
    pid: u32,
}

impl Dgi {
    fn start(url: &str, args: &[&str]) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_dgi"))
            .args(args)
            .env("DGI_DATABASE_URL", url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dgi starts");
        Self {
            pid: child.id(),
            child: Some(child),
        }
    }

    /// Sends `SIGKILL` and reaps the process.
    fn kill(mut self) {
        let mut child = self.child.take().expect("the process is ours");
        child.kill().expect("SIGKILL is sent");
        child.wait().expect("the killed process is reaped");
    }

    /// Sends `SIGTERM`, as a service manager would to stop the process.
    fn terminate(&self) {
        let pid = self.pid.to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {pid}");
    }

    /// Waits for a successful exit and returns what the process printed.
    async fn finish(mut self) -> String {
        let child = self.child.take().expect("the process is ours");
        let waiting = tokio::task::spawn_blocking(move || child.wait_with_output());
        let Ok(joined) = tokio::time::timeout(PATIENCE, waiting).await else {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
            panic!("dgi {} was still running after {PATIENCE:?}", self.pid);
        };
        let output = joined.expect("wait task").expect("dgi is waited for");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "dgi {} failed: {stdout}\n{}",
            self.pid,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }
}

impl Drop for Dgi {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A fresh PostgreSQL database: its URL for the processes and a storage for
/// the test. `None`, with a notice, when no server is named.
async fn database(test: &str) -> Option<(String, Storage)> {
    let Some(url) = postgres_url(test).await else {
        notice(&format!("{test}: skipped, {POSTGRES_URL} is not set"));
        return None;
    };
    let storage = Storage::connect(&url).await.expect("test database opens");
    storage
        .init(registry())
        .await
        .expect("postgres initialises");
    Some((url, storage))
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn leasing_job(dealer: &str, window: Window) -> NewJob {
    NewJob {
        job_type: "leasing".into(),
        dealer_id: dealer.into(),
        window,
        filters: Vec::new(),
        priority: 0,
        run_at: None,
    }
}

/// Queues one leasing job per window, for `dealers` in turn.
async fn enqueue(queue: &Queue, dealers: &[String], n: usize) {
    for (i, window) in windows(n).enumerate() {
        let job = leasing_job(&dealers[i % dealers.len()], window);
        let queued = queue.enqueue(registry(), &job, now()).await;
        assert!(queued.expect("job queued").created, "job {i} is new");
    }
}

/// A count from a worker's closing line, `3 succeeded, 0 failed (...), ...`.
fn tally(stdout: &str, what: &str) -> usize {
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty());
    let line = line.unwrap_or_else(|| panic!("the worker printed nothing"));
    line.split(", ")
        .filter_map(|part| part.split_once(' '))
        .find(|(_, word)| word.starts_with(what))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no `{what}` count in {line:?}"))
}

/// Polls `check` every 50 ms until it holds.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A mock DGI server answering every leasing read with `records` after
/// `delay`.
async fn slow_server(records: &[Json], delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/dgi-api/v1.3/lsng/read"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(envelope(records))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

#[tokio::test]
async fn two_worker_processes_run_every_job_exactly_once() {
    let Some((url, storage)) = database("processes_two_workers").await else {
        return;
    };
    let dealers: Vec<String> = (0..20).map(|i| format!("{}", 20_000 + i)).collect();
    for id in &dealers {
        let dealer = Dealer::dummy(id.as_str());
        storage.put_dealer(&dealer).await.expect("dealer saved");
    }
    let queue = Queue::new(storage.clone());
    enqueue(&queue, &dealers, 200).await;

    let args = [
        "worker",
        "--until-idle",
        "--concurrency",
        "4",
        "--per-dealer",
        "1",
    ];
    let (first, second) = (Dgi::start(&url, &args), Dgi::start(&url, &args));
    let (first, second) = tokio::join!(first.finish(), second.finish());

    let done = (tally(&first, "succeeded"), tally(&second, "succeeded"));
    assert!(done.0 > 0 && done.1 > 0, "both workers ran jobs: {done:?}");
    assert_eq!(done.0 + done.1, 200, "{first}{second}");
    assert_eq!(tally(&first, "lost") + tally(&second, "lost"), 0);
    let once = "SELECT COUNT(*) AS n FROM dgi_jobs WHERE state = 'succeeded' AND attempts = 1";
    assert_eq!(number(&storage, once).await, 200);
    assert_eq!(count(&storage, "dgi_jobs").await, 200);

    // Each job's window is its own, so a job run twice would log twice.
    assert_eq!(count(&storage, "dgi_runs").await, 200, "no failed runs");
    let distinct = "SELECT COUNT(*) AS n FROM (SELECT DISTINCT dealer_id, to_time \
                    FROM dgi_runs WHERE outcome = 'succeeded') r";
    assert_eq!(number(&storage, distinct).await, 200);

    // One job per dealer at a time, across both processes.
    let overlapping = "SELECT COUNT(*) AS n FROM dgi_runs a JOIN dgi_runs b \
                       ON a.dealer_id = b.dealer_id AND a.id < b.id \
                       AND a.started_at < b.finished_at AND b.started_at < a.finished_at";
    assert_eq!(number(&storage, overlapping).await, 0);
}

#[tokio::test]
async fn a_job_whose_worker_was_killed_is_finished_once_by_another() {
    let Some((url, storage)) = database("processes_killed").await else {
        return;
    };
    let served = [
        leasing("K/1", 100),
        leasing("K/2", 200),
        leasing("K/3", 300),
    ];
    let server = slow_server(&served, Duration::from_secs(3)).await;
    live_dealer(&storage, &server).await;
    let queue = Queue::new(storage.clone());
    let job = leasing_job("08138", recent_window(2));
    let id = queue
        .enqueue(registry(), &job, now())
        .await
        .expect("queued")
        .id;

    let doomed = Dgi::start(&url, &["worker", "--lease-secs", "2"]);
    eventually("the first worker calls the API", || async {
        requests(&server).await == 1
    })
    .await;
    doomed.kill();
    let held = queue.get(id).await.expect("job");
    assert_eq!((held.state, held.attempts), (JobState::Running, 1));

    let rescuer = Dgi::start(&url, &["worker", "--until-idle", "--lease-secs", "2"]);
    let summary = rescuer.finish().await;
    assert_eq!(tally(&summary, "succeeded"), 1, "{summary}");

    let done = queue.get(id).await.expect("job");
    assert_eq!((done.state, done.attempts), (JobState::Succeeded, 2));
    assert_eq!(requests(&server).await, 2);
    assert_eq!(count(&storage, "leasing").await, 3, "rows are not doubled");
    assert_eq!(
        count(&storage, "dgi_runs").await,
        1,
        "the killed attempt logged nothing"
    );
}

/// Twelve live jobs of two seconds each; a worker running four at a time is
/// sent `SIGTERM` while its second batch is in flight, and gets
/// `timeout_secs` to finish it. Checks that no job is lost or left running,
/// then that another worker finishes them all once. Returns the stopped
/// worker's summary and how many API calls had started when it was told to
/// stop.
async fn stop_under_load(test: &str, timeout_secs: &str) -> Option<(String, usize)> {
    let (url, storage) = database(test).await?;
    let served = [
        leasing("T/1", 100),
        leasing("T/2", 200),
        leasing("T/3", 300),
    ];
    let server = slow_server(&served, Duration::from_secs(2)).await;
    live_dealer(&storage, &server).await;
    let queue = Queue::new(storage.clone());
    enqueue(&queue, &["08138".into()], 12).await;

    let args = [
        "worker",
        "--concurrency",
        "4",
        "--per-dealer",
        "4",
        "--shutdown-timeout-secs",
        timeout_secs,
    ];
    let worker = Dgi::start(&url, &args);
    eventually("a first batch succeeds and a second starts", || async {
        let succeeded = queue.status().await.expect("status")[&JobState::Succeeded];
        succeeded >= 4 && requests(&server).await > 4
    })
    .await;
    let started = requests(&server).await;
    worker.terminate();
    let summary = worker.finish().await;

    let status = queue.status().await.expect("status");
    let (succeeded, queued) = (status[&JobState::Succeeded], status[&JobState::Queued]);
    assert_eq!(
        succeeded + queued,
        12,
        "succeeded or queued again: {status:?}"
    );
    assert_eq!(
        usize::try_from(succeeded).ok(),
        Some(tally(&summary, "succeeded"))
    );
    let untouched = "SELECT COUNT(*) AS n FROM dgi_jobs \
                     WHERE state = 'queued' AND attempts = 0 AND locked_by IS NULL";
    assert_eq!(
        number(&storage, untouched).await,
        i64::try_from(queued).expect("small")
    );

    Dgi::start(&url, &["worker", "--until-idle", "--per-dealer", "4"])
        .finish()
        .await;
    let once = "SELECT COUNT(*) AS n FROM dgi_jobs WHERE state = 'succeeded' AND attempts = 1";
    assert_eq!(number(&storage, once).await, 12);
    let runs = "SELECT COUNT(*) AS n FROM dgi_runs WHERE outcome = 'succeeded'";
    assert_eq!(number(&storage, runs).await, 12);
    assert_eq!(count(&storage, "dgi_runs").await, 12, "no failed runs");
    assert_eq!(count(&storage, "leasing").await, 3);
    Some((summary, started))
}

#[tokio::test]
async fn a_terminated_worker_finishes_the_jobs_it_runs() {
    let Some((summary, started)) = stop_under_load("processes_sigterm_finish", "30").await else {
        return;
    };
    assert_eq!(tally(&summary, "released"), 0, "{summary}");
    assert!(tally(&summary, "succeeded") >= started, "{summary}");
}

#[tokio::test]
async fn a_terminated_worker_out_of_time_gives_its_jobs_back() {
    let Some((summary, _)) = stop_under_load("processes_sigterm_release", "0").await else {
        return;
    };
    assert!(tally(&summary, "released") >= 1, "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_enqueues_racing_from_processes_leave_one_job() {
    let Some((url, storage)) = database("processes_enqueue_race").await else {
        return;
    };
    storage
        .put_dealer(&Dealer::dummy("08138"))
        .await
        .expect("dealer saved");
    let window = recent_window(2);
    let (from, to) = (
        dgi::window::format_time(window.from),
        dgi::window::format_time(window.to),
    );
    let args = [
        "queue", "add", "leasing", "--dealer", "08138", "--from", &from, "--to", &to,
    ];
    let processes: Vec<Dgi> = (0..4).map(|_| Dgi::start(&url, &args)).collect();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let storage = Storage::connect(&url).await.expect("own connection");
                let job = leasing_job("08138", window);
                Queue::new(storage).enqueue(registry(), &job, now()).await
            })
        })
        .collect();

    let mut ids = Vec::new();
    for process in processes {
        let printed = process.finish().await;
        ids.push(printed.trim().parse::<i64>().expect("an id"));
    }
    for task in tasks {
        ids.push(task.await.expect("task").expect("queued").id);
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(count(&storage, "dgi_jobs").await, 1);
}
