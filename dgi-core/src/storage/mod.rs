//! Storage in SQL through sea-orm: core tables and one set per job type.

mod processor;

use sea_orm::DatabaseConnection;

pub use processor::{Processor, StoreContext, TableProcessor};

/// Where a dealer's data comes from. No fallback from one to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealerSource {
    /// The live API, with the dealer's credentials.
    Live,
    /// The job type's deterministic dummy source.
    Dummy,
}

/// A dealer, as stored.
#[derive(Debug, Clone)]
pub struct Dealer {
    /// The dealer code (Kode Dealer ODA), e.g. `08138`.
    pub id: String,
    /// A display name.
    pub name: Option<String>,
    /// API credentials, for a live dealer.
    pub credentials: Option<crate::Credentials>,
    /// Whether jobs run for this dealer.
    pub active: bool,
    /// Live or dummy.
    pub source: DealerSource,
}

/// A database holding dealers, API configurations, runs and job data.
#[derive(Debug, Clone)]
pub struct Storage {
    db: DatabaseConnection,
}

impl Storage {
    /// The underlying connection.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }
}
