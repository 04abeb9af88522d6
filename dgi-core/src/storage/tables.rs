//! The tables of a job type, laid out from its schema.
//!
//! A job type `code` gets a table `code` with one row per (dealer, key) and
//! a table `code_<child>` per child array, one row per line. Columns are the
//! DGI field names in snake case, plus `dealer_id`, `extra` (JSON of unknown
//! fields and unreadable raw values) and, on records, `content_hash`.

use sea_orm::sea_query::{Alias, ColumnDef, Index, Table, TableCreateStatement};
use sea_orm::{ConnectionTrait, DbBackend};

use crate::schema::{Child, Field, FieldKind, Schema};
use crate::{Entry, Result};

/// Surrogate id column of every job table.
pub(crate) const ID: &str = "id";
/// The row's dealer.
pub(crate) const DEALER: &str = "dealer_id";
/// Unknown fields and raw unreadable values, as JSON text.
pub(crate) const EXTRA: &str = "extra";
/// Hash of the record's content, to tell unchanged records from updated ones.
pub(crate) const HASH: &str = "content_hash";
/// When the record was last written.
pub(crate) const FETCHED_AT: &str = "fetched_at";
/// A line's position within its parent.
pub(crate) const LINE_NO: &str = "line_no";

/// Column names of a record table, in the order values are bound.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) table: String,
    pub(crate) key: String,
    pub(crate) fields: Vec<String>,
    pub(crate) children: Vec<ChildLayout>,
}

/// Column names of a line table.
#[derive(Debug, Clone)]
pub(crate) struct ChildLayout {
    pub(crate) table: String,
    pub(crate) fields: Vec<String>,
}

impl Layout {
    pub(crate) fn of(entry: &Entry) -> Self {
        let schema = entry.job_type.schema();
        let children = schema
            .children
            .iter()
            .zip(entry.child_tables())
            .map(|(c, table)| ChildLayout {
                table,
                fields: columns(c.fields),
            })
            .collect();
        Self {
            table: entry.table().into(),
            key: schema.key_field().column(),
            fields: columns(schema.fields),
            children,
        }
    }
}

fn columns(fields: &[Field]) -> Vec<String> {
    fields.iter().map(Field::column).collect()
}

/// Creates the job type's tables and indexes where missing.
pub(crate) async fn create(db: &impl ConnectionTrait, entry: &Entry) -> Result<()> {
    let backend = db.get_database_backend();
    let schema = entry.job_type.schema();
    let layout = Layout::of(entry);
    db.execute(&record_table(backend, schema, &layout)).await?;
    let unique = Index::create()
        .if_not_exists()
        .unique()
        .name(format!("ux_{}_key", layout.table))
        .table(Alias::new(&layout.table))
        .col(Alias::new(DEALER))
        .col(Alias::new(&layout.key))
        .to_owned();
    db.execute(&unique).await?;

    for (child, child_layout) in schema.children.iter().zip(&layout.children) {
        db.execute(&line_table(
            backend,
            child,
            &layout.key,
            &child_layout.table,
        ))
        .await?;
        let parent = Index::create()
            .if_not_exists()
            .name(format!("ix_{}_parent", child_layout.table))
            .table(Alias::new(&child_layout.table))
            .col(Alias::new(DEALER))
            .col(Alias::new(&layout.key))
            .to_owned();
        db.execute(&parent).await?;
    }
    Ok(())
}

fn record_table(backend: DbBackend, schema: &Schema, layout: &Layout) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(Alias::new(&layout.table)).if_not_exists();
    table.col(id_column());
    table.col(ColumnDef::new(Alias::new(DEALER)).text().not_null());
    for field in schema.fields {
        let mut column = column(backend, field);
        if field.name == schema.key {
            column.not_null();
        }
        table.col(column);
    }
    table.col(ColumnDef::new(Alias::new(EXTRA)).text());
    table.col(ColumnDef::new(Alias::new(HASH)).text().not_null());
    table.col(
        ColumnDef::new(Alias::new(FETCHED_AT))
            .date_time()
            .not_null(),
    );
    table.to_owned()
}

fn line_table(backend: DbBackend, child: &Child, key: &str, name: &str) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(Alias::new(name)).if_not_exists();
    table.col(id_column());
    table.col(ColumnDef::new(Alias::new(DEALER)).text().not_null());
    table.col(ColumnDef::new(Alias::new(key)).text().not_null());
    table.col(ColumnDef::new(Alias::new(LINE_NO)).integer().not_null());
    for field in child.fields {
        table.col(column(backend, field));
    }
    table.col(ColumnDef::new(Alias::new(EXTRA)).text());
    table.to_owned()
}

fn id_column() -> ColumnDef {
    ColumnDef::new(Alias::new(ID))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn column(backend: DbBackend, field: &Field) -> ColumnDef {
    let mut column = ColumnDef::new(Alias::new(field.column()));
    match field.kind {
        FieldKind::Text => column.text(),
        FieldKind::Integer => column.big_integer(),
        // SQLite has no exact decimal type: text keeps every digit.
        FieldKind::Decimal if backend == DbBackend::Sqlite => column.text(),
        FieldKind::Decimal => column.decimal(),
        FieldKind::Date => column.date(),
        FieldKind::Timestamp => column.date_time(),
        FieldKind::Time => column.time(),
    };
    column
}
