//! Dummy work orders: a few a day, each with one to three jobs and the
//! parts those jobs used.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use dgi_core::dummy::{self, DummyRng};
use dgi_core::{DummySource, Window};
use serde_json::{Value as Json, json};

use super::Pkb;
use crate::fake::{self, Part, Person, Region};

/// A motorcycle model: its two-character PKB code, its name, and the
/// prefixes of its frame and engine numbers.
#[derive(Debug)]
struct Model {
    code: &'static str,
    name: &'static str,
    frame: &'static str,
    engine: &'static str,
}

const MODELS: &[Model] = &[
    Model {
        code: "BA",
        name: "Beat",
        frame: "KC41",
        engine: "JM31E",
    },
    Model {
        code: "BB",
        name: "Vario 125",
        frame: "KF11",
        engine: "JM71E",
    },
    Model {
        code: "BC",
        name: "Scoopy",
        frame: "KF40",
        engine: "JM11E",
    },
    Model {
        code: "BD",
        name: "PCX 160",
        frame: "KF47",
        engine: "KF47E",
    },
    Model {
        code: "BE",
        name: "Supra X 125",
        frame: "JB91",
        engine: "JB81E",
    },
    Model {
        code: "BF",
        name: "CB150R",
        frame: "KC91",
        engine: "KC91E",
    },
];

/// A workshop job: its number in the model's job list, what it is called,
/// its kind, its price range in Rupiah, its flat-rate minutes, the parts it
/// usually uses, and the complaint and advice that go with it.
#[derive(Debug)]
struct Job {
    number: u16,
    name: &'static str,
    kind: &'static str,
    price: (i64, i64),
    minutes: i64,
    parts: &'static [Part],
    complaint: &'static str,
    advice: &'static str,
}

const JOBS: &[Job] = &[
    Job {
        number: 1,
        name: "Servis Lengkap",
        kind: "Servis Lengkap",
        price: (60_000, 90_000),
        minutes: 60,
        parts: &[fake::ENGINE_OIL, fake::SPARK_PLUG],
        complaint: "servis berkala",
        advice: "servis lengkap dan ganti oli",
    },
    Job {
        number: 82,
        name: "Light Repair Perawatan",
        kind: "Light Repair",
        price: (120_000, 180_000),
        minutes: 75,
        parts: &[fake::AIR_FILTER],
        complaint: "mesin kurang bertenaga",
        advice: "bersihkan throttle body, ganti filter udara",
    },
    Job {
        number: 113,
        name: "Ganti Oli",
        kind: "Ganti Oli Plus",
        price: (30_000, 30_000),
        minutes: 15,
        parts: &[fake::ENGINE_OIL, fake::GEAR_OIL],
        complaint: "oli sudah waktunya diganti",
        advice: "ganti oli mesin dan oli gardan",
    },
    Job {
        number: 45,
        name: "Ganti Kampas Rem",
        kind: "Light Repair",
        price: (35_000, 50_000),
        minutes: 30,
        parts: &[fake::BRAKE_PADS],
        complaint: "rem kurang pakem",
        advice: "ganti kampas rem",
    },
    Job {
        number: 67,
        name: "Servis CVT",
        kind: "Light Repair",
        price: (75_000, 110_000),
        minutes: 45,
        parts: &[fake::DRIVE_BELT, fake::ROLLERS],
        complaint: "tarikan berat dan bergetar",
        advice: "bersihkan CVT, ganti v-belt dan roller",
    },
    Job {
        number: 121,
        name: "Tune Up Injeksi",
        kind: "Light Repair",
        price: (90_000, 140_000),
        minutes: 50,
        parts: &[fake::SPARK_PLUG],
        complaint: "mesin brebet",
        advice: "tune up dan bersihkan injektor",
    },
    Job {
        number: 150,
        name: "Turun Mesin",
        kind: "Heavy Repair",
        price: (200_000, 250_000),
        minutes: 180,
        parts: &[fake::GASKETS],
        complaint: "mesin berasap dan berisik",
        advice: "turun mesin, ganti paking",
    },
    Job {
        number: 90,
        name: "Ganti Ban Dalam",
        kind: "Light Repair",
        price: (30_000, 30_000),
        minutes: 20,
        parts: &[fake::INNER_TUBE],
        complaint: "ban bocor",
        advice: "ganti ban dalam",
    },
];

/// How units reach the workshop; plain visits and reminders weighted up.
const ENTRY_SOURCES: &[&str] = &[
    "NP", "NP", "NP", "RM", "RM", "SVPS", "SVAH", "SVHC", "PEIN", "PEOT", "AE03", "SVGC",
];

const MECHANIC_ADVICE: &[&str] = &[
    "servis rutin setiap 2.000 km",
    "ganti oli setiap 2.000 km",
    "cek tekanan ban secara berkala",
    "ganti kampas rem pada servis berikutnya",
];

const EXTRA_NOTES: &[&str] = &[
    "lampu sein kanan redup",
    "klakson kurang keras",
    "spion longgar",
];

/// The most lines of parts on one order.
const MAX_PART_LINES: usize = 4;

impl DummySource for Pkb {
    fn generate(&self, dealer_id: &str, window: &Window) -> Vec<Json> {
        dummy::daily("pkb", dealer_id, window, 2..=6, |rng, day, seq| {
            let order = WorkOrder::draw(rng, day);
            (order.opened, order.record(rng, dealer_id, seq))
        })
    }
}

/// One visit: the unit, the jobs, the status and the times.
#[derive(Debug)]
struct WorkOrder {
    day: NaiveDate,
    model: &'static Model,
    jobs: Vec<&'static Job>,
    status: &'static str,
    registered: NaiveDateTime,
    /// When the work order was made; its created time.
    opened: NaiveDateTime,
    /// Minutes worked and when the order finished, for finished orders.
    finished: Option<(i64, NaiveDateTime)>,
}

impl WorkOrder {
    fn draw(rng: &mut DummyRng, day: NaiveDate) -> Self {
        let model = rng.choose(MODELS);
        let count = usize::try_from(rng.int(1..=3)).unwrap_or(1);
        let mut jobs: Vec<&'static Job> = Vec::with_capacity(count);
        while jobs.len() < count {
            let job = rng.choose(JOBS);
            if !jobs.iter().any(|j| j.number == job.number) {
                jobs.push(job);
            }
        }
        let status = rng.pick(&["4", "4", "4", "4", "4", "4", "1", "2", "3", "5"]);
        let registered = rng.office_time(day);
        let opened = registered + Duration::minutes(rng.int(5..=20));
        let mut order = Self {
            day,
            model,
            jobs,
            status,
            registered,
            opened,
            finished: None,
        };
        if status == "4" {
            let worked = (order.flat_rate() + rng.int(-10..=15)).max(10);
            let waited = rng.int(10..=40);
            order.finished = Some((worked, opened + Duration::minutes(waited + worked)));
        }
        order
    }

    fn flat_rate(&self) -> i64 {
        self.jobs.iter().map(|j| j.minutes).sum()
    }

    /// Orders are last written when they finish.
    fn modified(&self) -> NaiveDateTime {
        self.finished.map_or(self.opened, |(_, at)| at)
    }

    fn job_id(&self, job: &Job) -> String {
        format!("{}{:03}", self.model.code, job.number)
    }

    fn record(&self, rng: &mut DummyRng, dealer_id: &str, seq: i64) -> Json {
        let ym = dummy::year_month(self.day);
        let serial = format!("{}{seq:03}", self.day.format("%d"));
        let (services, services_total) = self.services(rng);
        let (parts, parts_total) = self.parts(rng);
        let advice: Vec<&str> = self.jobs.iter().map(|j| j.advice).collect();
        let complaints: Vec<&str> = self.jobs.iter().map(|j| j.complaint).collect();

        let mut record = json!({
            "noWorkOrder": format!("WO/{dealer_id}/{ym}/{serial}"),
            "noSAForm": format!("SAF/{dealer_id}/{ym}/{serial}"),
            "tanggalServis": dummy::date(self.day),
            "waktuPKB": dummy::timestamp(self.opened),
            "keluhanKonsumen": complaints.join(", "),
            "rekomendasiSA": advice.join(", "),
            "hondaIdSA": fake::staff_id(dealer_id, 30 + *rng.choose(&[1, 2, 3])),
            "hondaIdMekanik": fake::staff_id(dealer_id, 50 + *rng.choose(&[1, 2, 3, 4, 5, 6])),
            "saranMekanik": rng.pick(MECHANIC_ADVICE),
            "asalUnitEntry": rng.pick(ENTRY_SOURCES),
            "idPIT": rng.int(1..=6).to_string(),
            "jenisPIT": rng.pick(&["1", "1", "1", "2", "3", "4"]),
            "setUpPembayaran": rng.pick(&["1", "1", "1", "3", "4", "5"]),
            "noBukuClaimC2": "",
            "noWorkOrderJobReturn": job_return(rng, dealer_id, self.day),
            "totalBiayaService": services_total + parts_total,
            "statusWorkOrder": self.status,
            "dealerId": dealer_id,
            "createdTime": dummy::timestamp(self.opened),
            "modifiedTime": dummy::timestamp(self.modified()),
            "services": services,
            "parts": parts,
        });
        let home = rng.choose(fake::REGIONS);
        fake::extend(&mut record, self.times());
        fake::extend(&mut record, self.vehicle(rng, home));
        fake::extend(&mut record, customer(rng, self.day, home));
        fake::extend(&mut record, extra_work(rng));
        record
    }

    fn times(&self) -> Json {
        let (worked, finished) = match self.finished {
            Some((worked, at)) => (duration(worked), dummy::timestamp(at)),
            None => (String::new(), String::new()),
        };
        json!({
            "waktuPendaftaran": dummy::timestamp(self.registered),
            "waktuSelesai": finished,
            "totalFRT": duration(self.flat_rate()),
            "waktuPekerjaan": worked,
        })
    }

    fn vehicle(&self, rng: &mut DummyRng, home: &Region) -> Json {
        let this_year = i64::from(self.day.year());
        let year = rng.int(this_year - 10..=this_year);
        let km = (this_year - year) * 8_000 + rng.int(300..=8_000);
        let frame_serial = format!(
            "{}{}K{}",
            rng.int(1..=9),
            model_year_letter(year),
            rng.digits(7)
        );
        json!({
            "noPolisi": home.plate_number(rng),
            "noRangka": format!("{}{frame_serial}", self.model.frame),
            "noMesin": format!("{}{}", self.model.engine, rng.digits(7)),
            "kodeTipeUnit": self.model.code,
            "tahunMotor": year.to_string(),
            "informasiBensin": rng.pick(&["1", "2", "3", "4"]),
            "kmTerakhir": km,
        })
    }

    /// One line per job; returns the lines and the sum of their totals.
    fn services(&self, rng: &mut DummyRng) -> (Vec<Json>, i64) {
        let mut sum = 0;
        let lines = self.jobs.iter().map(|job| {
            let price = rng.amount(job.price.0..=job.price.1, 5_000);
            let percent = *rng.choose(&[0, 0, 0, 0, 10, 20]);
            let discount = price * percent / 100;
            sum += price - discount;
            json!({
                "idJob": self.job_id(job),
                "namaPekerjaan": format!("{} {}", job.name, self.model.name),
                "jenisPekerjaan": job.kind,
                "biayaService": price,
                "promoIdJasa": promo_id(rng, 'J', self.day, percent),
                "discServiceAmount": discount,
                "discServicePercentage": percentage(percent),
                "totalHargaServis": price - discount,
                "createdTime": dummy::timestamp(self.opened),
                "modifiedTime": dummy::timestamp(self.modified()),
            })
        });
        let lines = lines.collect();
        (lines, sum)
    }

    /// Most of the parts each job usually uses, each on its own line, so
    /// one job often has two lines; a part needed by two jobs is used once.
    /// Returns the lines and their total.
    fn parts(&self, rng: &mut DummyRng) -> (Vec<Json>, i64) {
        let mut lines = Vec::new();
        let mut used = Vec::new();
        let mut sum = 0;
        for job in &self.jobs {
            for part in job.parts {
                if used.contains(&part.number) {
                    continue;
                }
                if lines.len() < MAX_PART_LINES && rng.chance(75) {
                    used.push(part.number);
                    let (line, total) = self.part_line(rng, job, part);
                    lines.push(line);
                    sum += total;
                }
            }
        }
        (lines, sum)
    }

    /// A line and its total: price times quantity less the discount. The
    /// VAT (11%) is included in the price; `ppn` is that share of the total.
    fn part_line(&self, rng: &mut DummyRng, job: &Job, part: &Part) -> (Json, i64) {
        let quantity = if rng.chance(15) { 2 } else { 1 };
        let percent = *rng.choose(&[0, 0, 0, 0, 5, 10]);
        let gross = part.price * quantity;
        let discount = gross * percent / 100;
        let total = gross - discount;
        // Pending orders wait for parts, which the customer pays half of up front.
        let deposit = if self.status == "3" {
            total / 2 / 1_000 * 1_000
        } else {
            0
        };
        let line = json!({
            "idJob": self.job_id(job),
            "partsNumber": part.number,
            "kuantitas": quantity,
            "hargaParts": part.price,
            "promoIdParts": promo_id(rng, 'P', self.day, percent),
            "discPartsAmount": discount,
            "discPartsPercentage": percentage(percent),
            "ppn": total * 11 / 111,
            "totalHargaParts": total,
            "uangMuka": deposit,
            "createdTime": dummy::timestamp(self.opened),
            "modifiedTime": dummy::timestamp(self.modified()),
        });
        (line, total)
    }
}

/// The owner and the person who brought the unit, often the same.
fn customer(rng: &mut DummyRng, day: NaiveDate, home: &Region) -> Json {
    let owner = Person::draw(rng, day);
    let owner_address = home.address(rng);
    let coming = rng.pick(&["1", "1", "1", "2", "3"]);
    let (name, region, address, relation) = if coming == "1" {
        (owner.name.clone(), home, owner_address.clone(), "")
    } else {
        let bringer = Person::draw(rng, day);
        let region = rng.choose(fake::REGIONS);
        let relation = rng.pick(&["0", "1", "2", "3", "4", "5", "6"]);
        (bringer.name, region, region.address(rng), relation)
    };
    json!({
        "tipeComingCustomer": coming,
        "namaPemilik": owner.name,
        "alamatPemilik": owner_address,
        "kodePropinsiPemilik": home.province,
        "kodeKotaPemilik": home.city,
        "kodeKecamatanPemilik": home.district,
        "kodeKelurahanPemilik": home.village,
        "kodePosPemilik": home.postcode,
        "namaPembawa": name,
        "alamatPembawa": address,
        "kodePropinsiPembawa": region.province,
        "kodeKotaPembawa": region.city,
        "kodeKecamatanPembawa": region.district,
        "kodeKelurahanPembawa": region.village,
        "kodePosPembawa": region.postcode,
        "noTelpPembawa": fake::mobile(rng),
        "hubunganDenganPemilik": relation,
    })
}

/// A remark the mechanic made beside the jobs, and whether the customer
/// agreed to have it done.
fn extra_work(rng: &mut DummyRng) -> Json {
    let (note, agreed) = if rng.chance(25) {
        (rng.pick(EXTRA_NOTES), rng.pick(&["0", "1"]))
    } else {
        ("", "0")
    };
    json!({ "catatanTambahan": note, "konfirmasiPekerjaanTambahan": agreed })
}

/// Now and then an order redoes the work of one a few days earlier.
fn job_return(rng: &mut DummyRng, dealer_id: &str, day: NaiveDate) -> String {
    if !rng.chance(5) {
        return String::new();
    }
    let earlier = day - Duration::days(rng.int(3..=10));
    let ym = dummy::year_month(earlier);
    format!(
        "WO/{dealer_id}/{ym}/{}{:03}",
        earlier.format("%d"),
        rng.int(1..=2)
    )
}

/// A promotion id: `J` for services or `P` for parts, `YYMM`, two digits;
/// empty without a discount.
fn promo_id(rng: &mut DummyRng, kind: char, day: NaiveDate, percent: i64) -> String {
    if percent == 0 {
        return String::new();
    }
    format!("{kind}{}{:02}", day.format("%y%m"), rng.int(1..=5))
}

/// A whole percentage as the API writes it, `"10,0"`.
fn percentage(percent: i64) -> String {
    format!("{percent},0")
}

/// Minutes as `HH:MM`.
fn duration(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The model-year character of a frame number, as vehicle identification
/// numbers write it: `A` for 2010, `T` for 2026, never I, O, Q, U or Z.
fn model_year_letter(year: i64) -> char {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY";
    let index = usize::try_from((year - 2010).rem_euclid(21)).unwrap_or(0);
    char::from(LETTERS[index])
}
