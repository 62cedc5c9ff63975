//! The fixture data a fresh or reset world starts with, beside the world file: purchases made
//! before the world's clock starts, the buyers' API packages, licenses,
//! invoice requests and service-delivery projects (`fixtures/openapi/*.yaml`, embedded). Each
//! file reads one fixture and writes it through the store; what names a product the world lacks
//! (a scenario's own world) is left out. Seeding draws no ids from the world's generator, so a
//! world's ids are the same with or without it.

mod instances;
mod invoices;
mod licenses;
mod metering;
mod projects;

use crate::state::Simulator;
use crate::store::StoreError;
use protocol::time::{epoch_millis, spi_parse};

/// Puts every fixture into the world's store (a fresh world, or after a reset).
pub fn all(sim: &Simulator) -> Result<(), StoreError> {
    instances::seed(sim)?;
    metering::seed(sim)?;
    licenses::seed(sim)?;
    invoices::seed(sim)?;
    projects::seed(sim)
}

/// A fixture date (`yyyy-MM-dd HH:mm:ss`, Asia/Shanghai) in epoch milliseconds.
fn millis(date: &str) -> i64 {
    epoch_millis(spi_parse(date).unwrap_or_else(|| panic!("fixture date `{date}` is yyyy-MM-dd HH:mm:ss")))
}
