//! The `dgi` command as other tools use it.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value as Json;

fn database() -> String {
    let mut path: PathBuf = std::env::temp_dir();
    path.push(format!(
        "dgi-cli-{}-{}.db",
        std::process::id(),
        fastrand_suffix()
    ));
    format!("sqlite://{}", path.display())
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

fn dgi(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dgi"))
        .args(args)
        .env("DGI_DATABASE_URL", database)
        .output()
        .expect("dgi runs")
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn demo_stores_every_job_type_and_data_list_prints_the_contract_json() {
    let db = database();
    let out = ok(&dgi(&db, &["demo", "--days", "3"]));
    for code in ["leasing", "parts_inbound", "pkb", "prospect"] {
        assert!(out.contains(code), "{code} missing from:\n{out}");
    }

    let out = ok(&dgi(
        &db,
        &["data", "list", "pkb", "--limit", "2", "--format", "json"],
    ));
    let page: Json = serde_json::from_str(&out).expect("json");
    assert!(page["total"].as_u64().expect("total") >= 2);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 0);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items[0]["dealerId"].is_string());
    assert!(items[0]["noWorkOrder"].is_string());
    assert!(items[0]["services"].is_array(), "lines are nested");

    let out = ok(&dgi(
        &db,
        &[
            "data", "list", "leasing", "--dealer", "12284", "--format", "json",
        ],
    ));
    let page: Json = serde_json::from_str(&out).expect("json");
    let items = page["items"].as_array().expect("items");
    assert!(items.iter().all(|i| i["dealerId"] == "12284"));
}

#[test]
fn dealers_and_config_commands_round_trip() {
    let db = database();
    ok(&dgi(&db, &["init"]));
    ok(&dgi(
        &db,
        &[
            "dealers",
            "add",
            "08138",
            "--name",
            "Jaya",
            "--api-key",
            "k",
            "--secret-key",
            "s",
        ],
    ));
    ok(&dgi(&db, &["dealers", "add", "12284", "--dummy"]));
    let out = ok(&dgi(&db, &["dealers", "list", "--format", "json"]));
    assert!(!out.contains("\"s\""), "the secret never prints");
    let dealers: Json = serde_json::from_str(&out).expect("json");
    assert_eq!(dealers[0]["id"], "08138");
    assert_eq!(dealers[0]["source"], "live");
    assert_eq!(dealers[1]["source"], "dummy");

    let url = "https://md.example/dgi-api/v1.3";
    ok(&dgi(
        &db,
        &[
            "config",
            "set",
            "leasing",
            "--base-url",
            url,
            "--retries",
            "5",
        ],
    ));
    let out = ok(&dgi(&db, &["config", "list", "--format", "json"]));
    let configs: Json = serde_json::from_str(&out).expect("json");
    let leasing = configs
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["jobType"] == "leasing")
        .expect("leasing row derived from the registration");
    assert_eq!(leasing["baseUrl"], url);
    assert_eq!(leasing["retries"], 5);
    assert_eq!(leasing["endpoint"], "/lsng/read");

    let out = ok(&dgi(&db, &["job-types", "--format", "json"]));
    let types: Json = serde_json::from_str(&out).expect("json");
    assert_eq!(types.as_array().map(Vec::len), Some(4));
}

#[test]
fn a_failed_run_exits_non_zero_with_a_one_line_error() {
    let db = database();
    let args = [
        "run",
        "leasing",
        "--dealer",
        "99999",
        "--from",
        "2026-11-01 00:00:00",
        "--to",
        "2026-11-02 00:00:00",
    ];
    let output = dgi(&db, &args);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: unknown dealer `99999`"),
        "{stderr}"
    );
}

#[test]
fn queue_commands_follow_their_contract() {
    let db = database();
    ok(&dgi(&db, &["dealers", "add", "08138", "--dummy"]));
    ok(&dgi(&db, &["dealers", "add", "12284", "--dummy"]));
    let now = chrono::Local::now().naive_local();
    let from = dgi::window::format_time(now - chrono::Duration::days(2));
    let to = dgi::window::format_time(now - chrono::Duration::minutes(1));
    let window = ["--from", from.as_str(), "--to", to.as_str()];

    let mut args = vec!["queue", "add", "leasing", "--all-dealers"];
    args.extend(window);
    let ids: Vec<i64> = ok(&dgi(&db, &args))
        .lines()
        .map(|l| l.trim().parse().expect("an id per line"))
        .collect();
    assert_eq!(ids.len(), 2);
    let mut args = vec![
        "queue",
        "add",
        "leasing",
        "--dealer",
        "08138",
        "--priority",
        "5",
    ];
    args.extend(window);
    let again = ok(&dgi(&db, &args));
    assert_eq!(
        again.trim(),
        ids[0].to_string(),
        "the identical pending job is returned"
    );

    let mut args = vec!["queue", "add", "pkb", "--dealer", "12284"];
    args.extend(window);
    let pkb: i64 = ok(&dgi(&db, &args)).trim().parse().expect("id");
    ok(&dgi(&db, &["queue", "cancel", &pkb.to_string()]));

    let out = ok(&dgi(&db, &["worker", "--until-idle", "--concurrency", "2"]));
    assert!(out.contains("2 succeeded"), "{out}");
    let status: Json =
        serde_json::from_str(&ok(&dgi(&db, &["queue", "status", "--format", "json"])))
            .expect("json");
    assert_eq!(status["succeeded"], 2);
    assert_eq!(status["cancelled"], 1);
    assert_eq!(status["queued"], 0);

    let mut args = vec!["queue", "add", "prospect", "--dealer", "12284"];
    args.extend(["--delay-secs", "3600"]);
    args.extend(window);
    let delayed: i64 = ok(&dgi(&db, &args)).trim().parse().expect("id");
    let queued = ok(&dgi(
        &db,
        &["queue", "list", "--state", "queued", "--format", "json"],
    ));
    let queued: Json = serde_json::from_str(&queued).expect("json");
    assert_eq!(queued.as_array().map(Vec::len), Some(1), "{queued}");
    assert_eq!(queued[0]["id"], delayed);
    let (created, run_at) = (time(&queued[0]["createdAt"]), time(&queued[0]["runAt"]));
    assert!(
        run_at - created >= chrono::Duration::minutes(59),
        "{queued}"
    );

    let listed = ok(&dgi(
        &db,
        &["queue", "list", "--state", "cancelled", "--format", "json"],
    ));
    let listed: Json = serde_json::from_str(&listed).expect("json");
    assert_eq!(listed[0]["id"], pkb);
    assert_eq!(listed[0]["jobType"], "pkb");
    ok(&dgi(&db, &["queue", "retry", &pkb.to_string()]));
    let refused = dgi(&db, &["queue", "retry", &pkb.to_string()]);
    assert!(!refused.status.success(), "a queued job cannot be retried");

    let out = ok(&dgi(&db, &["schedule"]));
    assert!(out.contains("jobs queued"), "{out}");
    let out = ok(&dgi(&db, &["queue", "prune", "--older-than-days", "0"]));
    assert!(out.contains("finished jobs deleted"), "{out}");
}

/// A time as `queue list --format json` prints it.
fn time(value: &Json) -> chrono::NaiveDateTime {
    let text = value.as_str().expect("a time is a string");
    text.parse().expect("an ISO 8601 time")
}
