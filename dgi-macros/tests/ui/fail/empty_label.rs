use dgi_core::job_type;

#[job_type(code = "leasing", label = " ", endpoint = "/lsng/read")]
pub struct Leasing;

fn main() {}
