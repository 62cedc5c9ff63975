//! The operations, one module per family, each with a table `OPS` of (Action, function). A family
//! that keeps data of its own has a `store` module beside the others with its `SCHEMA`.

pub mod catalog;
pub mod instances;
pub mod licenses;
pub mod metering;
pub mod notifications;
pub mod projects;

use super::Operation;

/// Every family's table; an Action appears in exactly one.
pub const FAMILIES: &[&[(&str, Operation)]] = &[
    instances::OPS,
    metering::OPS,
    notifications::OPS,
    licenses::OPS,
    catalog::OPS,
    projects::OPS,
];

/// Seeds every family's fixture data (a fresh world, or after a reset).
pub fn seed_all(sim: &crate::state::Simulator) -> Result<(), crate::store::StoreError> {
    instances::seed(sim)?;
    metering::seed(sim)?;
    notifications::seed(sim)?;
    licenses::seed(sim)?;
    catalog::seed(sim)?;
    projects::seed(sim)
}
