//! The wire protocol between the Alibaba Cloud Marketplace and a vendor, and what both sides of one
//! simulated world share.
//!
//! Layout:
//! - [`spi`] — the SPI token (`MD5(sorted params & key=…)`) both ways, and the SPI wire types
//!   (`createInstance` answers, `verify` links).
//! - [`time`] — the marketplace's dates: Asia/Shanghai wall time, the `yyyy-MM-dd HH:mm:ss` SPI format,
//!   durations as users write them (`2m`, `1h 30m`).
//! - [`clock`] — the one virtual clock of a world (manual or real time) and the scheduler that runs
//!   every service's due work in time order.
//! - [`ids`] — the seeded generator behind every id, so a world replayed gives the same ids.
//! - [`metering`] — the metering Keys and the `meteringAssit` shape both sides speak.
//! - [`openapi`] — the Market OpenAPI's request signatures (V3 `ACS3-HMAC-SHA256`, V1 `HMAC-SHA1`)
//!   and a typed client that signs like the official SDK.
//!
//! The simulator and the console stub both depend on this crate and never on each other.

pub mod clock;
pub mod ids;
pub mod metering;
pub mod openapi;
pub mod spi;
pub mod time;
