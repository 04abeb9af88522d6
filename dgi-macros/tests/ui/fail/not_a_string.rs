use dgi_core::job_type;

const CODE: &str = "leasing";

#[job_type(code = CODE, label = "Leasing", endpoint = "/lsng/read", icon = 42)]
pub struct Leasing;

fn main() {}
