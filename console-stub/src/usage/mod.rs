//! Usage, on the floor of the console's rules: what running clusters accrue hour by hour, the
//! PushMeteringData requests that report it, and when a request that failed is tried again.
//!
//! - [`accrual`]: one hour's usage from the runs that overlap it — per cluster that ran, compute
//!   (`compute_units` × seconds running, pushed as the world's compute Key, e.g. `Period` in
//!   seconds) and storage (`storage_gb` × seconds running / 3600, floored, e.g. `StorageGigaByte`),
//!   with a SerialNo stable per cluster and hour. Frozen or deleted clusters have no run, so accrue
//!   nothing.
//! - [`credit`]: 免费额度 spent before pushing — each hour priced item by item as the marketplace
//!   rates it, taken from the organisation's credit, and only what it did not cover pushed (a partly
//!   covered item pushes the uncovered cost's usage, rounded down).
//! - [`charges`]: what the month's pushed usage costs, priced line by line as the marketplace's
//!   bill is, so the console and the bill agree to the fen.
//! - [`requests`]: the hour's records packed into requests — one product, at most 100 records,
//!   every record of an instance in the same request (the marketplace takes one request per
//!   instance a minute) — and the `Metering` text each attempt will send.
//! - [`retry`]: how an answer is judged (pushed, tried again, refused) and when the next attempt
//!   falls: `x-acs-retry-after` when the marketplace gives it, else 1, 2, 4, 8, then every 16
//!   minutes — never at or after the marketplace's deadline (the end of the hour after the
//!   window), when the request is given up as late.
//!
//! The runs and the rows come from the store (`store::clusters`, `store::usage`); the reporter,
//! above, stores what these rules make and sends it.

pub mod accrual;
pub mod charges;
pub mod credit;
pub mod requests;
pub mod retry;

pub use accrual::{accrue, hour_of, serial_no, HOUR};
pub use charges::{charges, Charges};
pub use credit::spend_hour;
pub use requests::{plan_requests, PlannedRequest, MAX_RECORDS};
pub use retry::{deadline, judge, next_attempt, retry_wait, Judged};
