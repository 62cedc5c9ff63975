//! A fake Alibaba Cloud Marketplace (阿里云云市场): the buyer's side of opening a SaaS service, and
//! the marketplace's calls to the vendor.
//!
//! Layout, in floors; each module imports only the floors beneath it:
//! - the router: this file. [`router`] layers the OpenAPI over the pages and the control API.
//! - the interfaces, side by side, none importing another: [`pages`] — the buyer's and the vendor's
//!   server-rendered pages, rendering their own errors; [`openapi`] — the Market OpenAPI on `/` for
//!   vendors' and buyers' SDKs, with its own runtime (nonces, turns) and floors of its own (the
//!   dispatch over the families over what they are built from); [`control`] — the harness's JSON
//!   control API.
//! - [`opening`] — opening a world (or resuming one from a data directory) and resetting it: the
//!   state put together with the rules it runs.
//! - the marketplace's rules: [`purchase`] (开通: order, instance, its term and the first scheduled
//!   SPI call), [`lifecycle`] (life after 开通: renewals, upgrades, expiry, release and refunds,
//!   by the buyer's orders and on the clock, its schedule running the transitions and then the
//!   due deliveries as the clock moves),
//!   [`delivery`] (every SPI notification — createInstance, renew, upgrade, expire, release, refund,
//!   orderPay — with its retries, in order per instance, and the delivery journal),
//!   [`cross_account`] (the cross-account link and its one-time tokens, for the 授权 page and
//!   CrossAccountVerifyToken), [`seed`] (the fixture data a fresh world starts with), [`feed`]
//!   (the billing feed's rules: who reads which entries, pages and live follows of them, the
//!   capped log of refused pushes).
//! - [`state`] — [`Simulator`], the one cheap state handle: world, [`store`], clock, ids.
//! - the ground: [`store`] — every table and query, typed rows out; [`world`] — what a fresh
//!   marketplace knows (settings, vendors, products, buyers), from YAML; [`spi_client`] — the
//!   SPI's HTTP transport.
//!
//! [`router`] is the whole app (testable with `oneshot`, no socket); [`serve`] runs it on a bound
//! listener until a shutdown future resolves, through `serving` (the Host names it answers to,
//! timeouts, a connection cap). The simulator meets vendors only over HTTP.

pub mod billing;
pub mod control;
pub mod cross_account;
pub mod delivery;
pub mod faults;
pub mod feed;
pub mod lifecycle;
pub mod openapi;
pub mod opening;
pub mod pages;
pub mod purchase;
pub mod seed;
pub mod spi_client;
pub mod state;
pub mod store;
pub mod world;

pub use state::{ClockMode, Options, Simulator};
pub use world::World;

use axum::Router;
use std::future::Future;

/// The marketplace app: pages and control API, with the OpenAPI answering its own requests on `/`.
///
/// Each router builds the OpenAPI's runtime afresh ([`openapi::OpenApi::new`]): two routers over one
/// world each keep their own nonces and turns, so a nonce one has seen the other would accept.
/// Serve a world through one router (the CLI serves one per world).
pub fn router(sim: Simulator) -> Router {
    sim.faults().know_operations(openapi::operation_names());
    pages::routes()
        .merge(control::routes())
        .layer(axum::middleware::from_fn_with_state(
            openapi::OpenApi::new(sim.clone()),
            openapi::http::route,
        ))
        .with_state(sim)
}

/// Serves `sim` on `listener` with `config` until `shutdown` resolves. A real-time clock's driver
/// runs alongside.
pub async fn serve(
    listener: tokio::net::TcpListener,
    sim: Simulator,
    config: serving::Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let driver = (!sim.clock().is_manual()).then(|| sim.clock().spawn_driver());
    let result = serving::serve(listener, router(sim), config, shutdown).await;
    if let Some(driver) = driver {
        driver.abort();
    }
    result
}
