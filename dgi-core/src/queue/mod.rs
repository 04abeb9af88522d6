//! A persistent job queue in the same database as the data.
//!
//! Jobs are rows of `dgi_jobs`. Workers claim them (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL, one atomic statement on SQLite) under a lease they
//! renew while the job runs; workers take back a job whose lease expired and
//! run it again. A job's rows, its cursor and its completion commit in one
//! transaction, and a worker that lost the lease commits nothing. Several
//! worker processes, on several machines, share one PostgreSQL database.

mod claim;
pub mod entities;
mod schedule;
mod worker;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, NaiveDateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Schema, Statement,
};
use serde::Serialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

pub use claim::ClaimedJob;
pub use schedule::{ScheduleOptions, schedule};
pub use worker::{
    Completion, Executor, RunExecutor, Worker, WorkerOptions, WorkerSummary, retry_delay,
};

use self::entities::job;
use crate::request::Filters;
use crate::window::Window;
use crate::{Error, JobProgress, Registry, Result, Storage};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting to be claimed.
    Queued,
    /// Claimed by a worker that holds its lease.
    Running,
    /// Done; its rows are committed.
    Succeeded,
    /// Failed, and will be tried again at its `run_at`.
    Failed,
    /// Failed for good: out of attempts, or an error retrying cannot fix.
    Discarded,
    /// Cancelled by a user.
    Cancelled,
    /// Not run: its dealer is inactive.
    Skipped,
}

impl JobState {
    /// Every state, in lifecycle order.
    pub const ALL: [Self; 7] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::Discarded,
        Self::Cancelled,
        Self::Skipped,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Discarded => "discarded",
            Self::Cancelled => "cancelled",
            Self::Skipped => "skipped",
        }
    }

    /// Reads a stored name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an unknown name.
    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| Error::InvalidInput {
                what: "job state",
                value: name.into(),
            })
    }

    /// Whether the job will not run again by itself.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Discarded | Self::Cancelled | Self::Skipped
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// States in which a job counts as pending: identical jobs are not queued
/// twice while one of them is in these.
const PENDING: &str = "('queued', 'running', 'failed')";

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// The job type's code.
    pub job_type: String,
    /// The dealer.
    pub dealer_id: String,
    /// The window to pull.
    pub window: Window,
    /// Module filters.
    pub filters: Filters,
    /// Higher runs first.
    pub priority: i32,
    /// Not before this time; now when `None`.
    pub run_at: Option<NaiveDateTime>,
}

/// The answer to an enqueue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    /// The job's id.
    pub id: i64,
    /// False when an identical pending job already existed and is returned.
    pub created: bool,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedJob {
    /// The job's id.
    pub id: i64,
    /// The job type's code.
    pub job_type: String,
    /// The dealer.
    pub dealer_id: String,
    /// Window start.
    pub from_time: NaiveDateTime,
    /// Window end.
    pub to_time: NaiveDateTime,
    /// Module filters, as a JSON object.
    pub filters: Json,
    /// Higher runs first.
    pub priority: i32,
    /// Where the job stands.
    pub state: JobState,
    /// Attempts started so far.
    pub attempts: i32,
    /// Attempts allowed in all.
    pub max_attempts: i32,
    /// Not run before this time.
    pub run_at: NaiveDateTime,
    /// The worker holding the lease, while running.
    pub locked_by: Option<String>,
    /// The lease's end, while running.
    pub lease_until: Option<NaiveDateTime>,
    /// The last error, after a failure.
    pub last_error: Option<String>,
    /// The run's report, after success.
    pub report: Option<Json>,
    /// How far the last attempt came, once it made an API call.
    pub progress: Option<JobProgress>,
    /// When the job was queued.
    pub created_at: NaiveDateTime,
    /// When the job finished.
    pub finished_at: Option<NaiveDateTime>,
}

/// The job queue of one database.
#[derive(Debug, Clone)]
pub struct Queue {
    storage: Storage,
    /// How far the database server's clock is ahead of this machine's, in
    /// microseconds, as last measured.
    clock_offset: Arc<AtomicI64>,
}

impl Queue {
    /// The queue stored in `storage`; [`Storage::init`] creates its tables.
    pub fn new(storage: Storage) -> Self {
        Self {
            storage,
            clock_offset: Arc::default(),
        }
    }

    /// The time now (UTC) by the database server's clock, as of the last
    /// [`Queue::sync_clock`]; this machine's clock until then. Leases and
    /// due times go by it, so that workers on machines whose clocks
    /// disagree still agree on which lease expired.
    pub fn now(&self) -> NaiveDateTime {
        let offset = Duration::microseconds(self.clock_offset.load(Ordering::Relaxed));
        Utc::now().naive_utc() + offset
    }

    /// Measures how far the database server's clock is from this machine's,
    /// for [`Queue::now`], and returns it. A SQLite database has no server:
    /// the offset is zero.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn sync_clock(&self) -> Result<Duration> {
        let db = self.storage.connection();
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(Duration::zero());
        }
        let sql = "SELECT CAST(clock_timestamp() AT TIME ZONE 'UTC' AS timestamp) AS now";
        let asked = Utc::now().naive_utc();
        let row = db
            .query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await?;
        let answered = Utc::now().naive_utc();
        let server: NaiveDateTime = match row {
            Some(row) => row.try_get("", "now")?,
            None => return Ok(Duration::zero()),
        };
        let offset = server - (asked + (answered - asked) / 2);
        let micros = offset.num_microseconds().unwrap_or(0);
        self.clock_offset.store(micros, Ordering::Relaxed);
        if offset.num_milliseconds().abs() >= 1_000 {
            tracing::warn!(
                offset_ms = offset.num_milliseconds(),
                "this machine's clock disagrees with the database's; the queue goes by the database"
            );
        }
        Ok(offset)
    }

    /// The storage the queue lives in.
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Enqueues one job, or returns the identical pending one.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownJobType`], [`Error::UnknownDealer`],
    /// [`Error::UnknownFilter`], or a database error.
    pub async fn enqueue(
        &self,
        registry: &Registry,
        job: &NewJob,
        now: NaiveDateTime,
    ) -> Result<Enqueued> {
        let entry = registry.get(&job.job_type)?;
        crate::runner::check_filters(entry, &job.filters)?;
        self.storage.dealer(&job.dealer_id).await?;
        let config = self.storage.api_config(entry.code()).await?;
        let max_attempts = i32::try_from(config.retries.saturating_add(1)).unwrap_or(i32::MAX);
        let key = unique_key(job);
        let db = self.storage.connection();
        let backend = db.get_database_backend();

        let insert = "INSERT INTO dgi_jobs (job_type, dealer_id, from_time, to_time, filters, \
             unique_key, priority, state, attempts, max_attempts, run_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $9, $10, $10) \
             ON CONFLICT DO NOTHING";
        let values: Vec<sea_orm::Value> = vec![
            job.job_type.clone().into(),
            job.dealer_id.clone().into(),
            job.window.from.into(),
            job.window.to.into(),
            filters_json(&job.filters).to_string().into(),
            key.clone().into(),
            job.priority.into(),
            max_attempts.into(),
            job.run_at.unwrap_or(now).into(),
            now.into(),
        ];
        let inserted = db
            .execute_raw(statement(backend, insert, values))
            .await?
            .rows_affected();

        let select =
            format!("SELECT id FROM dgi_jobs WHERE unique_key = $1 AND state IN {PENDING}");
        let row = db
            .query_one_raw(statement(backend, &select, vec![key.into()]))
            .await?;
        match row {
            Some(row) => Ok(Enqueued {
                id: row.try_get("", "id")?,
                created: inserted == 1,
            }),
            // The identical job finished between the two statements: queue anew.
            None => Box::pin(self.enqueue(registry, job, now)).await,
        }
    }

    /// Enqueues `job_types` for every active dealer.
    ///
    /// # Errors
    ///
    /// As for [`Queue::enqueue`].
    pub async fn enqueue_all_dealers(
        &self,
        registry: &Registry,
        template: &NewJob,
        job_types: &[String],
        now: NaiveDateTime,
    ) -> Result<Vec<Enqueued>> {
        let mut out = Vec::new();
        for dealer in self
            .storage
            .dealers()
            .await?
            .into_iter()
            .filter(|d| d.active)
        {
            for job_type in job_types {
                let job = NewJob {
                    job_type: job_type.clone(),
                    dealer_id: dealer.id.clone(),
                    ..template.clone()
                };
                out.push(self.enqueue(registry, &job, now).await?);
            }
        }
        Ok(out)
    }

    /// One job.
    ///
    /// # Errors
    ///
    /// [`Error::JobState`] with state "missing" when there is no such job.
    pub async fn get(&self, id: i64) -> Result<QueuedJob> {
        let model = job::Entity::find_by_id(id)
            .one(self.storage.connection())
            .await?;
        let model = model.ok_or_else(|| Error::JobState {
            id,
            action: "found",
            state: "missing".into(),
        })?;
        queued_job(model)
    }

    /// Jobs, newest first, optionally in one state.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn list(&self, state: Option<JobState>, limit: u64) -> Result<Vec<QueuedJob>> {
        let mut select = job::Entity::find()
            .order_by_desc(job::Column::Id)
            .limit(limit);
        if let Some(state) = state {
            select = select.filter(job::Column::State.eq(state.as_str()));
        }
        let models = select.all(self.storage.connection()).await?;
        models.into_iter().map(queued_job).collect()
    }

    /// How many jobs are in each state; every state is listed.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn status(&self) -> Result<BTreeMap<JobState, u64>> {
        let query = Query::select()
            .column(Alias::new("state"))
            .expr_as(Expr::col(Alias::new("id")).count(), Alias::new("n"))
            .from(Alias::new("dgi_jobs"))
            .group_by_col(Alias::new("state"))
            .to_owned();
        let mut counts: BTreeMap<JobState, u64> = JobState::ALL.iter().map(|s| (*s, 0)).collect();
        for row in self.storage.connection().query_all(&query).await? {
            let state = JobState::parse(&row.try_get::<String>("", "state")?)?;
            let n: i64 = row.try_get("", "n")?;
            counts.insert(state, u64::try_from(n).unwrap_or(0));
        }
        Ok(counts)
    }

    /// How many jobs are queued, running or waiting to be retried.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn pending(&self) -> Result<u64> {
        let db = self.storage.connection();
        let sql = format!("SELECT COUNT(*) AS n FROM dgi_jobs WHERE state IN {PENDING}");
        let row = db
            .query_one_raw(statement(db.get_database_backend(), &sql, Vec::new()))
            .await?;
        let n: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Cancels a queued, failed or running job. A running job's worker
    /// notices at its next lease renewal or when it tries to commit, and
    /// commits nothing.
    ///
    /// # Errors
    ///
    /// [`Error::JobState`] when the job is missing or already finished.
    pub async fn cancel(&self, id: i64, now: NaiveDateTime) -> Result<()> {
        let sql = format!(
            "UPDATE dgi_jobs SET state = 'cancelled', finished_at = $1, updated_at = $1, \
             locked_by = NULL, lease_until = NULL WHERE id = $2 AND state IN {PENDING}"
        );
        self.transition(id, "cancelled", &sql, vec![now.into(), id.into()])
            .await
    }

    /// Queues a discarded or cancelled job again, with its attempts reset.
    ///
    /// # Errors
    ///
    /// [`Error::JobState`] when the job is missing or not discarded or cancelled.
    pub async fn retry(&self, id: i64, now: NaiveDateTime) -> Result<()> {
        let sql = "UPDATE dgi_jobs SET state = 'queued', attempts = 0, run_at = $1, \
                   updated_at = $1, finished_at = NULL WHERE id = $2 \
                   AND state IN ('discarded', 'cancelled')";
        self.transition(id, "retried", sql, vec![now.into(), id.into()])
            .await
    }

    /// Deletes finished jobs that finished before `now - older_than`.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn prune(&self, older_than: Duration, now: NaiveDateTime) -> Result<u64> {
        let sql = "DELETE FROM dgi_jobs WHERE finished_at < $1 \
                   AND state IN ('succeeded', 'discarded', 'cancelled', 'skipped')";
        let db = self.storage.connection();
        let stmt = statement(
            db.get_database_backend(),
            sql,
            vec![(now - older_than).into()],
        );
        Ok(db.execute_raw(stmt).await?.rows_affected())
    }

    async fn transition(
        &self,
        id: i64,
        action: &'static str,
        sql: &str,
        values: Vec<sea_orm::Value>,
    ) -> Result<()> {
        let db = self.storage.connection();
        let changed = db
            .execute_raw(statement(db.get_database_backend(), sql, values))
            .await?;
        if changed.rows_affected() == 1 {
            return Ok(());
        }
        let state = match self.get(id).await {
            Ok(job) => job.state.to_string(),
            Err(Error::JobState { .. }) => "missing".into(),
            Err(other) => return Err(other),
        };
        Err(Error::JobState { id, action, state })
    }
}

/// Creates the job table when it is missing, and the queue's indexes. The
/// cursor table comes from the schema sync.
///
/// The job table is created rather than synced: the sync drops every unique
/// index its entity does not declare, and on PostgreSQL fails doing so, while
/// the partial index that keeps identical pending jobs apart cannot be
/// declared on an entity.
// TODO(dgi): sync `dgi_jobs` with the other tables once the schema sync
// leaves undeclared partial indexes alone; until then a column added to the
// job entity needs its own `ALTER TABLE` here.
pub(crate) async fn create_tables(db: &impl ConnectionTrait) -> Result<()> {
    let mut table = Schema::new(db.get_database_backend()).create_table_from_entity(job::Entity);
    db.execute(table.if_not_exists()).await?;
    add_progress_column(db).await?;
    let sql = format!(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_dgi_jobs_pending ON dgi_jobs (unique_key) \
         WHERE state IN {PENDING}"
    );
    db.execute_unprepared(&sql).await?;
    let ready = "CREATE INDEX IF NOT EXISTS ix_dgi_jobs_ready \
                 ON dgi_jobs (priority DESC, run_at, id) WHERE state IN ('queued', 'failed')";
    db.execute_unprepared(ready).await?;
    let running = "CREATE INDEX IF NOT EXISTS ix_dgi_jobs_running \
                   ON dgi_jobs (dealer_id, lease_until) WHERE state = 'running'";
    db.execute_unprepared(running).await?;
    Ok(())
}

/// Adds `progress` to a job table made before the column was.
async fn add_progress_column(db: &impl ConnectionTrait) -> Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let sql = "ALTER TABLE dgi_jobs ADD COLUMN IF NOT EXISTS progress varchar";
            db.execute_unprepared(sql).await?;
        }
        backend => {
            let sql = "SELECT COUNT(*) AS n FROM pragma_table_info('dgi_jobs') \
                       WHERE name = 'progress'";
            let row = db
                .query_one_raw(Statement::from_string(backend, sql))
                .await?;
            let present = match row {
                Some(row) => row.try_get::<i64>("", "n")? > 0,
                None => false,
            };
            if !present {
                db.execute_unprepared("ALTER TABLE dgi_jobs ADD COLUMN progress text")
                    .await?;
            }
        }
    }
    Ok(())
}

/// A statement written with `$1`-style placeholders, for either backend.
pub(crate) fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

fn unique_key(job: &NewJob) -> String {
    let mut filters = job.filters.clone();
    filters.sort();
    let text = serde_json::json!([
        job.job_type,
        job.dealer_id,
        crate::window::format_time(job.window.from),
        crate::window::format_time(job.window.to),
        filters,
    ]);
    hex::encode(Sha256::digest(text.to_string().as_bytes()))
}

fn filters_json(filters: &Filters) -> Json {
    Json::Object(
        filters
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
}

fn queued_job(model: job::Model) -> Result<QueuedJob> {
    let parse = |text: &str, what: &'static str| {
        serde_json::from_str::<Json>(text).map_err(|e| Error::Corrupt {
            what,
            reason: e.to_string(),
        })
    };
    let progress = match model.progress.as_deref() {
        Some(text) => Some(serde_json::from_str(text).map_err(|e| Error::Corrupt {
            what: "job progress",
            reason: e.to_string(),
        })?),
        None => None,
    };
    Ok(QueuedJob {
        progress,
        filters: parse(&model.filters, "job filters")?,
        report: model
            .report
            .as_deref()
            .map(|r| parse(r, "job report"))
            .transpose()?,
        state: JobState::parse(&model.state)?,
        id: model.id,
        job_type: model.job_type,
        dealer_id: model.dealer_id,
        from_time: model.from_time,
        to_time: model.to_time,
        priority: model.priority,
        attempts: model.attempts,
        max_attempts: model.max_attempts,
        run_at: model.run_at,
        locked_by: model.locked_by,
        lease_until: model.lease_until,
        last_error: model.last_error,
        created_at: model.created_at,
        finished_at: model.finished_at,
    })
}
