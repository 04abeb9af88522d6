//! The reference DGI job types: leasing, prospect, work orders (PKB) and
//! parts inbound, one module each, registered with `#[job_type]`.

mod fake;
pub mod leasing;
pub mod parts_inbound;
pub mod pkb;
pub mod prospect;

pub use leasing::Leasing;
pub use parts_inbound::PartsInbound;
pub use pkb::Pkb;
pub use prospect::Prospect;

/// Makes sure this crate is linked, so that its job types are registered.
///
/// A binary that depends on this crate but never names anything in it gets
/// no registrations: the linker drops a crate nothing refers to, and with it
/// the registrations. The `dgi` facade calls this before it reads the
/// registry.
#[inline(never)]
pub fn link() -> usize {
    let schemas = [
        &leasing::SCHEMA,
        &prospect::SCHEMA,
        &pkb::SCHEMA,
        &parts_inbound::SCHEMA,
    ];
    std::hint::black_box(schemas.iter().map(|s| s.fields.len()).sum())
}
