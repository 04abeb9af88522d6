//! `prsp/read`: prospects entered or updated in the dealer's database.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use dgi_core::dummy::{self, DummyRng};
use dgi_core::{Child, DummySource, Field, JobType, Schema, Window, job_type};
use serde_json::{Value as Json, json};

use crate::fake::{self, Person};

/// Manage Prospecting Activity: one record per prospect, with the unit
/// types they are interested in.
#[job_type(code = "prospect", label = "Prospect", endpoint = "/prsp/read")]
#[derive(Debug, Default)]
pub struct Prospect;

const FIELDS: &[Field] = &[
    Field::text("idProspect"),
    Field::text("sumberProspect"),
    Field::date("tanggalProspect"),
    Field::text("taggingProspect"),
    Field::text("namaLengkap"),
    Field::text("noKontak"),
    Field::text("noKtp"),
    Field::text("alamat"),
    Field::text("kodePropinsi"),
    Field::text("kodeKota"),
    Field::text("kodeKecamatan"),
    Field::text("kodeKelurahan"),
    Field::text("kodePos"),
    // Comma decimals, and the specification's own example has the two
    // swapped; the text is kept as sent.
    Field::text("latitude"),
    Field::text("longitude"),
    Field::text("alamatKantor"),
    Field::text("kodePropinsiKantor"),
    Field::text("kodeKotaKantor"),
    Field::text("kodeKecamatanKantor"),
    Field::text("kodeKelurahanKantor").alias(&["KodeKelurahanKantor"]),
    Field::text("kodePosKantor"),
    Field::text("kodePekerjaan"),
    Field::text("noKontakKantor"),
    Field::date("tanggalAppointment"),
    Field::time("waktuAppointment"),
    Field::text("metodeFollowUp"),
    Field::text("testRidePreference"),
    Field::text("statusFollowUpProspecting"),
    Field::text("statusProspect"),
    Field::text("idSalesPeople"),
    Field::text("idEvent"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

const UNIT: &[Field] = &[
    Field::text("kodeTipeUnit"),
    // Several program ids joined with commas.
    Field::text("salesProgramId"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

/// The layout of `prsp/read` records.
pub const SCHEMA: Schema = Schema {
    key: "idProspect",
    fields: FIELDS,
    children: &[Child {
        name: "unit",
        fields: UNIT,
    }],
    filters: &["idProspect", "idSalesPeople"],
};

impl JobType for Prospect {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}

/// The code of the main dealer in prospect and event ids.
const MAIN_DEALER: &str = "H2Z";

/// Prospect sources, walk-ins and repeat customers weighted up.
const SOURCES: &[&str] = &[
    "0001", "0002", "0003", "0004", "0004", "0004", "0005", "0006", "0007", "0008", "0008", "0009",
    "0010", "0011", "0012", "9999",
];

/// Sources that come from a dealer event and so carry an `idEvent`.
const EVENT_SOURCES: &[&str] = &["0001", "0002", "0003"];

/// H1 unit type codes (three characters).
const UNIT_TYPES: &[&str] = &[
    "HP1", "HP2", "HP3", "HP5", "H1B", "H5C", "HK2", "HD1", "H3A",
];

impl DummySource for Prospect {
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Json> {
        dummy::daily("prospect", dealer_id, window, 2..=5, |rng, day, seq| {
            let created = rng.office_time(day);
            (created, record(rng, dealer_id, day, seq, created))
        })
    }
}

fn record(
    rng: &mut DummyRng,
    dealer_id: &str,
    day: NaiveDate,
    seq: i64,
    created: NaiveDateTime,
) -> Json {
    let source = rng.pick(SOURCES);
    let ym = dummy::year_month(day);
    let serial = format!("{}{seq:03}", day.format("%d"));
    let modified = if rng.chance(30) {
        created + Duration::minutes(rng.int(5..=90))
    } else {
        created
    };

    let person = Person::draw(rng, day);
    let home = rng.choose(fake::REGIONS);
    let (latitude, longitude) = home.coordinates(rng);
    let mut prospect = json!({
        "idProspect": format!("{MAIN_DEALER}/{dealer_id}/{ym}/PSP/{source}/{serial}"),
        "sumberProspect": source,
        "tanggalProspect": dummy::date(day),
        "taggingProspect": if rng.chance(30) { "Yes" } else { "No" },
        "namaLengkap": person.name,
        "noKontak": fake::mobile(rng),
        "noKtp": home.identity_number(rng, &person),
        "alamat": home.address(rng),
        "kodePropinsi": home.province,
        "kodeKota": home.city,
        "kodeKecamatan": home.district,
        "kodeKelurahan": home.village,
        "kodePos": home.postcode,
        "latitude": latitude,
        "longitude": longitude,
        "kodePekerjaan": rng.int(1..=11).to_string(),
        "idSalesPeople": fake::staff_id(dealer_id, 10 + *rng.choose(&[1, 2, 3, 4, 5])),
        "idEvent": event_id(dealer_id, source, day),
        "dealerId": dealer_id,
        "createdTime": dummy::timestamp(created),
        "modifiedTime": dummy::timestamp(modified),
        "unit": units(rng, day, created, modified),
    });
    fake::extend(&mut prospect, office(rng));
    fake::extend(&mut prospect, follow_up(rng, day));
    prospect
}

/// The office address and phone; all empty for people without one.
fn office(rng: &mut DummyRng) -> Json {
    if rng.chance(40) {
        return json!({
            "alamatKantor": "",
            "kodePropinsiKantor": "",
            "kodeKotaKantor": "",
            "kodeKecamatanKantor": "",
            "kodeKelurahanKantor": "",
            "kodePosKantor": "",
            "noKontakKantor": "",
        });
    }
    let office = rng.choose(fake::REGIONS);
    json!({
        "alamatKantor": office.address(rng),
        "kodePropinsiKantor": office.province,
        "kodeKotaKantor": office.city,
        "kodeKecamatanKantor": office.district,
        "kodeKelurahanKantor": office.village,
        "kodePosKantor": office.postcode,
        "noKontakKantor": office.landline(rng),
    })
}

/// The appointment and where the follow-up stands.
fn follow_up(rng: &mut DummyRng, day: NaiveDate) -> Json {
    let appointment = day + Duration::days(rng.int(1..=14));
    let (hour, minute) = (rng.int(9..=16), rng.choose(&[0, 30]));
    json!({
        "tanggalAppointment": dummy::date(appointment),
        "waktuAppointment": format!("{hour:02}:{minute:02}"),
        "metodeFollowUp": rng.pick(&["1", "2", "3", "4"]),
        "testRidePreference": rng.pick(&["0", "1"]),
        "statusFollowUpProspecting": rng.pick(&["1", "1", "2"]),
        "statusProspect": rng.pick(&["1", "2", "2", "3", "3", "4", "5"]),
    })
}

/// `EV/[type]/[main dealer]/[dealer]/YY/MM/[seq]`: one event a week, for
/// prospects met at events; empty for the others.
fn event_id(dealer_id: &str, source: &str, day: NaiveDate) -> String {
    if !EVENT_SOURCES.contains(&source) {
        return String::new();
    }
    let week = day.day().div_ceil(7);
    let ym = dummy::year_month(day);
    format!("EV/E/{MAIN_DEALER}/{dealer_id}/{ym}/{week:03}")
}

/// One to three distinct unit types, each with zero to two sales programs.
fn units(
    rng: &mut DummyRng,
    day: NaiveDate,
    created: NaiveDateTime,
    modified: NaiveDateTime,
) -> Json {
    let first = usize::try_from(rng.int(0..=8)).unwrap_or(0);
    let count = usize::try_from(rng.int(1..=3)).unwrap_or(1);
    let ym = dummy::year_month(day);
    let lines = (0..count).map(|i| {
        let programs: Vec<String> = (1..=rng.int(0..=2))
            .map(|n| format!("PRM/0102/{ym}/{n:04}"))
            .collect();
        json!({
            "kodeTipeUnit": UNIT_TYPES[(first + i * 2) % UNIT_TYPES.len()],
            "salesProgramId": programs.join(","),
            "createdTime": dummy::timestamp(created),
            "modifiedTime": dummy::timestamp(modified),
        })
    });
    Json::Array(lines.collect())
}
