//! What real servers send: unreadable values, unknown fields, one parent
//! split over several elements, the specification's own examples.

use dgi::{RunRequest, Storage};
use sea_orm::ConnectionTrait;
use serde_json::{Value as Json, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    assert_round_trip, backends, count, envelope, live_dealer, recent_window, registry,
};

async fn serve(body: Json) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn request(job_type: &str) -> RunRequest {
    RunRequest {
        job_type: job_type.into(),
        dealer_id: "08138".into(),
        window: recent_window(1),
        filters: Vec::new(),
    }
}

async fn export(storage: &Storage, job_type: &str) -> Vec<Json> {
    let entry = registry().get(job_type).expect("registered");
    storage
        .list_records(entry, &Default::default())
        .await
        .expect("list")
        .items
}

#[tokio::test]
async fn unreadable_values_are_kept_raw_and_unknown_fields_kept() {
    for db in backends("payload_unreadable").await {
        let record = json!({
            "idDokumenPengajuan": "FIF01/08138/26/11/00009",
            "jumlahDP": "satu juta",
            "tenor": "35",
            "tanggalPengajuan": "31/02/2026",
            "dealerId": "08138",
            "tanggalSPK": "01/11/2026",
            "catatan": {"sumber": "md"}
        });
        let server = serve(envelope(std::slice::from_ref(&record))).await;
        live_dealer(&db.storage, &server).await;

        let report = dgi::run_job(&db.storage, registry(), &request("leasing"))
            .await
            .expect("ok");
        assert_eq!(
            (report.inserted, report.rejected_fields),
            (1, 2),
            "{}",
            db.name
        );

        let exported = export(&db.storage, "leasing").await;
        assert_eq!(exported[0]["jumlahDP"], "satu juta", "raw value given back");
        assert_eq!(exported[0]["tanggalPengajuan"], "31/02/2026");
        assert_eq!(exported[0]["tenor"], 35);
        assert_eq!(
            exported[0]["tanggalSPK"], "01/11/2026",
            "unknown field kept"
        );
        assert_eq!(exported[0]["catatan"], json!({"sumber": "md"}));
        let stored = db
            .storage
            .connection()
            .query_one_raw(sea_orm::Statement::from_string(
                db.storage.connection().get_database_backend(),
                "SELECT jumlah_dp FROM leasing",
            ))
            .await
            .expect("query")
            .expect("row");
        let empty: Option<String> = stored.try_get("", "jumlah_dp").ok().flatten();
        assert_eq!(empty, None, "{}: the column stays empty", db.name);
    }
}

#[tokio::test]
async fn records_refused_whole_are_kept_with_the_reason() {
    for db in backends("payload_refused").await {
        let body = envelope(&[
            json!({"idDokumenPengajuan": "  ", "jumlahDP": 1}),
            json!("x"),
        ]);
        let server = serve(body).await;
        live_dealer(&db.storage, &server).await;
        let report = dgi::run_job(&db.storage, registry(), &request("leasing"))
            .await
            .expect("ok");
        assert_eq!(
            (report.fetched, report.rejected, report.inserted),
            (2, 2, 0),
            "{}",
            db.name
        );
        assert_eq!(
            count(&db.storage, "dgi_rejected_records").await,
            2,
            "{}",
            db.name
        );
    }
}

#[tokio::test]
async fn one_work_order_split_over_elements_is_merged_with_all_lines() {
    for db in backends("payload_split").await {
        let line = |part: &str| json!({"idJob": "BA082 ", "partsNumber": part, "kuantitas": 1});
        let element = |part: &str| {
            json!({"noWorkOrder": "WO/08138/26/11/7", "dealerId": "08138", "parts": [line(part)],
                   "services": []})
        };
        let body = envelope(&[element("A1"), element("A2"), element("A3")]);
        let server = serve(body).await;
        live_dealer(&db.storage, &server).await;

        let report = dgi::run_job(&db.storage, registry(), &request("pkb"))
            .await
            .expect("ok");
        assert_eq!(
            (report.fetched, report.inserted, report.lines),
            (3, 1, 3),
            "{}",
            db.name
        );
        let exported = export(&db.storage, "pkb").await;
        let parts = exported[0]["parts"].as_array().expect("lines");
        let numbers: Vec<&str> = parts
            .iter()
            .filter_map(|p| p["partsNumber"].as_str())
            .collect();
        assert_eq!(
            numbers,
            ["A1", "A2", "A3"],
            "{}: one idJob, three lines kept",
            db.name
        );
    }
}

#[tokio::test]
async fn a_parent_whose_lines_cannot_be_stored_is_not_written() {
    for db in backends("payload_lines_fail").await {
        let record = json!({"noWorkOrder": "WO/1", "dealerId": "08138",
                            "parts": [{"idJob": "J", "partsNumber": "P"}], "services": []});
        let server = serve(envelope(&[record])).await;
        live_dealer(&db.storage, &server).await;
        db.storage
            .connection()
            .execute_unprepared("DROP TABLE pkb_parts")
            .await
            .expect("drop");

        let error = dgi::run_job(&db.storage, registry(), &request("pkb"))
            .await
            .expect_err("fails");
        assert!(matches!(error, dgi::Error::Database(_)), "{error}");
        assert_eq!(
            count(&db.storage, "pkb").await,
            0,
            "{}: no half-written parent",
            db.name
        );
    }
}

const SAMPLES: &[(&str, &str)] = &[
    (
        "leasing",
        include_str!("../../dgi-jobtypes/tests/samples/lsng-response.json"),
    ),
    (
        "prospect",
        include_str!("../../dgi-jobtypes/tests/samples/prsp-response.json"),
    ),
    (
        "pkb",
        include_str!("../../dgi-jobtypes/tests/samples/pkb-response.json"),
    ),
    (
        "parts_inbound",
        include_str!("../../dgi-jobtypes/tests/samples/pinb-response.json"),
    ),
];

#[tokio::test]
async fn the_specification_examples_round_trip_through_storage() {
    for db in backends("payload_spec").await {
        for (job_type, sample) in SAMPLES {
            let body: Json = serde_json::from_str(sample).expect("sample is json");
            let server = serve(body.clone()).await;
            live_dealer(&db.storage, &server).await;
            let report = dgi::run_job(&db.storage, registry(), &request(job_type)).await;
            let report = report.expect("sample stores");
            assert_eq!(
                (report.inserted, report.rejected_fields),
                (1, 0),
                "{job_type}"
            );

            let exported = export(&db.storage, job_type).await;
            let path = format!("{}:{job_type}", db.name);
            assert_round_trip(&body["data"][0], &exported[0], &path);
        }
    }
}
