//! `pinb/read`: parts received at the dealer's warehouse against purchase
//! orders.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use dgi_core::dummy::{self, DummyRng};
use dgi_core::{Child, DummySource, Field, JobType, Schema, Window, job_type};
use serde_json::{Value as Json, json};

use crate::fake;

/// Manage Parts Inbound: one record per goods receipt, one line per
/// purchase order line received.
#[job_type(
    code = "parts_inbound",
    label = "Part Inbound - PINB",
    endpoint = "/pinb/read"
)]
#[derive(Debug, Default)]
pub struct PartsInbound;

const FIELDS: &[Field] = &[
    Field::text("noPenerimaan"),
    Field::date("tglPenerimaan"),
    Field::text("noShippingList"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

const PO: &[Field] = &[
    Field::text("noPO"),
    Field::text("jenisOrder"),
    Field::text("idWarehouse"),
    Field::text("partsNumber"),
    // All units received, including those not ready for sale.
    Field::integer("kuantitas").alias(&["Kuantitas"]),
    Field::text("uom").alias(&["Uom"]),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

/// The layout of `pinb/read` records.
pub const SCHEMA: Schema = Schema {
    key: "noPenerimaan",
    fields: FIELDS,
    children: &[Child {
        name: "po",
        fields: PO,
    }],
    filters: &["noPO"],
};

impl JobType for PartsInbound {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

/// Order kinds (fix, regular, hotline, urgent), regular orders weighted up.
const ORDER_KINDS: &[&str] = &["1", "2", "2", "2", "2", "3", "4"];

const WAREHOUSES: &[&str] = &["WH101", "WH102"];

impl DummySource for PartsInbound {
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Json> {
        dummy::daily(
            "parts_inbound",
            dealer_id,
            window,
            1..=2,
            |rng, day, seq| {
                let created = rng.office_time(day);
                (created, record(rng, dealer_id, day, seq, created))
            },
        )
    }
}

fn record(
    rng: &mut DummyRng,
    dealer_id: &str,
    day: NaiveDate,
    seq: i64,
    created: NaiveDateTime,
) -> Json {
    let ym = dummy::year_month(day);
    let serial = format!("{}{seq:02}", day.format("%d"));
    let shipped = day - Duration::days(rng.int(1..=3));
    json!({
        "noPenerimaan": format!("RCV/{dealer_id}/{ym}/{serial}"),
        "tglPenerimaan": dummy::date(day),
        "noShippingList": format!("SPL/{dealer_id}/{}/{serial}", dummy::year_month(shipped)),
        "dealerId": dealer_id,
        "createdTime": dummy::timestamp(created),
        "modifiedTime": dummy::timestamp(created),
        "po": lines(rng, created),
    })
}

/// One to four distinct parts from one or two purchase orders; hotline
/// orders are for one customer, so they bring one or two units.
fn lines(rng: &mut DummyRng, created: NaiveDateTime) -> Json {
    let orders = [
        (rng.digits(6), rng.pick(ORDER_KINDS)),
        (rng.digits(6), rng.pick(ORDER_KINDS)),
    ];
    let first = usize::try_from(rng.int(0..=9)).unwrap_or(0);
    let count = usize::try_from(rng.int(1..=4)).unwrap_or(1);
    let lines = (0..count).map(|i| {
        let (order, kind) = rng.choose(&orders);
        let part = &fake::PARTS[(first + i * 3) % fake::PARTS.len()];
        let quantity = match (*kind, part.uom) {
            ("3", _) => rng.int(1..=2),
            (_, "Set") => rng.int(2..=10),
            _ => rng.int(1..=10) * 10,
        };
        json!({
            "noPO": order,
            "jenisOrder": kind,
            "idWarehouse": rng.pick(WAREHOUSES),
            "partsNumber": part.number,
            "kuantitas": quantity,
            "uom": part.uom,
            "createdTime": dummy::timestamp(created),
            "modifiedTime": dummy::timestamp(created),
        })
    });
    Json::Array(lines.collect())
}
