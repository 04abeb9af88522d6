//! Leasing end to end against a mock DGI server, on every backend.

use dgi::{Error, RunRequest, Storage};
use serde_json::{Value as Json, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    API_KEY, SECRET_KEY, backends, count, envelope, live_dealer, number, recent_window, registry,
};

pub(crate) fn leasing(id: &str, dp: i64) -> Json {
    json!({
        "idDokumenPengajuan": format!(" {id}"),
        "idSPK": "SPK/08138/26/11/00001",
        "jumlahDP": dp,
        "tenor": 35,
        "jumlahCicilan": 600000,
        "tanggalPengajuan": "02/11/2026",
        "idFinanceCompany": "FC/FIF01",
        "namaFinanceCompany": "Astra FIF",
        "idPOFinanceCompany": "PO/FC/FIF01/26/11/0001",
        "tanggalPembuatanPO": "02/11/2026",
        "tanggalPengirimanPOFinanceCompany": "02/11/2026",
        "dealerId": "08138",
        "createdTime": "02/11/2026 15:40:50",
        "modifiedTime": "02/11/2026 15:40:50"
    })
}

fn request(filters: Vec<(String, String)>) -> RunRequest {
    RunRequest {
        job_type: "leasing".into(),
        dealer_id: "08138".into(),
        window: recent_window(2),
        filters,
    }
}

async fn run(storage: &Storage, request: &RunRequest) -> dgi::Result<dgi::Report> {
    dgi::run_job(storage, registry(), request).await
}

#[tokio::test]
async fn signed_request_is_stored_and_a_rerun_changes_nothing() {
    for db in backends("leasing_rerun").await {
        let server = MockServer::start().await;
        let body = envelope(&[
            leasing("FIF01/08138/26/11/00001", 1_500_000),
            leasing("FIF01/08138/26/11/00002", 2_000_000),
        ]);
        Mock::given(method("POST"))
            .and(path("/dgi-api/v1.3/lsng/read"))
            .and(header("DGI-API-Key", API_KEY))
            .and(header("Content-Type", "application/json"))
            .and(header("Accept", "application/json"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&body))
            .mount(&server)
            .await;
        live_dealer(&db.storage, &server).await;
        let request = request(vec![("idSPK".into(), "SPK/08138/26/11/00001".into())]);

        let first = run(&db.storage, &request).await.expect("first run");
        assert_eq!(
            (first.fetched, first.inserted, first.updated),
            (2, 2, 0),
            "{}",
            db.name
        );
        let second = run(&db.storage, &request).await.expect("second run");
        assert_eq!(
            (second.inserted, second.updated, second.unchanged),
            (0, 0, 2),
            "{}",
            db.name
        );
        assert_eq!(count(&db.storage, "leasing").await, 2, "{}", db.name);

        let received = server.received_requests().await.expect("recording is on");
        assert_eq!(received.len(), 2);
        for req in &received {
            let time = req.headers["X-Request-Time"].to_str().expect("ascii");
            let token = req.headers["DGI-API-Token"].to_str().expect("ascii");
            let seconds: i64 = time.parse().expect("unix seconds");
            assert_eq!(
                token,
                dgi::Credentials::new(API_KEY, SECRET_KEY).token(seconds)
            );
            let body: Json = serde_json::from_slice(&req.body).expect("json body");
            assert_eq!(body["dealerId"], "08138");
            assert_eq!(body["idSPK"], "SPK/08138/26/11/00001");
            assert_eq!(
                body["fromTime"],
                dgi::window::format_time(request.window.from)
            );
            assert_eq!(body["toTime"], dgi::window::format_time(request.window.to));
        }
    }
}

#[tokio::test]
async fn a_changed_record_is_updated_in_place() {
    for db in backends("leasing_update").await {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(envelope(&[leasing("A/1", 100)])),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(envelope(&[leasing("A/1", 250)])),
            )
            .mount(&server)
            .await;
        live_dealer(&db.storage, &server).await;
        run(&db.storage, &request(Vec::new()))
            .await
            .expect("first run");
        let report = run(&db.storage, &request(Vec::new()))
            .await
            .expect("second run");
        assert_eq!((report.inserted, report.updated), (0, 1), "{}", db.name);
        let entry = registry().get("leasing").expect("registered");
        let page = db
            .storage
            .list_records(entry, &Default::default())
            .await
            .expect("list");
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0]["jumlahDP"], 250, "{}", db.name);
        assert_eq!(page.items[0]["idDokumenPengajuan"], "A/1", "trimmed key");
    }
}

#[tokio::test]
async fn server_error_then_success_retries_with_a_fresh_token() {
    for db in backends("leasing_retry").await {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(envelope(&[leasing("A/1", 1)])))
            .mount(&server)
            .await;
        live_dealer(&db.storage, &server).await;
        let report = run(&db.storage, &request(Vec::new()))
            .await
            .expect("retried");
        assert_eq!(report.inserted, 1);

        let received = server.received_requests().await.expect("recording is on");
        assert_eq!(received.len(), 2, "one retry");
        for req in &received {
            let seconds: i64 = req.headers["X-Request-Time"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("int");
            let token = req.headers["DGI-API-Token"].to_str().expect("ascii");
            assert_eq!(
                token,
                dgi::Credentials::new(API_KEY, SECRET_KEY).token(seconds),
                "signed anew"
            );
        }
    }
}

#[tokio::test]
async fn status_zero_fails_the_job_and_writes_nothing() {
    for db in backends("leasing_status_zero").await {
        let server = MockServer::start().await;
        let refusal =
            json!({"status": 0, "message": {"message1": "Token Tidak Valid"}, "data": null});
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(refusal))
            .mount(&server)
            .await;
        live_dealer(&db.storage, &server).await;
        let error = run(&db.storage, &request(Vec::new()))
            .await
            .expect_err("refused");
        assert!(matches!(error, Error::Api { .. }), "{error}");
        assert!(error.to_string().contains("Token Tidak Valid"), "{error}");
        assert_eq!(count(&db.storage, "leasing").await, 0, "{}", db.name);
        assert_eq!(
            server.received_requests().await.map(|r| r.len()),
            Some(1),
            "not retried"
        );
        let sql = "SELECT COUNT(*) AS n FROM dgi_runs WHERE outcome = 'failed'";
        let failed = number(&db.storage, sql).await;
        assert_eq!(failed, 1, "the failure is logged");
    }
}
