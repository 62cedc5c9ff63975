//! Scenarios: YAML files that drive a buyer, a vendor and the clock through a world, and the
//! transcript of what happened.
//!
//! [`agent`] is the buyer's browser: it reads server-rendered pages and acts on them by visible label.

pub mod agent;
