//! Running one job: fetch, decode, store, report.

use crate::request::Filters;
use crate::window::Window;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// The job type's code.
    pub job_type: String,
    /// The dealer.
    pub dealer_id: String,
    /// The window of created or modified times.
    pub window: Window,
    /// Module filters such as `idSPK`.
    pub filters: Filters,
}

/// Runs a job.
pub async fn run_job() {}
