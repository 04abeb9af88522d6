use dgi_core::job_type;

// Every mistake is reported in one compilation.
#[job_type(code = "Leasing", label = "", endpoint = "lsng/read", icon = true)]
pub struct Leasing;

#[job_type(label = "Prospect", endpoint = "/prsp/read")]
pub enum Prospect {}

fn main() {}
