//! Converting field values to SQL values and back.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use sea_orm::sea_query::Value as Sql;
use sea_orm::{DbBackend, QueryResult};
use serde_json::{Map, Value as Json};

use crate::record::Extra;
use crate::schema::FieldKind;
use crate::{Error, Result, Value};

/// The SQL value for a field value; nulls carry the column's type, which
/// PostgreSQL insists on.
pub(crate) fn to_sql(backend: DbBackend, kind: FieldKind, value: &Value) -> Sql {
    let sqlite = backend == DbBackend::Sqlite;
    match (kind, value) {
        (_, Value::Text(s)) => Sql::String(Some(s.clone())),
        (_, Value::Integer(i)) => Sql::BigInt(Some(*i)),
        (_, Value::Decimal(d)) if sqlite => Sql::String(Some(d.to_string())),
        (_, Value::Decimal(d)) => Sql::Decimal(Some(*d)),
        (_, Value::Date(d)) => Sql::ChronoDate(Some(*d)),
        (_, Value::Timestamp(t)) => Sql::ChronoDateTime(Some(*t)),
        (_, Value::Time(t)) => Sql::ChronoTime(Some(*t)),
        (FieldKind::Text, Value::Null) => Sql::String(None),
        (FieldKind::Integer, Value::Null) => Sql::BigInt(None),
        (FieldKind::Decimal, Value::Null) if sqlite => Sql::String(None),
        (FieldKind::Decimal, Value::Null) => Sql::Decimal(None),
        (FieldKind::Date, Value::Null) => Sql::ChronoDate(None),
        (FieldKind::Timestamp, Value::Null) => Sql::ChronoDateTime(None),
        (FieldKind::Time, Value::Null) => Sql::ChronoTime(None),
    }
}

/// Reads a field value from a row.
pub(crate) fn from_sql(
    row: &QueryResult,
    backend: DbBackend,
    kind: FieldKind,
    column: &str,
) -> Result<Value> {
    let value = match kind {
        FieldKind::Text => row.try_get::<Option<String>>("", column)?.map(Value::Text),
        FieldKind::Integer => row.try_get::<Option<i64>>("", column)?.map(Value::Integer),
        FieldKind::Decimal if backend == DbBackend::Sqlite => {
            match row.try_get::<Option<String>>("", column)? {
                Some(text) => Some(Value::Decimal(Decimal::from_str(&text).map_err(|e| {
                    Error::Corrupt {
                        what: "decimal",
                        reason: format!("`{text}`: {e}"),
                    }
                })?)),
                None => None,
            }
        }
        FieldKind::Decimal => row
            .try_get::<Option<Decimal>>("", column)?
            .map(Value::Decimal),
        FieldKind::Date => row
            .try_get::<Option<NaiveDate>>("", column)?
            .map(Value::Date),
        FieldKind::Timestamp => row
            .try_get::<Option<NaiveDateTime>>("", column)?
            .map(Value::Timestamp),
        FieldKind::Time => row
            .try_get::<Option<NaiveTime>>("", column)?
            .map(Value::Time),
    };
    Ok(value.map(normalise).unwrap_or(Value::Null))
}

fn normalise(value: Value) -> Value {
    match value {
        Value::Decimal(d) => Value::Decimal(d.normalize()),
        other => other,
    }
}

/// The `extra` column's text for what a record or line kept.
pub(crate) fn extra_to_sql(extra: &Extra) -> Sql {
    if extra.is_empty() {
        return Sql::String(None);
    }
    let mut object = Map::new();
    if !extra.unknown.is_empty() {
        object.insert("unknown".into(), Json::Object(extra.unknown.clone()));
    }
    if !extra.invalid.is_empty() {
        object.insert("invalid".into(), Json::Object(extra.invalid.clone()));
    }
    Sql::String(Some(Json::Object(object).to_string()))
}

/// Reads the `extra` column back.
pub(crate) fn extra_from_sql(row: &QueryResult, column: &str) -> Result<Extra> {
    let Some(text) = row.try_get::<Option<String>>("", column)? else {
        return Ok(Extra::default());
    };
    let parsed: Json = serde_json::from_str(&text).map_err(|e| Error::Corrupt {
        what: "extra column",
        reason: e.to_string(),
    })?;
    let part = |name: &str| match parsed.get(name) {
        Some(Json::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    Ok(Extra {
        unknown: part("unknown"),
        invalid: part("invalid"),
    })
}

/// A stable hash of a JSON value: object keys sorted at every level, so the
/// map implementation's order does not matter.
pub(crate) fn content_hash(value: &Json) -> String {
    use sha2::{Digest, Sha256};

    let mut hasher = Sha256::new();
    feed(&mut hasher, value);
    hex::encode(&hasher.finalize()[..16])
}

fn feed(hasher: &mut sha2::Sha256, value: &Json) {
    use sha2::Digest;

    match value {
        Json::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for key in keys {
                hasher.update(Json::String(key.clone()).to_string().as_bytes());
                hasher.update(b":");
                feed(hasher, &map[key]);
                hasher.update(b",");
            }
            hasher.update(b"}");
        }
        Json::Array(items) => {
            hasher.update(b"[");
            for item in items {
                feed(hasher, item);
                hasher.update(b",");
            }
            hasher.update(b"]");
        }
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn hash_ignores_key_order() {
        let a = json!({"a": 1, "b": [{"x": "1", "y": null}]});
        let b = json!({"b": [{"y": null, "x": "1"}], "a": 1});
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_ne!(content_hash(&a), content_hash(&json!({"a": 2, "b": []})));
    }
}
