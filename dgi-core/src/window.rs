//! Time windows as the API accepts them.

use chrono::{Duration, NaiveDateTime};

use crate::{Error, Result};

/// The format of `fromTime` and `toTime` in requests.
pub const REQUEST_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A half-open span of MD-local wall-clock time, `[from, to]` as the API reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// Start of the window.
    pub from: NaiveDateTime,
    /// End of the window.
    pub to: NaiveDateTime,
}

impl Window {
    /// A window from `from` to `to`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWindow`] when `to` is before `from`.
    pub fn new(from: NaiveDateTime, to: NaiveDateTime) -> Result<Self> {
        if to < from {
            return Err(Error::InvalidWindow(format!(
                "ends at {} before it starts at {}",
                format_time(to),
                format_time(from)
            )));
        }
        Ok(Self { from, to })
    }

    /// Parses both ends from `YYYY-MM-DD HH:MM:SS`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a malformed time, [`Error::InvalidWindow`]
    /// when the window runs backwards.
    pub fn parse(from: &str, to: &str) -> Result<Self> {
        Self::new(parse_time(from)?, parse_time(to)?)
    }

    /// The last `days` days up to `now`.
    pub fn last_days(now: NaiveDateTime, days: i64) -> Self {
        Self {
            from: now - Duration::days(days),
            to: now,
        }
    }

    /// Checks the window against the API's limits and cuts it into calls.
    ///
    /// Each piece spans at most `max_days`; the pieces meet end to start, so
    /// together they cover the window exactly once.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidWindow`] when the window starts more than
    /// `lookback_days` before `now`, or when `max_days` is zero.
    pub fn plan(&self, now: NaiveDateTime, max_days: u32, lookback_days: u32) -> Result<Vec<Self>> {
        let earliest = now - Duration::days(i64::from(lookback_days));
        if self.from < earliest {
            return Err(Error::InvalidWindow(format!(
                "starts at {}, more than {lookback_days} days ago (earliest {})",
                format_time(self.from),
                format_time(earliest)
            )));
        }
        if max_days == 0 {
            return Err(Error::InvalidWindow("the maximum window is 0 days".into()));
        }
        let step = Duration::days(i64::from(max_days));
        let mut pieces = Vec::new();
        let mut start = self.from;
        loop {
            let end = (start + step).min(self.to);
            pieces.push(Self {
                from: start,
                to: end,
            });
            if end >= self.to {
                return Ok(pieces);
            }
            start = end;
        }
    }
}

/// Formats a time as `YYYY-MM-DD HH:MM:SS`.
pub fn format_time(time: NaiveDateTime) -> String {
    time.format(REQUEST_TIME_FORMAT).to_string()
}

/// Parses a time written `YYYY-MM-DD HH:MM:SS`.
///
/// # Errors
///
/// [`Error::InvalidInput`] when the text is not in that form.
pub fn parse_time(text: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), REQUEST_TIME_FORMAT).map_err(|_| {
        Error::InvalidInput {
            what: "time (YYYY-MM-DD HH:MM:SS)",
            value: text.into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        parse_time(s).expect("valid time")
    }

    #[test]
    fn formats_as_the_api_expects() {
        assert_eq!(format_time(t("2026-11-30 07:05:09")), "2026-11-30 07:05:09");
        assert!(parse_time("30/11/2026 07:05:09").is_err());
    }

    #[test]
    fn long_window_is_split_into_consecutive_calls() {
        let now = t("2026-12-01 00:00:00");
        let w = Window::parse("2026-11-10 00:00:00", "2026-11-26 12:00:00").expect("window");
        let pieces = w.plan(now, 7, 30).expect("plan");
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0].from, w.from);
        assert_eq!(pieces[0].to, t("2026-11-17 00:00:00"));
        assert_eq!(pieces[1].from, pieces[0].to);
        assert_eq!(pieces[2].to, w.to);
    }

    #[test]
    fn window_before_lookback_is_refused() {
        let now = t("2026-12-01 00:00:00");
        let w = Window::parse("2026-10-20 00:00:00", "2026-10-21 00:00:00").expect("window");
        let err = w.plan(now, 7, 30).expect_err("too old");
        assert!(matches!(err, Error::InvalidWindow(_)), "{err}");
    }

    #[test]
    fn backwards_window_is_refused() {
        assert!(Window::parse("2026-11-21 00:00:00", "2026-11-20 00:00:00").is_err());
    }
}
