//! The signed HTTP client of the DGI API.
//!
//! Every call is a `POST` of the request's JSON body, signed with the
//! dealer's API key and a token made for the second the attempt leaves.
//! Passing failures (connection errors, timeouts, HTTP 429 and 5xx) are
//! retried with exponential backoff; everything else fails at once.

mod envelope;
mod retry;

use std::sync::Once;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url, redirect};
use serde_json::Value as Json;
use tracing::field::Empty;
use tracing::{Span, debug, instrument};

use self::retry::{Backoff, Retry};
use crate::{ApiClient, ApiConfig, Credentials, Error, PullRequest, Result};

const API_KEY: HeaderName = HeaderName::from_static("dgi-api-key");
const REQUEST_TIME: HeaderName = HeaderName::from_static("x-request-time");
const TOKEN: HeaderName = HeaderName::from_static("dgi-api-token");
const JSON_MEDIA_TYPE: HeaderValue = HeaderValue::from_static("application/json");
const USER_AGENT: &str = concat!("dgi/", env!("CARGO_PKG_VERSION"));

/// Calls DGI endpoints over HTTPS, signing every attempt.
#[derive(Debug)]
pub struct HttpClient {
    http: reqwest::Client,
    /// The configured base URL without a trailing `/`.
    base_url: String,
    timeout: Duration,
    retries: u32,
    backoff: Backoff,
    credentials: Credentials,
    /// The `DGI-API-Key` value, checked once and marked sensitive.
    api_key: HeaderValue,
}

impl HttpClient {
    /// A client for one job type's configuration and one dealer's credentials.
    ///
    /// Each attempt may take `config.timeout`, and a failed call is tried
    /// again up to `config.retries` times.
    ///
    /// # Errors
    ///
    /// [`Error::MissingBaseUrl`] when the configuration has no base URL,
    /// [`Error::InvalidInput`] when the base URL is not an absolute `http`
    /// or `https` URL or the API key cannot be sent as a header, and
    /// [`Error::Transport`] when the TLS setup fails.
    pub fn new(config: &ApiConfig, credentials: Credentials) -> Result<Self> {
        let base_url = match config.base_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => base_url(url)?,
            _ => return Err(Error::MissingBaseUrl(config.job_type.clone())),
        };
        let api_key = sensitive(credentials.api_key(), "api key")?;

        install_crypto_provider();
        // Redirects are not followed: they would carry the key to another URL.
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .map_err(|source| Error::Transport {
                endpoint: config.endpoint.clone(),
                source,
            })?;

        Ok(Self {
            http,
            base_url,
            timeout: config.timeout,
            retries: config.retries,
            backoff: Backoff::default(),
            credentials,
            api_key,
        })
    }

    /// Sets the base of the exponential backoff between retries (250 ms
    /// unless set). The n-th retry waits between half of and the whole of
    /// `base * 2^(n-1)`, at most 30 s or `base`, whichever is longer. A
    /// `Retry-After` sent by the server is honoured instead, up to 60 s.
    #[must_use]
    pub fn with_backoff(mut self, base: Duration) -> Self {
        self.backoff = Backoff::new(base);
        self
    }

    fn endpoint_url(&self, endpoint: &str) -> Result<Url> {
        let url = format!("{}/{}", self.base_url, endpoint.trim_start_matches('/'));
        Url::parse(&url).map_err(|_| Error::InvalidInput {
            what: "endpoint",
            value: endpoint.into(),
        })
    }

    #[instrument(
        name = "http",
        skip_all,
        fields(method = "POST", path = url.path(), attempt = Empty, status = Empty)
    )]
    async fn send(&self, endpoint: &str, url: &Url, body: &str) -> Result<Vec<Json>> {
        let mut retries = 0;
        loop {
            Span::current().record("attempt", retries + 1);
            let failure = match self.attempt(endpoint, url, body).await {
                Ok(records) => {
                    debug!(records = records.len(), "answered");
                    return Ok(records);
                }
                Err(failure) => failure,
            };

            let delay = match failure.retry.delay(&self.backoff, retries + 1) {
                Some(delay) if retries < self.retries => delay,
                _ => return Err(failure.error),
            };
            retries += 1;
            debug!(retry = retries, ?delay, error = %failure.error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, endpoint: &str, url: &Url, body: &str) -> Result<Vec<Json>, Failure> {
        let request = self.signed_request(url.clone(), body.to_owned())?;
        let response = self
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport(endpoint, e))?;
        let status = response.status();
        Span::current().record("status", status.as_u16());

        let retry = Retry::for_status(status, response.headers());
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport(endpoint, e))?;
        if !status.is_success() {
            return Err(Failure {
                error: envelope::http_error(endpoint, status, &bytes),
                retry,
            });
        }
        Ok(envelope::decode(endpoint, &bytes)?)
    }

    /// A request signed for the current second.
    fn signed_request(&self, url: Url, body: String) -> Result<reqwest::Request> {
        let now = chrono::Utc::now().timestamp();
        let mut headers = HeaderMap::with_capacity(5);
        headers.insert(CONTENT_TYPE, JSON_MEDIA_TYPE);
        headers.insert(ACCEPT, JSON_MEDIA_TYPE);
        headers.insert(REQUEST_TIME, HeaderValue::from(now));
        headers.insert(API_KEY, self.api_key.clone());
        headers.insert(TOKEN, sensitive(&self.credentials.token(now), "token")?);

        let mut request = reqwest::Request::new(Method::POST, url);
        *request.headers_mut() = headers;
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    fn transport(&self, endpoint: &str, source: reqwest::Error) -> Failure {
        let endpoint = endpoint.to_owned();
        let error = if source.is_timeout() {
            Error::Timeout {
                endpoint,
                timeout: self.timeout,
            }
        } else {
            Error::Transport { endpoint, source }
        };
        Failure {
            error,
            retry: Retry::Backoff,
        }
    }
}

#[async_trait]
impl ApiClient for HttpClient {
    async fn pull(&self, endpoint: &str, request: &PullRequest) -> Result<Vec<Json>> {
        let url = self.endpoint_url(endpoint)?;
        self.send(endpoint, &url, &request.body().to_string()).await
    }
}

/// The outcome of one failed attempt.
#[derive(Debug)]
struct Failure {
    error: Error,
    retry: Retry,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self {
            error,
            retry: Retry::Never,
        }
    }
}

/// Checks a configured base URL and drops its trailing `/`.
fn base_url(url: &str) -> Result<String> {
    let invalid = || Error::InvalidInput {
        what: "base url",
        value: url.into(),
    };
    let trimmed = url.trim_end_matches('/');
    let parsed = Url::parse(trimmed).map_err(|_| invalid())?;
    let is_http = matches!(parsed.scheme(), "http" | "https");
    if !is_http || !parsed.has_host() || parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid());
    }
    Ok(trimmed.to_owned())
}

/// A header value that `Debug` output and HTTP/2 header compression hide.
fn sensitive(value: &str, what: &'static str) -> Result<HeaderValue> {
    let mut header = HeaderValue::from_str(value).map_err(|_| Error::InvalidInput {
        what,
        value: "[redacted]".into(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// reqwest is built without a default TLS crypto provider; install ring's
/// unless the application installed one of its own.
fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // An error means a provider is already installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{HEADER_API_KEY, HEADER_REQUEST_TIME, HEADER_TOKEN};
    use crate::config::ApiDefaults;

    fn config(base_url: Option<&str>) -> ApiConfig {
        let defaults = ApiDefaults {
            base_url: base_url.map(Into::into),
            ..Default::default()
        };
        ApiConfig::from_defaults("leasing", "/lsng/read", &defaults)
    }

    fn client(base_url: &str) -> HttpClient {
        let credentials = Credentials::new("key-visible-123", "secret-visible-456");
        HttpClient::new(&config(Some(base_url)), credentials).expect("valid configuration")
    }

    #[test]
    fn header_names_match_the_specification() {
        assert_eq!(API_KEY.as_str(), HEADER_API_KEY.to_lowercase());
        assert_eq!(REQUEST_TIME.as_str(), HEADER_REQUEST_TIME.to_lowercase());
        assert_eq!(TOKEN.as_str(), HEADER_TOKEN.to_lowercase());
    }

    #[test]
    fn base_url_is_required_and_checked() {
        let credentials = || Credentials::new("k", "s");
        for missing in [None, Some(""), Some("  ")] {
            let error = HttpClient::new(&config(missing), credentials()).expect_err("no base url");
            assert!(matches!(error, Error::MissingBaseUrl(ref code) if code == "leasing"));
        }
        for bad in [
            "not a url",
            "localhost:8080",
            "ftp://h/x",
            "https://h/x?a=1",
            "https://h/#f",
        ] {
            let error = HttpClient::new(&config(Some(bad)), credentials()).expect_err(bad);
            assert!(
                matches!(
                    error,
                    Error::InvalidInput {
                        what: "base url",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn endpoint_is_joined_below_the_base_url() {
        for base in [
            "https://md.example/dgi-api/v1.3",
            "https://md.example/dgi-api/v1.3//",
        ] {
            let client = client(base);
            for endpoint in ["/lsng/read", "lsng/read"] {
                let url = client.endpoint_url(endpoint).expect("valid url");
                assert_eq!(url.as_str(), "https://md.example/dgi-api/v1.3/lsng/read");
            }
        }
    }

    #[test]
    fn api_key_that_is_no_header_value_is_refused() {
        let credentials = Credentials::new("key\nwith newline", "s");
        let error = HttpClient::new(&config(Some("https://h")), credentials).expect_err("bad key");
        assert!(matches!(
            error,
            Error::InvalidInput {
                what: "api key",
                ..
            }
        ));
        assert!(!error.to_string().contains("newline"), "{error}");
    }

    #[test]
    fn debug_output_hides_key_and_token() {
        let client = client("https://md.example/dgi-api/v1.3");
        let url = client.endpoint_url("/lsng/read").expect("valid url");
        let request = client.signed_request(url, "{}".into()).expect("signed");
        let token = request.headers()[TOKEN].to_str().expect("ascii").to_owned();
        assert_eq!(token.len(), 64);

        for shown in [format!("{request:?}"), format!("{client:?}")] {
            assert!(!shown.contains("visible"), "{shown}");
            assert!(!shown.contains(&token), "{shown}");
        }
        assert!(format!("{request:?}").contains("x-request-time"));
    }
}
