//! Printing tables and JSON.

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// A table with a header row.
pub(crate) fn table<I, R>(header: &[&str], rows: I) -> Table
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_header(header.iter().copied());
    for row in rows {
        table.add_row(row);
    }
    table
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn json(value: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A report as table rows.
pub(crate) fn report_rows(report: &dgi::Report) -> Vec<String> {
    vec![
        report.job_type.clone(),
        report.dealer_id.clone(),
        report.fetched.to_string(),
        report.inserted.to_string(),
        report.updated.to_string(),
        report.unchanged.to_string(),
        report.rejected.to_string(),
        report.rejected_fields.to_string(),
        report.skipped.clone().unwrap_or_default(),
    ]
}

/// Header matching [`report_rows`].
pub(crate) const REPORT_HEADER: &[&str] = &[
    "job type",
    "dealer",
    "fetched",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "rejected fields",
    "skipped",
];
