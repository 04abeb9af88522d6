//! Shared set-up: databases, a mock DGI server, JSON comparison.

use std::io::Write;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{Duration, Local, NaiveDateTime};
use dgi::{ConfigUpdate, Credentials, Dealer, Registry, Storage, Window};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value as Json, json};
use wiremock::MockServer;

/// The environment variable naming the PostgreSQL server for tests.
pub(crate) const POSTGRES_URL: &str = "DGI_TEST_POSTGRES_URL";

pub(crate) const API_KEY: &str = "dgi-key-test:abc123";
pub(crate) const SECRET_KEY: &str = "dgi-secret-test:xyz789";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Whether this process has dropped the databases earlier test runs left.
static SWEPT: AtomicBool = AtomicBool::new(false);

/// A fresh, initialised database of one backend.
pub(crate) struct TestDb {
    pub(crate) name: &'static str,
    pub(crate) storage: Storage,
}

/// The backends every storage test runs on: SQLite always, PostgreSQL when
/// `DGI_TEST_POSTGRES_URL` is set (a visible notice says when it is not).
pub(crate) async fn backends(test: &str) -> Vec<TestDb> {
    let mut dbs = vec![TestDb {
        name: "sqlite",
        storage: sqlite().await,
    }];
    match postgres(test).await {
        Some(storage) => dbs.push(TestDb {
            name: "postgres",
            storage,
        }),
        None => notice(&format!(
            "{test}: postgres case skipped, {POSTGRES_URL} is not set"
        )),
    }
    dbs
}

/// An initialised in-memory SQLite database.
pub(crate) async fn sqlite() -> Storage {
    let storage = Storage::connect("sqlite::memory:")
        .await
        .expect("sqlite opens");
    storage.init(registry()).await.expect("sqlite initialises");
    storage
}

/// A new, initialised PostgreSQL database, or `None` when no server is named.
pub(crate) async fn postgres(test: &str) -> Option<Storage> {
    let url = postgres_url(test).await?;
    let storage = Storage::connect(&url).await.expect("test database opens");
    storage
        .init(registry())
        .await
        .expect("postgres initialises");
    Some(storage)
}

/// The URL of a new, empty PostgreSQL database, or `None` when no server is
/// named.
pub(crate) async fn postgres_url(test: &str) -> Option<String> {
    let base = std::env::var(POSTGRES_URL).ok().filter(|u| !u.is_empty())?;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!(
        "dgi_test_{}_{}_{n}",
        std::process::id(),
        test.replace('-', "_")
    );
    let admin = Storage::connect(&base).await.expect("postgres answers");
    let conn = admin.connection();
    if !SWEPT.swap(true, Ordering::Relaxed) {
        drop_stale_databases(conn).await;
    }
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop");
    conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    let url = match base.rfind('/') {
        Some(i) if base[..i].ends_with(|c: char| c != '/') => format!("{}/{name}", &base[..i]),
        _ => format!("{base}/{name}"),
    };
    Some(url)
}

/// Drops the test databases of test processes that have ended: each name
/// holds its process's id. Without `/proc` nothing is dropped.
async fn drop_stale_databases(conn: &impl ConnectionTrait) {
    if !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let sql = "SELECT datname FROM pg_database WHERE datname LIKE 'dgi\\_test\\_%'";
    let Ok(rows) = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name.split('_').nth(2).unwrap_or_default();
        if pid.is_empty() || std::path::Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        if let Err(error) = conn.execute_unprepared(&drop).await {
            notice(&format!(
                "could not drop the stale test database {name}: {error}"
            ));
        }
    }
}

/// Writes past the test harness's capture, so skips show in the output.
pub(crate) fn notice(text: &str) {
    let _ = writeln!(std::io::stderr(), "notice: {text}");
}

pub(crate) fn registry() -> &'static Registry {
    Registry::global().expect("registry is valid")
}

/// A live dealer `08138` whose job types call `server`.
pub(crate) async fn live_dealer(storage: &Storage, server: &MockServer) {
    let dealer = Dealer::live("08138", Credentials::new(API_KEY, SECRET_KEY));
    storage.put_dealer(&dealer).await.expect("dealer saved");
    for entry in registry().iter() {
        let update = ConfigUpdate {
            base_url: Some(format!("{}/dgi-api/v1.3", server.uri())),
            retries: Some(2),
            timeout_secs: Some(5),
        };
        storage
            .update_api_config(entry.code(), &update)
            .await
            .expect("config saved");
    }
}

/// The last `days` days, ending a minute ago, on whole seconds.
pub(crate) fn recent_window(days: i64) -> Window {
    let now = Local::now().naive_local().with_nanosecond_zero();
    Window::new(now - Duration::days(days), now - Duration::minutes(1)).expect("window")
}

/// `n` recent windows ending a second apart, so that no two jobs over them
/// are identical.
pub(crate) fn windows(n: usize) -> impl Iterator<Item = Window> {
    let base = recent_window(1);
    (0..n).map(move |i| {
        let back = chrono::Duration::seconds(i64::try_from(i).expect("small"));
        Window::new(base.from, base.to - back).expect("window")
    })
}

trait WholeSeconds {
    fn with_nanosecond_zero(self) -> Self;
}

impl WholeSeconds for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).expect("zero nanoseconds is valid")
    }
}

/// A DGI success envelope around `data`.
pub(crate) fn envelope(data: &[Json]) -> Json {
    json!({"status": 1, "message": null, "data": data})
}

/// Row count of a table.
pub(crate) async fn count(storage: &Storage, table: &str) -> i64 {
    number(storage, &format!("SELECT COUNT(*) AS n FROM {table}")).await
}

/// One number from a query selecting it as `n`.
pub(crate) async fn number(storage: &Storage, sql: &str) -> i64 {
    let backend = storage.connection().get_database_backend();
    let row = storage
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(backend, sql))
        .await
        .expect("query runs")
        .expect("one row");
    row.try_get::<i64>("", "n").expect("a number")
}

/// Asserts that `exported` gives back every field of `served`: equal
/// JSON, except that identifiers come back trimmed and numbers written as
/// text (`"20,5"`) come back as numbers. `exported` may carry fields that
/// `served` lacked only as `null`.
pub(crate) fn assert_round_trip(served: &Json, exported: &Json, path: &str) {
    match (served, exported) {
        (Json::Object(s), Json::Object(e)) => {
            for (key, value) in s {
                let back = e.get(key).unwrap_or(&Json::Null);
                assert_round_trip(value, back, &format!("{path}.{key}"));
            }
            for (key, value) in e {
                assert!(
                    s.contains_key(key) || value.is_null(),
                    "{path}.{key} was not served"
                );
            }
        }
        (Json::Array(s), Json::Array(e)) => {
            assert_eq!(s.len(), e.len(), "{path}: line count");
            for (i, (a, b)) in s.iter().zip(e).enumerate() {
                assert_round_trip(a, b, &format!("{path}[{i}]"));
            }
        }
        (Json::String(s), Json::String(e)) => assert_eq!(s.trim(), e, "{path}"),
        (Json::String(s), Json::Number(e)) => {
            let served = Decimal::from_str(&s.trim().replace(',', ".")).expect("numeric text");
            assert_eq!(
                served,
                Decimal::from_str(&e.to_string()).expect("number"),
                "{path}"
            );
        }
        (Json::Number(s), Json::Number(e)) => {
            let served = Decimal::from_str(&s.to_string()).expect("number");
            assert_eq!(
                served,
                Decimal::from_str(&e.to_string()).expect("number"),
                "{path}"
            );
        }
        (Json::String(s), Json::Null) => assert!(s.trim().is_empty(), "{path}: {s:?} lost"),
        (s, e) => assert_eq!(s, e, "{path}"),
    }
}
