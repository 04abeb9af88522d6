//! The HTTP client against a local server: signing, retries, envelopes and
//! failures, over real HTTP on the loopback interface.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use dgi_core::{ApiClient, ApiConfig, Credentials, Error, HttpClient, PullRequest, Result, Window};
use serde_json::{Value as Json, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ENDPOINT: &str = "/lsng/read";
const FULL_PATH: &str = "/dgi-api/v1.3/lsng/read";
const API_KEY: &str = "dgi-key-test:k3y";
const SECRET_KEY: &str = "dgi-secret-test:s3cr3t";

/// The specification's example answer of `lsng/read`.
const LSNG_SAMPLE: &str = r#"{
    "status": 1,
    "message": null,
    "data": [{
        "idDokumenPengajuan": " FIF01/12345/18/09/00001",
        "idSPK": "SPK/12345/18/01/00001",
        "jumlahDP": 1500000,
        "tenor": 35,
        "jumlahCicilan": 600000,
        "tanggalPengajuan": "02/10/2018",
        "idFinanceCompany": "FC/FIF01",
        "namaFinanceCompany": "Astra FIF",
        "idPOFinanceCompany": "PO/FC/FIF01/18/01/0001",
        "tanggalPembuatanPO": "02/10/2018",
        "tanggalPengirimanPOFinanceCompany": "02/10/2018",
        "dealerId": "08138",
        "createdTime": "31/12/2019 15:40:50",
        "modifiedTime": "31/12/2019 15:40:50"
    }]
}"#;

fn credentials() -> Credentials {
    Credentials::new(API_KEY, SECRET_KEY)
}

fn config(base_url: String, retries: u32, timeout: Duration) -> ApiConfig {
    ApiConfig {
        job_type: "leasing".into(),
        base_url: Some(base_url),
        endpoint: ENDPOINT.into(),
        timeout,
        retries,
        max_window_days: 7,
        lookback_days: 30,
        interval_secs: 3600,
    }
}

/// A client of `server` with a trailing `/` on its base URL and a backoff
/// short enough for tests.
fn client(server: &MockServer, retries: u32) -> HttpClient {
    let base_url = format!("{}/dgi-api/v1.3/", server.uri());
    HttpClient::new(
        &config(base_url, retries, Duration::from_secs(5)),
        credentials(),
    )
    .expect("valid configuration")
    .with_backoff(Duration::from_millis(1))
}

fn request() -> PullRequest {
    PullRequest {
        window: Window::parse("2026-03-01 00:00:00", "2026-03-07 23:59:59").expect("valid window"),
        dealer_id: "08138".into(),
        filters: vec![("idSPK".into(), "SPK/1".into())],
    }
}

async fn pull(client: &HttpClient) -> Result<Vec<Json>> {
    client.pull(ENDPOINT, &request()).await
}

fn sample() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(LSNG_SAMPLE)
}

fn answer(status: u16, body: &Json) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn mount(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(FULL_PATH))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn mount_once(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(FULL_PATH))
        .respond_with(response)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    let value = request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no `{name}` header"));
    value.to_str().expect("ascii header")
}

/// Checks that a received request is signed for the time it carries, and
/// returns that time.
fn assert_signed(request: &Request) -> i64 {
    let time: i64 = header(request, "X-Request-Time")
        .parse()
        .expect("decimal unix seconds");
    assert_eq!(header(request, "DGI-API-Key"), API_KEY);
    assert_eq!(header(request, "DGI-API-Token"), credentials().token(time));
    time
}

#[tokio::test]
async fn signs_the_request_with_key_time_and_token() {
    let server = MockServer::start().await;
    mount(&server, sample()).await;

    let before = chrono::Utc::now().timestamp();
    pull(&client(&server, 0)).await.expect("success");
    let after = chrono::Utc::now().timestamp();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), FULL_PATH);
    assert_eq!(header(sent, "Content-Type"), "application/json");
    assert_eq!(header(sent, "Accept"), "application/json");
    let time = assert_signed(sent);
    assert!(
        (before..=after).contains(&time),
        "{time} not in {before}..={after}"
    );
    assert_eq!(
        sent.body_json::<Json>().expect("json body"),
        request().body()
    );
}

#[tokio::test]
async fn the_specification_sample_decodes_to_one_record() {
    let server = MockServer::start().await;
    mount(&server, sample()).await;

    let records = pull(&client(&server, 0)).await.expect("success");

    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["idSPK"], "SPK/12345/18/01/00001");
    assert_eq!(records[0]["jumlahDP"], 1_500_000);
}

#[tokio::test]
async fn retries_a_server_error_signing_each_attempt_for_its_own_time() {
    let server = MockServer::start().await;
    mount_once(&server, answer(503, &json!({ "title": "unavailable" }))).await;
    mount(&server, sample()).await;

    let records = pull(&client(&server, 3)).await.expect("success");

    assert_eq!(records.len(), 1);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    for sent in &requests {
        assert_signed(sent);
    }
}

#[tokio::test]
async fn honours_retry_after_and_signs_the_retry_afresh() {
    let server = MockServer::start().await;
    let limited = answer(429, &json!({ "title": "slow down" })).insert_header("Retry-After", "1");
    mount_once(&server, limited).await;
    mount(&server, sample()).await;

    let started = Instant::now();
    pull(&client(&server, 1)).await.expect("success");

    // The backoff is 1 ms, so only `Retry-After` explains a wait of a second.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let (first, second) = (assert_signed(&requests[0]), assert_signed(&requests[1]));
    assert!(
        second > first,
        "second attempt signed for {second}, first for {first}"
    );
    assert_ne!(
        header(&requests[0], "DGI-API-Token"),
        header(&requests[1], "DGI-API-Token")
    );
}

#[tokio::test]
async fn gives_up_after_the_configured_retries() {
    let server = MockServer::start().await;
    mount(
        &server,
        ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"),
    )
    .await;

    let error = pull(&client(&server, 2)).await.expect_err("failure");

    assert!(
        matches!(&error, Error::Http { status: 502, body, .. } if body.contains("bad gateway")),
        "{error:?}"
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn does_not_retry_a_client_error() {
    let server = MockServer::start().await;
    let body =
        json!({ "status": 400, "title": "Bad Request", "errors": { "fromTime": ["required"] } });
    mount(&server, answer(400, &body)).await;

    let error = pull(&client(&server, 3)).await.expect_err("failure");

    match &error {
        Error::Http {
            endpoint,
            status: 400,
            body,
        } => {
            assert_eq!(endpoint, ENDPOINT);
            assert!(body.contains("Bad Request"), "{body}");
        }
        other => panic!("expected an http error, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn oauth_style_gateway_error_is_an_http_error() {
    let server = MockServer::start().await;
    let body = json!({ "error": "invalid_client", "error_description": "unknown key" });
    mount(&server, answer(401, &body)).await;

    let error = pull(&client(&server, 3)).await.expect_err("failure");

    assert!(
        matches!(&error, Error::Http { status: 401, body, .. } if body.contains("invalid_client"))
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn status_zero_fails_with_the_message_without_retrying() {
    let server = MockServer::start().await;
    let message = json!({ "message1": "Token Tidak Valid !!", "message2": "periksa kunci" });
    mount(
        &server,
        answer(
            200,
            &json!({ "status": 0, "message": message, "data": null }),
        ),
    )
    .await;

    let error = pull(&client(&server, 3)).await.expect_err("failure");

    match &error {
        Error::Api { endpoint, message } => {
            assert_eq!(endpoint, ENDPOINT);
            assert_eq!(message, "Token Tidak Valid !!; periksa kunci");
        }
        other => panic!("expected an api error, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn status_zero_saying_no_data_is_an_empty_success() {
    let server = MockServer::start().await;
    let body = json!({ "status": 0, "message": "Tidak Ada Data Pada Periode ini", "data": null });
    mount(&server, answer(200, &body)).await;

    let records = pull(&client(&server, 3)).await.expect("empty success");

    assert!(records.is_empty());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn status_and_message_may_be_strings() {
    let server = MockServer::start().await;
    let success = json!({ "status": "1", "message": "OK", "data": [{ "idSPK": "S1" }] });
    mount_once(&server, answer(200, &success)).await;
    let embedded = r#"{"message1": "Unix Timestamp Diluar Validasi Detik"}"#;
    mount(
        &server,
        answer(
            200,
            &json!({ "status": "0", "message": embedded, "data": null }),
        ),
    )
    .await;
    let client = client(&server, 0);

    let records = pull(&client).await.expect("success");
    assert_eq!(records, vec![json!({ "idSPK": "S1" })]);

    let error = pull(&client).await.expect_err("failure");
    let expected = "Unix Timestamp Diluar Validasi Detik";
    assert!(
        matches!(&error, Error::Api { message, .. } if message == expected),
        "{error:?}"
    );
}

#[tokio::test]
async fn null_data_is_an_empty_success() {
    let server = MockServer::start().await;
    mount(
        &server,
        answer(200, &json!({ "status": 1, "message": null, "data": null })),
    )
    .await;

    let records = pull(&client(&server, 0)).await.expect("success");

    assert!(records.is_empty());
}

#[tokio::test]
async fn bad_bodies_are_decode_errors_at_their_path() {
    let cases = [
        ("not json", "<html>oops</html>", "."),
        (
            "truncated",
            r#"{"status": 1, "message": null, "data": [{"idSPK": "S1"}"#,
            ".",
        ),
        (
            "data is a string",
            r#"{"status": 1, "data": "none"}"#,
            "data",
        ),
        (
            "status is not 0 or 1",
            r#"{"status": "x", "data": []}"#,
            "status",
        ),
    ];
    for (case, body, expected_path) in cases {
        let server = MockServer::start().await;
        mount(
            &server,
            ResponseTemplate::new(200).set_body_raw(body, "application/json"),
        )
        .await;

        let error = pull(&client(&server, 3)).await.expect_err(case);

        match &error {
            Error::Decode { endpoint, path, .. } => {
                assert_eq!(endpoint, ENDPOINT, "{case}");
                assert_eq!(path, expected_path, "{case}");
            }
            other => panic!("{case}: expected a decode error, got {other:?}"),
        }
        assert_eq!(received(&server).await.len(), 1, "{case} was retried");
    }
}

#[tokio::test]
async fn a_slow_server_times_out_after_retries() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200)
        .set_body_string(LSNG_SAMPLE)
        .set_delay(Duration::from_secs(3));
    mount(&server, slow).await;
    let timeout = Duration::from_millis(200);
    let base_url = format!("{}/dgi-api/v1.3", server.uri());
    let client = HttpClient::new(&config(base_url, 1, timeout), credentials())
        .expect("valid configuration")
        .with_backoff(Duration::from_millis(1));

    let error = pull(&client).await.expect_err("timeout");

    match &error {
        Error::Timeout {
            endpoint,
            timeout: reported,
        } => {
            assert_eq!(endpoint, ENDPOINT);
            assert_eq!(*reported, timeout);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error_after_retries() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
        listener.local_addr().expect("bound address").port()
    };
    let base_url = format!("http://127.0.0.1:{port}/dgi-api/v1.3");
    let backoff = Duration::from_millis(40);
    let client = HttpClient::new(&config(base_url, 2, Duration::from_secs(2)), credentials())
        .expect("valid configuration")
        .with_backoff(backoff);

    let started = Instant::now();
    let error = pull(&client).await.expect_err("refused");

    assert!(
        matches!(&error, Error::Transport { endpoint, .. } if endpoint == ENDPOINT),
        "{error:?}"
    );
    // Two retries wait at least half of 40 ms and half of 80 ms.
    assert!(
        started.elapsed() >= backoff / 2 + backoff,
        "{:?}",
        started.elapsed()
    );
}
