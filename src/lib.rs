//! marketsim: a local Alibaba Cloud Marketplace simulator and contract-test harness.
//!
//! Layout: [`cli`] parses the command line and wires the parts; [`serve`] runs the simulator alone, [`console_cmd`] the console stub alone; [`sandbox`] runs a whole
//! [`world`] (simulator + console stub on one clock) for people; [`bench`] times a scenario; [`scenario`] runs YAML scenario files
//! against a world (simulator + console stub on one clock). The simulator, the console stub and the
//! wire protocol are crates of their own (`simulator/`, `console-stub/`, `protocol/`).

pub mod bench;
pub mod cli;
pub mod console_cmd;
pub mod sandbox;
pub mod scenario;
pub mod serve;
pub mod world;
