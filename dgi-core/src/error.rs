//! The one error type of the crate.

use std::time::Duration;

/// Everything that can go wrong while configuring, fetching or storing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No job type is registered under this code.
    #[error("unknown job type `{code}` (known: {known})")]
    UnknownJobType {
        /// The code that was asked for.
        code: String,
        /// The registered codes, comma separated.
        known: String,
    },

    /// Two registrations claim the same code, table or endpoint.
    #[error("job types `{first}` and `{second}` both claim {what} `{value}`")]
    DuplicateRegistration {
        /// What is shared: "code", "table" or "endpoint".
        what: &'static str,
        /// The shared value.
        value: String,
        /// The first job type.
        first: String,
        /// The second job type.
        second: String,
    },

    /// A job type's schema cannot be stored.
    #[error("job type `{code}` is invalid: {reason}")]
    InvalidJobType {
        /// The job type.
        code: String,
        /// What is wrong.
        reason: String,
    },

    /// No dealer with this id exists.
    #[error("unknown dealer `{0}`")]
    UnknownDealer(String),

    /// A live dealer has no credentials stored.
    #[error("dealer `{0}` is live but has no api key and secret key")]
    MissingCredentials(String),

    /// No base URL is configured for a job type that must call the live API.
    #[error("no base url configured for job type `{0}` (set one with `dgi config set`)")]
    MissingBaseUrl(String),

    /// A filter the job type does not accept.
    #[error("job type `{job_type}` has no filter `{filter}` (accepted: {accepted})")]
    UnknownFilter {
        /// The job type.
        job_type: String,
        /// The filter that was given.
        filter: String,
        /// The filters the job type accepts, comma separated.
        accepted: String,
    },

    /// The window cannot be asked of the API.
    #[error("invalid window: {0}")]
    InvalidWindow(String),

    /// A value given by the caller (a time, a URL, a number) is malformed.
    #[error("invalid {what} `{value}`")]
    InvalidInput {
        /// What the value should have been.
        what: &'static str,
        /// The value given.
        value: String,
    },

    /// The server answered with a non-success HTTP status.
    #[error("`{endpoint}` answered http {status}: {body}")]
    Http {
        /// The endpoint called.
        endpoint: String,
        /// The HTTP status code.
        status: u16,
        /// The start of the response body.
        body: String,
    },

    /// The envelope said `status: 0`.
    #[error("`{endpoint}` refused the request: {message}")]
    Api {
        /// The endpoint called.
        endpoint: String,
        /// The server's message, flattened to text.
        message: String,
    },

    /// No answer arrived in time.
    #[error("`{endpoint}` did not answer within {timeout:?}")]
    Timeout {
        /// The endpoint called.
        endpoint: String,
        /// The configured timeout.
        timeout: Duration,
    },

    /// The connection failed or broke off.
    #[error("could not reach `{endpoint}`")]
    Transport {
        /// The endpoint called.
        endpoint: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The body was not the JSON the API documents.
    #[error("could not decode the answer of `{endpoint}` at `{path}`: {reason}")]
    Decode {
        /// The endpoint called.
        endpoint: String,
        /// The JSON path of the bad value (`.` for the whole body).
        path: String,
        /// What was wrong there.
        reason: String,
    },

    /// The worker no longer holds the job's lease: another worker took the
    /// job over, or it was cancelled. Nothing of the run is committed.
    #[error("job {0} is no longer leased to this worker")]
    LeaseLost(i64),

    /// No queued job has this id, or it is not in a state that allows the change.
    #[error("job {id} cannot be {action}: it is {state}")]
    JobState {
        /// The job id.
        id: i64,
        /// What was asked, e.g. "cancelled".
        action: &'static str,
        /// Its current state, or "missing".
        state: String,
    },

    /// The database refused a statement.
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),

    /// A stored value could not be read back.
    #[error("stored {what} is corrupt: {reason}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// Why it could not be read.
        reason: String,
    },
}

impl Error {
    /// Whether trying the same job again later may succeed: transport
    /// failures, timeouts, server errors and database errors. Bad
    /// configuration, unknown names, invalid windows and refusals by the
    /// API (`status: 0`, other 4xx) are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } | Self::Database(_) => true,
            Self::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
