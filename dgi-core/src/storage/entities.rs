//! The core tables, as sea-orm entities.
//!
//! Job types' own tables are laid out from their schemas at run time; see
//! `Storage::init`.

#![allow(
    missing_docs,
    reason = "entity fields are documented on the public types"
)]

/// `dgi_dealers`: one row per dealer.
pub mod dealer {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_dealers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub name: Option<String>,
        pub api_key: Option<String>,
        pub secret_key: Option<String>,
        pub active: bool,
        pub source: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `dgi_api_configs`: one row per job type, derived from its registration.
pub mod api_config {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_api_configs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub job_type: String,
        pub base_url: Option<String>,
        pub endpoint: String,
        pub timeout_secs: i64,
        pub retries: i64,
        pub max_window_days: i64,
        pub lookback_days: i64,
        pub interval_secs: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `dgi_runs`: the log of job runs.
pub mod run {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_runs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_type: String,
        pub dealer_id: String,
        pub from_time: DateTime,
        pub to_time: DateTime,
        pub filters: String,
        pub started_at: DateTime,
        pub finished_at: DateTime,
        pub outcome: String,
        pub fetched: i64,
        pub inserted: i64,
        pub updated: i64,
        pub unchanged: i64,
        pub rejected: i64,
        pub rejected_fields: i64,
        pub error: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `dgi_rejected_records`: records refused whole, kept with the reason.
pub mod rejected {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_rejected_records")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_type: String,
        pub dealer_id: String,
        pub reason: String,
        pub raw: String,
        pub received_at: DateTime,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
