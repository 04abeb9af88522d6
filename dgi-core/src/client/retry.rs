//! When a failed attempt is tried again, and after how long.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest wait between two attempts that backoff alone produces.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The longest `Retry-After` the client honours; longer asks are cut to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Exponential backoff with equal jitter.
///
/// The n-th retry waits a random time between half of and the whole of
/// `base * 2^(n-1)`, capped at 30 s (or at `base` if that is longer). Equal
/// jitter keeps clients that failed together apart while guaranteeing that
/// the wait still grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    base: Duration,
}

impl Backoff {
    /// The base used unless a client asks for another.
    pub(crate) const DEFAULT_BASE: Duration = Duration::from_millis(250);

    pub(crate) fn new(base: Duration) -> Self {
        Self { base }
    }

    /// The ceiling of the wait before retry number `retry` (counted from 1).
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let cap = MAX_BACKOFF.max(self.base);
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(cap)
    }

    /// A jittered wait before retry number `retry` (counted from 1).
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let ceiling = self.ceiling(retry);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(..=spread))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(Self::DEFAULT_BASE)
    }
}

/// Whether and how a failed attempt may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// The failure is final: the same request would fail the same way.
    Never,
    /// Try again after the backoff delay.
    Backoff,
    /// Try again after the delay the server asked for.
    After(Duration),
}

impl Retry {
    /// The verdict for an HTTP status that is not a success.
    ///
    /// Rate limiting (429) and server errors (5xx) are passing conditions;
    /// every other status means the request itself is wrong.
    pub(crate) fn for_status(status: StatusCode, headers: &HeaderMap) -> Self {
        if status != StatusCode::TOO_MANY_REQUESTS && !status.is_server_error() {
            return Self::Never;
        }
        match retry_after(headers) {
            Some(delay) => Self::After(delay),
            None => Self::Backoff,
        }
    }

    /// The wait before retry number `retry`, or `None` if there is none.
    pub(crate) fn delay(self, backoff: &Backoff, retry: u32) -> Option<Duration> {
        match self {
            Self::Never => None,
            Self::Backoff => Some(backoff.delay(retry)),
            Self::After(delay) => Some(delay),
        }
    }
}

/// The `Retry-After` header in seconds, capped. The HTTP-date form is not
/// honoured; the caller falls back to backoff for it.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    let seconds: u64 = text.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let backoff = Backoff::new(Duration::from_millis(250));
        let ceilings: Vec<_> = (1..=4).map(|retry| backoff.ceiling(retry)).collect();
        let expected = [250, 500, 1000, 2000].map(Duration::from_millis);
        assert_eq!(ceilings, expected);
        assert_eq!(backoff.ceiling(20), MAX_BACKOFF);
        assert_eq!(backoff.ceiling(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn backoff_never_caps_below_its_base() {
        let backoff = Backoff::new(Duration::from_secs(45));
        assert_eq!(backoff.ceiling(1), Duration::from_secs(45));
        assert_eq!(backoff.ceiling(3), Duration::from_secs(45));
    }

    #[test]
    fn jitter_stays_between_half_and_whole_ceiling() {
        let backoff = Backoff::new(Duration::from_millis(100));
        for retry in 1..=5 {
            let ceiling = backoff.ceiling(retry);
            let delays: Vec<_> = (0..200).map(|_| backoff.delay(retry)).collect();
            assert!(
                delays.iter().all(|d| *d >= ceiling / 2 && *d <= ceiling),
                "{delays:?}"
            );
            let first = delays[0];
            assert!(
                delays.iter().any(|d| *d != first),
                "no jitter at retry {retry}"
            );
        }
    }

    #[test]
    fn zero_base_gives_zero_delay() {
        assert_eq!(Backoff::new(Duration::ZERO).delay(3), Duration::ZERO);
    }

    #[test]
    fn only_rate_limits_and_server_errors_are_retried() {
        let none = HeaderMap::new();
        for code in [429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(code).expect("valid status");
            assert_eq!(Retry::for_status(status, &none), Retry::Backoff, "{code}");
        }
        for code in [301, 400, 401, 403, 404, 422] {
            let status = StatusCode::from_u16(code).expect("valid status");
            assert_eq!(Retry::for_status(status, &none), Retry::Never, "{code}");
        }
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        let verdict = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            Retry::for_status(StatusCode::TOO_MANY_REQUESTS, &headers)
        };
        assert_eq!(verdict("2"), Retry::After(Duration::from_secs(2)));
        assert_eq!(verdict(" 7 "), Retry::After(Duration::from_secs(7)));
        assert_eq!(verdict("3600"), Retry::After(MAX_RETRY_AFTER));
        assert_eq!(verdict("Wed, 21 Oct 2015 07:28:00 GMT"), Retry::Backoff);
    }
}
