//! `pkb/read`: workshop work orders (PKB) with their jobs and parts.

use dgi_core::{Child, Field, JobType, Schema, job_type};

mod dummy_source;

/// Manage Work Order: one record per work order, whatever its status.
///
/// A work order is sent again whenever it changes, so records replace the
/// stored ones by key. Neither list has a key of its own: several lines may
/// carry the same `idJob`, typically two parts used by one job.
#[job_type(code = "pkb", label = "Manage WO - PKB", endpoint = "/pkb/read")]
#[derive(Debug, Default)]
pub struct Pkb;

const FIELDS: &[Field] = &[
    Field::text("noWorkOrder"),
    Field::text("noSAForm"),
    Field::date("tanggalServis"),
    Field::timestamp("waktuPKB"),
    Field::text("noPolisi"),
    Field::text("noRangka"),
    Field::text("noMesin"),
    Field::text("kodeTipeUnit"),
    Field::text("tahunMotor"),
    Field::text("informasiBensin"),
    Field::integer("kmTerakhir"),
    Field::text("tipeComingCustomer"),
    Field::text("namaPemilik"),
    Field::text("alamatPemilik"),
    Field::text("kodePropinsiPemilik"),
    Field::text("kodeKotaPemilik"),
    Field::text("kodeKecamatanPemilik"),
    Field::text("kodeKelurahanPemilik"),
    Field::text("kodePosPemilik"),
    Field::text("alamatPembawa"),
    Field::text("kodePropinsiPembawa"),
    Field::text("kodeKotaPembawa"),
    Field::text("kodeKecamatanPembawa"),
    Field::text("kodeKelurahanPembawa"),
    Field::text("kodePosPembawa"),
    Field::text("namaPembawa"),
    Field::text("noTelpPembawa"),
    Field::text("hubunganDenganPemilik"),
    Field::text("keluhanKonsumen"),
    Field::text("rekomendasiSA"),
    Field::text("hondaIdSA"),
    Field::text("hondaIdMekanik"),
    Field::text("saranMekanik"),
    Field::text("asalUnitEntry"),
    Field::text("idPIT"),
    Field::text("jenisPIT"),
    Field::timestamp("waktuPendaftaran"),
    Field::timestamp("waktuSelesai"),
    Field::time("totalFRT"),
    Field::text("setUpPembayaran"),
    Field::text("catatanTambahan"),
    Field::text("konfirmasiPekerjaanTambahan"),
    Field::text("noBukuClaimC2"),
    Field::text("noWorkOrderJobReturn"),
    Field::decimal("totalBiayaService"),
    Field::time("waktuPekerjaan"),
    Field::text("statusWorkOrder"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

const SERVICES: &[Field] = &[
    Field::text("idJob"),
    Field::text("namaPekerjaan"),
    Field::text("jenisPekerjaan"),
    Field::decimal("biayaService"),
    Field::text("promoIdJasa"),
    Field::decimal("discServiceAmount"),
    Field::decimal("discServicePercentage"),
    Field::decimal("totalHargaServis"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

const PARTS: &[Field] = &[
    Field::text("idJob"),
    Field::text("partsNumber"),
    Field::integer("kuantitas").alias(&["Kuantitas"]),
    Field::decimal("hargaParts"),
    Field::text("promoIdParts"),
    Field::decimal("discPartsAmount"),
    Field::decimal("discPartsPercentage"),
    Field::decimal("ppn").alias(&["Ppn"]),
    Field::decimal("totalHargaParts"),
    Field::decimal("uangMuka"),
    Field::timestamp("createdTime"),
    Field::timestamp("modifiedTime"),
];

/// The layout of `pkb/read` records.
pub const SCHEMA: Schema = Schema {
    key: "noWorkOrder",
    fields: FIELDS,
    children: &[
        Child {
            name: "services",
            fields: SERVICES,
        },
        Child {
            name: "parts",
            fields: PARTS,
        },
    ],
    filters: &["noWorkOrder"],
};

impl JobType for Pkb {
    fn schema(&self) -> &'static Schema {
        &SCHEMA
    }
}
