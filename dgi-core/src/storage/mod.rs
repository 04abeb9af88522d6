//! Storage in SQL through sea-orm: the core tables (dealers, API
//! configurations, runs, rejected records) and one set per job type.

pub mod entities;
mod processor;
mod query;
mod rows;
mod tables;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryOrder, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

pub use processor::{Processor, StoreContext, TableProcessor};
pub use query::{RecordPage, RecordQuery};

use self::entities::{api_config, dealer, rejected, run};
use crate::config::{ApiConfig, ConfigUpdate};
use crate::{Credentials, Error, Registry, Result};

/// Where a dealer's data comes from. No fallback from one to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealerSource {
    /// The live API, with the dealer's credentials.
    Live,
    /// The job type's deterministic dummy source.
    Dummy,
}

impl DealerSource {
    /// `live` or `dummy`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Dummy => "dummy",
        }
    }
}

/// A dealer, as stored.
#[derive(Debug, Clone)]
pub struct Dealer {
    /// The dealer code (Kode Dealer ODA), e.g. `08138`.
    pub id: String,
    /// A display name.
    pub name: Option<String>,
    /// API credentials, for a live dealer.
    pub credentials: Option<Credentials>,
    /// Whether jobs run for this dealer.
    pub active: bool,
    /// Live or dummy.
    pub source: DealerSource,
}

impl Dealer {
    /// An active dealer that pulls from the live API.
    pub fn live(id: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            id: id.into(),
            name: None,
            credentials: Some(credentials),
            active: true,
            source: DealerSource::Live,
        }
    }

    /// An active dealer that is served dummy data.
    pub fn dummy(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: None,
            credentials: None,
            active: true,
            source: DealerSource::Dummy,
        }
    }

    /// The same dealer with a display name.
    pub fn with_name(self, name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..self
        }
    }
}

/// A database holding dealers, API configurations, runs and job data.
#[derive(Debug, Clone)]
pub struct Storage {
    db: DatabaseConnection,
}

impl Storage {
    /// Connects to `url`: `sqlite://path` (created if missing),
    /// `sqlite::memory:` or `postgres://...`.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut options = ConnectOptions::new(sqlite_create_if_missing(url));
        options.sqlx_logging(false);
        Ok(Self {
            db: Database::connect(options).await?,
        })
    }

    /// Wraps an open connection.
    pub fn from_connection(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The underlying connection.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Creates what is missing: the core tables, every job type's tables,
    /// and an API configuration row per job type from its defaults.
    /// Existing tables and configurations are left as they are.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when a statement fails.
    pub async fn init(&self, registry: &Registry) -> Result<()> {
        self.db
            .get_schema_builder()
            .register(dealer::Entity)
            .register(api_config::Entity)
            .register(run::Entity)
            .register(rejected::Entity)
            .register(crate::queue::entities::cursor::Entity)
            .sync(&self.db)
            .await?;
        crate::queue::create_tables(&self.db).await?;
        for entry in registry.iter() {
            tables::create(&self.db, entry).await?;
            let defaults = entry.job_type.api_defaults();
            let config = ApiConfig::from_defaults(entry.code(), entry.meta.endpoint, &defaults);
            api_config::Entity::insert(config_model(&config))
                .on_conflict(
                    OnConflict::column(api_config::Column::JobType)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Adds a dealer, or replaces the one with the same id.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the statement fails.
    pub async fn put_dealer(&self, dealer: &Dealer) -> Result<()> {
        let model = dealer::ActiveModel {
            id: Set(dealer.id.clone()),
            name: Set(dealer.name.clone()),
            api_key: Set(dealer.credentials.as_ref().map(|c| c.api_key().to_owned())),
            secret_key: Set(dealer
                .credentials
                .as_ref()
                .map(|c| c.secret_key().to_owned())),
            active: Set(dealer.active),
            source: Set(dealer.source.as_str().to_owned()),
        };
        let columns = [
            dealer::Column::Name,
            dealer::Column::ApiKey,
            dealer::Column::SecretKey,
            dealer::Column::Active,
            dealer::Column::Source,
        ];
        dealer::Entity::insert(model)
            .on_conflict(
                OnConflict::column(dealer::Column::Id)
                    .update_columns(columns)
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The dealer with this id.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownDealer`], or [`Error::Corrupt`] for a bad stored source.
    pub async fn dealer(&self, id: &str) -> Result<Dealer> {
        let model = dealer::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?;
        model
            .ok_or_else(|| Error::UnknownDealer(id.into()))
            .and_then(dealer_from_model)
    }

    /// Every dealer, by id.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the query fails.
    pub async fn dealers(&self) -> Result<Vec<Dealer>> {
        let models = dealer::Entity::find()
            .order_by_asc(dealer::Column::Id)
            .all(&self.db)
            .await?;
        models.into_iter().map(dealer_from_model).collect()
    }

    /// The API configuration of a job type.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownJobType`] when no row exists (the job type is not
    /// registered, or `init` was not run).
    pub async fn api_config(&self, job_type: &str) -> Result<ApiConfig> {
        let model = api_config::Entity::find_by_id(job_type.to_owned())
            .one(&self.db)
            .await?;
        let model = model.ok_or_else(|| Error::UnknownJobType {
            code: job_type.into(),
            known: String::from("see `dgi config list`"),
        })?;
        config_from_model(model)
    }

    /// Every API configuration, by job type.
    ///
    /// # Errors
    ///
    /// [`Error::Database`] when the query fails.
    pub async fn api_configs(&self) -> Result<Vec<ApiConfig>> {
        let models = api_config::Entity::find()
            .order_by_asc(api_config::Column::JobType)
            .all(&self.db)
            .await?;
        models.into_iter().map(config_from_model).collect()
    }

    /// Changes a job type's API configuration and returns the new one.
    ///
    /// # Errors
    ///
    /// As for [`Storage::api_config`], and [`Error::InvalidInput`] for a base
    /// URL that is not `http://` or `https://`.
    pub async fn update_api_config(
        &self,
        job_type: &str,
        update: &ConfigUpdate,
    ) -> Result<ApiConfig> {
        let mut config = self.api_config(job_type).await?;
        if let Some(url) = &update.base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::InvalidInput {
                    what: "base url",
                    value: url.clone(),
                });
            }
            config.base_url = Some(url.trim_end_matches('/').to_owned());
        }
        if let Some(secs) = update.timeout_secs {
            config.timeout = std::time::Duration::from_secs(u64::from(secs));
        }
        if let Some(retries) = update.retries {
            config.retries = retries;
        }
        api_config::Entity::update(config_model(&config))
            .exec(&self.db)
            .await?;
        Ok(config)
    }
}

fn sqlite_create_if_missing(url: &str) -> String {
    let is_file = url.starts_with("sqlite:") && !url.contains(":memory:") && !url.contains("mode=");
    match (is_file, url.contains('?')) {
        (true, true) => format!("{url}&mode=rwc"),
        (true, false) => format!("{url}?mode=rwc"),
        (false, _) => url.to_owned(),
    }
}

fn dealer_from_model(model: dealer::Model) -> Result<Dealer> {
    let source = match model.source.as_str() {
        "live" => DealerSource::Live,
        "dummy" => DealerSource::Dummy,
        other => {
            return Err(Error::Corrupt {
                what: "dealer source",
                reason: other.into(),
            });
        }
    };
    let credentials = match (model.api_key, model.secret_key) {
        (Some(key), Some(secret)) => Some(Credentials::new(key, secret)),
        _ => None,
    };
    Ok(Dealer {
        id: model.id,
        name: model.name,
        credentials,
        active: model.active,
        source,
    })
}

fn config_model(config: &ApiConfig) -> api_config::ActiveModel {
    api_config::ActiveModel {
        job_type: Set(config.job_type.clone()),
        base_url: Set(config.base_url.clone()),
        endpoint: Set(config.endpoint.clone()),
        timeout_secs: Set(i64::try_from(config.timeout.as_secs()).unwrap_or(i64::MAX)),
        retries: Set(i64::from(config.retries)),
        max_window_days: Set(i64::from(config.max_window_days)),
        lookback_days: Set(i64::from(config.lookback_days)),
        interval_secs: Set(i64::from(config.interval_secs)),
    }
}

fn config_from_model(model: api_config::Model) -> Result<ApiConfig> {
    let number = |value: i64| {
        u32::try_from(value).map_err(|_| Error::Corrupt {
            what: "api configuration",
            reason: value.to_string(),
        })
    };
    Ok(ApiConfig {
        timeout: std::time::Duration::from_secs(u64::from(number(model.timeout_secs)?)),
        retries: number(model.retries)?,
        max_window_days: number(model.max_window_days)?,
        lookback_days: number(model.lookback_days)?,
        interval_secs: number(model.interval_secs)?,
        job_type: model.job_type,
        base_url: model.base_url,
        endpoint: model.endpoint,
    })
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once: a transaction that reads first and upgrades later fails with
/// `database is locked` when another connection writes meanwhile, where
/// waiting for the lock up front lets the busy timeout do its work.
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    Ok(db.begin_with_options(options).await?)
}

/// Records a finished run, and the records refused whole, in `db`.
pub(crate) async fn log_run(
    db: &impl ConnectionTrait,
    run: run::ActiveModel,
    rejections: Vec<rejected::ActiveModel>,
) -> Result<()> {
    run::Entity::insert(run).exec_without_returning(db).await?;
    if !rejections.is_empty() {
        rejected::Entity::insert_many(rejections)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
