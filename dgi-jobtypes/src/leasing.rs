//! `lsng/read`: leasing applications that received a finance company PO.

use chrono::Duration;
use dgi_core::dummy::{self, DummyRng};
use dgi_core::{DummySource, Field, JobType, Schema, Window, job_type};
use serde_json::{Value as Json, json};

/// Handle Leasing Requirement: one record per leasing application.
#[job_type(
    code = "leasing",
    label = "Handle Leasing Requirement",
    endpoint = "/lsng/read"
)]
#[derive(Debug, Default)]
pub struct Leasing;

const FIELDS: &[Field] = &[
    Field::text("idDokumenPengajuan"),
    Field::text("idSPK"),
    Field::decimal("jumlahDP"),
    Field::integer("tenor"),
    Field::decimal("jumlahCicilan"),
    Field::date("tanggalPengajuan"),
    Field::text("idFinanceCompany"),
    Field::text("namaFinanceCompany"),
    Field::text("idPOFinanceCompany"),
    Field::date("tanggalPembuatanPO"),
    Field::date("tanggalPengirimanPOFinanceCompany"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

/// The layout of `lsng/read` records.
pub const SCHEMA: Schema = Schema {
    key: "idDokumenPengajuan",
    fields: FIELDS,
    children: &[],
    filters: &["idSPK"],
};

impl JobType for Leasing {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

/// Finance companies: (code, name).
const FINCOS: &[(&str, &str)] = &[
    ("FIF01", "Astra FIF"),
    ("ADR01", "Adira Finance"),
    ("WOM01", "WOM Finance"),
    ("MUF01", "Mandiri Utama Finance"),
    ("BAF01", "Bussan Auto Finance"),
];

impl DummySource for Leasing {
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Json> {
        dummy::daily("leasing", dealer_id, window, 1..=3, |rng, day, seq| {
            let created = rng.office_time(day);
            (created, record(rng, dealer_id, day, seq, created))
        })
    }
}

fn record(
    rng: &mut DummyRng,
    dealer_id: &str,
    day: chrono::NaiveDate,
    seq: i64,
    created: chrono::NaiveDateTime,
) -> Json {
    let (finco, finco_name) = *rng.choose(FINCOS);
    let ym = dummy::year_month(day);
    let serial = format!("{}{seq:02}", day.format("%d"));
    let price = rng.amount(18_000_000..=45_000_000, 50_000);
    let dp = price / 100 * rng.int(10..=30) / 50_000 * 50_000;
    let tenor = *rng.choose(&[11, 17, 23, 29, 35]);
    let instalment = (price - dp) * 135 / 100 / tenor / 1_000 * 1_000;
    let applied = day - Duration::days(rng.int(1..=5));
    json!({
        "idDokumenPengajuan": format!("{finco}/{dealer_id}/{ym}/{serial}"),
        "idSPK": format!("SPK/{dealer_id}/{ym}/{serial}"),
        "jumlahDP": dp,
        "tenor": tenor,
        "jumlahCicilan": instalment,
        "tanggalPengajuan": dummy::date(applied),
        "idFinanceCompany": format!("FC/{finco}"),
        "namaFinanceCompany": finco_name,
        "idPOFinanceCompany": format!("PO/FC/{finco}/{ym}/{serial}"),
        "tanggalPembuatanPO": dummy::date(day),
        "tanggalPengirimanPOFinanceCompany": dummy::date(day),
        "dealerId": dealer_id,
        "createdTime": dummy::timestamp(created),
        "modifiedTime": dummy::timestamp(created),
    })
}
