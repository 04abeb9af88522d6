//! The body of a pull request.

use serde_json::{Map, Value as Json};

use crate::window::{Window, format_time};

/// Request filters, in the order given: (API field name, value).
pub type Filters = Vec<(String, String)>;

/// What is sent to a `*/read` endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRequest {
    /// The window of created or modified times.
    pub window: Window,
    /// The dealer whose data is asked for.
    pub dealer_id: String,
    /// Module filters such as `idSPK`.
    pub filters: Filters,
}

impl PullRequest {
    /// The JSON body: `fromTime`, `toTime`, `dealerId`, then the filters.
    pub fn body(&self) -> Json {
        let mut body = Map::new();
        body.insert(
            "fromTime".into(),
            Json::String(format_time(self.window.from)),
        );
        body.insert("toTime".into(), Json::String(format_time(self.window.to)));
        body.insert("dealerId".into(), Json::String(self.dealer_id.clone()));
        for (name, value) in &self.filters {
            body.insert(name.clone(), Json::String(value.clone()));
        }
        Json::Object(body)
    }
}
