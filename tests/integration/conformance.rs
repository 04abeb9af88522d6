//! Every registered job type, taken from the registry, must pass this:
//! its dummy records served over HTTP are fetched, stored, re-run without
//! change, have their lines replaced, and come back out as served.

use std::collections::HashSet;

use dgi::{Entry, RunRequest, Storage};
use serde_json::Value as Json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    assert_round_trip, backends, count, envelope, live_dealer, recent_window, registry,
};

#[tokio::test]
async fn every_job_type_conforms() {
    for db in backends("conformance").await {
        for entry in registry().iter() {
            check(&db.storage, entry).await;
            println!("{} conforms on {}", entry.code(), db.name);
        }
    }
}

async fn check(storage: &Storage, entry: &Entry) {
    let code = entry.code();
    let window = recent_window(3);
    let served = entry.job_type.generate("08138", &window);
    assert!(
        !served.is_empty(),
        "{code}: the dummy source gives no records in three days"
    );
    let server = MockServer::start().await;
    serve(&server, entry, &served).await;
    live_dealer(storage, &server).await;
    let request = RunRequest {
        job_type: code.into(),
        dealer_id: "08138".into(),
        window,
        filters: Vec::new(),
    };

    let first = dgi::run_job(storage, registry(), &request)
        .await
        .expect("first run");
    let keys = keys(entry, &served);
    assert_eq!(first.fetched, served.len(), "{code}: fetched");
    assert_eq!(first.inserted, keys.len(), "{code}: inserted");
    assert_eq!(
        (first.rejected, first.rejected_fields),
        (0, 0),
        "{code}: rejections"
    );
    assert_eq!(
        count(storage, entry.table()).await,
        count_of(keys.len()),
        "{code}: rows"
    );
    assert_lines(storage, entry, &served).await;

    let again = dgi::run_job(storage, registry(), &request)
        .await
        .expect("second run");
    assert_eq!(
        (again.inserted, again.updated),
        (0, 0),
        "{code}: a re-run changes nothing"
    );
    assert_eq!(again.unchanged, keys.len(), "{code}: unchanged");
    assert_lines(storage, entry, &served).await;

    let exported = export(storage, entry).await;
    assert_eq!(exported.len(), keys.len(), "{code}: exported records");
    let key_field = entry.job_type.schema().key;
    for record in &served {
        let key = record[key_field].as_str().expect("text key").trim();
        let back = exported
            .iter()
            .find(|e| e[key_field] == key)
            .expect("exported by key");
        assert_round_trip(record, back, &format!("{code}[{key}]"));
    }

    if !entry.job_type.schema().children.is_empty() {
        let fewer = drop_a_line(entry, &served);
        server.reset().await;
        serve(&server, entry, &fewer).await;
        let third = dgi::run_job(storage, registry(), &request)
            .await
            .expect("third run");
        assert_eq!(
            third.updated, 1,
            "{code}: the parent that lost a line is updated"
        );
        assert_lines(storage, entry, &fewer).await;
    }
}

async fn serve(server: &MockServer, entry: &Entry, records: &[Json]) {
    Mock::given(method("POST"))
        .and(path(format!("/dgi-api/v1.3{}", entry.meta.endpoint)))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(records)))
        .mount(server)
        .await;
}

fn keys(entry: &Entry, records: &[Json]) -> HashSet<String> {
    let key = entry.job_type.schema().key;
    let keys: Vec<String> = records
        .iter()
        .map(|r| r[key].as_str().expect("text key").trim().to_owned())
        .collect();
    let unique: HashSet<String> = keys.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        keys.len(),
        "{}: the dummy source repeats a key",
        entry.code()
    );
    unique
}

fn count_of(n: usize) -> i64 {
    i64::try_from(n).expect("small")
}

/// Asserts each line table holds exactly the lines of `records`.
async fn assert_lines(storage: &Storage, entry: &Entry, records: &[Json]) {
    let schema = entry.job_type.schema();
    for (child, table) in schema.children.iter().zip(entry.child_tables()) {
        let served: usize = records
            .iter()
            .map(|r| r[child.name].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(
            count(storage, &table).await,
            count_of(served),
            "{table}: lines"
        );
    }
}

/// The records with one line less on the first record that has one.
fn drop_a_line(entry: &Entry, records: &[Json]) -> Vec<Json> {
    let mut records = records.to_vec();
    let children = entry.job_type.schema().children;
    let dropped = records.iter_mut().any(|record| {
        children.iter().any(|child| {
            record[child.name]
                .as_array_mut()
                .is_some_and(|lines| lines.pop().is_some())
        })
    });
    assert!(dropped, "{}: no record has a line", entry.code());
    records
}

async fn export(storage: &Storage, entry: &Entry) -> Vec<Json> {
    let query = dgi::storage::RecordQuery {
        limit: 10_000,
        ..Default::default()
    };
    storage
        .list_records(entry, &query)
        .await
        .expect("list")
        .items
}
