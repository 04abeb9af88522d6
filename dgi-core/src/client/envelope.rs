//! Reading an answer: the DGI envelope and the bodies of HTTP errors.
//!
//! A DGI answer is `{"status": …, "message": …, "data": …}`. Servers differ:
//! `status` comes as `1` or `"1"`, `message` as `null`, an object of strings,
//! a plain string, or a string holding JSON text, and some servers answer an
//! empty result with `status: 0` and a "no data" message.

use std::fmt;

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde_json::Value as Json;

use crate::{Error, Result};

/// How much of an error body is kept in [`Error::Http`], in characters.
const EXCERPT_CHARS: usize = 200;

/// Phrases of a `status: 0` message that mean "the window is empty".
const NO_DATA_PHRASES: [&str; 2] = ["tidak ada data", "no data"];

#[derive(Debug, Deserialize)]
struct Envelope {
    status: Status,
    #[serde(default)]
    message: Json,
    #[serde(default)]
    data: Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Success,
    Failure,
}

/// The records of a successful answer, or the error it stands for.
pub(crate) fn decode(endpoint: &str, body: &[u8]) -> Result<Vec<Json>> {
    let envelope = parse(endpoint, body)?;
    match envelope.status {
        Status::Success => records(endpoint, envelope.data),
        Status::Failure => {
            let message = flatten(&envelope.message);
            if envelope.data.is_null() && says_no_data(&message) {
                return Ok(Vec::new());
            }
            let message = if message.is_empty() {
                "no message given".into()
            } else {
                message
            };
            Err(Error::Api {
                endpoint: endpoint.into(),
                message,
            })
        }
    }
}

/// The error for an HTTP status that is not a success.
pub(crate) fn http_error(endpoint: &str, status: StatusCode, body: &[u8]) -> Error {
    Error::Http {
        endpoint: endpoint.into(),
        status: status.as_u16(),
        body: excerpt(body),
    }
}

fn parse(endpoint: &str, body: &[u8]) -> Result<Envelope> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let envelope = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        // A syntax error or a cut-off body spoils the whole document; the
        // reason still gives the line and column.
        let inner = error.inner();
        let path = if inner.is_syntax() || inner.is_eof() {
            ".".into()
        } else {
            error.path().to_string()
        };
        decode_error(endpoint, path, inner.to_string())
    })?;
    deserializer
        .end()
        .map_err(|error| decode_error(endpoint, ".".into(), error.to_string()))?;
    Ok(envelope)
}

/// The `data` of a successful answer as records.
///
/// `null` is an empty result, an array holds the records, and a single
/// object is taken as one record. Elements come back as sent: one that is
/// not an object is refused later, record by record, and kept with the
/// reason, so one bad element does not fail the whole answer.
fn records(endpoint: &str, data: Json) -> Result<Vec<Json>> {
    match data {
        Json::Null => Ok(Vec::new()),
        Json::Array(records) => Ok(records),
        Json::Object(record) => Ok(vec![Json::Object(record)]),
        other => {
            let reason = format!("expected an array of records, found {}", kind(&other));
            Err(decode_error(endpoint, "data".into(), reason))
        }
    }
}

fn decode_error(endpoint: &str, path: String, reason: String) -> Error {
    Error::Decode {
        endpoint: endpoint.into(),
        path,
        reason,
    }
}

/// A message as one line of text: the string values of an object joined
/// with `; `, a string as is, or the object a string encodes as JSON.
fn flatten(message: &Json) -> String {
    match message {
        Json::Null => String::new(),
        Json::String(text) => match serde_json::from_str::<Json>(text) {
            Ok(parsed @ (Json::Object(_) | Json::Array(_))) => flatten(&parsed),
            _ => text.trim().to_owned(),
        },
        Json::Object(map) => join(map.values()),
        Json::Array(items) => join(items.iter()),
        Json::Bool(_) | Json::Number(_) => message.to_string(),
    }
}

fn join<'a>(parts: impl Iterator<Item = &'a Json>) -> String {
    parts
        .map(flatten)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn says_no_data(message: &str) -> bool {
    let message = message.to_lowercase();
    NO_DATA_PHRASES
        .iter()
        .any(|phrase| message.contains(phrase))
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty body".into();
    }
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

fn kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StatusVisitor)
    }
}

/// Accepts `1` and `0` as numbers or as strings.
struct StatusVisitor;

impl Visitor<'_> for StatusVisitor {
    type Value = Status;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("status 0 or 1, as a number or a string")
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Status, E> {
        match value {
            1 => Ok(Status::Success),
            0 => Ok(Status::Failure),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Status, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Status, E> {
        match value.trim() {
            "1" => Ok(Status::Success),
            "0" => Ok(Status::Failure),
            _ => Err(E::invalid_value(Unexpected::Str(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn decode_json(body: Json) -> Result<Vec<Json>> {
        decode("/x/read", body.to_string().as_bytes())
    }

    fn decode_failure(body: &str) -> (String, String) {
        match decode("/x/read", body.as_bytes()) {
            Err(Error::Decode { path, reason, .. }) => (path, reason),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn status_may_be_a_number_or_a_string() {
        for status in [json!(1), json!("1"), json!(" 1 ")] {
            let body = json!({ "status": status, "message": null, "data": [{ "a": 1 }] });
            assert_eq!(decode_json(body).expect("success").len(), 1);
        }
    }

    #[test]
    fn message_is_flattened_to_one_line() {
        let object = json!({ "message1": "Token Tidak Valid !!", "message2": "cek key" });
        assert_eq!(flatten(&object), "Token Tidak Valid !!; cek key");
        assert_eq!(flatten(&json!(" plain ")), "plain");
        assert_eq!(flatten(&json!(r#"{"error": "bad filter"}"#)), "bad filter");
        assert_eq!(flatten(&json!({ "a": null, "b": ["x", 2] })), "x; 2");
        assert_eq!(flatten(&Json::Null), "");
    }

    #[test]
    fn success_with_an_object_is_one_record() {
        let body = json!({ "status": 1, "data": { "idSPK": "S1" } });
        assert_eq!(
            decode_json(body).expect("success"),
            vec![json!({ "idSPK": "S1" })]
        );
    }

    #[test]
    fn failure_without_a_message_says_so() {
        match decode_json(json!({ "status": 0, "message": null, "data": null })) {
            Err(Error::Api { message, .. }) => assert_eq!(message, "no message given"),
            other => panic!("expected an api error, got {other:?}"),
        }
    }

    #[test]
    fn no_data_failures_need_null_data() {
        let empty = json!({ "status": 0, "message": "No data found", "data": null });
        assert!(decode_json(empty).expect("empty success").is_empty());
        let odd = json!({ "status": 0, "message": "no data", "data": ["poNumber"] });
        assert!(matches!(decode_json(odd), Err(Error::Api { .. })));
    }

    #[test]
    fn bad_values_are_reported_at_their_path() {
        assert_eq!(decode_failure(r#"{"status": 2}"#).0, "status");
        assert_eq!(decode_failure(r#"{"status": -1}"#).0, "status");
        assert_eq!(decode_failure(r#"{"status": 1, "data": 3}"#).0, "data");
        assert_eq!(decode_failure(r#"{"message": null}"#).0, ".");
        assert_eq!(decode_failure(r#"{"status": 1} trailing"#).0, ".");
        assert_eq!(decode_failure("").0, ".");
    }

    #[test]
    fn elements_that_are_not_objects_are_passed_on() {
        let records = decode("/x/read", br#"{"status": 1, "data": [{}, 3]}"#);
        assert_eq!(records.expect("decodes").len(), 2);
    }

    #[test]
    fn excerpts_are_short_and_cut_on_characters() {
        assert_eq!(excerpt(b"  "), "empty body");
        let long = "é".repeat(300);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 3);
        assert!(cut.ends_with("..."));
    }
}
