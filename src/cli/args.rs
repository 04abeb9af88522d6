//! The command line. Subcommand and flag names are relied on by other tools:
//! add to them, never rename.

use clap::{Parser, Subcommand, ValueEnum};

/// Ingest Honda dealer data from the DGI API (v1.3) into SQL.
#[derive(Debug, Parser)]
#[command(name = "dgi", version)]
pub(crate) struct Args {
    /// Database to use: `sqlite://file.db` (created if missing) or `postgres://...`.
    #[arg(
        long,
        global = true,
        env = "DGI_DATABASE_URL",
        default_value = "sqlite://dgi.db"
    )]
    pub(crate) database_url: String,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create the tables and API configurations that are missing.
    Init,
    /// Add and list dealers.
    Dealers {
        #[command(subcommand)]
        command: DealersCommand,
    },
    /// Show and change API configurations.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// List the registered job types.
    JobTypes {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run one job now and print its report.
    Run(RunArgs),
    /// Read stored records.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Set up demo dealers on dummy data, run every job type, show the result.
    Demo {
        /// How many days back to pull.
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DealersCommand {
    /// Add a dealer, or replace the one with the same id.
    Add(AddDealer),
    /// List dealers (credentials are never shown).
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Let jobs run for a dealer again.
    Activate { id: String },
    /// Skip a dealer's jobs from now on.
    Deactivate { id: String },
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["api_key", "dummy"]))]
pub(crate) struct AddDealer {
    /// Dealer code (Kode Dealer ODA), e.g. 08138.
    pub(crate) id: String,
    /// Display name.
    #[arg(long)]
    pub(crate) name: Option<String>,
    /// API key for the live API.
    #[arg(long, requires = "secret_key")]
    pub(crate) api_key: Option<String>,
    /// Secret key for the live API.
    #[arg(long, requires = "api_key")]
    pub(crate) secret_key: Option<String>,
    /// Serve this dealer deterministic dummy data instead of calling the API.
    #[arg(long)]
    pub(crate) dummy: bool,
    /// Add the dealer inactive: its jobs are skipped.
    #[arg(long)]
    pub(crate) inactive: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Change a job type's API configuration.
    Set(SetConfig),
    /// List API configurations.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct SetConfig {
    /// Job type code, e.g. leasing.
    pub(crate) job_type: String,
    /// Base URL including the version, e.g. https://md.example/dgi-api/v1.3.
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Timeout of one HTTP attempt, in seconds.
    #[arg(long)]
    pub(crate) timeout_secs: Option<u32>,
    /// Retries after the first attempt.
    #[arg(long)]
    pub(crate) retries: Option<u32>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Job type code, e.g. leasing.
    pub(crate) job_type: String,
    /// Dealer id.
    #[arg(long)]
    pub(crate) dealer: String,
    /// Window start, "YYYY-MM-DD HH:MM:SS".
    #[arg(long)]
    pub(crate) from: String,
    /// Window end, "YYYY-MM-DD HH:MM:SS".
    #[arg(long)]
    pub(crate) to: String,
    /// A module filter, e.g. idSPK=SPK/12345/18/01/00001; repeatable.
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub(crate) filters: Vec<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DataCommand {
    /// List a job type's stored records.
    List(ListData),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ListData {
    /// Job type code, e.g. leasing.
    pub(crate) job_type: String,
    /// Only this dealer's records.
    #[arg(long)]
    pub(crate) dealer: Option<String>,
    /// Only records with a text field containing this (case ignored).
    #[arg(long)]
    pub(crate) search: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub(crate) limit: u64,
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}
