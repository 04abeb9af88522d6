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
    /// Queue jobs and manage queued jobs.
    Queue {
        #[command(subcommand)]
        command: QueueCommand,
    },
    /// Claim and run queued jobs until Ctrl-C (or until idle).
    Worker(WorkerArgs),
    /// Queue the next window of every active dealer and job type.
    Schedule {
        /// Keep scheduling, every this many seconds.
        #[arg(long)]
        every_secs: Option<u64>,
        /// Minutes before the cursor the next window starts.
        #[arg(long, default_value_t = 10)]
        overlap_mins: i64,
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
    #[command(flatten)]
    pub(crate) window: WindowArgs,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
}

/// The window and filters of a job.
#[derive(Debug, clap::Args)]
pub(crate) struct WindowArgs {
    /// Window start, "YYYY-MM-DD HH:MM:SS".
    #[arg(long)]
    pub(crate) from: String,
    /// Window end, "YYYY-MM-DD HH:MM:SS".
    #[arg(long)]
    pub(crate) to: String,
    /// A module filter, e.g. idSPK=SPK/12345/18/01/00001; repeatable.
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub(crate) filters: Vec<String>,
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

#[derive(Debug, Subcommand)]
pub(crate) enum QueueCommand {
    /// Queue a job for one dealer, or for every active dealer; prints the ids.
    Add(QueueAdd),
    /// List jobs, newest first.
    List {
        /// Only jobs in this state.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Count jobs per state.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Cancel a queued or running job.
    Cancel { id: i64 },
    /// Queue a discarded or cancelled job again.
    Retry { id: i64 },
    /// Delete finished jobs older than N days.
    Prune {
        #[arg(long)]
        older_than_days: i64,
    },
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("dealers").required(true).args(["dealer", "all_dealers"]))]
pub(crate) struct QueueAdd {
    /// Job type code, e.g. leasing.
    pub(crate) job_type: String,
    /// Dealer id.
    #[arg(long)]
    pub(crate) dealer: Option<String>,
    /// Every active dealer.
    #[arg(long)]
    pub(crate) all_dealers: bool,
    #[command(flatten)]
    pub(crate) window: WindowArgs,
    /// Higher runs first.
    #[arg(long, default_value_t = 0)]
    pub(crate) priority: i32,
    /// Not before this many seconds from now.
    #[arg(long, default_value_t = 0)]
    pub(crate) delay_secs: u32,
}

#[derive(Debug, clap::Args)]
pub(crate) struct WorkerArgs {
    /// Jobs run at once by this worker.
    #[arg(long, default_value_t = 4)]
    pub(crate) concurrency: usize,
    /// Running jobs per dealer, across all workers.
    #[arg(long, default_value_t = 1)]
    pub(crate) per_dealer: usize,
    /// Lease length in seconds; renewed every third of it.
    #[arg(long, default_value_t = 30)]
    pub(crate) lease_secs: u64,
    /// Stop once nothing is queued (due or not), running or waiting for a
    /// retry.
    #[arg(long)]
    pub(crate) until_idle: bool,
    /// Seconds running jobs get to finish after Ctrl-C.
    #[arg(long, default_value_t = 30)]
    pub(crate) shutdown_timeout_secs: u64,
    /// First retry delay in seconds; doubles per attempt.
    #[arg(long, default_value_t = 10)]
    pub(crate) retry_base_secs: u64,
}
