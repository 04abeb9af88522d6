//! The reference DGI job types: leasing, prospect, work orders (PKB) and
//! parts inbound, one module each, registered with `#[job_type]`.
//!
//! A binary sees these registrations only if this crate is linked into it,
//! and the compiler leaves out a crate that nothing names. The `dgi` facade
//! names it (it re-exports it as `dgi::jobtypes`), so depending on the
//! facade is enough; a binary depending on this crate directly names it,
//! for instance with `use dgi_jobtypes as _;`.

mod fake;
pub mod leasing;
pub mod parts_inbound;
pub mod pkb;
pub mod prospect;

pub use leasing::Leasing;
pub use parts_inbound::PartsInbound;
pub use pkb::Pkb;
pub use prospect::Prospect;
