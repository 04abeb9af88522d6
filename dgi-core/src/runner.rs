//! Running one job: fetch (live or dummy), decode, store, report.

use async_trait::async_trait;
use chrono::{Local, NaiveDateTime, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use tracing::Instrument;

use crate::record::{RecordRejection, merge_by_key};
use crate::request::Filters;
use crate::storage::entities::{rejected, run};
use crate::storage::{Dealer, DealerSource, StoreContext, begin_write, log_run};
use crate::window::Window;
use crate::{
    ApiClient, ApiConfig, Entry, Error, HttpClient, PullRequest, Record, Registry, Report, Result,
    Storage,
};

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// The job type's code.
    pub job_type: String,
    /// The dealer.
    pub dealer_id: String,
    /// The window of created or modified times.
    pub window: Window,
    /// Module filters such as `idSPK`, under their API names.
    pub filters: Filters,
}

/// Runs one job: checks the request, fetches every piece of the window from
/// the dealer's source, and stores the records, the rejected ones and the
/// run log entry in one transaction.
///
/// An inactive dealer is skipped: the report says why and nothing is
/// fetched. A job that fails writes no rows, only a failed run log entry.
///
/// # Errors
///
/// [`Error::UnknownJobType`], [`Error::UnknownFilter`],
/// [`Error::UnknownDealer`], [`Error::MissingCredentials`],
/// [`Error::InvalidWindow`] before any call; then the client's errors and
/// [`Error::Database`].
pub async fn run_job(
    storage: &Storage,
    registry: &Registry,
    request: &RunRequest,
) -> Result<Report> {
    run_job_with(storage, registry, request, &NoHook).await
}

/// How far a running job has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobProgress {
    /// API calls the window takes (one per piece of at most the longest
    /// window the API accepts).
    pub calls: usize,
    /// API calls answered so far.
    pub calls_done: usize,
    /// Records fetched so far.
    pub fetched: usize,
}

/// Work done inside a job's transaction, after its rows are written and
/// before they commit: whatever it writes commits with them. It also hears
/// how the job goes.
#[async_trait]
pub trait CommitHook: Send + Sync {
    /// Called once per successful job. An error rolls the whole job back.
    ///
    /// # Errors
    ///
    /// Whatever should stop the commit, e.g. [`Error::LeaseLost`].
    async fn before_commit(&self, tx: &DatabaseTransaction, report: &Report) -> Result<()>;

    /// Called after each API call of the job, outside its transaction.
    async fn progress(&self, _progress: &JobProgress) {}
}

/// A hook that does nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHook;

#[async_trait]
impl CommitHook for NoHook {
    async fn before_commit(&self, _tx: &DatabaseTransaction, _report: &Report) -> Result<()> {
        Ok(())
    }
}

/// [`run_job`], with `hook` run inside the job's transaction.
///
/// # Errors
///
/// As for [`run_job`], and the hook's error.
pub async fn run_job_with(
    storage: &Storage,
    registry: &Registry,
    request: &RunRequest,
    hook: &dyn CommitHook,
) -> Result<Report> {
    let entry = registry.get(&request.job_type)?;
    let span = tracing::info_span!("job", job_type = entry.code(), dealer = %request.dealer_id);
    async {
        let started = Utc::now().naive_utc();
        let result = execute(storage, entry, request, started, hook).await;
        if let Err(error) = &result {
            tracing::debug!(%error, "job failed");
            let entry = run_entry(request, started, "failed", &Report::default(), Some(error));
            if let Err(log_error) = log_run(storage.connection(), entry, Vec::new()).await {
                tracing::warn!(error = %log_error, "could not log the failed run");
            }
        }
        result
    }
    .instrument(span)
    .await
}

async fn execute(
    storage: &Storage,
    entry: &Entry,
    request: &RunRequest,
    started: NaiveDateTime,
    hook: &dyn CommitHook,
) -> Result<Report> {
    check_filters(entry, &request.filters)?;
    let dealer = storage.dealer(&request.dealer_id).await?;
    let mut report = Report {
        job_type: entry.code().into(),
        dealer_id: dealer.id.clone(),
        ..Report::default()
    };
    if !dealer.active {
        report.skipped = Some(format!("dealer `{}` is inactive", dealer.id));
        let log = run_entry(request, started, "skipped", &report, None);
        log_run(storage.connection(), log, Vec::new()).await?;
        return Ok(report);
    }
    let config = storage.api_config(entry.code()).await?;
    let pieces = request.window.plan(
        Local::now().naive_local(),
        config.max_window_days,
        config.lookback_days,
    )?;

    let raw = fetch(entry, &config, &dealer, &pieces, &request.filters, hook).await?;
    report.calls = pieces.len();
    report.fetched = raw.len();
    let (records, rejections) = decode(entry, raw);
    let records = merge_by_key(records, &dealer.id);

    let tx = begin_write(storage.connection()).await?;
    let ctx = StoreContext {
        entry,
        dealer_id: &dealer.id,
    };
    let stored = entry.job_type.processor().store(&tx, &ctx, records).await?;
    report.add(&stored);
    report.rejected = rejections.len();
    let rejections = rejections
        .into_iter()
        .map(|r| rejected_entry(entry, &dealer.id, r));
    let log = run_entry(request, started, "succeeded", &report, None);
    log_run(&tx, log, rejections.collect()).await?;
    hook.before_commit(&tx, &report).await?;
    tx.commit().await?;
    tracing::debug!(
        fetched = report.fetched,
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.rejected,
        "job stored"
    );
    Ok(report)
}

pub(crate) fn check_filters(entry: &Entry, filters: &Filters) -> Result<()> {
    let accepted = entry.job_type.schema().filters;
    match filters
        .iter()
        .find(|(name, _)| !accepted.contains(&name.as_str()))
    {
        Some((name, _)) => Err(Error::UnknownFilter {
            job_type: entry.code().into(),
            filter: name.clone(),
            accepted: if accepted.is_empty() {
                "none".into()
            } else {
                accepted.join(", ")
            },
        }),
        None => Ok(()),
    }
}

async fn fetch(
    entry: &Entry,
    config: &ApiConfig,
    dealer: &Dealer,
    pieces: &[Window],
    filters: &Filters,
    hook: &dyn CommitHook,
) -> Result<Vec<Json>> {
    let mut raw = Vec::new();
    let client = match dealer.source {
        DealerSource::Live => {
            let credentials = dealer
                .credentials
                .clone()
                .ok_or_else(|| Error::MissingCredentials(dealer.id.clone()))?;
            Some(HttpClient::new(config, credentials)?)
        }
        DealerSource::Dummy => None,
    };
    for (done, piece) in pieces.iter().enumerate() {
        match &client {
            Some(client) => {
                let request = PullRequest {
                    window: *piece,
                    dealer_id: dealer.id.clone(),
                    filters: filters.clone(),
                };
                raw.extend(client.pull(&config.endpoint, &request).await?);
            }
            None => {
                let generated = entry.job_type.generate(&dealer.id, piece);
                raw.extend(
                    generated
                        .into_iter()
                        .filter(|r| matches_filters(r, filters)),
                );
            }
        }
        let progress = JobProgress {
            calls: pieces.len(),
            calls_done: done + 1,
            fetched: raw.len(),
        };
        hook.progress(&progress).await;
    }
    Ok(raw)
}

fn decode(entry: &Entry, raw: Vec<Json>) -> (Vec<Record>, Vec<RecordRejection>) {
    let schema = entry.job_type.schema();
    let mut records = Vec::with_capacity(raw.len());
    let mut rejections = Vec::new();
    for element in &raw {
        match Record::decode(schema, element) {
            Ok(record) => records.push(record),
            Err(rejection) => rejections.push(*rejection),
        }
    }
    (records, rejections)
}

/// Whether a record, as the API sends it, passes every filter: the field of
/// that name, on the record or on any of its lines, equals the value.
pub fn matches_filters(record: &Json, filters: &Filters) -> bool {
    filters
        .iter()
        .all(|(name, wanted)| has_value(record, name, wanted.trim()))
}

fn has_value(value: &Json, name: &str, wanted: &str) -> bool {
    let Json::Object(object) = value else {
        return false;
    };
    object.iter().any(|(key, field)| match field {
        Json::Array(lines) => lines.iter().any(|line| has_value(line, name, wanted)),
        Json::String(s) => key.eq_ignore_ascii_case(name) && s.trim() == wanted,
        Json::Number(n) => key.eq_ignore_ascii_case(name) && n.to_string() == wanted,
        _ => false,
    })
}

fn run_entry(
    request: &RunRequest,
    started: NaiveDateTime,
    outcome: &str,
    report: &Report,
    error: Option<&Error>,
) -> run::ActiveModel {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let filters: serde_json::Map<String, Json> = request
        .filters
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
        .collect();
    run::ActiveModel {
        id: NotSet,
        job_type: Set(request.job_type.clone()),
        dealer_id: Set(request.dealer_id.clone()),
        from_time: Set(request.window.from),
        to_time: Set(request.window.to),
        filters: Set(Json::Object(filters).to_string()),
        started_at: Set(started),
        finished_at: Set(Utc::now().naive_utc()),
        outcome: Set(outcome.into()),
        fetched: Set(count(report.fetched)),
        inserted: Set(count(report.inserted)),
        updated: Set(count(report.updated)),
        unchanged: Set(count(report.unchanged)),
        rejected: Set(count(report.rejected)),
        rejected_fields: Set(count(report.rejected_fields)),
        error: Set(error.map(|e| error_chain(e))),
    }
}

fn rejected_entry(
    entry: &Entry,
    dealer: &str,
    rejection: RecordRejection,
) -> rejected::ActiveModel {
    rejected::ActiveModel {
        id: NotSet,
        job_type: Set(entry.code().into()),
        dealer_id: Set(dealer.into()),
        reason: Set(rejection.reason),
        raw: Set(rejection.raw.to_string()),
        received_at: Set(Utc::now().naive_utc()),
    }
}

/// The error and its sources, joined with `: `.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
