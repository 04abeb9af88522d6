//! One handler per subcommand.

use anyhow::{Context, Result, bail};
use dgi::storage::RecordQuery;
use dgi::{ConfigUpdate, Credentials, Dealer, Registry, RunRequest, Storage, Window};
use serde_json::{Value as Json, json};

use super::args::{AddDealer, Format, ListData, RunArgs, SetConfig, WindowArgs};
use super::output::{self, REPORT_HEADER, report_rows, table};

pub(crate) async fn init(storage: &Storage, registry: &Registry) -> Result<()> {
    let backend = storage.connection().get_database_backend();
    println!(
        "initialised {backend:?} database with {} job types",
        registry.len()
    );
    Ok(())
}

pub(crate) async fn add_dealer(storage: &Storage, add: AddDealer) -> Result<()> {
    let mut dealer = match (add.api_key, add.secret_key, add.dummy) {
        (Some(key), Some(secret), false) => Dealer::live(&add.id, Credentials::new(key, secret)),
        (None, None, true) => Dealer::dummy(&add.id),
        _ => bail!("give either --api-key with --secret-key, or --dummy"),
    };
    dealer.name = add.name;
    dealer.active = !add.inactive;
    storage.put_dealer(&dealer).await?;
    println!("dealer {} saved ({})", dealer.id, dealer.source.as_str());
    Ok(())
}

pub(crate) async fn list_dealers(storage: &Storage, format: Format) -> Result<()> {
    let dealers = storage.dealers().await?;
    if format == Format::Json {
        let items: Vec<Json> = dealers
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "name": d.name,
                    "active": d.active,
                    "source": d.source.as_str(),
                    "hasCredentials": d.credentials.is_some(),
                })
            })
            .collect();
        return output::json(&items);
    }
    let rows = dealers.iter().map(|d| {
        vec![
            d.id.clone(),
            d.name.clone().unwrap_or_default(),
            d.source.as_str().to_owned(),
            if d.active { "yes" } else { "no" }.to_owned(),
            if d.credentials.is_some() { "set" } else { "-" }.to_owned(),
        ]
    });
    println!(
        "{}",
        table(&["id", "name", "source", "active", "credentials"], rows)
    );
    Ok(())
}

pub(crate) async fn set_active(storage: &Storage, id: &str, active: bool) -> Result<()> {
    let mut dealer = storage.dealer(id).await?;
    dealer.active = active;
    storage.put_dealer(&dealer).await?;
    println!(
        "dealer {id} {}",
        if active { "activated" } else { "deactivated" }
    );
    Ok(())
}

pub(crate) async fn set_config(
    storage: &Storage,
    registry: &Registry,
    set: SetConfig,
) -> Result<()> {
    registry.get(&set.job_type)?;
    let update = ConfigUpdate {
        base_url: set.base_url,
        timeout_secs: set.timeout_secs,
        retries: set.retries,
    };
    let config = storage.update_api_config(&set.job_type, &update).await?;
    println!(
        "{}: base url {}, timeout {}s, {} retries",
        config.job_type,
        config.base_url.as_deref().unwrap_or("(none)"),
        config.timeout.as_secs(),
        config.retries
    );
    Ok(())
}

pub(crate) async fn list_configs(storage: &Storage, format: Format) -> Result<()> {
    let configs = storage.api_configs().await?;
    if format == Format::Json {
        let items: Vec<Json> = configs
            .iter()
            .map(|c| {
                json!({
                    "jobType": c.job_type,
                    "baseUrl": c.base_url,
                    "endpoint": c.endpoint,
                    "timeoutSecs": c.timeout.as_secs(),
                    "retries": c.retries,
                    "maxWindowDays": c.max_window_days,
                    "lookbackDays": c.lookback_days,
                    "intervalSecs": c.interval_secs,
                })
            })
            .collect();
        return output::json(&items);
    }
    let header = [
        "job type", "base url", "endpoint", "timeout", "retries", "window", "lookback",
    ];
    let rows = configs.iter().map(|c| {
        vec![
            c.job_type.clone(),
            c.base_url.clone().unwrap_or_else(|| "(none)".into()),
            c.endpoint.clone(),
            format!("{}s", c.timeout.as_secs()),
            c.retries.to_string(),
            format!("{}d", c.max_window_days),
            format!("{}d", c.lookback_days),
        ]
    });
    println!("{}", table(&header, rows));
    Ok(())
}

pub(crate) fn list_job_types(registry: &Registry, format: Format) -> Result<()> {
    if format == Format::Json {
        let items: Vec<Json> = registry
            .iter()
            .map(|e| {
                let schema = e.job_type.schema();
                json!({
                    "code": e.meta.code,
                    "label": e.meta.label,
                    "icon": e.meta.icon,
                    "endpoint": e.meta.endpoint,
                    "key": schema.key,
                    "filters": schema.filters,
                    "tables": std::iter::once(e.table().to_owned())
                        .chain(e.child_tables())
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        return output::json(&items);
    }
    let rows = registry.iter().map(|e| {
        let schema = e.job_type.schema();
        vec![
            e.meta.code.to_owned(),
            e.meta.label.to_owned(),
            e.meta.endpoint.to_owned(),
            schema.key.to_owned(),
            schema.filters.join(", "),
        ]
    });
    println!(
        "{}",
        table(&["code", "label", "endpoint", "key", "filters"], rows)
    );
    Ok(())
}

pub(crate) async fn run(storage: &Storage, registry: &Registry, args: RunArgs) -> Result<()> {
    let (window, filters) = args.window.parse()?;
    let request = RunRequest {
        job_type: args.job_type,
        dealer_id: args.dealer,
        window,
        filters,
    };
    let report = dgi::run_job(storage, registry, &request).await?;
    if args.format == Format::Json {
        return output::json(&report);
    }
    println!("{}", table(REPORT_HEADER, [report_rows(&report)]));
    Ok(())
}

pub(crate) async fn list_data(
    storage: &Storage,
    registry: &Registry,
    args: ListData,
) -> Result<()> {
    let entry = registry.get(&args.job_type)?;
    let query = RecordQuery {
        dealer_id: args.dealer,
        search: args.search,
        limit: args.limit,
        offset: args.offset,
    };
    let page = storage.list_records(entry, &query).await?;
    if args.format == Format::Json {
        return output::json(&page);
    }
    let schema = entry.job_type.schema();
    let shown: Vec<&str> = schema.fields.iter().take(6).map(|f| f.name).collect();
    let mut header = vec!["dealerId"];
    header.extend(&shown);
    let rows = page.items.iter().map(|item| {
        let mut row = vec![cell(&item["dealerId"])];
        row.extend(shown.iter().map(|name| cell(&item[*name])));
        row
    });
    println!("{}", table(&header, rows));
    println!(
        "{} of {} records (offset {})",
        page.items.len(),
        page.total,
        page.offset
    );
    Ok(())
}

fn cell(value: &Json) -> String {
    match value {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl WindowArgs {
    /// The window, and the `KEY=VALUE` filters as request filters.
    pub(crate) fn parse(&self) -> Result<(Window, Vec<(String, String)>)> {
        let window = Window::parse(&self.from, &self.to)?;
        let filters = self
            .filters
            .iter()
            .map(|f| {
                f.split_once('=')
                    .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                    .with_context(|| format!("filter `{f}` is not KEY=VALUE"))
            })
            .collect::<Result<_>>()?;
        Ok((window, filters))
    }
}
