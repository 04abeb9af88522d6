use dgi_core::job_type;

#[job_type(code = "leasing", label = "Leasing", endpoint = "lsng/read")]
pub struct Leasing;

fn main() {}
