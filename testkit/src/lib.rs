//! The test kit: what the suites of every crate drive the services with, so that each suite reads as
//! behaviour and none carries a copy of the machinery. It depends on `protocol` alone among the
//! workspace's crates: a suite hands it a service's `Router`, and the console stub's tests never need
//! the simulator.
//!
//! Layout:
//! - [`answer`]: one request through a `Router` with `oneshot` (no socket), its answer read whole;
//! - [`signed`]: Market OpenAPI requests signed with V3 (`ACS3-HMAC-SHA256`) or V1, as the SDKs send
//!   them, built on `protocol`'s signing, their answers checked to be JSON as an SDK reads them;
//! - [`page`]: the one page reader — text, links by label, fields, forms;
//! - [`browser`]: a browser with one cookie slot that gets, posts, follows redirects and submits a
//!   page's forms, answering [`Page`]s;
//! - [`vendor`]: a vendor's SPI endpoint played by a wiremock server.

pub mod answer;
pub mod browser;
pub mod page;
pub mod signed;
pub mod vendor;

pub use answer::{send, Answer};
pub use browser::Browser;
pub use page::Page;
pub use vendor::Vendor;
