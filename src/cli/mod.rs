//! Arguments and their handlers.

mod args;
mod commands;
mod demo;
mod output;
mod queue;

pub(crate) use args::Args;

use anyhow::Result;
use dgi::{Registry, Storage};

use self::args::{Command, ConfigCommand, DataCommand, DealersCommand, QueueCommand};

/// Runs one command against the database named in `args`.
pub(crate) async fn run(args: Args) -> Result<()> {
    let registry = Registry::global()?;
    let storage = Storage::connect(&args.database_url).await?;
    storage.init(registry).await?;
    match args.command {
        Command::Init => commands::init(&storage, registry).await,
        Command::Dealers { command } => match command {
            DealersCommand::Add(add) => commands::add_dealer(&storage, add).await,
            DealersCommand::List { format } => commands::list_dealers(&storage, format).await,
            DealersCommand::Activate { id } => commands::set_active(&storage, &id, true).await,
            DealersCommand::Deactivate { id } => commands::set_active(&storage, &id, false).await,
        },
        Command::Config { command } => match command {
            ConfigCommand::Set(set) => commands::set_config(&storage, registry, set).await,
            ConfigCommand::List { format } => commands::list_configs(&storage, format).await,
        },
        Command::JobTypes { format } => commands::list_job_types(registry, format),
        Command::Run(run) => commands::run(&storage, registry, run).await,
        Command::Data { command } => match command {
            DataCommand::List(list) => commands::list_data(&storage, registry, list).await,
        },
        Command::Queue { command } => match command {
            QueueCommand::Add(add) => queue::add(&storage, registry, add).await,
            QueueCommand::List {
                state,
                limit,
                format,
            } => queue::list(&storage, state.as_deref(), limit, format).await,
            QueueCommand::Status { format } => queue::status(&storage, format).await,
            QueueCommand::Cancel { id } => queue::cancel(&storage, id).await,
            QueueCommand::Retry { id } => queue::retry(&storage, id).await,
            QueueCommand::Prune { older_than_days } => {
                queue::prune(&storage, older_than_days).await
            }
        },
        Command::Worker(worker) => queue::worker(&storage, registry, worker).await,
        Command::Schedule {
            every_secs,
            overlap_mins,
        } => queue::schedule(&storage, registry, every_secs, overlap_mins).await,
        Command::Demo { days } => demo::run(&storage, registry, days).await,
    }
}
