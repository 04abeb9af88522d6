//! `crate = "..."` names the path to `dgi_core` when it is renamed.

extern crate dgi_core as renamed;

use renamed::{DummySource, Field, JobType, Registry, Schema, Window};
use serde_json::Value as Json;

mod types {
    use super::*;

    /// Parts inbound, registered from a nested module through the renamed crate.
    #[renamed::job_type(
        code = "parts_inbound",
        label = "Parts Inbound",
        endpoint = "/pinb/read",
        crate = "renamed"
    )]
    #[derive(Debug, Default)]
    pub(crate) struct PartsInbound;

    const SCHEMA: Schema = Schema {
        key: "noPenerimaan",
        fields: &[Field::text("noPenerimaan")],
        children: &[],
        filters: &[],
    };

    impl JobType for PartsInbound {
        fn schema(&self) -> &'static Schema {
            &SCHEMA
        }
    }

    impl DummySource for PartsInbound {
        fn generate(&self, _dealer_id: &str, _window: &Window) -> Vec<Json> {
            Vec::new()
        }
    }
}

fn main() {
    let registry = Registry::global().expect("a valid registry");
    assert_eq!(registry.codes(), ["parts_inbound"]);
    assert_eq!(registry.get("parts_inbound").expect("registered").meta.endpoint, "/pinb/read");
}
