//! Claiming jobs under a lease, renewing it, and recording outcomes.

use chrono::{Duration, NaiveDateTime};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, QueryResult};
use serde_json::Value as Json;

use super::schedule::CURSOR_CONFLICT;
use super::{JobState, Queue, statement};
use crate::request::Filters;
use crate::window::Window;
use crate::{Error, JobProgress, Report, Result, RunRequest};

/// Serialises claims on PostgreSQL, so that each claim sees the jobs the
/// previous one started and per-dealer limits hold across workers.
const CLAIM_LOCK: i64 = 0x6467_6900_0001;

/// How many due jobs of dealers with room a claim pass ranks, at least.
const SCAN: usize = 64;

/// A job a worker holds the lease of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// What to run.
    pub request: RunRequest,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// Attempts allowed in all.
    pub max_attempts: i32,
}

impl Queue {
    /// Claims up to `n` due jobs for `worker`, leased until `now + lease`,
    /// never giving a dealer more than `per_dealer` running jobs across all
    /// workers. A running job whose lease expired is due again once
    /// [`Queue::rescue`] has seen it.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn claim(
        &self,
        worker: &str,
        n: usize,
        per_dealer: usize,
        lease: Duration,
        now: NaiveDateTime,
    ) -> Result<Vec<ClaimedJob>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let db = self.storage.connection();
        let backend = db.get_database_backend();
        let tx = crate::storage::begin_write(db).await?;
        if backend == DbBackend::Postgres {
            tx.execute_unprepared(&claim_settings()).await?;
        }
        let mut claimed = Vec::with_capacity(n);
        let scan = count(n.saturating_mul(4).max(SCAN));
        // A pass that fills fewer than `n` slots has used up the room of a
        // dealer at least, and the next pass sees that: it looks further.
        while claimed.len() < n {
            let values = vec![
                now.into(),
                scan.into(),
                worker.into(),
                (now + lease).into(),
                count(per_dealer).into(),
                count(n - claimed.len()).into(),
            ];
            let rows = tx
                .query_all_raw(statement(backend, &claim_sql(backend), values))
                .await?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                claimed.push(claimed_job(row)?);
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    /// Extends the lease of a running job to `now + lease`.
    ///
    /// # Errors
    ///
    /// [`Error::LeaseLost`] when the job is no longer this worker's
    /// (reclaimed after expiry, or cancelled).
    pub async fn renew(
        &self,
        id: i64,
        worker: &str,
        lease: Duration,
        now: NaiveDateTime,
    ) -> Result<()> {
        let sql = "UPDATE dgi_jobs SET lease_until = $1, updated_at = $2 \
                   WHERE id = $3 AND locked_by = $4 AND state = 'running'";
        let values = vec![(now + lease).into(), now.into(), id.into(), worker.into()];
        expect_one(self.storage.connection(), id, sql, values).await
    }

    /// Records how far a running job has come, if `worker` still holds it.
    /// Returns whether it does.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn record_progress(
        &self,
        job: &ClaimedJob,
        worker: &str,
        progress: &JobProgress,
        now: NaiveDateTime,
    ) -> Result<bool> {
        let sql = "UPDATE dgi_jobs SET progress = $1, updated_at = $2 \
                   WHERE id = $3 AND locked_by = $4 AND state = 'running'";
        let progress = serde_json::to_string(progress).map_err(|e| Error::Corrupt {
            what: "job progress",
            reason: e.to_string(),
        })?;
        let values = vec![progress.into(), now.into(), job.id.into(), worker.into()];
        let db = self.storage.connection();
        let stmt = statement(db.get_database_backend(), sql, values);
        Ok(db.execute_raw(stmt).await?.rows_affected() == 1)
    }

    /// Marks a job succeeded inside the transaction of its rows, and moves
    /// its cursor forward.
    ///
    /// # Errors
    ///
    /// [`Error::LeaseLost`] when the job is no longer this worker's: the
    /// caller must roll back.
    pub async fn complete_in(
        &self,
        tx: &DatabaseTransaction,
        job: &ClaimedJob,
        worker: &str,
        report: &Report,
        now: NaiveDateTime,
    ) -> Result<()> {
        if tx.get_database_backend() != DbBackend::Postgres {
            finish(tx, job, worker, JobState::Succeeded, report, now).await?;
            return super::schedule::advance_cursor(tx, &job.request, now).await;
        }
        // One round trip: the cursor moves only if the job was still held.
        let (update, mut values) = finish_update(job, worker, JobState::Succeeded, report, now)?;
        let sql = format!(
            "WITH done AS ({update} RETURNING job_type, dealer_id) \
             INSERT INTO dgi_cursors (job_type, dealer_id, synced_until, updated_at) \
             SELECT job_type, dealer_id, $6, $3 FROM done {CURSOR_CONFLICT}"
        );
        values.push(job.request.window.to.into());
        expect_one(tx, job.id, &sql, values).await
    }

    /// Records a failure: retried at `retry_at` while attempts remain and the
    /// error is retryable, discarded otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::LeaseLost`] when the job is no longer this worker's.
    pub async fn fail(
        &self,
        job: &ClaimedJob,
        worker: &str,
        error: &Error,
        retry_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<JobState> {
        let retry = error.is_retryable() && job.attempt < job.max_attempts;
        let state = if retry {
            JobState::Failed
        } else {
            JobState::Discarded
        };
        let sql = "UPDATE dgi_jobs SET state = $1, run_at = $2, last_error = $3, updated_at = $4, \
                   finished_at = $5, locked_by = NULL, lease_until = NULL \
                   WHERE id = $6 AND locked_by = $7 AND state = 'running'";
        let finished: Option<NaiveDateTime> = (!retry).then_some(now);
        let values = vec![
            state.as_str().into(),
            retry_at.into(),
            crate::runner::error_chain(error).into(),
            now.into(),
            finished.into(),
            job.id.into(),
            worker.into(),
        ];
        expect_one(self.storage.connection(), job.id, sql, values).await?;
        Ok(state)
    }

    /// Records that the job was skipped (inactive dealer).
    ///
    /// # Errors
    ///
    /// [`Error::LeaseLost`] when the job is no longer this worker's.
    pub async fn skip(
        &self,
        job: &ClaimedJob,
        worker: &str,
        report: &Report,
        now: NaiveDateTime,
    ) -> Result<()> {
        finish(
            self.storage.connection(),
            job,
            worker,
            JobState::Skipped,
            report,
            now,
        )
        .await
    }

    /// Takes back the jobs whose lease expired before `now`: their worker
    /// stopped renewing it (killed, or its machine gone). Each becomes
    /// failed, due at once, while it has attempts left, and discarded
    /// otherwise. Returns how many were taken back.
    ///
    /// # Errors
    ///
    /// A database error.
    pub async fn rescue(&self, now: NaiveDateTime) -> Result<u64> {
        let sql = "UPDATE dgi_jobs SET \
                   state = CASE WHEN attempts < max_attempts THEN 'failed' ELSE 'discarded' END, \
                   finished_at = CASE WHEN attempts < max_attempts THEN NULL ELSE $1 END, \
                   last_error = 'the lease of worker ' || locked_by || ' expired', \
                   run_at = $1, updated_at = $1, locked_by = NULL, lease_until = NULL \
                   WHERE state = 'running' AND lease_until < $1";
        let db = self.storage.connection();
        let stmt = statement(db.get_database_backend(), sql, vec![now.into()]);
        Ok(db.execute_raw(stmt).await?.rows_affected())
    }

    /// Gives a running job back to the queue without counting the attempt.
    ///
    /// # Errors
    ///
    /// [`Error::LeaseLost`] when the job is no longer this worker's.
    pub async fn release(&self, job: &ClaimedJob, worker: &str, now: NaiveDateTime) -> Result<()> {
        let sql = "UPDATE dgi_jobs SET state = 'queued', attempts = attempts - 1, \
                   locked_by = NULL, lease_until = NULL, updated_at = $1 \
                   WHERE id = $2 AND locked_by = $3 AND state = 'running'";
        let values = vec![now.into(), job.id.into(), worker.into()];
        expect_one(self.storage.connection(), job.id, sql, values).await
    }
}

/// Records a finished job's final state and report, if `worker` still holds it.
async fn finish(
    db: &impl ConnectionTrait,
    job: &ClaimedJob,
    worker: &str,
    state: JobState,
    report: &Report,
    now: NaiveDateTime,
) -> Result<()> {
    let (sql, values) = finish_update(job, worker, state, report, now)?;
    expect_one(db, job.id, sql, values).await
}

/// The update behind [`finish`], and its values.
fn finish_update(
    job: &ClaimedJob,
    worker: &str,
    state: JobState,
    report: &Report,
    now: NaiveDateTime,
) -> Result<(&'static str, Vec<sea_orm::Value>)> {
    let sql = "UPDATE dgi_jobs SET state = $1, report = $2, finished_at = $3, updated_at = $3, \
               lease_until = NULL, last_error = NULL \
               WHERE id = $4 AND locked_by = $5 AND state = 'running'";
    let report = serde_json::to_string(report).map_err(|e| Error::Corrupt {
        what: "job report",
        reason: e.to_string(),
    })?;
    let values = vec![
        state.as_str().into(),
        report.into(),
        now.into(),
        job.id.into(),
        worker.into(),
    ];
    Ok((sql, values))
}

/// Runs `sql` and fails with [`Error::LeaseLost`] when it changed no row.
async fn expect_one(
    db: &impl ConnectionTrait,
    id: i64,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<()> {
    let stmt = statement(db.get_database_backend(), sql, values);
    match db.execute_raw(stmt).await?.rows_affected() {
        0 => Err(Error::LeaseLost(id)),
        _ => Ok(()),
    }
}

/// Prepares a claim's transaction on PostgreSQL, in one round trip.
///
/// - The commit does not wait for the disk: a claim lost in a server crash
///   only puts its jobs back in the queue, and a job's own commit flushes
///   its claim first. The lock that serialises claims is held for less.
/// - No bitmap scans: with the job table's statistics stale, which a burst
///   of jobs makes them, the planner would read and sort every due job
///   rather than walk the ready index to the first few.
/// - Then the lock.
fn claim_settings() -> String {
    format!(
        "SELECT set_config('synchronous_commit', 'off', true), \
         set_config('enable_bitmapscan', 'off', true), pg_advisory_xact_lock({CLAIM_LOCK})"
    )
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// One statement: pick due jobs by priority (they come from an index in
/// that order), passing over the dealers at their limit, and rank each
/// dealer's picks after its running jobs so that no dealer goes over it.
/// Mark the picked jobs running under the new lease. Only they are locked,
/// and they are checked again once locked, so that a job cancelled
/// meanwhile is left alone. However many jobs wait for a dealer at its
/// limit, the others' jobs are found.
fn claim_sql(backend: DbBackend) -> String {
    let lock = if backend == DbBackend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let ready = "state IN ('queued', 'failed') AND run_at <= $1";
    let order = "priority DESC, run_at, id";
    format!(
        "WITH busy AS ( \
           SELECT dealer_id, COUNT(*) AS n FROM dgi_jobs \
           WHERE state = 'running' AND lease_until >= $1 GROUP BY dealer_id), \
         candidates AS ( \
           SELECT id, dealer_id, priority, run_at FROM dgi_jobs WHERE {ready} \
           AND dealer_id NOT IN (SELECT dealer_id FROM busy WHERE n >= $5) \
           ORDER BY {order} LIMIT $2), \
         ranked AS ( \
           SELECT c.id, c.priority, c.run_at, COALESCE(b.n, 0) + ROW_NUMBER() OVER ( \
             PARTITION BY c.dealer_id ORDER BY c.priority DESC, c.run_at, c.id) AS slot \
           FROM candidates c LEFT JOIN busy b ON b.dealer_id = c.dealer_id), \
         picked AS ( \
           SELECT id FROM dgi_jobs WHERE {ready} AND id IN ( \
             SELECT id FROM ranked WHERE slot <= $5 ORDER BY {order} LIMIT $6) \
           {lock}) \
         UPDATE dgi_jobs SET state = 'running', locked_by = $3, lease_until = $4, \
           attempts = attempts + 1, progress = NULL, updated_at = $1 \
         WHERE id IN (SELECT id FROM picked) \
         RETURNING id, job_type, dealer_id, from_time, to_time, filters, attempts, max_attempts"
    )
}

fn claimed_job(row: &QueryResult) -> Result<ClaimedJob> {
    let filters: String = row.try_get("", "filters")?;
    let filters: Json = serde_json::from_str(&filters).map_err(|e| Error::Corrupt {
        what: "job filters",
        reason: e.to_string(),
    })?;
    let filters: Filters = match filters {
        Json::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string()),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let window = Window::new(row.try_get("", "from_time")?, row.try_get("", "to_time")?)?;
    Ok(ClaimedJob {
        id: row.try_get("", "id")?,
        request: RunRequest {
            job_type: row.try_get("", "job_type")?,
            dealer_id: row.try_get("", "dealer_id")?,
            window,
            filters,
        },
        attempt: row.try_get("", "attempts")?,
        max_attempts: row.try_get("", "max_attempts")?,
    })
}
