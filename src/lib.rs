//! marketsim: a local Alibaba Cloud Marketplace simulator and contract-test harness.
//!
//! Layout, in floors: [`cli`] parses the command line and hands each subcommand its flags —
//! [`serve`] (the simulator alone), [`console_cmd`] (the console stub alone), [`sandbox`] (a whole
//! world, for people), [`bench`] (timings), [`verify_cmd`] (a vendor's service against the contract,
//! over the [`verify`] library) and [`run_cmd`] (scenarios); beneath them, [`scenario`] loads, runs, judges
//! and reports YAML scenario files (progress through a callback the command supplies), over
//! [`world`] (simulator + console stub on one clock). The commands share only rooms beneath them
//! all: [`terminal`] (lines to stdout, the shutdown signal) and [`allow_host`] (the `--allow-host`
//! flag); the libraries share [`xml`] (JUnit text) and [`report_file`] (writing a report). The simulator, the console stub and the
//! wire protocol are crates of their own
//! (`simulator/`, `console-stub/`, `protocol/`). `tests/floors/` holds these floors in a table and
//! fails on any path that runs up or across them.

pub mod allow_host;
pub mod bench;
pub mod cli;
pub mod console_cmd;
pub mod report_file;
pub mod run_cmd;
pub mod sandbox;
pub mod scenario;
pub mod serve;
pub mod terminal;
pub mod verify;
pub mod verify_cmd;
pub mod world;
pub mod xml;
