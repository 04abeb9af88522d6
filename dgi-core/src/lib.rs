//! The core of `dgi`: the traits a DGI data type implements, the registry
//! that collects them, the signed HTTP client, and storage in SQL.
//!
//! Most users depend on the `dgi` facade instead, which re-exports this
//! crate together with the `#[job_type]` attribute and the reference job
//! types.

pub mod auth;
pub mod client;
pub mod config;
pub mod dummy;
mod error;
pub mod job_type;
pub mod queue;
pub mod record;
pub mod registry;
pub mod report;
pub mod request;
pub mod runner;
pub mod schema;
pub mod storage;
pub mod value;
pub mod window;

pub use auth::Credentials;
pub use client::HttpClient;
pub use config::{ApiConfig, ApiDefaults, ConfigUpdate};
pub use dgi_macros::job_type;
pub use error::{Error, Result};
pub use job_type::{ApiClient, DummySource, JobMeta, JobType, Registration};
pub use queue::{JobState, NewJob, Queue};
pub use record::{Record, RecordRejection};
pub use registry::{Entry, Registry};
pub use report::Report;
pub use request::{Filters, PullRequest};
pub use runner::{CommitHook, JobProgress, NoHook, RunRequest, run_job, run_job_with};
pub use schema::{Child, Field, FieldKind, Schema};
pub use storage::{Dealer, DealerSource, Processor, Storage, StoreContext, TableProcessor};
pub use value::Value;
pub use window::Window;

/// Items used by the code `#[job_type]` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;

    pub use crate::job_type::{JobMeta, JobType, Registration};

    /// Makes a boxed job type; fails to compile for a type that lacks the traits.
    pub fn boxed<T: JobType + Default>() -> Box<dyn JobType> {
        Box::new(T::default())
    }
}
