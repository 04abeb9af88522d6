use dgi_core::job_type;

#[job_type(code = "leasing", label = "Leasing", endpoint = "/lsng/read")]
#[derive(Default)]
pub struct Leasing<T> {
    inner: T,
}

fn main() {}
