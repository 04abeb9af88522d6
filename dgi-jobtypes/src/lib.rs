//! The reference DGI job types: leasing, prospect, work orders (PKB) and
//! parts inbound, one module each, registered with `#[job_type]`.

pub mod leasing;

pub use leasing::Leasing;

/// Makes sure this crate is linked, so that its job types are registered.
///
/// A binary that depends on this crate but never names anything in it gets
/// no registrations: the linker drops a crate nothing refers to, and with it
/// the registrations. The `dgi` facade calls this before it reads the
/// registry.
#[inline(never)]
pub fn link() -> usize {
    std::hint::black_box(leasing::SCHEMA.fields.len())
}
