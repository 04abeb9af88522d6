//! Job types defined with `#[job_type]` are registered with the exact meta.

use dgi_core::{DummySource, Field, JobMeta, JobType, Registration, Registry, Schema, Window};
use serde_json::Value as Json;

/// Handle Leasing Requirement.
#[dgi_macros::job_type(
    code = "leasing",
    label = "Handle Leasing Requirement",
    endpoint = "/lsng/read"
)]
#[derive(Debug, Default)]
pub struct Leasing;

/// Work orders, with an icon, through the re-export in `dgi_core`.
#[dgi_core::job_type(
    code = "work_order",
    label = "Manage Work Order (PKB)",
    endpoint = "/pkb/read",
    icon = "wrench"
)]
#[derive(Debug, Default)]
pub struct WorkOrder;

const LEASING: Schema = Schema {
    key: "idDokumenPengajuan",
    fields: &[Field::text("idDokumenPengajuan"), Field::integer("tenor")],
    children: &[],
    filters: &["idSPK"],
};

const WORK_ORDER: Schema = Schema {
    key: "noWorkOrder",
    fields: &[Field::text("noWorkOrder")],
    children: &[],
    filters: &[],
};

impl JobType for Leasing {
    fn schema(&self) -> &'static Schema {
        &LEASING
    }
}

impl DummySource for Leasing {
    fn generate(&self, _dealer_id: &str, _window: &Window) -> Vec<Json> {
        Vec::new()
    }
}

impl JobType for WorkOrder {
    fn schema(&self) -> &'static Schema {
        &WORK_ORDER
    }
}

impl DummySource for WorkOrder {
    fn generate(&self, _dealer_id: &str, _window: &Window) -> Vec<Json> {
        Vec::new()
    }
}

#[test]
fn both_are_registered_with_their_meta() -> dgi_core::Result<()> {
    let registry =
        Registry::from_registrations(dgi_core::__private::inventory::iter::<Registration>())?;
    assert_eq!(registry.codes(), ["leasing", "work_order"]);

    let leasing = registry.get("leasing")?;
    assert_eq!(
        leasing.meta,
        JobMeta {
            code: "leasing",
            label: "Handle Leasing Requirement",
            icon: None,
            endpoint: "/lsng/read",
        }
    );
    assert_eq!(leasing.job_type.schema(), &LEASING);

    let work_order = registry.get("work_order")?;
    assert_eq!(
        work_order.meta,
        JobMeta {
            code: "work_order",
            label: "Manage Work Order (PKB)",
            icon: Some("wrench"),
            endpoint: "/pkb/read",
        }
    );
    assert_eq!(work_order.job_type.schema(), &WORK_ORDER);
    Ok(())
}

#[test]
fn the_global_registry_has_them_too() -> dgi_core::Result<()> {
    let registry = Registry::global()?;
    assert_eq!(registry.get("leasing")?.meta.endpoint, "/lsng/read");
    assert_eq!(registry.get("work_order")?.meta.icon, Some("wrench"));
    Ok(())
}
