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
