//! The job queue in one process, on every backend.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{NaiveDateTime, Utc};
use dgi::queue::{
    ClaimedJob, Completion, Executor, NewJob, Queue, RunExecutor, Worker, WorkerOptions,
};
use dgi::{CommitHook, Dealer, Error, JobProgress, JobState, Report, Storage};
use sea_orm::ConnectionTrait;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::leasing::leasing;
use crate::support::{
    POSTGRES_URL, backends, count, envelope, live_dealer, notice, postgres_url, recent_window,
    registry, windows,
};

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn job(job_type: &str, dealer: &str) -> NewJob {
    NewJob {
        job_type: job_type.into(),
        dealer_id: dealer.into(),
        window: recent_window(2),
        filters: Vec::new(),
        priority: 0,
        run_at: None,
    }
}

/// Enqueues a job of the last two days and returns its id.
async fn enqueue(queue: &Queue, job_type: &str, dealer: &str) -> i64 {
    enqueue_job(queue, &job(job_type, dealer)).await
}

/// Enqueues `job` and returns its id.
async fn enqueue_job(queue: &Queue, job: &NewJob) -> i64 {
    queue
        .enqueue(registry(), job, now())
        .await
        .expect("queued")
        .id
}

/// Sets how often the leasing API configuration retries, and so how many
/// attempts a queued leasing job gets (one more).
async fn leasing_retries(storage: &Storage, retries: u32) {
    let update = dgi::ConfigUpdate {
        retries: Some(retries),
        ..Default::default()
    };
    storage
        .update_api_config("leasing", &update)
        .await
        .expect("config");
}

/// The ids of claimed jobs, in claim order.
fn claimed_ids(jobs: &[ClaimedJob]) -> Vec<i64> {
    jobs.iter().map(|j| j.id).collect()
}

async fn dummy_dealers(storage: &Storage, ids: &[&str]) {
    for id in ids {
        storage
            .put_dealer(&Dealer::dummy(*id))
            .await
            .expect("dealer saved");
    }
}

fn fast(until_idle: bool) -> WorkerOptions {
    WorkerOptions {
        concurrency: 4,
        per_dealer: 1,
        lease: Duration::from_secs(5),
        poll: Duration::from_millis(10),
        until_idle,
        shutdown_timeout: Duration::from_secs(5),
        retry_base: Duration::from_millis(100),
    }
}

#[tokio::test]
async fn identical_jobs_are_queued_once_even_when_racing() {
    for db in backends("queue_dedupe").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let first = queue
            .enqueue(registry(), &job("leasing", "08138"), now())
            .await
            .expect("ok");
        let again = queue
            .enqueue(registry(), &job("leasing", "08138"), now())
            .await
            .expect("ok");
        assert!(first.created && !again.created, "{}", db.name);
        assert_eq!(first.id, again.id);

        let racing = job("pkb", "08138");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let queue = queue.clone();
                let racing = racing.clone();
                tokio::spawn(async move { queue.enqueue(registry(), &racing, now()).await })
            })
            .collect();
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.expect("task").expect("enqueued").id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{}: {ids:?}", db.name);
        assert_eq!(count(&db.storage, "dgi_jobs").await, 2);
    }
}

#[tokio::test]
async fn per_dealer_limit_holds_across_workers() {
    for db in backends("queue_per_dealer").await {
        dummy_dealers(&db.storage, &["08138", "12284"]).await;
        let queue = Queue::new(db.storage.clone());
        for code in ["leasing", "pkb", "prospect"] {
            queue
                .enqueue(registry(), &job(code, "08138"), now())
                .await
                .expect("queued");
        }
        queue
            .enqueue(registry(), &job("leasing", "12284"), now())
            .await
            .expect("queued");
        let lease = chrono::Duration::seconds(30);

        let a = queue.claim("a", 10, 1, lease, now()).await.expect("claim");
        assert_eq!(a.len(), 2, "{}: one per dealer", db.name);
        let b = queue.claim("b", 10, 1, lease, now()).await.expect("claim");
        assert!(b.is_empty(), "{}: both dealers are busy", db.name);
        let c = queue.claim("c", 10, 2, lease, now()).await.expect("claim");
        assert_eq!(
            c.len(),
            1,
            "{}: a limit of two lets one more of 08138 run",
            db.name
        );
        assert_eq!(c[0].request.dealer_id, "08138");
    }
}

#[tokio::test]
async fn a_dealer_at_its_limit_does_not_hide_the_jobs_of_others() {
    for db in backends("queue_backlog").await {
        dummy_dealers(&db.storage, &["08138", "12284"]).await;
        let queue = Queue::new(db.storage.clone());
        for window in windows(300) {
            let backlog = NewJob {
                window,
                ..job("leasing", "08138")
            };
            queue
                .enqueue(registry(), &backlog, now())
                .await
                .expect("queued");
        }
        let last = enqueue(&queue, "leasing", "12284").await;
        let lease = chrono::Duration::seconds(30);

        let first = queue.claim("a", 1, 1, lease, now()).await.expect("claim");
        assert_eq!(first[0].request.dealer_id, "08138", "{}", db.name);
        let next = queue.claim("b", 4, 1, lease, now()).await.expect("claim");
        let ids = claimed_ids(&next);
        assert_eq!(
            ids,
            [last],
            "{}: the only job whose dealer has room",
            db.name
        );
    }
}

#[tokio::test]
async fn claims_go_by_priority_and_wait_for_run_at() {
    for db in backends("queue_priority").await {
        dummy_dealers(&db.storage, &["08138", "12284", "13000"]).await;
        let queue = Queue::new(db.storage.clone());
        let low = enqueue(&queue, "leasing", "08138").await;
        let urgent = NewJob {
            priority: 5,
            ..job("leasing", "12284")
        };
        let urgent = enqueue_job(&queue, &urgent).await;
        let later = NewJob {
            run_at: Some(now() + chrono::Duration::hours(1)),
            priority: 9,
            ..job("leasing", "13000")
        };
        let later = enqueue_job(&queue, &later).await;
        let lease = chrono::Duration::seconds(30);

        let first = queue.claim("a", 1, 1, lease, now()).await.expect("claim");
        let ids = claimed_ids(&first);
        assert_eq!(ids, [urgent], "{}: the higher priority first", db.name);
        let rest = queue.claim("a", 10, 1, lease, now()).await.expect("claim");
        let ids = claimed_ids(&rest);
        assert_eq!(ids, [low], "{}: the delayed job is not due", db.name);
        let waiting = queue.get(later).await.expect("job");
        assert_eq!(waiting.state, JobState::Queued, "{}", db.name);

        let due = now() + chrono::Duration::hours(2);
        let last = queue.claim("a", 10, 1, lease, due).await.expect("claim");
        let ids = claimed_ids(&last);
        assert_eq!(ids, [later], "{}: due once its time has come", db.name);
    }
}

#[tokio::test]
async fn an_expired_lease_is_claimed_again_and_the_old_worker_cannot_commit() {
    for db in backends("queue_lease").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;
        let lease = chrono::Duration::seconds(10);
        let start = now();

        let old = queue
            .claim("old", 1, 1, lease, start)
            .await
            .expect("claim")
            .remove(0);
        let later = start + chrono::Duration::seconds(11);
        assert!(
            queue
                .claim("new", 1, 1, lease, start)
                .await
                .expect("claim")
                .is_empty()
        );
        assert_eq!(queue.rescue(start).await.expect("rescue"), 0, "not yet");
        assert_eq!(queue.rescue(later).await.expect("rescue"), 1, "{}", db.name);
        let rescued = queue.get(id).await.expect("job");
        assert_eq!(rescued.state, JobState::Failed, "{}", db.name);
        assert!(
            rescued.last_error.as_deref().unwrap_or("").contains("old"),
            "{}: {:?}",
            db.name,
            rescued.last_error
        );
        let new = queue
            .claim("new", 1, 1, lease, later)
            .await
            .expect("claim")
            .remove(0);
        assert_eq!((new.id, new.attempt), (id, 2), "{}", db.name);

        let renew = queue.renew(id, "old", lease, later).await;
        assert!(matches!(renew, Err(Error::LeaseLost(_))), "{}", db.name);
        let hook = Completion {
            queue: &queue,
            job: &old,
            worker: "old",
        };
        let result = dgi::run_job_with(&db.storage, registry(), &old.request, &hook).await;
        assert!(
            matches!(result, Err(Error::LeaseLost(_))),
            "{}: {result:?}",
            db.name
        );
        assert_eq!(
            count(&db.storage, "leasing").await,
            0,
            "{}: nothing committed",
            db.name
        );

        let hook = Completion {
            queue: &queue,
            job: &new,
            worker: "new",
        };
        let report = dgi::run_job_with(&db.storage, registry(), &new.request, &hook).await;
        let report = report.expect("the new holder commits");
        assert_eq!(
            count(&db.storage, "leasing").await,
            i64::try_from(report.inserted).expect("n")
        );
        assert_eq!(queue.get(id).await.expect("job").state, JobState::Succeeded);
    }
}

#[tokio::test]
async fn an_expired_lease_on_the_last_attempt_discards_the_job() {
    for db in backends("queue_lease_last").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        leasing_retries(&db.storage, 0).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;
        let start = now();
        let lease = chrono::Duration::seconds(10);
        let claimed = queue.claim("gone", 1, 1, lease, start).await;
        assert_eq!(claimed.expect("claim").len(), 1, "{}", db.name);

        let later = start + chrono::Duration::seconds(11);
        assert_eq!(queue.rescue(later).await.expect("rescue"), 1, "{}", db.name);
        let job = queue.get(id).await.expect("job");
        assert_eq!(
            (job.state, job.attempts),
            (JobState::Discarded, 1),
            "{}",
            db.name
        );
        let finished = job.finished_at.map(|t| (t - later).num_milliseconds());
        assert_eq!(finished, Some(0), "finished when taken back");
        assert!(job.last_error.expect("kept").contains("gone"));
        let again = queue.claim("next", 1, 1, lease, later).await;
        assert!(again.expect("claim").is_empty(), "{}", db.name);
    }
}

#[tokio::test]
async fn a_worker_runs_every_job_and_moves_the_cursors() {
    for db in backends("queue_worker").await {
        dummy_dealers(&db.storage, &["08138", "12284"]).await;
        let inactive = Dealer {
            active: false,
            ..Dealer::dummy("99999")
        };
        db.storage.put_dealer(&inactive).await.expect("saved");
        let queue = Queue::new(db.storage.clone());
        for dealer in ["08138", "12284", "99999"] {
            for code in registry().codes() {
                queue
                    .enqueue(registry(), &job(code, dealer), now())
                    .await
                    .expect("queued");
            }
        }
        let executor = Arc::new(RunExecutor::new(db.storage.clone(), registry()));
        let worker = Worker::new(queue.clone(), executor, fast(true));
        let summary = worker.run(std::future::pending()).await.expect("worker");
        assert_eq!((summary.succeeded, summary.skipped), (8, 4), "{}", db.name);

        let status = queue.status().await.expect("status");
        assert_eq!(status[&JobState::Succeeded], 8);
        assert_eq!(status[&JobState::Skipped], 4);
        assert_eq!(count(&db.storage, "dgi_cursors").await, 8, "{}", db.name);
    }
}

/// Fails every attempt with a retryable error and notes when it ran.
struct Flaky {
    attempts: Mutex<Vec<Instant>>,
}

#[async_trait]
impl Executor for Flaky {
    async fn execute(&self, _job: &ClaimedJob, _hook: &dyn CommitHook) -> dgi::Result<Report> {
        self.attempts
            .lock()
            .expect("not poisoned")
            .push(Instant::now());
        Err(Error::Http {
            endpoint: "/lsng/read".into(),
            status: 503,
            body: String::new(),
        })
    }
}

/// A server whose first leasing answer comes at once, with one record, and
/// every later one after `delay`, empty.
async fn first_call_fast(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    let answer =
        |data: &[serde_json::Value]| ResponseTemplate::new(200).set_body_json(envelope(data));
    Mock::given(method("POST"))
        .and(path("/dgi-api/v1.3/lsng/read"))
        .respond_with(answer(&[leasing("P/1", 100)]))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/dgi-api/v1.3/lsng/read"))
        .respond_with(answer(&[]).set_delay(delay))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_running_job_shows_how_far_it_has_come() {
    for db in backends("queue_progress").await {
        let server = first_call_fast(Duration::from_secs(2)).await;
        live_dealer(&db.storage, &server).await;
        let queue = Queue::new(db.storage.clone());
        let two_calls = NewJob {
            window: recent_window(10),
            ..job("leasing", "08138")
        };
        let id = queue.enqueue(registry(), &two_calls, now()).await;
        let id = id.expect("queued").id;
        let executor = Arc::new(RunExecutor::new(db.storage.clone(), registry()));
        let worker = Worker::new(queue.clone(), executor, fast(true));
        let running = tokio::spawn(async move { worker.run(std::future::pending()).await });

        let halfway = JobProgress {
            calls: 2,
            calls_done: 1,
            fetched: 1,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        let seen = loop {
            let job = queue.get(id).await.expect("job");
            if job.progress == Some(halfway) || Instant::now() > deadline {
                break job;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(seen.progress, Some(halfway), "{}", db.name);
        assert_eq!(seen.state, JobState::Running);

        let summary = running.await.expect("task").expect("worker");
        assert_eq!(summary.succeeded, 1, "{}", db.name);
        let done = queue.get(id).await.expect("job").progress;
        let whole = JobProgress {
            calls_done: 2,
            ..halfway
        };
        assert_eq!(done, Some(whole), "{}", db.name);
    }
}

#[tokio::test]
async fn init_adds_the_progress_column_to_a_job_table_without_it() {
    for db in backends("queue_progress_column").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;
        let drop = "ALTER TABLE dgi_jobs DROP COLUMN progress";
        db.storage
            .connection()
            .execute_unprepared(drop)
            .await
            .expect("dropped");
        assert!(
            queue.get(id).await.is_err(),
            "{}: the column is missing",
            db.name
        );

        db.storage.init(registry()).await.expect("init");
        let job = queue.get(id).await.expect("job");
        assert_eq!(
            (job.state, job.progress),
            (JobState::Queued, None),
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn retry_delays_grow_until_the_job_is_discarded() {
    for db in backends("queue_retry").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        leasing_retries(&db.storage, 3).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;

        let flaky = Arc::new(Flaky {
            attempts: Mutex::default(),
        });
        let worker = Worker::new(queue.clone(), flaky.clone(), fast(true));
        let summary = worker.run(std::future::pending()).await.expect("worker");
        assert_eq!((summary.failed, summary.discarded), (3, 1), "{}", db.name);

        let attempts = flaky.attempts.lock().expect("not poisoned").clone();
        assert_eq!(attempts.len(), 4, "retries + 1 attempts");
        for (i, pair) in attempts.windows(2).enumerate() {
            let at_least = Duration::from_millis(50 << i);
            assert!(
                pair[1] - pair[0] >= at_least,
                "{}: gap {i} {:?}",
                db.name,
                pair[1] - pair[0]
            );
        }
        let job = queue.get(id).await.expect("job");
        assert_eq!((job.state, job.attempts), (JobState::Discarded, 4));
        assert!(job.last_error.expect("kept").contains("503"));
    }
}

#[tokio::test]
async fn errors_retrying_cannot_fix_are_discarded_at_once() {
    for db in backends("queue_final").await {
        let live = Dealer::live("08138", dgi::Credentials::new("k", "s"));
        db.storage.put_dealer(&live).await.expect("saved");
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;
        let executor = Arc::new(RunExecutor::new(db.storage.clone(), registry()));
        Worker::new(queue.clone(), executor, fast(true))
            .run(std::future::pending())
            .await
            .expect("worker");
        let job = queue.get(id).await.expect("job");
        assert_eq!(
            (job.state, job.attempts),
            (JobState::Discarded, 1),
            "{}",
            db.name
        );
        assert!(job.last_error.expect("kept").contains("no base url"));
    }
}

#[tokio::test]
async fn cancel_retry_and_prune() {
    for db in backends("queue_admin").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;

        queue.cancel(id, now()).await.expect("cancel queued");
        assert_eq!(queue.get(id).await.expect("job").state, JobState::Cancelled);
        let again = queue
            .cancel(id, now())
            .await
            .expect_err("already cancelled");
        assert!(matches!(again, Error::JobState { .. }), "{again}");
        let missing = queue.cancel(9_999, now()).await.expect_err("missing");
        assert!(missing.to_string().contains("missing"), "{missing}");

        queue.retry(id, now()).await.expect("retry cancelled");
        assert_eq!(queue.get(id).await.expect("job").state, JobState::Queued);
        let claimed = queue
            .claim("w", 1, 1, chrono::Duration::seconds(30), now())
            .await;
        assert_eq!(claimed.expect("claim").len(), 1);
        queue.cancel(id, now()).await.expect("cancel running");
        let renew = queue
            .renew(id, "w", chrono::Duration::seconds(30), now())
            .await;
        assert!(
            matches!(renew, Err(Error::LeaseLost(_))),
            "the worker notices"
        );

        let later = now() + chrono::Duration::days(8);
        assert_eq!(
            queue
                .prune(chrono::Duration::days(7), later)
                .await
                .expect("prune"),
            1
        );
        assert_eq!(
            queue
                .prune(chrono::Duration::days(7), later)
                .await
                .expect("prune"),
            0
        );
    }
}

#[tokio::test]
async fn schedulers_racing_queue_each_window_once_and_cursors_advance() {
    for db in backends("queue_schedule").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let options = dgi::queue::ScheduleOptions::default();
        let at = now();
        let (a, b) = tokio::join!(
            dgi::queue::schedule(&queue, registry(), &options, at),
            dgi::queue::schedule(
                &queue,
                registry(),
                &options,
                at + chrono::Duration::seconds(1)
            ),
        );
        let (a, b) = (a.expect("schedule"), b.expect("schedule"));
        assert_eq!(a.len(), 4);
        let ids: Vec<i64> = a.iter().map(|q| q.id).collect();
        assert_eq!(
            ids,
            b.iter().map(|q| q.id).collect::<Vec<_>>(),
            "{}",
            db.name
        );
        assert_eq!(count(&db.storage, "dgi_jobs").await, 4);

        let executor = Arc::new(RunExecutor::new(db.storage.clone(), registry()));
        Worker::new(queue.clone(), executor, fast(true))
            .run(std::future::pending())
            .await
            .expect("worker");
        let next = dgi::queue::schedule(&queue, registry(), &options, at)
            .await
            .expect("schedule");
        assert!(
            next.is_empty(),
            "{}: nothing is due right after a sync",
            db.name
        );
    }
}

#[tokio::test]
async fn shutdown_releases_jobs_that_do_not_finish_in_time() {
    for db in backends("queue_shutdown").await {
        dummy_dealers(&db.storage, &["08138"]).await;
        let queue = Queue::new(db.storage.clone());
        let id = enqueue(&queue, "leasing", "08138").await;
        let options = WorkerOptions {
            shutdown_timeout: Duration::from_millis(100),
            ..fast(false)
        };
        let worker = Worker::new(queue.clone(), Arc::new(Stuck), options);
        let stop = async {
            while queue.get(id).await.expect("job").state != JobState::Running {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        let summary = worker.run(stop).await.expect("worker");
        assert_eq!(summary.released, 1, "{}", db.name);
        let job = queue.get(id).await.expect("job");
        assert_eq!(
            (job.state, job.attempts),
            (JobState::Queued, 0),
            "{}",
            db.name
        );
    }
}

/// Never finishes.
struct Stuck;

#[async_trait]
impl Executor for Stuck {
    async fn execute(&self, _job: &ClaimedJob, _hook: &dyn CommitHook) -> dgi::Result<Report> {
        std::future::pending().await
    }
}

#[tokio::test]
async fn the_queue_keeps_time_by_the_database_clock() {
    let Some(url) = postgres_url("queue_clock").await else {
        notice(&format!("queue_clock: skipped, {POSTGRES_URL} is not set"));
        return;
    };
    let name = url.rsplit('/').next().expect("database name");
    let admin = Storage::connect(&url).await.expect("opens");
    // Sessions in a zone nine hours east of UTC: queue times stay UTC.
    let sql = format!("ALTER DATABASE {name} SET timezone = 'Asia/Jayapura'");
    admin
        .connection()
        .execute_unprepared(&sql)
        .await
        .expect("zone");
    let queue = Queue::new(Storage::connect(&url).await.expect("opens"));

    let offset = queue.sync_clock().await.expect("clock");
    assert!(offset.num_milliseconds().abs() < 1_000, "{offset}");
    let gap = queue.now() - now();
    assert!(gap.num_milliseconds().abs() < 1_000, "{gap}");
}
