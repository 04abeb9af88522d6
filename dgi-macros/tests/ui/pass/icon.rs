//! `icon` is optional; keys may come in any order, with a trailing comma.

use dgi_core::{DummySource, Field, JobType, Registry, Schema, Window, job_type};
use serde_json::Value as Json;

/// Prospects.
#[derive(Debug, Default)]
#[job_type(
    endpoint = "/prsp/read",
    icon = "user-plus",
    label = "Manage Prospect",
    code = "prospect",
)]
pub struct Prospect;

const SCHEMA: Schema = Schema {
    key: "idProspect",
    fields: &[Field::text("idProspect")],
    children: &[],
    filters: &[],
};

impl JobType for Prospect {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

impl DummySource for Prospect {
    fn generate(&self, _dealer_id: &str, _window: &Window) -> Vec<Json> {
        Vec::new()
    }
}

fn main() {
    let registry = Registry::global().expect("a valid registry");
    let entry = registry.get("prospect").expect("`prospect` is registered");
    assert_eq!(entry.meta.icon, Some("user-plus"));
    assert_eq!(entry.meta.label, "Manage Prospect");
    assert_eq!(entry.meta.endpoint, "/prsp/read");
}
