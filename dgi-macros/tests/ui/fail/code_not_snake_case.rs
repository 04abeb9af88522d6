use dgi_core::job_type;

#[job_type(code = "WorkOrder", label = "Work Order", endpoint = "/pkb/read")]
pub struct WorkOrder;

fn main() {}
