//! marketsim: a local Alibaba Cloud Marketplace simulator and contract-test harness.
//!
//! Layout: [`cli`] parses the command line and wires the parts; [`serve`] runs the simulator alone; [`scenario`] runs YAML scenario files
//! against a world (simulator + console stub on one clock). The simulator, the console stub and the
//! wire protocol are crates of their own (`simulator/`, `console-stub/`, `protocol/`).

pub mod cli;
pub mod scenario;
pub mod serve;
