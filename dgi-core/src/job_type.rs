//! The traits a data type implements, and what `#[job_type]` registers.

use async_trait::async_trait;
use serde_json::Value as Json;

use crate::config::ApiDefaults;
use crate::request::PullRequest;
use crate::schema::Schema;
use crate::window::Window;
use crate::{Processor, Result, TableProcessor};

/// What `#[job_type(...)]` says about a data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobMeta {
    /// Lower snake case code, e.g. `leasing`; also the table name.
    pub code: &'static str,
    /// Human label, e.g. `Handle Leasing Requirement`.
    pub label: &'static str,
    /// An optional icon name for user interfaces.
    pub icon: Option<&'static str>,
    /// The endpoint below the base URL, e.g. `/lsng/read`.
    pub endpoint: &'static str,
}

/// A DGI data type: its records' shape and how they are stored.
///
/// Implement it, together with [`DummySource`], on a type that is
/// `Default`, and put `#[job_type(...)]` on the type: routing, the API
/// configuration row, the tables, the queries and the conformance test
/// follow from that.
pub trait JobType: DummySource + Send + Sync + 'static {
    /// Fields, natural key, child lines and filters of the records.
    fn schema(&self) -> &'static Schema;

    /// API configuration defaults for this job type.
    fn api_defaults(&self) -> ApiDefaults {
        ApiDefaults::default()
    }

    /// Stores decoded records. The default upserts by (dealer, key) and
    /// replaces child lines per parent.
    fn processor(&self) -> &dyn Processor {
        &TableProcessor
    }
}

/// Deterministic, realistic records for development and demos.
pub trait DummySource {
    /// Records for `dealer_id` whose created or modified time falls in
    /// `window`, as the API would send them (exact field names, the API's
    /// formats). The same inputs always give the same records.
    ///
    /// Filters are applied by the caller on the returned records, exactly
    /// as they are matched for the live API; a source may use them to
    /// generate less.
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Json>;
}

/// Sends a signed pull request to an endpoint and returns its records.
#[async_trait]
pub trait ApiClient: Send + Sync {
    /// Calls `endpoint` with `request` and returns the `data` array.
    ///
    /// # Errors
    ///
    /// Transport, HTTP, envelope and decoding failures, each as its own
    /// [`Error`](crate::Error) variant naming the endpoint.
    async fn pull(&self, endpoint: &str, request: &PullRequest) -> Result<Vec<Json>>;
}

/// One `#[job_type]`: collected by `inventory` from every linked crate.
#[derive(Debug)]
pub struct Registration {
    /// What the attribute says.
    pub meta: JobMeta,
    /// Makes the job type.
    pub build: fn() -> Box<dyn JobType>,
}

inventory::collect!(Registration);

impl std::fmt::Debug for dyn JobType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobType")
            .field("key", &self.schema().key)
            .finish_non_exhaustive()
    }
}
