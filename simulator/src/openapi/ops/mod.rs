//! The operations, one module per family, each with a table `OPS` of (Action, function). A family
//! that keeps data of its own keeps it through a file of the store (`store::<family>`); its
//! fixture data is put there by `seed`.

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
