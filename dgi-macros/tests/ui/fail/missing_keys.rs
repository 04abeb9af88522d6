use dgi_core::job_type;

#[job_type]
#[derive(Default)]
pub struct NoArguments;

#[job_type(code = "leasing", label = "Handle Leasing Requirement")]
#[derive(Default)]
pub struct NoEndpoint;

fn main() {
    // The structs are still emitted: naming them is no further error.
    let _ = (NoArguments, NoEndpoint);
}
