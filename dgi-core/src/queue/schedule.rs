//! Incremental sync: a cursor per (dealer, job type), and the scheduler
//! that queues the next window from it.

use chrono::{DateTime, Duration, NaiveDateTime};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait};

use super::entities::cursor;
use super::{Enqueued, NewJob, Queue, statement};
use crate::window::Window;
use crate::{Registry, Result, RunRequest};

/// How the scheduler picks windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleOptions {
    /// How far before the cursor the next window starts, so that records
    /// modified late around the boundary are pulled again.
    pub overlap: Duration,
}

impl Default for ScheduleOptions {
    fn default() -> Self {
        Self {
            overlap: Duration::minutes(10),
        }
    }
}

/// Queues, for every active dealer and every job type, the window from its
/// cursor (less the overlap) to the last whole interval of its API
/// configuration before `now`, when that interval has passed since the
/// cursor. A pair without a cursor starts one interval back. `now` is the
/// wall-clock time where the dealers are, as the API's windows are; the
/// jobs are queued at [`Queue::now`].
///
/// Window ends are whole multiples of the interval since the Unix epoch, so
/// two schedulers running at once ask for the same window and the queue
/// keeps one job.
///
/// # Errors
///
/// A database error, or an enqueue error.
pub async fn schedule(
    queue: &Queue,
    registry: &Registry,
    options: &ScheduleOptions,
    now: NaiveDateTime,
) -> Result<Vec<Enqueued>> {
    let storage = queue.storage();
    let cursors = cursor::Entity::find().all(storage.connection()).await?;
    let mut configs = Vec::with_capacity(registry.len());
    for entry in registry.iter() {
        configs.push((entry, storage.api_config(entry.code()).await?));
    }
    let mut queued = Vec::new();
    for dealer in storage.dealers().await?.into_iter().filter(|d| d.active) {
        for (entry, config) in &configs {
            let interval = Duration::seconds(i64::from(config.interval_secs.max(1)));
            let to = align_down(now, interval);
            let synced = cursors
                .iter()
                .find(|c| c.job_type == entry.code() && c.dealer_id == dealer.id)
                .map(|c| c.synced_until);
            let from = match synced {
                Some(until) if until + interval > to => continue,
                Some(until) => until - options.overlap,
                None => to - interval,
            };
            let earliest = now - Duration::days(i64::from(config.lookback_days)) + interval;
            let job = NewJob {
                job_type: entry.code().into(),
                dealer_id: dealer.id.clone(),
                window: Window::new(from.max(earliest).min(to), to)?,
                filters: Vec::new(),
                priority: 0,
                run_at: None,
            };
            queued.push(queue.enqueue(registry, &job, queue.now()).await?);
        }
    }
    Ok(queued)
}

/// What an insert into `dgi_cursors` does when the pair has a cursor: move
/// it to the later of the two times.
pub(crate) const CURSOR_CONFLICT: &str = "ON CONFLICT (job_type, dealer_id) DO UPDATE \
    SET synced_until = CASE WHEN dgi_cursors.synced_until < excluded.synced_until \
    THEN excluded.synced_until ELSE dgi_cursors.synced_until END, \
    updated_at = excluded.updated_at";

/// Moves the cursor of the job's (job type, dealer) to the end of its
/// window, never backwards, inside the job's transaction.
pub(crate) async fn advance_cursor(
    tx: &DatabaseTransaction,
    request: &RunRequest,
    now: NaiveDateTime,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO dgi_cursors (job_type, dealer_id, synced_until, updated_at) \
         VALUES ($1, $2, $3, $4) {CURSOR_CONFLICT}"
    );
    let values = vec![
        request.job_type.clone().into(),
        request.dealer_id.clone().into(),
        request.window.to.into(),
        now.into(),
    ];
    tx.execute_raw(statement(tx.get_database_backend(), &sql, values))
        .await?;
    Ok(())
}

fn align_down(time: NaiveDateTime, interval: Duration) -> NaiveDateTime {
    let step = interval.num_seconds().max(1);
    let seconds = time.and_utc().timestamp();
    let aligned = seconds - seconds.rem_euclid(step);
    DateTime::from_timestamp(aligned, 0).map_or(time, |t| t.naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_on_interval_boundaries() {
        let t = crate::window::parse_time("2026-12-01 10:47:13").expect("time");
        let hour = Duration::hours(1);
        assert_eq!(
            align_down(t, hour),
            crate::window::parse_time("2026-12-01 10:00:00").expect("t")
        );
        let later = t + Duration::minutes(5);
        assert_eq!(align_down(t, hour), align_down(later, hour));
    }
}
