//! Reading a job type's records back in the API's own shape.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::Serialize;
use serde_json::Value as Json;

use super::Storage;
use super::rows::{extra_from_sql, from_sql};
use super::tables::{DEALER, EXTRA, ID, LINE_NO, Layout};
use crate::record::{Line, Record};
use crate::schema::{Field, FieldKind};
use crate::{Entry, Result};

/// Which records to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordQuery {
    /// Only this dealer's records.
    pub dealer_id: Option<String>,
    /// Only records with a text field containing this, ignoring case.
    pub search: Option<String>,
    /// At most this many records.
    pub limit: u64,
    /// Skip this many records first.
    pub offset: u64,
}

impl Default for RecordQuery {
    fn default() -> Self {
        Self {
            dealer_id: None,
            search: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// One page of records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordPage {
    /// Records matching the query, over all pages.
    pub total: u64,
    /// The page size asked for.
    pub limit: u64,
    /// The offset asked for.
    pub offset: u64,
    /// The records, in the API's field names, lines nested, oldest first.
    pub items: Vec<Json>,
}

impl Storage {
    /// Lists a job type's stored records.
    ///
    /// # Errors
    ///
    /// [`Error::Database`](crate::Error::Database) when a query fails,
    /// [`Error::Corrupt`](crate::Error::Corrupt) for a value that cannot be
    /// read back.
    pub async fn list_records(&self, entry: &Entry, query: &RecordQuery) -> Result<RecordPage> {
        let layout = Layout::of(entry);
        let schema = entry.job_type.schema();
        let filtered = filtered(&layout, schema.fields, query);

        let count = filtered
            .clone()
            .expr_as(Expr::col(Alias::new(ID)).count(), Alias::new("n"))
            .to_owned();
        let total = match self.db.query_one(&count).await? {
            Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
            None => 0,
        };

        let page = filtered
            .clone()
            .column(Asterisk)
            .order_by(Alias::new(ID), Order::Asc)
            .limit(query.limit)
            .offset(query.offset)
            .to_owned();
        let rows = self.db.query_all(&page).await?;
        let mut records = Vec::with_capacity(rows.len());
        for row in &rows {
            records.push(self.read_record(entry, &layout, row)?);
        }
        self.attach_lines(entry, &layout, &mut records).await?;
        let items = records
            .iter()
            .map(|(dealer, r)| r.to_json(schema, dealer))
            .collect();
        Ok(RecordPage {
            total,
            limit: query.limit,
            offset: query.offset,
            items,
        })
    }

    fn read_record(
        &self,
        entry: &Entry,
        layout: &Layout,
        row: &QueryResult,
    ) -> Result<(String, Record)> {
        let backend = self.db.get_database_backend();
        let schema = entry.job_type.schema();
        let dealer: String = row.try_get("", DEALER)?;
        let values = read_values(row, backend, schema.fields, &layout.fields)?;
        let key: String = row.try_get("", &layout.key)?;
        let record = Record {
            key,
            dealer_id: Some(dealer.clone()),
            values,
            children: vec![Vec::new(); schema.children.len()],
            extra: extra_from_sql(row, EXTRA)?,
            problems: Vec::new(),
        };
        Ok((dealer, record))
    }

    async fn attach_lines(
        &self,
        entry: &Entry,
        layout: &Layout,
        records: &mut [(String, Record)],
    ) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let backend = self.db.get_database_backend();
        let schema = entry.job_type.schema();
        let index: HashMap<(String, String), usize> = records
            .iter()
            .enumerate()
            .map(|(i, (dealer, r))| ((dealer.clone(), r.key.clone()), i))
            .collect();
        let keys: Vec<String> = records.iter().map(|(_, r)| r.key.clone()).collect();
        for (c, (child, child_layout)) in schema.children.iter().zip(&layout.children).enumerate() {
            let select = Query::select()
                .column(Asterisk)
                .from(Alias::new(&child_layout.table))
                .and_where(Expr::col(Alias::new(&layout.key)).is_in(keys.clone()))
                .order_by(Alias::new(LINE_NO), Order::Asc)
                .order_by(Alias::new(ID), Order::Asc)
                .to_owned();
            for row in self.db.query_all(&select).await? {
                let dealer: String = row.try_get("", DEALER)?;
                let key: String = row.try_get("", &layout.key)?;
                let Some(&i) = index.get(&(dealer, key)) else {
                    continue;
                };
                let values = read_values(&row, backend, child.fields, &child_layout.fields)?;
                let extra = extra_from_sql(&row, EXTRA)?;
                records[i].1.children[c].push(Line { values, extra });
            }
        }
        Ok(())
    }
}

fn read_values(
    row: &QueryResult,
    backend: sea_orm::DbBackend,
    fields: &[Field],
    columns: &[String],
) -> Result<Vec<crate::Value>> {
    fields
        .iter()
        .zip(columns)
        .map(|(f, c)| from_sql(row, backend, f.kind, c))
        .collect()
}

fn filtered(layout: &Layout, fields: &[Field], query: &RecordQuery) -> SelectStatement {
    let mut select = Query::select();
    select.from(Alias::new(&layout.table));
    if let Some(dealer) = &query.dealer_id {
        select.and_where(Expr::col(Alias::new(DEALER)).eq(dealer.as_str()));
    }
    if let Some(search) = query.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let pattern = format!("%{}%", search.trim().to_lowercase());
        let condition = fields
            .iter()
            .zip(&layout.fields)
            .filter(|(f, _)| f.kind == FieldKind::Text)
            .map(|(_, column)| Func::lower(Expr::col(Alias::new(column))).like(pattern.as_str()))
            .reduce(|a, b| a.or(b));
        if let Some(condition) = condition {
            select.and_where(condition);
        }
    }
    select
}
