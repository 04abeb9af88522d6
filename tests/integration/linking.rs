//! The reference job types are registered for anyone who uses the facade,
//! even when nothing of `dgi-jobtypes` is named.

#[test]
fn facade_registers_every_reference_job_type() {
    let registry = dgi::Registry::global().expect("registry is valid");
    for code in ["leasing", "parts_inbound", "pkb", "prospect"] {
        assert!(
            registry.get(code).is_ok(),
            "`{code}` is not registered: {:?}",
            registry.codes()
        );
    }
}
