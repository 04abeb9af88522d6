//! Storing decoded records.

use async_trait::async_trait;
use sea_orm::DatabaseTransaction;

use crate::{Entry, Record, Report, Result};

/// What a processor is told besides the records.
#[derive(Debug)]
pub struct StoreContext<'a> {
    /// The job type.
    pub entry: &'a Entry,
    /// The dealer the job runs for; a record's own `dealerId` wins.
    pub dealer_id: &'a str,
}

/// Stores a batch of records and reports what happened.
#[async_trait]
pub trait Processor: Send + Sync {
    /// Stores `records` inside `tx`.
    ///
    /// # Errors
    ///
    /// A database error; the caller rolls the transaction back.
    async fn store(
        &self,
        tx: &DatabaseTransaction,
        ctx: &StoreContext<'_>,
        records: Vec<Record>,
    ) -> Result<Report>;
}

/// The generic processor: upsert by (dealer, key), lines replaced per parent.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableProcessor;

#[async_trait]
impl Processor for TableProcessor {
    async fn store(
        &self,
        tx: &DatabaseTransaction,
        ctx: &StoreContext<'_>,
        records: Vec<Record>,
    ) -> Result<Report> {
        let _ = (tx, ctx, records);
        Ok(Report::default())
    }
}
