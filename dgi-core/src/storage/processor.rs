//! Storing decoded records: upsert by (dealer, key), lines replaced per
//! parent, everything inside the caller's transaction.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query, Value as Sql};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use super::rows::{content_hash, extra_to_sql, to_sql};
use super::tables::{DEALER, EXTRA, FETCHED_AT, HASH, LINE_NO, Layout};
use crate::schema::Schema;
use crate::{Entry, Record, Report, Result};

/// At most this many values are bound in one statement (SQLite's limit).
const MAX_BINDS: usize = 32_766;
/// Keys asked for in one `IN (...)` list.
const KEYS_PER_QUERY: usize = 500;

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
    /// Stores `records` inside `tx`. Records are already merged by
    /// (dealer, key), so each appears once.
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

/// The generic processor: upsert by (dealer, key), lines replaced per
/// parent whenever the parent changed, nothing written for unchanged ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableProcessor;

/// A record ready to write.
struct Prepared {
    dealer: String,
    record: Record,
    hash: String,
}

#[async_trait]
impl Processor for TableProcessor {
    async fn store(
        &self,
        tx: &DatabaseTransaction,
        ctx: &StoreContext<'_>,
        records: Vec<Record>,
    ) -> Result<Report> {
        let schema = ctx.entry.job_type.schema();
        let layout = Layout::of(ctx.entry);
        let prepared: Vec<Prepared> = records
            .into_iter()
            .map(|record| {
                let dealer = record
                    .dealer_id
                    .clone()
                    .unwrap_or_else(|| ctx.dealer_id.into());
                let hash = content_hash(&record.to_json(schema, &dealer));
                Prepared {
                    dealer,
                    record,
                    hash,
                }
            })
            .collect();

        let stored = stored_hashes(tx, &layout, &prepared).await?;
        let mut report = Report::default();
        let mut changed = Vec::new();
        let mut replaced = Vec::new();
        for item in prepared {
            report.rejected_fields += item.record.rejected_fields();
            match stored.get(&(item.dealer.clone(), item.record.key.clone())) {
                None => report.inserted += 1,
                Some(old) if *old == item.hash => {
                    report.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    report.updated += 1;
                    replaced.push((item.dealer.clone(), item.record.key.clone()));
                }
            }
            changed.push(item);
        }

        upsert_records(tx, schema, &layout, &changed).await?;
        delete_lines(tx, &layout, &replaced).await?;
        report.lines = insert_lines(tx, schema, &layout, &changed).await?;
        Ok(report)
    }
}

/// The stored content hash of every (dealer, key) in `items` that exists.
async fn stored_hashes(
    tx: &DatabaseTransaction,
    layout: &Layout,
    items: &[Prepared],
) -> Result<HashMap<(String, String), String>> {
    let mut by_dealer: HashMap<&str, Vec<&str>> = HashMap::new();
    for item in items {
        by_dealer
            .entry(&item.dealer)
            .or_default()
            .push(&item.record.key);
    }
    let mut stored = HashMap::new();
    for (dealer, keys) in by_dealer {
        for chunk in keys.chunks(KEYS_PER_QUERY) {
            let query = Query::select()
                .columns([Alias::new(&layout.key), Alias::new(HASH)])
                .from(Alias::new(&layout.table))
                .and_where(Expr::col(Alias::new(DEALER)).eq(dealer))
                .and_where(Expr::col(Alias::new(&layout.key)).is_in(chunk.iter().copied()))
                .to_owned();
            for row in tx.query_all(&query).await? {
                let key: String = row.try_get("", &layout.key)?;
                let hash: String = row.try_get("", HASH)?;
                stored.insert((dealer.to_owned(), key), hash);
            }
        }
    }
    Ok(stored)
}

async fn upsert_records(
    tx: &DatabaseTransaction,
    schema: &Schema,
    layout: &Layout,
    items: &[Prepared],
) -> Result<()> {
    let backend = tx.get_database_backend();
    let now = Utc::now().naive_utc();
    let mut columns: Vec<Alias> = vec![Alias::new(DEALER)];
    columns.extend(layout.fields.iter().map(Alias::new));
    columns.extend([Alias::new(EXTRA), Alias::new(HASH), Alias::new(FETCHED_AT)]);
    let updates: Vec<Alias> = columns[1..].to_vec();
    let rows_per_statement = (MAX_BINDS / columns.len()).max(1);

    for chunk in items.chunks(rows_per_statement) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(&layout.table))
            .columns(columns.clone());
        for item in chunk {
            insert
                .values(record_values(backend, schema, item, now))
                .map_err(statement_error)?;
        }
        let conflict = OnConflict::columns([Alias::new(DEALER), Alias::new(&layout.key)])
            .update_columns(updates.clone())
            .to_owned();
        insert.on_conflict(conflict);
        tx.execute(&insert).await?;
    }
    Ok(())
}

fn record_values(
    backend: DbBackend,
    schema: &Schema,
    item: &Prepared,
    now: chrono::NaiveDateTime,
) -> Vec<sea_orm::sea_query::SimpleExpr> {
    let mut values: Vec<Sql> = vec![Sql::String(Some(item.dealer.clone()))];
    values.extend(
        schema
            .fields
            .iter()
            .zip(&item.record.values)
            .map(|(f, v)| to_sql(backend, f.kind, v)),
    );
    values.push(extra_to_sql(&item.record.extra));
    values.push(Sql::String(Some(item.hash.clone())));
    values.push(Sql::ChronoDateTime(Some(now)));
    values.into_iter().map(Into::into).collect()
}

async fn delete_lines(
    tx: &DatabaseTransaction,
    layout: &Layout,
    parents: &[(String, String)],
) -> Result<()> {
    if parents.is_empty() || layout.children.is_empty() {
        return Ok(());
    }
    let mut by_dealer: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (dealer, key) in parents {
        by_dealer.entry(dealer).or_default().insert(key);
    }
    for child in &layout.children {
        for (dealer, keys) in &by_dealer {
            let keys: Vec<&str> = keys.iter().copied().collect();
            for chunk in keys.chunks(KEYS_PER_QUERY) {
                let delete = Query::delete()
                    .from_table(Alias::new(&child.table))
                    .and_where(Expr::col(Alias::new(DEALER)).eq(*dealer))
                    .and_where(Expr::col(Alias::new(&layout.key)).is_in(chunk.iter().copied()))
                    .to_owned();
                tx.execute(&delete).await?;
            }
        }
    }
    Ok(())
}

async fn insert_lines(
    tx: &DatabaseTransaction,
    schema: &Schema,
    layout: &Layout,
    items: &[Prepared],
) -> Result<usize> {
    let backend = tx.get_database_backend();
    let mut written = 0;
    for (index, (child, child_layout)) in schema.children.iter().zip(&layout.children).enumerate() {
        let mut columns = vec![
            Alias::new(DEALER),
            Alias::new(&layout.key),
            Alias::new(LINE_NO),
        ];
        columns.extend(child_layout.fields.iter().map(Alias::new));
        columns.push(Alias::new(EXTRA));
        let rows: Vec<Vec<Sql>> = items
            .iter()
            .flat_map(|item| {
                item.record.children[index]
                    .iter()
                    .enumerate()
                    .map(move |(no, line)| {
                        let mut values = vec![
                            Sql::String(Some(item.dealer.clone())),
                            Sql::String(Some(item.record.key.clone())),
                            Sql::Int(Some(i32::try_from(no).unwrap_or(i32::MAX))),
                        ];
                        values.extend(
                            child
                                .fields
                                .iter()
                                .zip(&line.values)
                                .map(|(f, v)| to_sql(backend, f.kind, v)),
                        );
                        values.push(extra_to_sql(&line.extra));
                        values
                    })
            })
            .collect();
        written += rows.len();
        for chunk in rows.chunks((MAX_BINDS / columns.len()).max(1)) {
            let mut insert = Query::insert();
            insert
                .into_table(Alias::new(&child_layout.table))
                .columns(columns.clone());
            for row in chunk {
                insert
                    .values(row.iter().cloned().map(Into::into))
                    .map_err(statement_error)?;
            }
            tx.execute(&insert).await?;
        }
    }
    Ok(written)
}

fn statement_error(e: sea_orm::sea_query::error::Error) -> crate::Error {
    crate::Error::Database(sea_orm::DbErr::Custom(e.to_string()))
}
