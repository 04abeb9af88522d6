//! Realistic pieces of dummy data shared by the job types: people, addresses
//! with their region codes, staff ids and Honda parts.

use chrono::{Datelike, NaiveDate};
use dgi_core::dummy::DummyRng;
use serde_json::Value as Json;

/// A village (kelurahan) with the codes of the regions above it, in the
/// Ministry of Home Affairs numbering that DGI records use.
#[derive(Debug)]
pub(crate) struct Region {
    pub(crate) province: &'static str,
    pub(crate) city: &'static str,
    pub(crate) district: &'static str,
    pub(crate) village: &'static str,
    pub(crate) postcode: &'static str,
    /// The telephone area code of the city.
    area_code: &'static str,
    /// The letters that open the city's number plates.
    plate: &'static str,
    /// The centre, in millionths of a degree.
    latitude: i64,
    longitude: i64,
    streets: &'static [&'static str],
}

pub(crate) const REGIONS: &[Region] = &[
    Region {
        province: "3100",
        city: "3174",
        district: "317404",
        village: "3174040001",
        postcode: "11470",
        area_code: "021",
        plate: "B",
        latitude: -6_166_000,
        longitude: 106_790_000,
        streets: &[
            "Jl. Tanjung Duren Raya",
            "Jl. Kemanggisan Raya",
            "Jl. Daan Mogot",
        ],
    },
    Region {
        province: "3100",
        city: "3172",
        district: "317201",
        village: "3172011001",
        postcode: "13220",
        area_code: "021",
        plate: "B",
        latitude: -6_194_000,
        longitude: 106_889_000,
        streets: &["Jl. Pemuda", "Jl. Pramuka", "Jl. Balai Pustaka"],
    },
    Region {
        province: "3100",
        city: "3171",
        district: "317101",
        village: "3171011001",
        postcode: "12240",
        area_code: "021",
        plate: "B",
        latitude: -6_245_000,
        longitude: 106_782_000,
        streets: &["Jl. Fatmawati", "Jl. Ciputat Raya", "Jl. Kebayoran Lama"],
    },
    Region {
        province: "3200",
        city: "3273",
        district: "327301",
        village: "3273011001",
        postcode: "40151",
        area_code: "022",
        plate: "D",
        latitude: -6_877_000,
        longitude: 107_596_000,
        streets: &["Jl. Setiabudi", "Jl. Sukajadi", "Jl. Gegerkalong Hilir"],
    },
    Region {
        province: "3300",
        city: "3374",
        district: "337401",
        village: "3374011001",
        postcode: "50241",
        area_code: "024",
        plate: "H",
        latitude: -6_990_000,
        longitude: 110_420_000,
        streets: &["Jl. Pandanaran", "Jl. Pemuda", "Jl. Sisingamangaraja"],
    },
    Region {
        province: "3500",
        city: "3578",
        district: "357801",
        village: "3578011001",
        postcode: "60231",
        area_code: "031",
        plate: "L",
        latitude: -7_257_000,
        longitude: 112_752_000,
        streets: &["Jl. Ahmad Yani", "Jl. Raya Darmo", "Jl. Raya Gubeng"],
    },
    Region {
        province: "3600",
        city: "3671",
        district: "367101",
        village: "3671011001",
        postcode: "15111",
        area_code: "021",
        plate: "B",
        latitude: -6_178_000,
        longitude: 106_630_000,
        streets: &[
            "Jl. Imam Bonjol",
            "Jl. MH Thamrin",
            "Jl. Perintis Kemerdekaan",
        ],
    },
];

impl Region {
    /// A street address in this village, short enough for the 50-character
    /// address fields.
    pub(crate) fn address(&self, rng: &mut DummyRng) -> String {
        let street = rng.pick(self.streets);
        let number = rng.int(1..=150);
        let (rt, rw) = (rng.int(1..=12), rng.int(1..=9));
        format!("{street} No. {number} RT {rt:03}/RW {rw:03}")
    }

    /// A number plate of the city, e.g. `B 1234 ABC`.
    pub(crate) fn plate_number(&self, rng: &mut DummyRng) -> String {
        let letters = usize::try_from(rng.int(2..=3)).unwrap_or(3);
        format!(
            "{} {} {}",
            self.plate,
            rng.int(1_000..=9_999),
            rng.letters(letters)
        )
    }

    /// A landline number in the city.
    pub(crate) fn landline(&self, rng: &mut DummyRng) -> String {
        format!("{}{}", self.area_code, rng.digits(7))
    }

    /// A point near the centre as (latitude, longitude), comma decimals.
    pub(crate) fn coordinates(&self, rng: &mut DummyRng) -> (String, String) {
        let latitude = self.latitude + rng.int(-20_000..=20_000);
        let longitude = self.longitude + rng.int(-20_000..=20_000);
        (degrees(latitude), degrees(longitude))
    }

    /// A national identity number (NIK): district, birth date (day plus 40
    /// for women), serial.
    pub(crate) fn identity_number(&self, rng: &mut DummyRng, person: &Person) -> String {
        let born = person.born;
        let day = born.day() + if person.female { 40 } else { 0 };
        let serial = rng.int(1..=2_500);
        format!(
            "{}{day:02}{}{serial:04}",
            self.district,
            born.format("%m%y")
        )
    }
}

/// `-6175392` millionths -> `"-6,175392"`.
fn degrees(millionths: i64) -> String {
    let sign = if millionths < 0 { "-" } else { "" };
    let abs = millionths.unsigned_abs();
    format!("{sign}{},{:06}", abs / 1_000_000, abs % 1_000_000)
}

/// Given names, and whether each is a woman's.
const GIVEN_NAMES: &[(&str, bool)] = &[
    ("Budi", false),
    ("Siti", true),
    ("Agus", false),
    ("Dewi", true),
    ("Rizky", false),
    ("Nur", true),
    ("Andi", false),
    ("Rina", true),
    ("Joko", false),
    ("Putri", true),
    ("Ahmad", false),
    ("Yuni", true),
    ("Hendra", false),
    ("Fitri", true),
    ("Dimas", false),
    ("Ayu", true),
    ("Wahyu", false),
    ("Sri", true),
];

const FAMILY_NAMES: &[&str] = &[
    "Santoso",
    "Rahayu",
    "Setiawan",
    "Lestari",
    "Pratama",
    "Hidayat",
    "Saputra",
    "Wulandari",
    "Susilo",
    "Anggraini",
    "Gunawan",
    "Handayani",
    "Prasetyo",
    "Nugroho",
    "Siregar",
    "Nasution",
    "Simanjuntak",
    "Wijaya",
];

/// Mobile prefixes of the Indonesian operators.
const MOBILE_PREFIXES: &[&str] = &[
    "0811", "0812", "0813", "0821", "0822", "0852", "0856", "0857", "0877", "0878", "0895",
];

/// A customer.
#[derive(Debug)]
pub(crate) struct Person {
    pub(crate) name: String,
    pub(crate) female: bool,
    born: NaiveDate,
}

impl Person {
    /// Someone between 17 and 60 years old on `today`.
    pub(crate) fn draw(rng: &mut DummyRng, today: NaiveDate) -> Self {
        let (given, female) = *rng.choose(GIVEN_NAMES);
        let family = rng.pick(FAMILY_NAMES);
        let age_days = rng.int(17 * 365..=60 * 365);
        let born = today - chrono::Duration::days(age_days);
        Self {
            name: format!("{given} {family}"),
            female,
            born,
        }
    }
}

/// A mobile number, twelve digits.
pub(crate) fn mobile(rng: &mut DummyRng) -> String {
    format!("{}{}", rng.pick(MOBILE_PREFIXES), rng.digits(8))
}

/// The Honda ID of a dealer's staff member `number`: the same dealer and
/// number always give the same six digits.
pub(crate) fn staff_id(dealer_id: &str, number: u8) -> String {
    let digits: String = dealer_id.chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len().saturating_sub(4)..];
    format!("{tail:0>4}{number:02}")
}

/// A spare part: its number, the shop price in Rupiah including VAT, and
/// the unit it is counted in.
#[derive(Debug)]
pub(crate) struct Part {
    pub(crate) number: &'static str,
    pub(crate) price: i64,
    pub(crate) uom: &'static str,
}

pub(crate) const ENGINE_OIL: Part = Part {
    number: "08232M99K0LN9",
    price: 55_000,
    uom: "pcs",
};
pub(crate) const GEAR_OIL: Part = Part {
    number: "08294M99Z8YN1",
    price: 17_000,
    uom: "pcs",
};
pub(crate) const SPARK_PLUG: Part = Part {
    number: "31916KZL931",
    price: 24_000,
    uom: "pcs",
};
pub(crate) const BRAKE_PADS: Part = Part {
    number: "06455K59A71",
    price: 48_000,
    uom: "Set",
};
pub(crate) const AIR_FILTER: Part = Part {
    number: "17210K44V00",
    price: 52_000,
    uom: "pcs",
};
pub(crate) const DRIVE_BELT: Part = Part {
    number: "23100K44V01",
    price: 98_000,
    uom: "pcs",
};
pub(crate) const ROLLERS: Part = Part {
    number: "22123K44V00",
    price: 62_000,
    uom: "Set",
};
pub(crate) const GASKETS: Part = Part {
    number: "06111K59A10",
    price: 85_000,
    uom: "Set",
};
pub(crate) const INNER_TUBE: Part = Part {
    number: "42712K59A11",
    price: 38_000,
    uom: "pcs",
};
const HEADLIGHT_BULB: Part = Part {
    number: "34901KZR601",
    price: 15_000,
    uom: "pcs",
};

/// Every part a dealer stocks.
pub(crate) const PARTS: &[Part] = &[
    ENGINE_OIL,
    GEAR_OIL,
    SPARK_PLUG,
    BRAKE_PADS,
    AIR_FILTER,
    DRIVE_BELT,
    ROLLERS,
    GASKETS,
    INNER_TUBE,
    HEADLIGHT_BULB,
];

/// Adds the fields of the object `more` to the object `record`.
pub(crate) fn extend(record: &mut Json, more: Json) {
    if let (Json::Object(record), Json::Object(more)) = (record, more) {
        record.extend(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_use_a_decimal_comma() {
        assert_eq!(degrees(-6_175_392), "-6,175392");
        assert_eq!(degrees(106_000_045), "106,000045");
        assert_eq!(degrees(-45), "-0,000045");
    }

    #[test]
    fn staff_ids_have_six_digits() {
        assert_eq!(staff_id("08138", 12), "813812");
        assert_eq!(staff_id("99", 1), "009901");
    }
}
