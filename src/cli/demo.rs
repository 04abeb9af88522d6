//! `dgi demo`: every job type on dummy data, no server needed.

use anyhow::Result;
use chrono::Local;
use dgi::storage::RecordQuery;
use dgi::{Dealer, Registry, RunRequest, Storage, Window};
use indicatif::{ProgressBar, ProgressStyle};

use super::output::{REPORT_HEADER, report_rows, table};

/// Demo dealers: (id, name).
const DEALERS: &[(&str, &str)] = &[
    ("08138", "Demo Motor Jakarta"),
    ("12284", "Demo Motor Bandung"),
];

pub(crate) async fn run(storage: &Storage, registry: &Registry, days: u32) -> Result<()> {
    for (id, name) in DEALERS {
        storage
            .put_dealer(&Dealer::dummy(*id).with_name(*name))
            .await?;
    }
    let now = Local::now().naive_local();
    let window = Window::last_days(now, i64::from(days));

    let bar = ProgressBar::new((registry.len() * DEALERS.len()) as u64);
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")?);
    let mut reports = Vec::new();
    for entry in registry.iter() {
        for (dealer, _) in DEALERS {
            bar.set_message(format!("{} for {dealer}", entry.code()));
            let request = RunRequest {
                job_type: entry.code().into(),
                dealer_id: (*dealer).into(),
                window,
                filters: Vec::new(),
            };
            reports.push(dgi::run_job(storage, registry, &request).await?);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    println!("{}", table(REPORT_HEADER, reports.iter().map(report_rows)));

    let mut stored = Vec::new();
    for entry in registry.iter() {
        let page = storage
            .list_records(
                entry,
                &RecordQuery {
                    limit: 3,
                    ..Default::default()
                },
            )
            .await?;
        let keys: Vec<String> = page
            .items
            .iter()
            .filter_map(|item| {
                item[entry.job_type.schema().key]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        stored.push(vec![
            entry.code().to_owned(),
            entry.meta.label.to_owned(),
            page.total.to_string(),
            keys.join("\n"),
        ]);
    }
    println!(
        "{}",
        table(&["job type", "label", "stored", "first keys"], stored)
    );
    println!("see a type's records with: dgi data list <JOB_TYPE> --format json");
    Ok(())
}
