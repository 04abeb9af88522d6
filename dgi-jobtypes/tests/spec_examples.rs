//! The reference job types against the specification's own example
//! responses, and their dummy sources against the rules every source keeps.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use dgi_core::value::read_timestamp;
use dgi_core::{DummySource, Field, Record, Schema, Value, Window};
use dgi_jobtypes::{Leasing, PartsInbound, Pkb, Prospect, leasing, parts_inbound, pkb, prospect};
use serde_json::{Value as Json, json};

const LSNG: &str = include_str!("samples/lsng-response.json");
const PRSP: &str = include_str!("samples/prsp-response.json");
const PKB: &str = include_str!("samples/pkb-response.json");
const PINB: &str = include_str!("samples/pinb-response.json");

const DEALER: &str = "08138";

// Building expected values.

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn dec(s: &str) -> Value {
    Value::Decimal(s.parse().expect("a decimal"))
}

fn date(day: u32, month: u32, year: i32) -> Value {
    Value::Date(NaiveDate::from_ymd_opt(year, month, day).expect("a date"))
}

fn at(day: u32, month: u32, year: i32, time: (u32, u32, u32)) -> Value {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("a date");
    Value::Timestamp(date.and_hms_opt(time.0, time.1, time.2).expect("a time"))
}

fn time(hour: u32, minute: u32) -> Value {
    Value::Time(NaiveTime::from_hms_opt(hour, minute, 0).expect("a time"))
}

// Checking decoded records.

/// The first element of a sample response's `data`.
fn first_element(sample: &str) -> Json {
    let response: Json = serde_json::from_str(sample).expect("the sample is JSON");
    response["data"][0].clone()
}

/// Decodes `element`, asserting nothing was unreadable or unknown.
fn decode_cleanly(schema: &Schema, element: &Json) -> Record {
    let record = Record::decode(schema, element).expect("the element decodes");
    assert_eq!(record.problems, [], "no unreadable fields");
    assert!(
        record.extra.is_empty(),
        "no unknown fields: {:?}",
        record.extra
    );
    for (child, lines) in schema.children.iter().zip(&record.children) {
        for (i, line) in lines.iter().enumerate() {
            assert!(
                line.extra.is_empty(),
                "`{}[{i}]` has extras: {:?}",
                child.name,
                line.extra
            );
        }
    }
    record
}

/// Asserts that `values` are exactly `expected`, which names every field in
/// the schema's order.
fn assert_values(fields: &[Field], values: &[Value], expected: &[(&str, Value)]) {
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names, expected_names,
        "the expectations name every field, in order"
    );
    assert_eq!(values.len(), fields.len());
    for ((name, want), got) in expected.iter().zip(values) {
        assert_eq!(got, want, "`{name}`");
    }
}

// Checking the export.

/// How a value the server sent comes back from `Record::to_json` when it
/// does not come back unchanged.
#[derive(Debug, Clone, Copy)]
enum Normalised {
    /// Text loses its surrounding blanks: `"BA082 "` -> `"BA082"`.
    Trimmed,
    /// Comma-decimal text becomes a JSON number: `"0,0"` -> `0`.
    Number,
    /// `""` means absent and comes back as `null`.
    Absent,
}

impl Normalised {
    fn apply(self, sent: &Json) -> Json {
        let text = sent.as_str().expect("only text is normalised");
        match self {
            Self::Trimmed => json!(text.trim()),
            Self::Number => {
                let number: f64 = text.replace(',', ".").parse().expect("a comma decimal");
                if number.fract() == 0.0 {
                    json!(number as i64)
                } else {
                    json!(number)
                }
            }
            Self::Absent => {
                assert_eq!(text, "", "only empty text is absent");
                Json::Null
            }
        }
    }
}

/// Asserts that `back` has exactly the fields of `sent`, each with the same
/// value except for the listed normalisations. Lines are named
/// `services[].idJob`. Each listed normalisation must change something.
fn assert_round_trip(sent: &Json, back: &Json, changes: &[(&str, Normalised)]) {
    let changes: HashMap<&str, Normalised> = changes.iter().copied().collect();
    let mut used = HashSet::new();
    compare_objects("", sent, back, &changes, &mut used);
    let unused: Vec<&&str> = changes.keys().filter(|k| !used.contains(**k)).collect();
    assert!(
        unused.is_empty(),
        "normalisations never applied: {unused:?}"
    );
}

fn compare_objects(
    prefix: &str,
    sent: &Json,
    back: &Json,
    changes: &HashMap<&str, Normalised>,
    used: &mut HashSet<String>,
) {
    let (sent, back) = (
        sent.as_object().expect("object"),
        back.as_object().expect("object"),
    );
    let mut sent_names: Vec<&str> = sent.keys().map(|k| k.trim()).collect();
    let mut back_names: Vec<&str> = back.keys().map(String::as_str).collect();
    sent_names.sort_unstable();
    back_names.sort_unstable();
    assert_eq!(back_names, sent_names, "fields of `{prefix}`");

    for (name, sent_value) in sent {
        let path = format!("{prefix}{}", name.trim());
        let back_value = &back[name.trim()];
        if let (Json::Array(sent_lines), Json::Array(back_lines)) = (sent_value, back_value) {
            assert_eq!(back_lines.len(), sent_lines.len(), "lines of `{path}`");
            for (s, b) in sent_lines.iter().zip(back_lines) {
                compare_objects(&format!("{path}[]."), s, b, changes, used);
            }
            continue;
        }
        let expected = match changes.get(path.as_str()) {
            Some(change) => {
                let expected = change.apply(sent_value);
                assert_ne!(&expected, sent_value, "`{path}` is listed but unchanged");
                used.insert(path.clone());
                expected
            }
            None => sent_value.clone(),
        };
        assert_eq!(back_value, &expected, "`{path}`");
    }
}

// The specification's examples.

#[test]
fn leasing_example_decodes_field_by_field() {
    let element = first_element(LSNG);
    let record = decode_cleanly(&leasing::SCHEMA, &element);
    assert_eq!(record.key, "FIF01/12345/18/09/00001");
    assert_eq!(record.dealer_id.as_deref(), Some(DEALER));
    assert_values(
        leasing::SCHEMA.fields,
        &record.values,
        &[
            ("idDokumenPengajuan", text("FIF01/12345/18/09/00001")),
            ("idSPK", text("SPK/12345/18/01/00001")),
            ("jumlahDP", dec("1500000")),
            ("tenor", Value::Integer(35)),
            ("jumlahCicilan", dec("600000")),
            ("tanggalPengajuan", date(2, 10, 2018)),
            ("idFinanceCompany", text("FC/FIF01")),
            ("namaFinanceCompany", text("Astra FIF")),
            ("idPOFinanceCompany", text("PO/FC/FIF01/18/01/0001")),
            ("tanggalPembuatanPO", date(2, 10, 2018)),
            ("tanggalPengirimanPOFinanceCompany", date(2, 10, 2018)),
            ("createdTime", at(31, 12, 2019, (15, 40, 50))),
            ("modifiedTime", at(31, 12, 2019, (15, 40, 50))),
        ],
    );

    let back = record.to_json(&leasing::SCHEMA, DEALER);
    assert_round_trip(
        &element,
        &back,
        &[("idDokumenPengajuan", Normalised::Trimmed)],
    );
}

#[test]
fn prospect_example_decodes_field_by_field() {
    let element = first_element(PRSP);
    let record = decode_cleanly(&prospect::SCHEMA, &element);
    assert_eq!(record.key, "H2Z/12345/19/03/PSP/0001/00001");
    assert_eq!(record.dealer_id.as_deref(), Some(DEALER));
    let created = at(31, 12, 2019, (15, 40, 30));
    assert_values(
        prospect::SCHEMA.fields,
        &record.values,
        &[
            ("idProspect", text("H2Z/12345/19/03/PSP/0001/00001")),
            ("sumberProspect", text("0001")),
            ("tanggalProspect", date(31, 12, 2019)),
            ("taggingProspect", text("Yes")),
            ("namaLengkap", text("Amir Nasution")),
            ("noKontak", text("0812123123")),
            ("noKtp", text("32010705060900002")),
            ("alamat", text("Jl. Xxxxx No. 12 RT 001, RW 002")),
            ("kodePropinsi", text("3100")),
            ("kodeKota", text("3101")),
            ("kodeKecamatan", text("317404")),
            ("kodeKelurahan", text("3174040001")),
            ("kodePos", text("14130")),
            ("latitude", text("111,123121")),
            ("longitude", text("-7,123111")),
            ("alamatKantor", Value::Null),
            ("kodePropinsiKantor", Value::Null),
            ("kodeKotaKantor", Value::Null),
            ("kodeKecamatanKantor", Value::Null),
            ("kodeKelurahanKantor", Value::Null),
            ("kodePosKantor", Value::Null),
            ("kodePekerjaan", text("1")),
            ("noKontakKantor", text("0214244364")),
            ("tanggalAppointment", date(31, 1, 2020)),
            ("waktuAppointment", time(15, 30)),
            ("metodeFollowUp", text("1")),
            ("testRidePreference", text("1")),
            ("statusFollowUpProspecting", text("1")),
            ("statusProspect", text("3")),
            ("idSalesPeople", text("122536")),
            ("idEvent", text("EV/E/K0Z/12321/18/01/004")),
            ("createdTime", created.clone()),
            ("modifiedTime", created.clone()),
        ],
    );

    let units = &record.children[0];
    assert_eq!(units.len(), 3);
    for (line, unit_type) in units.iter().zip(["HP1", "HP2", "HP3"]) {
        assert_values(
            prospect::SCHEMA.children[0].fields,
            &line.values,
            &[
                ("kodeTipeUnit", text(unit_type)),
                (
                    "salesProgramId",
                    text("PRM/0102/18/12/0001,PRM/0102/18/12/0002"),
                ),
                ("createdTime", created.clone()),
                ("modifiedTime", created.clone()),
            ],
        );
    }

    let back = record.to_json(&prospect::SCHEMA, DEALER);
    let office = [
        "alamatKantor",
        "kodePropinsiKantor",
        "kodeKotaKantor",
        "kodeKecamatanKantor",
        "kodeKelurahanKantor",
        "kodePosKantor",
    ];
    let changes: Vec<_> = office.iter().map(|f| (*f, Normalised::Absent)).collect();
    assert_round_trip(&element, &back, &changes);
}

#[test]
fn prospect_reads_the_capitalised_office_village() {
    let element = json!({"idProspect": "P/1", "KodeKelurahanKantor": "3174040001"});
    let record = decode_cleanly(&prospect::SCHEMA, &element);
    let index = prospect::SCHEMA
        .fields
        .iter()
        .position(|f| f.name == "kodeKelurahanKantor");
    assert_eq!(record.values[index.expect("field")], text("3174040001"));
}

#[test]
fn pkb_example_decodes_field_by_field() {
    let element = first_element(PKB);
    let record = decode_cleanly(&pkb::SCHEMA, &element);
    assert_eq!(record.key, "WO/08138/18/12/123");
    assert_eq!(record.dealer_id.as_deref(), Some(DEALER));
    assert_values(pkb::SCHEMA.fields, &record.values, &pkb_header());

    let expected = [pkb_services(), pkb_parts()];
    let children = pkb::SCHEMA.children.iter().zip(&record.children);
    for ((child, lines), expected_lines) in children.zip(&expected) {
        assert_eq!(lines.len(), expected_lines.len(), "`{}`", child.name);
        for (line, expected) in lines.iter().zip(expected_lines) {
            assert_values(child.fields, &line.values, expected);
        }
    }

    let back = record.to_json(&pkb::SCHEMA, DEALER);
    let changes = [
        ("services[].idJob", Normalised::Trimmed),
        ("services[].promoIdJasa", Normalised::Absent),
        ("services[].discServicePercentage", Normalised::Number),
        ("parts[].idJob", Normalised::Trimmed),
        ("parts[].discPartsPercentage", Normalised::Number),
    ];
    assert_round_trip(&element, &back, &changes);
}

fn pkb_header() -> Vec<(&'static str, Value)> {
    let created = at(31, 12, 2018, (9, 39, 59));
    vec![
        ("noWorkOrder", text("WO/08138/18/12/123")),
        ("noSAForm", text("SAF/08138/18/12/123")),
        ("tanggalServis", date(31, 12, 2018)),
        ("waktuPKB", created.clone()),
        ("noPolisi", text("B 1177 AAL")),
        ("noRangka", text("KC4111EK230036")),
        ("noMesin", text("JB81E1519099")),
        ("kodeTipeUnit", text("BA")),
        ("tahunMotor", text("2018")),
        ("informasiBensin", text("1")),
        ("kmTerakhir", Value::Integer(64000)),
        ("tipeComingCustomer", text("1")),
        ("namaPemilik", text("John Doe")),
        ("alamatPemilik", text("Jl. Jend. Sudirman No. 20, Jakarta")),
        ("kodePropinsiPemilik", text("3100")),
        ("kodeKotaPemilik", text("3101")),
        ("kodeKecamatanPemilik", text("317404")),
        ("kodeKelurahanPemilik", text("3174040001")),
        ("kodePosPemilik", text("14130")),
        ("alamatPembawa", text("Jl. Jend. Sudirman No. 20, Jakarta")),
        ("kodePropinsiPembawa", text("3100")),
        ("kodeKotaPembawa", text("3101")),
        ("kodeKecamatanPembawa", text("317404")),
        ("kodeKelurahanPembawa", text("3174040001")),
        ("kodePosPembawa", text("14130")),
        ("namaPembawa", text("John Doe")),
        ("noTelpPembawa", text("081222233344")),
        ("hubunganDenganPemilik", text("3")),
        ("keluhanKonsumen", text("ban bocor")),
        ("rekomendasiSA", text("mengganti ban")),
        ("hondaIdSA", text("123456")),
        ("hondaIdMekanik", text("123456")),
        ("saranMekanik", text("mengganti ban")),
        ("asalUnitEntry", text("SVPS")),
        ("idPIT", text("1")),
        ("jenisPIT", text("1")),
        ("waktuPendaftaran", at(31, 12, 2018, (9, 59, 59))),
        ("waktuSelesai", at(31, 12, 2018, (10, 59, 59))),
        ("totalFRT", time(1, 0)),
        ("setUpPembayaran", text("1")),
        ("catatanTambahan", text("rem kurang pakem")),
        ("konfirmasiPekerjaanTambahan", text("1")),
        ("noBukuClaimC2", text("BA106")),
        ("noWorkOrderJobReturn", text("WO/08138/12/29/099")),
        ("totalBiayaService", dec("280000")),
        ("waktuPekerjaan", time(1, 0)),
        ("statusWorkOrder", text("4")),
        ("createdTime", created.clone()),
        ("modifiedTime", created),
    ]
}

/// The example's service lines, value by value.
fn pkb_services() -> [Vec<(&'static str, Value)>; 2] {
    let created = at(31, 12, 2018, (9, 39, 59));
    [
        vec![
            ("idJob", text("BA082")),
            ("namaPekerjaan", text("Light Repair Perawatan Beat")),
            ("jenisPekerjaan", text("Light Repair")),
            ("biayaService", dec("180000")),
            ("promoIdJasa", Value::Null),
            ("discServiceAmount", dec("0")),
            ("discServicePercentage", dec("0")),
            ("totalHargaServis", dec("180000")),
            ("createdTime", created.clone()),
            ("modifiedTime", created.clone()),
        ],
        vec![
            ("idJob", text("BA113")),
            ("namaPekerjaan", text("Ganti Oli Beat")),
            ("jenisPekerjaan", text("Ganti Oli Plus")),
            ("biayaService", dec("30000")),
            ("promoIdJasa", Value::Null),
            ("discServiceAmount", dec("0")),
            ("discServicePercentage", dec("0")),
            ("totalHargaServis", dec("30000")),
            ("createdTime", created.clone()),
            ("modifiedTime", created),
        ],
    ]
}

/// The example's part lines, value by value.
fn pkb_parts() -> [Vec<(&'static str, Value)>; 2] {
    let created = at(31, 12, 2018, (9, 39, 59));
    [
        vec![
            ("idJob", text("BA082")),
            ("partsNumber", text("772A0KCJ660")),
            ("kuantitas", Value::Integer(2)),
            ("hargaParts", dec("18181")),
            ("promoIdParts", text("32135")),
            ("discPartsAmount", dec("0")),
            ("discPartsPercentage", dec("0")),
            ("ppn", dec("1818")),
            ("totalHargaParts", dec("40000")),
            ("uangMuka", dec("30000")),
            ("createdTime", created.clone()),
            ("modifiedTime", created.clone()),
        ],
        vec![
            ("idJob", text("BA113")),
            ("partsNumber", text("872A0KCJ660")),
            ("kuantitas", Value::Integer(1)),
            ("hargaParts", dec("27272")),
            ("promoIdParts", text("A123456")),
            ("discPartsAmount", dec("5000")),
            ("discPartsPercentage", dec("0")),
            ("ppn", dec("2727")),
            ("totalHargaParts", dec("30000")),
            ("uangMuka", dec("0")),
            ("createdTime", created.clone()),
            ("modifiedTime", created),
        ],
    ]
}

#[test]
fn pkb_reads_the_capitalised_line_fields() {
    let element = json!({"noWorkOrder": "WO/1", "parts": [{"Kuantitas": 3, "Ppn": 2727}]});
    let record = decode_cleanly(&pkb::SCHEMA, &element);
    let line = &record.children[1][0].values;
    assert_eq!(line[2], Value::Integer(3));
    assert_eq!(line[7], dec("2727"));
}

#[test]
fn parts_inbound_example_decodes_field_by_field() {
    let element = first_element(PINB);
    let record = decode_cleanly(&parts_inbound::SCHEMA, &element);
    assert_eq!(record.key, "RCV/12321/18/01/0001");
    assert_eq!(record.dealer_id.as_deref(), Some(DEALER));
    let created = at(31, 12, 2018, (11, 59, 59));
    assert_values(
        parts_inbound::SCHEMA.fields,
        &record.values,
        &[
            ("noPenerimaan", text("RCV/12321/18/01/0001")),
            ("tglPenerimaan", date(2, 1, 2018)),
            ("noShippingList", text("SPL/12321/18/01/0001")),
            ("createdTime", created.clone()),
            ("modifiedTime", created.clone()),
        ],
    );

    let lines = &record.children[0];
    assert_eq!(lines.len(), 2);
    let expected = [("WH123", "272A0KCJ660", 100), ("WH124", "372A0KCJ660", 50)];
    for (line, (warehouse, part, quantity)) in lines.iter().zip(expected) {
        assert_values(
            parts_inbound::SCHEMA.children[0].fields,
            &line.values,
            &[
                ("noPO", text("123456")),
                ("jenisOrder", text("2")),
                ("idWarehouse", text(warehouse)),
                ("partsNumber", text(part)),
                ("kuantitas", Value::Integer(quantity)),
                ("uom", text("pcs")),
                ("createdTime", created.clone()),
                ("modifiedTime", created.clone()),
            ],
        );
    }

    let back = record.to_json(&parts_inbound::SCHEMA, DEALER);
    assert_round_trip(&element, &back, &[]);
}

#[test]
fn parts_inbound_reads_the_capitalised_line_fields() {
    let element = json!({"noPenerimaan": "RCV/1", "po": [{"Kuantitas": "12", "Uom": "Box"}]});
    let record = decode_cleanly(&parts_inbound::SCHEMA, &element);
    let line = &record.children[0][0].values;
    assert_eq!(line[4], Value::Integer(12));
    assert_eq!(line[5], text("Box"));
}

// The dummy sources.

/// Each reference job type's dummy source, its code and its schema.
fn sources() -> [(&'static str, &'static dyn DummySource, &'static Schema); 4] {
    [
        ("leasing", &Leasing, &leasing::SCHEMA),
        ("prospect", &Prospect, &prospect::SCHEMA),
        ("pkb", &Pkb, &pkb::SCHEMA),
        ("parts_inbound", &PartsInbound, &parts_inbound::SCHEMA),
    ]
}

fn week() -> Window {
    Window::parse("2026-11-23 00:00:00", "2026-11-29 23:59:59").expect("a window")
}

fn created(record: &Json) -> NaiveDateTime {
    let text = record["createdTime"].as_str().expect("a created time");
    read_timestamp(text).expect("a timestamp")
}

#[test]
fn dummy_sources_repeat_themselves() {
    for (code, source, _) in sources() {
        let first = source.generate(DEALER, &week());
        assert!(!first.is_empty(), "{code}: a week has records");
        assert_eq!(first, source.generate(DEALER, &week()), "{code}");
    }
}

#[test]
fn dummy_records_of_a_short_window_are_those_of_the_week() {
    let afternoon = Window::parse("2026-11-25 12:00:00", "2026-11-25 17:00:00").expect("window");
    for (code, source, _) in sources() {
        let whole_week = source.generate(DEALER, &week());
        for record in source.generate(DEALER, &afternoon) {
            let time = created(&record);
            assert!(
                afternoon.from <= time && time <= afternoon.to,
                "{code}: {time}"
            );
            assert!(whole_week.contains(&record), "{code}: {record}");
        }
    }
}

#[test]
fn dummy_records_fall_in_the_window_with_unique_keys() {
    for (code, source, schema) in sources() {
        let window = week();
        let mut keys = HashSet::new();
        for record in source.generate(DEALER, &window) {
            let time = created(&record);
            assert!(window.from <= time && time <= window.to, "{code}: {time}");
            let key = record[schema.key].as_str().expect("a key").to_owned();
            assert!(key.contains(DEALER), "{code}: `{key}` names the dealer");
            assert!(keys.insert(key.clone()), "{code}: `{key}` twice");
        }
    }
}

#[test]
fn dummy_records_decode_without_problems() {
    for (code, source, schema) in sources() {
        for element in source.generate(DEALER, &week()) {
            let record = decode_cleanly(schema, &element);
            assert_eq!(record.dealer_id.as_deref(), Some(DEALER), "{code}");
            assert_eq!(record.to_json(schema, DEALER)["dealerId"], json!(DEALER));
            assert_every_field_sent(schema, &element);
        }
    }
}

/// Every field of the schema and of its lines is present, if only empty.
fn assert_every_field_sent(schema: &Schema, element: &Json) {
    for field in schema.fields {
        assert!(
            element.get(field.name).is_some(),
            "`{}` missing",
            field.name
        );
    }
    for child in schema.children {
        let lines = element[child.name].as_array().expect("an array of lines");
        for line in lines {
            for field in child.fields {
                let name = field.name;
                assert!(
                    line.get(name).is_some(),
                    "`{}[].{name}` missing",
                    child.name
                );
            }
        }
    }
}

#[test]
fn dummy_work_orders_have_jobs_with_two_lines() {
    let orders = Pkb.generate(DEALER, &week());
    let shared = orders.iter().any(|order| {
        let mut jobs = HashSet::new();
        let parts = order["parts"].as_array().expect("parts");
        parts
            .iter()
            .any(|part| !jobs.insert(part["idJob"].as_str().expect("idJob")))
    });
    assert!(shared, "some work order has two part lines for one job");
}

#[test]
fn dummy_work_order_totals_add_up() {
    let number = |v: &Json| v.as_i64().expect("a whole amount");
    for order in Pkb.generate(DEALER, &week()) {
        let mut sum = 0;
        for service in order["services"].as_array().expect("services") {
            let price = number(&service["biayaService"]);
            let total = price - number(&service["discServiceAmount"]);
            assert_eq!(number(&service["totalHargaServis"]), total, "{service}");
            sum += total;
        }
        for part in order["parts"].as_array().expect("parts") {
            let gross = number(&part["hargaParts"]) * number(&part["kuantitas"]);
            let total = gross - number(&part["discPartsAmount"]);
            assert_eq!(number(&part["totalHargaParts"]), total, "{part}");
            sum += total;
        }
        assert_eq!(
            number(&order["totalBiayaService"]),
            sum,
            "{}",
            order["noWorkOrder"]
        );
    }
}

#[test]
fn dummy_records_differ_between_dealers() {
    for (code, source, _) in sources() {
        let other = source.generate("12284", &week());
        assert_ne!(source.generate(DEALER, &week()), other, "{code}");
    }
}
