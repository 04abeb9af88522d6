//! Integration tests of the whole: real HTTP over loopback (wiremock), real
//! SQLite, and the real PostgreSQL server named by `DGI_TEST_POSTGRES_URL`.

mod cli;
mod conformance;
mod leasing;
mod linking;
mod payloads;
mod queue;
mod queue_processes;
mod runs;
mod support;
