//! Records decoded against a schema: typed values, child lines, and
//! everything else the server sent.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::schema::{Field, Schema};
use crate::value::{Value, present};

/// The field every record carries that names its dealer.
pub const DEALER_FIELD: &str = "dealerId";

/// What the server sent beside the known fields, kept so nothing is lost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    /// Fields the schema does not know, under the name the server used.
    pub unknown: Map<String, Json>,
    /// Known fields whose value could not be read: the raw value, as sent.
    pub invalid: Map<String, Json>,
}

impl Extra {
    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.unknown.is_empty() && self.invalid.is_empty()
    }
}

/// One field that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    /// Where: `jumlahDP`, or `services[1].biayaService`.
    pub path: String,
    /// Why it could not be read.
    pub reason: String,
}

/// One nested line of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Values in the order of the child's fields.
    pub values: Vec<Value>,
    /// What else the line carried.
    pub extra: Extra,
}

/// One record, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The trimmed natural key.
    pub key: String,
    /// The record's own `dealerId`, when it carries one.
    pub dealer_id: Option<String>,
    /// Values in the order of the schema's fields.
    pub values: Vec<Value>,
    /// Lines per child of the schema, in the schema's order.
    pub children: Vec<Vec<Line>>,
    /// What else the record carried.
    pub extra: Extra,
    /// Fields that could not be read (their raw values are in `extra`).
    pub problems: Vec<FieldProblem>,
}

/// Why a whole record was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRejection {
    /// The reason.
    pub reason: String,
    /// The element as sent.
    pub raw: Json,
}

impl Record {
    /// Decodes one element of a response's `data` array.
    ///
    /// Field names are matched without regard to case and with the schema's
    /// aliases. Unreadable values become `Null`, their raw value is kept and
    /// the problem is listed.
    ///
    /// # Errors
    ///
    /// A [`RecordRejection`] when the element is not an object or has no key.
    pub fn decode(schema: &Schema, raw: &Json) -> Result<Self, Box<RecordRejection>> {
        let reject = |reason: String| {
            Box::new(RecordRejection {
                reason,
                raw: raw.clone(),
            })
        };
        let Json::Object(object) = raw else {
            return Err(reject("the element is not an object".into()));
        };
        let mut fields = Fields::new(object);
        let mut problems = Vec::new();
        let mut extra = Extra::default();
        let values = read_fields(schema.fields, &mut fields, "", &mut extra, &mut problems);

        let key_index = schema.fields.iter().position(|f| f.name == schema.key);
        let key = match key_index.map(|i| &values[i]) {
            Some(Value::Text(k)) if !k.is_empty() => k.clone(),
            _ => return Err(reject(format!("the key `{}` is missing", schema.key))),
        };
        let dealer_id = fields
            .take(DEALER_FIELD, &[])
            .and_then(|(_, v)| text_of(&v));

        let mut children = Vec::with_capacity(schema.children.len());
        for child in schema.children {
            let lines = match fields.take(child.name, &[]) {
                None => Vec::new(),
                Some((_, Json::Array(items))) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let path = format!("{}[{i}].", child.name);
                        read_line(child.fields, item, &path, &mut problems)
                    })
                    .collect(),
                Some((_, other)) if present(&other).is_none() => Vec::new(),
                Some((name, other)) => {
                    problems.push(FieldProblem {
                        path: name.clone(),
                        reason: "expected an array of lines".into(),
                    });
                    extra.invalid.insert(name, other);
                    Vec::new()
                }
            };
            children.push(lines);
        }
        extra.unknown = fields.rest();
        Ok(Self {
            key,
            dealer_id,
            values,
            children,
            extra,
            problems,
        })
    }

    /// The record as the API writes it: exact field names, `dealerId` set to
    /// `dealer_id`, lines nested, unknown fields and unreadable raw values
    /// put back where they came from.
    pub fn to_json(&self, schema: &Schema, dealer_id: &str) -> Json {
        let mut out = fields_to_json(schema.fields, &self.values, &self.extra);
        out.insert(DEALER_FIELD.into(), Json::String(dealer_id.into()));
        for (child, lines) in schema.children.iter().zip(&self.children) {
            let lines = lines
                .iter()
                .map(|l| Json::Object(fields_to_json(child.fields, &l.values, &l.extra)))
                .collect();
            out.insert(child.name.into(), Json::Array(lines));
        }
        for (name, raw) in &self.extra.invalid {
            out.insert(name.clone(), raw.clone());
        }
        Json::Object(out)
    }

    /// Folds `other`, a later element with the same key, into this record:
    /// its header wins, its lines are added after ours.
    pub fn absorb(&mut self, other: Self) {
        self.key = other.key;
        self.values = other.values;
        self.dealer_id = other.dealer_id.or(self.dealer_id.take());
        for (mine, theirs) in self.children.iter_mut().zip(other.children) {
            mine.extend(theirs);
        }
        self.extra.unknown.extend(other.extra.unknown);
        self.extra.invalid.extend(other.extra.invalid);
        self.problems.extend(other.problems);
    }

    /// The number of field values that could not be read.
    pub fn rejected_fields(&self) -> usize {
        self.problems.len()
    }
}

/// Merges elements that share (dealer, key) into one record each, keeping
/// the order of first appearance. Some servers send one element per line.
pub fn merge_by_key(records: Vec<Record>, default_dealer: &str) -> Vec<Record> {
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut merged: Vec<Record> = Vec::with_capacity(records.len());
    for record in records {
        let dealer = record
            .dealer_id
            .clone()
            .unwrap_or_else(|| default_dealer.to_owned());
        match index.get(&(dealer.clone(), record.key.clone())) {
            Some(&i) => merged[i].absorb(record),
            None => {
                index.insert((dealer, record.key.clone()), merged.len());
                merged.push(record);
            }
        }
    }
    merged
}

fn read_line(fields: &[Field], raw: &Json, path: &str, problems: &mut Vec<FieldProblem>) -> Line {
    let mut extra = Extra::default();
    let Json::Object(object) = raw else {
        problems.push(FieldProblem {
            path: path.trim_end_matches('.').into(),
            reason: "the line is not an object".into(),
        });
        extra.invalid.insert(String::new(), raw.clone());
        return Line {
            values: vec![Value::Null; fields.len()],
            extra,
        };
    };
    let mut found = Fields::new(object);
    let values = read_fields(fields, &mut found, path, &mut extra, problems);
    extra.unknown = found.rest();
    Line { values, extra }
}

fn read_fields(
    fields: &[Field],
    found: &mut Fields,
    path: &str,
    extra: &mut Extra,
    problems: &mut Vec<FieldProblem>,
) -> Vec<Value> {
    fields
        .iter()
        .map(|field| {
            let Some((name, raw)) = found.take(field.name, field.aliases) else {
                return Value::Null;
            };
            Value::read(field.kind, &raw).unwrap_or_else(|reason| {
                problems.push(FieldProblem {
                    path: format!("{path}{name}"),
                    reason,
                });
                extra.invalid.insert(field.name.into(), raw);
                Value::Null
            })
        })
        .collect()
}

fn fields_to_json(fields: &[Field], values: &[Value], extra: &Extra) -> Map<String, Json> {
    let mut out = Map::new();
    for (field, value) in fields.iter().zip(values) {
        let json = match extra.invalid.get(field.name) {
            Some(raw) if value.is_null() => raw.clone(),
            _ => value.to_json(),
        };
        out.insert(field.name.into(), json);
    }
    for (name, raw) in &extra.unknown {
        out.insert(name.clone(), raw.clone());
    }
    out
}

fn text_of(raw: &Json) -> Option<String> {
    match present(raw)? {
        Json::String(s) => Some(s.trim().to_owned()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An object's fields, looked up without regard to case or surrounding blanks.
struct Fields {
    by_name: HashMap<String, (String, Json)>,
}

impl Fields {
    fn new(object: &Map<String, Json>) -> Self {
        let by_name = object
            .iter()
            .map(|(k, v)| (k.trim().to_lowercase(), (k.clone(), v.clone())))
            .collect();
        Self { by_name }
    }

    fn take(&mut self, name: &str, aliases: &[&str]) -> Option<(String, Json)> {
        std::iter::once(name)
            .chain(aliases.iter().copied())
            .find_map(|n| self.by_name.remove(&n.to_lowercase()))
    }

    fn rest(self) -> Map<String, Json> {
        self.by_name.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::Child;

    const LINE: &[Field] = &[Field::text("idJob"), Field::integer("kuantitas")];
    const SCHEMA: Schema = Schema {
        key: "noWorkOrder",
        fields: &[
            Field::text("noWorkOrder"),
            Field::decimal("total"),
            Field::date("tanggal"),
        ],
        children: &[Child {
            name: "parts",
            fields: LINE,
        }],
        filters: &[],
    };

    #[test]
    fn decodes_case_insensitively_and_keeps_the_rest() {
        let raw = json!({
            "noWorkOrder": " WO/1 ", "TOTAL": "20,5", "tanggal": "32/13/2018",
            "dealerId": "08138", "surprise": 7,
            "parts": [{"idJob": "BA082 ", "Kuantitas": 2, "note": "x"}]
        });
        let r = Record::decode(&SCHEMA, &raw).expect("decodes");
        assert_eq!(r.key, "WO/1");
        assert_eq!(r.dealer_id.as_deref(), Some("08138"));
        assert_eq!(r.values[1], Value::Decimal("20.5".parse().expect("dec")));
        assert_eq!(r.values[2], Value::Null);
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].path, "tanggal");
        assert_eq!(r.extra.invalid["tanggal"], json!("32/13/2018"));
        assert_eq!(r.extra.unknown["surprise"], json!(7));
        assert_eq!(
            r.children[0][0].values,
            [Value::Text("BA082".into()), Value::Integer(2)]
        );
        assert_eq!(r.children[0][0].extra.unknown["note"], json!("x"));

        let back = r.to_json(&SCHEMA, "08138");
        assert_eq!(back["tanggal"], json!("32/13/2018"));
        assert_eq!(back["surprise"], json!(7));
        assert_eq!(back["total"], json!(20.5));
        assert_eq!(back["parts"][0]["note"], json!("x"));
    }

    #[test]
    fn missing_key_rejects_the_record() {
        let err = Record::decode(&SCHEMA, &json!({"noWorkOrder": " "})).expect_err("no key");
        assert!(err.reason.contains("noWorkOrder"));
        assert!(Record::decode(&SCHEMA, &json!([1])).is_err());
    }

    #[test]
    fn elements_with_one_key_merge_with_all_lines() {
        let a = json!({"noWorkOrder": "WO/1", "parts": [{"idJob": "A"}]});
        let b = json!({"noWorkOrder": "WO/1 ", "total": 5, "parts": [{"idJob": "A"}]});
        let c = json!({"noWorkOrder": "WO/2", "parts": []});
        let records = [a, b, c]
            .iter()
            .map(|r| Record::decode(&SCHEMA, r).expect("ok"))
            .collect();
        let merged = merge_by_key(records, "08138");
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].children[0].len(),
            2,
            "both lines kept, even with one idJob"
        );
        assert_eq!(merged[0].values[1], Value::Decimal(5.into()));
    }

    #[test]
    fn null_children_are_empty() {
        let r = Record::decode(&SCHEMA, &json!({"noWorkOrder": "W", "parts": null})).expect("ok");
        assert!(r.children[0].is_empty());
        assert!(r.problems.is_empty());
    }
}
