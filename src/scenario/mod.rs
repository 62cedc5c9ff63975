//! Scenarios: YAML files that drive a buyer and the clock through a world, and the transcript of
//! what happened. A strict pipeline: [`load`] (file → [`model`] with diagnostics) → [`runner`]
//! (a fresh world per scenario, plain results) → [`report`] (text for people).
//!
//! [`agent`] is the buyer's browser: it reads server-rendered pages and acts on them by visible
//! label; [`api`] makes the vendor's and buyers' signed OpenAPI calls and raw requests, and
//! [`json`] checks their answers; [`scripted`] plays a vendor whose SPI answers the scenario queues; [`service`] puts a vendor's own
//! service in the console stub's place (`run --spi-url`); [`transcript`] writes what happened with sites named instead of ports.

pub mod agent;
pub mod api;
pub mod diagnostic;
pub mod json;
pub mod load;
pub mod model;
pub mod report;
pub mod runner;
pub mod scripted;
pub mod service;
pub mod transcript;
