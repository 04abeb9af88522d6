use dgi_core::job_type;

#[job_type(code = "leasing", label = "Leasing", endpoint = "/lsng/read")]
pub enum Leasing {
    Application,
}

#[job_type(code = "prospect", label = "Prospect", endpoint = "/prsp/read")]
fn prospect() {}

fn main() {
    let _ = Leasing::Application;
    prospect();
}
