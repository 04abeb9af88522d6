//! Defines a job type of its own (parts sales, `/prsl/read`) and runs it on
//! dummy data in an in-memory SQLite database.
//!
//! Run with `cargo run --example custom_job_type`.

use dgi::dummy::{self, DummyRng};
use dgi::{
    Child, Dealer, DummySource, Field, JobType, Registry, RunRequest, Schema, Storage, Window,
    job_type,
};
use serde_json::{Value, json};

/// Manage Parts Sales: one record per sales order, with its part lines.
#[job_type(
    code = "parts_sales",
    label = "Manage Parts Sales",
    endpoint = "/prsl/read"
)]
#[derive(Debug, Default)]
struct PartsSales;

const PART_LINE: &[Field] = &[
    Field::text("partsNumber"),
    Field::integer("kuantitas").alias(&["Kuantitas"]),
    Field::decimal("hargaParts"),
    Field::decimal("discPercentage"),
];

const SCHEMA: Schema = Schema {
    key: "noSO",
    fields: &[
        Field::text("noSO"),
        Field::date("tglSO"),
        Field::text("namaCustomer"),
        Field::decimal("totalHargaSO"),
        Field::timestamp("createdTime"),
    ],
    children: &[Child {
        name: "parts",
        fields: PART_LINE,
    }],
    filters: &["noPO"],
};

impl JobType for PartsSales {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

impl DummySource for PartsSales {
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Value> {
        let mut records = Vec::new();
        for day in dummy::days(window) {
            let mut rng = DummyRng::for_day("parts_sales", dealer_id, day);
            let created = rng.office_time(day);
            if !dummy::contains(window, created) {
                continue;
            }
            let price = rng.amount(20_000..=150_000, 500);
            let quantity = rng.int(1..=4);
            records.push(json!({
                "noSO": format!("SO/{dealer_id}/{}/{}", dummy::year_month(day), rng.digits(5)),
                "tglSO": dummy::date(day),
                "namaCustomer": rng.pick(&["Budi Santoso", "Siti Rahayu", "Agus Wijaya"]),
                "totalHargaSO": price * quantity,
                "dealerId": dealer_id,
                "createdTime": dummy::timestamp(created),
                "parts": [{
                    "partsNumber": "08232M99K0LN9",
                    "kuantitas": quantity,
                    "hargaParts": price,
                    "discPercentage": "0,0",
                }],
            }));
        }
        records
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::global()?;
    let storage = Storage::connect("sqlite::memory:").await?;
    storage.init(registry).await?;
    storage.put_dealer(&Dealer::dummy("08138")).await?;

    let now = chrono::Local::now().naive_local();
    let request = RunRequest {
        job_type: "parts_sales".into(),
        dealer_id: "08138".into(),
        window: Window::last_days(now, 7),
        filters: Vec::new(),
    };
    let report = dgi::run_job(&storage, registry, &request).await?;
    println!("{report:#?}");

    let entry = registry.get("parts_sales")?;
    let page = storage.list_records(entry, &Default::default()).await?;
    println!("{}", serde_json::to_string_pretty(&page)?);
    Ok(())
}
