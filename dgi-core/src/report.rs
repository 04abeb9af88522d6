//! What a job did.

use serde::Serialize;

/// The outcome of one job run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The job type's code.
    pub job_type: String,
    /// The dealer the job ran for.
    pub dealer_id: String,
    /// Records received (elements of `data`, before merging by key).
    pub fetched: usize,
    /// Records stored for the first time.
    pub inserted: usize,
    /// Records whose stored content changed.
    pub updated: usize,
    /// Records received again without change.
    pub unchanged: usize,
    /// Records refused whole (no key, not an object); kept with the reason.
    pub rejected: usize,
    /// Field values that could not be read; stored empty, raw value kept.
    pub rejected_fields: usize,
    /// Child lines written.
    pub lines: usize,
    /// API calls made (or dummy windows generated).
    pub calls: usize,
    /// Why the job did nothing, when it was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

impl Report {
    /// Adds the counts of `other` to this report.
    pub fn add(&mut self, other: &Self) {
        self.fetched += other.fetched;
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.rejected += other.rejected;
        self.rejected_fields += other.rejected_fields;
        self.lines += other.lines;
        self.calls += other.calls;
    }
}
