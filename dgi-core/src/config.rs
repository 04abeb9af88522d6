//! API configuration: where and how a job type's endpoint is called.

use std::time::Duration;

/// Defaults a job type gives its API configuration row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDefaults {
    /// Base URL including the version segment, e.g.
    /// `https://md.example/dgi-api/v1.3`. Hosts differ per main dealer, so
    /// there is none by default and live calls need one configured.
    pub base_url: Option<String>,
    /// Timeout of one HTTP attempt, in seconds.
    pub timeout_secs: u32,
    /// Retries after the first attempt.
    pub retries: u32,
    /// Longest window of one call, in days.
    pub max_window_days: u32,
    /// How far back data can be pulled, in days.
    pub lookback_days: u32,
    /// How often the scheduler pulls the next window, in seconds.
    pub interval_secs: u32,
}

impl Default for ApiDefaults {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout_secs: 30,
            retries: 3,
            max_window_days: 7,
            lookback_days: 30,
            interval_secs: 3600,
        }
    }
}

/// The API configuration of one job type, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    /// The job type's code.
    pub job_type: String,
    /// Base URL including the version segment.
    pub base_url: Option<String>,
    /// The endpoint below the base URL.
    pub endpoint: String,
    /// Timeout of one HTTP attempt.
    pub timeout: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// Longest window of one call, in days.
    pub max_window_days: u32,
    /// How far back data can be pulled, in days.
    pub lookback_days: u32,
    /// How often the scheduler pulls the next window, in seconds.
    pub interval_secs: u32,
}

impl ApiConfig {
    /// The configuration a job type starts with.
    pub fn from_defaults(job_type: &str, endpoint: &str, defaults: &ApiDefaults) -> Self {
        Self {
            job_type: job_type.into(),
            base_url: defaults.base_url.clone(),
            endpoint: endpoint.into(),
            timeout: Duration::from_secs(u64::from(defaults.timeout_secs)),
            retries: defaults.retries,
            max_window_days: defaults.max_window_days,
            lookback_days: defaults.lookback_days,
            interval_secs: defaults.interval_secs,
        }
    }
}

/// Changes to an API configuration; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigUpdate {
    /// New base URL.
    pub base_url: Option<String>,
    /// New timeout, in seconds.
    pub timeout_secs: Option<u32>,
    /// New retry count.
    pub retries: Option<u32>,
}
