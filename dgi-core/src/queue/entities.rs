//! The queue's tables, as sea-orm entities.

#![allow(
    missing_docs,
    reason = "entity fields are documented on the public types"
)]

/// `dgi_jobs`: one row per queued job.
pub mod job {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_jobs")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub job_type: String,
        pub dealer_id: String,
        pub from_time: DateTime,
        pub to_time: DateTime,
        pub filters: String,
        pub unique_key: String,
        pub priority: i32,
        pub state: String,
        pub attempts: i32,
        pub max_attempts: i32,
        pub run_at: DateTime,
        pub locked_by: Option<String>,
        pub lease_until: Option<DateTime>,
        pub last_error: Option<String>,
        pub report: Option<String>,
        pub progress: Option<String>,
        pub created_at: DateTime,
        pub updated_at: DateTime,
        pub finished_at: Option<DateTime>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `dgi_cursors`: how far each (job type, dealer) is synced.
pub mod cursor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dgi_cursors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub job_type: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub dealer_id: String,
        pub synced_until: DateTime,
        pub updated_at: DateTime,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
