//! `dgi` ingests Honda dealer data from the DGI API (v1.3) into SQL.
//!
//! A data type is one annotated module: a struct carrying
//! `#[job_type(code = "...", label = "...", endpoint = "/.../read")]` that
//! implements [`JobType`] (its schema) and [`DummySource`] (demo data).
//! Registration goes through `inventory`, so the routing, the API
//! configuration row, the tables and the queries all follow from that one
//! module.
//!
//! This crate is the facade: it re-exports [`dgi_core`], the attribute, and
//! the reference job types of [`jobtypes`] (leasing, prospect, work orders,
//! parts inbound), and links them, so [`Registry::global`] always sees them.
//!
//! ```no_run
//! # async fn demo() -> dgi::Result<()> {
//! use dgi::{Dealer, RunRequest, Storage, Window};
//!
//! let registry = dgi::Registry::global()?;
//! let storage = Storage::connect("sqlite::memory:").await?;
//! storage.init(registry).await?;
//! storage.put_dealer(&Dealer::dummy("08138")).await?;
//!
//! let request = RunRequest {
//!     job_type: "leasing".into(),
//!     dealer_id: "08138".into(),
//!     window: Window::parse("2026-11-24 00:00:00", "2026-11-30 23:59:59")?,
//!     filters: Vec::new(),
//! };
//! let report = dgi::run_job(&storage, registry, &request).await?;
//! println!("{} fetched, {} inserted", report.fetched, report.inserted);
//! # Ok(())
//! # }
//! ```
//!
//! Job types defined in your own crate are registered once that crate is
//! linked into the binary. A crate nothing refers to is left out by the
//! compiler, and its registrations with it: name it somewhere in the
//! binary, for instance with `use my_job_types as _;`.

/// Used by the code `#[job_type]` generates, as `::dgi::__private`.
#[doc(hidden)]
pub use dgi_core::__private;
pub use dgi_core::*;
/// The reference job types.
pub use dgi_jobtypes as jobtypes;

#[doc = include_str!("../docs/guide.md")]
pub mod guide {}
