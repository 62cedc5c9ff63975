//! Operations of the metering family (being written).

use crate::openapi::Operation;
use crate::state::Simulator;
use crate::store::StoreError;

pub const OPS: &[(&str, Operation)] = &[];

/// This family's tables (`CREATE TABLE IF NOT EXISTS …`).
pub const SCHEMA: &str = "";

/// Puts this family's fixture data into a fresh or reset world.
pub fn seed(_sim: &Simulator) -> Result<(), StoreError> {
    Ok(())
}
