//! Typed field values and the lenient readers for what servers really send.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::schema::FieldKind;

/// Dates inside records.
pub const DATE_FORMAT: &str = "%d/%m/%Y";
/// Timestamps inside records.
pub const TIMESTAMP_FORMAT: &str = "%d/%m/%Y %H:%M:%S";

const DATE_FORMATS: &[&str] = &[DATE_FORMAT, "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y"];
const TIMESTAMP_FORMATS: &[&str] = &[
    TIMESTAMP_FORMAT,
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
];
const TIME_FORMATS: &[&str] = &["%H:%M", "%H.%M", "%H:%M:%S"];

/// One field's value after reading.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// Absent: missing, `null`, `""` or `"null"`.
    Null,
    /// Trimmed text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// An exact decimal.
    Decimal(Decimal),
    /// A calendar date.
    Date(NaiveDate),
    /// A wall-clock timestamp without zone.
    Timestamp(NaiveDateTime),
    /// A time of day.
    Time(NaiveTime),
}

impl Value {
    /// Reads a JSON value as `kind`, leniently.
    ///
    /// # Errors
    ///
    /// A short reason when the value cannot be read as `kind`; the caller
    /// keeps the raw value.
    pub fn read(kind: FieldKind, raw: &Json) -> Result<Self, String> {
        let Some(raw) = present(raw) else {
            return Ok(Self::Null);
        };
        match kind {
            FieldKind::Text => read_text(raw).map(Self::Text),
            FieldKind::Integer => read_integer(raw).map(Self::Integer),
            FieldKind::Decimal => read_decimal(raw).map(Self::Decimal),
            FieldKind::Date => read_date(&as_str(raw)?).map(Self::Date),
            FieldKind::Timestamp => read_timestamp(&as_str(raw)?).map(Self::Timestamp),
            FieldKind::Time => read_time(&as_str(raw)?).map(Self::Time),
        }
    }

    /// The value as the API writes it, for export.
    pub fn to_json(&self) -> Json {
        match self {
            Self::Null => Json::Null,
            Self::Text(s) => Json::String(s.clone()),
            Self::Integer(i) => Json::from(*i),
            Self::Decimal(d) => decimal_to_json(*d),
            Self::Date(d) => Json::String(d.format(DATE_FORMAT).to_string()),
            Self::Timestamp(t) => Json::String(t.format(TIMESTAMP_FORMAT).to_string()),
            Self::Time(t) => Json::String(format_time_of_day(*t)),
        }
    }

    /// The text, when this is a text value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the value is absent.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

/// `None` for the spellings of "absent": `null`, `""`, blanks, `"null"`.
pub fn present(raw: &Json) -> Option<&Json> {
    match raw {
        Json::Null => None,
        Json::String(s) if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("null") => None,
        other => Some(other),
    }
}

fn as_str(raw: &Json) -> Result<String, String> {
    match raw {
        Json::String(s) => Ok(s.trim().to_owned()),
        other => Err(format!("expected text, found {}", type_name(other))),
    }
}

fn read_text(raw: &Json) -> Result<String, String> {
    match raw {
        Json::String(s) => Ok(s.trim().to_owned()),
        Json::Number(n) => Ok(n.to_string()),
        Json::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected text, found {}", type_name(other))),
    }
}

fn read_integer(raw: &Json) -> Result<i64, String> {
    if let Json::Number(n) = raw
        && let Some(i) = n.as_i64()
    {
        return Ok(i);
    }
    let d = read_decimal(raw)?;
    if d.fract().is_zero() {
        i64::try_from(d).map_err(|_| format!("`{d}` is out of range"))
    } else {
        Err(format!("`{d}` is not a whole number"))
    }
}

/// Reads an amount or percentage: a JSON number, or text with `.` or `,` as
/// decimal separator (`"20,5"`), thousands separators allowed when both occur.
///
/// # Errors
///
/// A short reason when the value is no number.
pub fn read_decimal(raw: &Json) -> Result<Decimal, String> {
    let text = match raw {
        Json::Number(n) => n.to_string(),
        Json::String(s) => normalise_decimal(s.trim()),
        other => return Err(format!("expected a number, found {}", type_name(other))),
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .map(|d| d.normalize())
        .map_err(|_| format!("`{text}` is not a number"))
}

fn normalise_decimal(text: &str) -> String {
    match (text.rfind('.'), text.rfind(',')) {
        (Some(dot), Some(comma)) if comma > dot => text.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => text.replace(',', ""),
        (None, Some(_)) => text.replace(',', "."),
        _ => text.to_owned(),
    }
}

/// Reads `DD/MM/YYYY` (also `YYYY-MM-DD`, `YYYY/MM/DD`).
///
/// # Errors
///
/// A short reason when no format fits.
pub fn read_date(text: &str) -> Result<NaiveDate, String> {
    DATE_FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .ok_or_else(|| format!("`{text}` is not a date (DD/MM/YYYY)"))
}

/// Reads `DD/MM/YYYY HH:MM:SS` (also year first, and a stray trailing `:`).
///
/// # Errors
///
/// A short reason when no format fits.
pub fn read_timestamp(text: &str) -> Result<NaiveDateTime, String> {
    let trimmed = text.trim_end_matches(':');
    TIMESTAMP_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(trimmed, f).ok())
        .ok_or_else(|| format!("`{text}` is not a timestamp (DD/MM/YYYY HH:MM:SS)"))
}

/// Reads `HH:MM`, `HH.MM` or `HH:MM:SS`.
///
/// # Errors
///
/// A short reason when no format fits.
pub fn read_time(text: &str) -> Result<NaiveTime, String> {
    TIME_FORMATS
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(text, f).ok())
        .ok_or_else(|| format!("`{text}` is not a time (HH:MM)"))
}

fn format_time_of_day(t: NaiveTime) -> String {
    use chrono::Timelike;
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

fn decimal_to_json(d: Decimal) -> Json {
    let d = d.normalize();
    if d.fract().is_zero()
        && let Ok(i) = i64::try_from(d)
    {
        return Json::from(i);
    }
    serde_json::Number::from_str(&d.to_string())
        .map(Json::Number)
        .unwrap_or(Json::Null)
}

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "text",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn absent_spellings_read_as_null() {
        for raw in [
            json!(null),
            json!(""),
            json!("  "),
            json!("null"),
            json!("NULL"),
        ] {
            assert_eq!(
                Value::read(FieldKind::Decimal, &raw),
                Ok(Value::Null),
                "{raw}"
            );
            assert_eq!(Value::read(FieldKind::Text, &raw), Ok(Value::Null), "{raw}");
        }
    }

    #[test]
    fn decimals_from_numbers_and_both_separators() {
        assert_eq!(read_decimal(&json!(1500000)), Ok(dec("1500000")));
        assert_eq!(read_decimal(&json!(0.0)), Ok(dec("0")));
        assert_eq!(read_decimal(&json!("20,5")), Ok(dec("20.5")));
        assert_eq!(read_decimal(&json!("20.5")), Ok(dec("20.5")));
        assert_eq!(read_decimal(&json!("0,0")), Ok(dec("0")));
        assert_eq!(
            read_decimal(&json!(" 1.500.000,25 ")),
            Ok(dec("1500000.25"))
        );
        assert_eq!(read_decimal(&json!("50000000.00")), Ok(dec("50000000")));
        assert!(read_decimal(&json!("abc")).is_err());
        assert!(read_decimal(&json!([1])).is_err());
    }

    #[test]
    fn integers_accept_integral_text() {
        assert_eq!(
            Value::read(FieldKind::Integer, &json!("35")),
            Ok(Value::Integer(35))
        );
        assert_eq!(
            Value::read(FieldKind::Integer, &json!(64000.0)),
            Ok(Value::Integer(64000))
        );
        assert!(Value::read(FieldKind::Integer, &json!("2,5")).is_err());
    }

    #[test]
    fn dates_times_and_timestamps() {
        let d = NaiveDate::from_ymd_opt(2018, 10, 2).expect("date");
        assert_eq!(read_date("02/10/2018"), Ok(d));
        let ts = d.and_hms_opt(15, 40, 50).expect("time");
        assert_eq!(read_timestamp("02/10/2018 15:40:50"), Ok(ts));
        assert_eq!(read_timestamp("2018/10/02 15:40:50"), Ok(ts));
        assert_eq!(read_timestamp("2018/10/02 15:40:50:"), Ok(ts));
        let t = NaiveTime::from_hms_opt(9, 0, 0).expect("time");
        assert_eq!(read_time("09:00"), Ok(t));
        assert_eq!(read_time("09.00"), Ok(t));
        assert!(read_date("31/02/2018").is_err());
        assert!(read_timestamp("02/10/2018").is_err());
    }

    #[test]
    fn text_is_trimmed() {
        let v = Value::read(FieldKind::Text, &json!(" FIF01/12345/18/09/00001"));
        assert_eq!(v, Ok(Value::Text("FIF01/12345/18/09/00001".into())));
        assert_eq!(
            Value::read(FieldKind::Text, &json!(12)),
            Ok(Value::Text("12".into()))
        );
    }

    #[test]
    fn export_writes_the_api_formats() {
        assert_eq!(Value::Decimal(dec("1500000.00")).to_json(), json!(1500000));
        assert_eq!(Value::Decimal(dec("20.5")).to_json(), json!(20.5));
        let d = NaiveDate::from_ymd_opt(2018, 10, 2).expect("date");
        assert_eq!(Value::Date(d).to_json(), json!("02/10/2018"));
        let t = NaiveTime::from_hms_opt(15, 30, 0).expect("time");
        assert_eq!(Value::Time(t).to_json(), json!("15:30"));
    }
}
