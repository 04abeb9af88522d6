use dgi_core::job_type;

#[job_type(kode = "leasing", label = "Leasing", endpoint = "/lsng/read", colour = "red")]
pub struct Leasing;

fn main() {}
