//! How a run treats dealers, windows, filters and sources.

use chrono::Duration;
use dgi::{Dealer, Error, RunRequest, Storage, Window};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{backends, count, envelope, live_dealer, recent_window, registry, sqlite};

fn leasing(dealer: &str, window: Window) -> RunRequest {
    RunRequest {
        job_type: "leasing".into(),
        dealer_id: dealer.into(),
        window,
        filters: Vec::new(),
    }
}

async fn empty_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(&[])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn inactive_dealer_is_skipped_without_a_call() {
    let storage = sqlite().await;
    let server = empty_server().await;
    live_dealer(&storage, &server).await;
    let mut dealer = storage.dealer("08138").await.expect("dealer");
    dealer.active = false;
    storage.put_dealer(&dealer).await.expect("saved");

    let report = dgi::run_job(&storage, registry(), &leasing("08138", recent_window(1)))
        .await
        .expect("skipping is no error");
    assert_eq!(
        report.skipped.as_deref(),
        Some("dealer `08138` is inactive")
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn window_older_than_the_lookback_is_refused_before_any_call() {
    let storage = sqlite().await;
    let server = empty_server().await;
    live_dealer(&storage, &server).await;
    let recent = recent_window(1);
    let old = Window::new(
        recent.from - Duration::days(40),
        recent.to - Duration::days(39),
    )
    .expect("window");

    let error = dgi::run_job(&storage, registry(), &leasing("08138", old))
        .await
        .expect_err("old");
    assert!(matches!(error, Error::InvalidWindow(_)), "{error}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test]
async fn a_long_window_is_split_into_consecutive_calls() {
    let storage = sqlite().await;
    let server = empty_server().await;
    live_dealer(&storage, &server).await;
    let window = recent_window(16);

    let report = dgi::run_job(&storage, registry(), &leasing("08138", window))
        .await
        .expect("ok");
    assert_eq!(report.calls, 3);
    let received = server.received_requests().await.expect("recording is on");
    let bodies: Vec<serde_json::Value> = received
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("json"))
        .collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["fromTime"], dgi::window::format_time(window.from));
    assert_eq!(bodies[0]["toTime"], bodies[1]["fromTime"]);
    assert_eq!(bodies[1]["toTime"], bodies[2]["fromTime"]);
    assert_eq!(bodies[2]["toTime"], dgi::window::format_time(window.to));
}

#[tokio::test]
async fn a_failure_in_a_later_call_writes_no_rows() {
    for db in backends("later_call_fails").await {
        let server = MockServer::start().await;
        let record = json!({"idDokumenPengajuan": "A/1", "dealerId": "08138"});
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(&[record])))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400).set_body_string("bad request"))
            .mount(&server)
            .await;
        live_dealer(&db.storage, &server).await;
        let error = dgi::run_job(
            &db.storage,
            registry(),
            &leasing("08138", recent_window(10)),
        )
        .await
        .expect_err("second call fails");
        assert!(matches!(error, Error::Http { status: 400, .. }), "{error}");
        assert_eq!(count(&db.storage, "leasing").await, 0, "{}", db.name);
    }
}

#[tokio::test]
async fn dummy_dealer_needs_no_server_and_live_dealer_never_falls_back() {
    let storage = sqlite().await;
    storage
        .put_dealer(&Dealer::dummy("12284"))
        .await
        .expect("saved");
    let report = dgi::run_job(&storage, registry(), &leasing("12284", recent_window(3)))
        .await
        .expect("dummy data");
    assert!(report.inserted > 0);

    let live = Dealer::live("08138", dgi::Credentials::new("k", "s"));
    storage.put_dealer(&live).await.expect("saved");
    let error = dgi::run_job(&storage, registry(), &leasing("08138", recent_window(3)))
        .await
        .expect_err("no base url configured");
    assert!(matches!(error, Error::MissingBaseUrl(_)), "{error}");
    assert_eq!(
        count_for(&storage, "08138").await,
        0,
        "no dummy rows for a live dealer"
    );
}

async fn count_for(storage: &Storage, dealer: &str) -> usize {
    let entry = registry().get("leasing").expect("registered");
    let query = dgi::storage::RecordQuery {
        dealer_id: Some(dealer.into()),
        ..Default::default()
    };
    storage
        .list_records(entry, &query)
        .await
        .expect("list")
        .items
        .len()
}

#[tokio::test]
async fn dummy_data_honours_filters() {
    let storage = sqlite().await;
    storage
        .put_dealer(&Dealer::dummy("12284"))
        .await
        .expect("saved");
    let entry = registry().get("leasing").expect("registered");
    let window = recent_window(3);
    let all = entry.job_type.generate("12284", &window);
    let spk = all[0]["idSPK"].as_str().expect("text").to_owned();

    let mut request = leasing("12284", window);
    request.filters = vec![("idSPK".into(), spk)];
    let report = dgi::run_job(&storage, registry(), &request)
        .await
        .expect("runs");
    assert_eq!(report.fetched, 1);
}

#[tokio::test]
async fn unknown_names_are_typed_errors() {
    let storage = sqlite().await;
    storage
        .put_dealer(&Dealer::dummy("12284"))
        .await
        .expect("saved");
    let mut request = leasing("12284", recent_window(1));

    request.job_type = "lsng".into();
    let error = dgi::run_job(&storage, registry(), &request)
        .await
        .expect_err("unknown type");
    assert!(matches!(error, Error::UnknownJobType { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("leasing, parts_inbound, pkb, prospect"),
        "{error}"
    );

    request.job_type = "leasing".into();
    request.filters = vec![("idCustomer".into(), "x".into())];
    let error = dgi::run_job(&storage, registry(), &request)
        .await
        .expect_err("unknown filter");
    assert!(matches!(error, Error::UnknownFilter { .. }), "{error}");

    request.filters.clear();
    request.dealer_id = "99999".into();
    let error = dgi::run_job(&storage, registry(), &request)
        .await
        .expect_err("unknown dealer");
    assert!(matches!(error, Error::UnknownDealer(_)), "{error}");
}
