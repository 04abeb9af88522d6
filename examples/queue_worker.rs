//! Queues every reference job type for two dummy dealers and runs a worker
//! until the queue is empty, in a SQLite file `queue-example.db`.
//!
//! Run with `cargo run --example queue_worker`.

use std::sync::Arc;

use dgi::queue::{NewJob, Queue, RunExecutor, Worker, WorkerOptions};
use dgi::{Dealer, Registry, Storage, Window};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let registry = Registry::global()?;
    let storage = Storage::connect("sqlite://queue-example.db").await?;
    storage.init(registry).await?;
    for id in ["08138", "12284"] {
        storage.put_dealer(&Dealer::dummy(id)).await?;
    }

    let queue = Queue::new(storage.clone());
    queue.sync_clock().await?;
    let template = NewJob {
        job_type: String::new(),
        dealer_id: String::new(),
        window: Window::last_days(chrono::Local::now().naive_local(), 3),
        filters: Vec::new(),
        priority: 0,
        run_at: None,
    };
    let codes: Vec<String> = registry.codes().iter().map(|c| (*c).to_owned()).collect();
    let queued = queue
        .enqueue_all_dealers(registry, &template, &codes, queue.now())
        .await?;
    println!("{} jobs queued", queued.len());

    let options = WorkerOptions {
        until_idle: true,
        concurrency: 2,
        ..WorkerOptions::default()
    };
    let executor = Arc::new(RunExecutor::new(storage.clone(), registry));
    let worker = Worker::new(queue.clone(), executor, options);
    let summary = worker.run(std::future::pending()).await?;
    println!("{summary:?}");
    println!("{:?}", queue.status().await?);
    Ok(())
}
