//! A complete job type through `dgi_core`, found in the registry.

use dgi_core::{DummySource, Field, JobMeta, JobType, Registry, Schema, Window, job_type};
use serde_json::{Value as Json, json};

/// Handle Leasing Requirement.
#[job_type(code = "leasing", label = "Handle Leasing Requirement", endpoint = "/lsng/read")]
#[derive(Debug, Default, Clone, Copy)]
pub struct Leasing;

const SCHEMA: Schema = Schema {
    key: "idDokumenPengajuan",
    fields: &[Field::text("idDokumenPengajuan"), Field::decimal("jumlahDP")],
    children: &[],
    filters: &[],
};

impl JobType for Leasing {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

impl DummySource for Leasing {
    fn generate(&self, dealer_id: &str, _window: &Window) -> Vec<Json> {
        vec![json!({ "idDokumenPengajuan": "1", "jumlahDP": 1, "dealerId": dealer_id })]
    }
}

fn main() {
    // The struct is unchanged: its derives still apply.
    let _copy: Leasing = Leasing.clone();
    let registry = Registry::global().expect("a valid registry");
    let entry = registry.get("leasing").expect("`leasing` is registered");
    assert_eq!(
        entry.meta,
        JobMeta {
            code: "leasing",
            label: "Handle Leasing Requirement",
            icon: None,
            endpoint: "/lsng/read",
        }
    );
    assert_eq!(entry.job_type.schema(), &SCHEMA);
}
