//! Helpers for deterministic dummy sources.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value as Json;

use crate::value::{DATE_FORMAT, TIMESTAMP_FORMAT};
use crate::window::Window;

/// A random source seeded by what a record is about, so that the same
/// dealer and day always give the same records.
#[derive(Debug, Clone)]
pub struct DummyRng {
    rng: fastrand::Rng,
}

impl DummyRng {
    /// A source for one job type, dealer and day.
    pub fn for_day(job_type: &str, dealer_id: &str, day: NaiveDate) -> Self {
        let mut hasher = DefaultHasher::new();
        (job_type, dealer_id, day).hash(&mut hasher);
        Self {
            rng: fastrand::Rng::with_seed(hasher.finish()),
        }
    }

    /// A whole number in `range`.
    pub fn int(&mut self, range: std::ops::RangeInclusive<i64>) -> i64 {
        self.rng.i64(range)
    }

    /// A whole number in `range`, rounded down to a multiple of `step`.
    pub fn amount(&mut self, range: std::ops::RangeInclusive<i64>, step: i64) -> i64 {
        self.rng.i64(range) / step * step
    }

    /// One of `items`.
    ///
    /// # Panics
    ///
    /// When `items` is empty.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.usize(..items.len())]
    }

    /// One of `items`, of any type.
    ///
    /// # Panics
    ///
    /// When `items` is empty.
    ///
    /// # Panics
    ///
    /// When `items` is empty.
    pub fn choose<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(0..100) < percent
    }

    /// `n` decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.rng.u8(0..10)))
            .collect()
    }

    /// `n` upper-case letters.
    pub fn letters(&mut self, n: usize) -> String {
        (0..n).map(|_| self.rng.uppercase()).collect()
    }

    /// A time on `day` between 08:00 and 17:59.
    pub fn office_time(&mut self, day: NaiveDate) -> NaiveDateTime {
        let seconds = self.rng.u32(8 * 3600..18 * 3600);
        day.and_time(NaiveTime::MIN) + Duration::seconds(i64::from(seconds))
    }
}

/// Records for each day that `window` touches: `per_day` of them a day,
/// each made by `make` from the day's random source, the day and its number
/// within the day (from 1). `make` returns the record with its created time;
/// records created outside the window are left out.
///
/// The source of a day depends only on the job type, the dealer and the day,
/// so overlapping windows agree on the records they share.
pub fn daily(
    job_type: &str,
    dealer_id: &str,
    window: &Window,
    per_day: std::ops::RangeInclusive<i64>,
    mut make: impl FnMut(&mut DummyRng, NaiveDate, i64) -> (NaiveDateTime, Json),
) -> Vec<Json> {
    let mut out = Vec::new();
    for day in days(window) {
        let mut rng = DummyRng::for_day(job_type, dealer_id, day);
        let count = rng.int(per_day.clone());
        for seq in 1..=count {
            let (created, record) = make(&mut rng, day, seq);
            if contains(window, created) {
                out.push(record);
            }
        }
    }
    out
}

/// The days that `window` touches, first to last.
pub fn days(window: &Window) -> impl Iterator<Item = NaiveDate> {
    let last = window.to.date();
    window
        .from
        .date()
        .iter_days()
        .take_while(move |d| *d <= last)
}

/// Whether `time` falls inside `window`.
pub fn contains(window: &Window, time: NaiveDateTime) -> bool {
    window.from <= time && time <= window.to
}

/// A date as records write it, `DD/MM/YYYY`.
pub fn date(day: NaiveDate) -> String {
    day.format(DATE_FORMAT).to_string()
}

/// A timestamp as records write it, `DD/MM/YYYY HH:MM:SS`.
pub fn timestamp(time: NaiveDateTime) -> String {
    time.format(TIMESTAMP_FORMAT).to_string()
}

/// `YY/MM` of a day, as DGI document numbers embed it.
pub fn year_month(day: NaiveDate) -> String {
    day.format("%y/%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_values() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let mut a = DummyRng::for_day("leasing", "08138", day);
        let mut b = DummyRng::for_day("leasing", "08138", day);
        assert_eq!(a.digits(8), b.digits(8));
        let mut c = DummyRng::for_day("leasing", "12284", day);
        assert_ne!(a.digits(12), c.digits(12));
    }
}
