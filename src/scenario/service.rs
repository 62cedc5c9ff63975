//! A vendor's own service as the scenarios' vendor (`marketsim run --spi-url`). Only scenarios
//! written for any vendor (`given: { vendor: any }`) run against it; the rest click the console
//! stub's pages and are skipped with that reason. Such a scenario names the product, its SKUs and
//! the buyer only through the world's variables ([`world_vars`]: `${world.product}`, …) and gives
//! times relative to its start: with a service, the world's clock starts at the wall clock (what a
//! vendor checks for freshness must be something it can accept), ids get fresh entropy on every
//! run unless a seed is given, and the OpenAPI listens on a port the service can be told.

use crate::world::VendorService;
use simulator::World;
use std::collections::BTreeMap;
use std::time::Duration;

/// `given: { vendor: … }` of a scenario that runs against whichever vendor the run has.
pub const ANY_VENDOR: &str = "any";

/// How far the world's clock may run ahead of the wall clock before a transcript (and a failing
/// step's diagnostic) says a vendor may not follow: a vendor that accepts a 免登 link stamped at
/// most 60 s from its own clock refuses one stamped further ahead.
pub const FOLLOWS_WITHIN: Duration = Duration::from_secs(60);

/// The service the run's scenarios call, and how the marketplace meets it.
#[derive(Debug, Clone)]
pub struct ServiceUnderTest {
    pub vendor: VendorService,
    /// The vendor's world file (its product, SKUs, buyers, AccessKeys); the default world if None.
    pub world_yaml: Option<String>,
    /// The OpenAPI's port (0: a free one, a new one per scenario).
    pub openapi_port: u16,
    /// The host name in the marketplace's URLs.
    pub host: String,
    /// The address the marketplace (and the unasked console stub) listen on.
    pub bind: String,
    pub allow_hosts: Vec<String>,
    pub seed: Option<u64>,
}

/// The variables every scenario may use to name the world's catalog without naming Zilliz's:
/// `world.product`, `world.product_name`, `world.sku` (the SKU 开通 buys: the product's first),
/// `world.other_sku` (another of the same charge, to upgrade to; else any other, else the same),
/// `world.buyer` (the first buyer's login).
pub fn world_vars(world: &World) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    if let Some(product) = world.products.first() {
        vars.insert("world.product".into(), product.code.clone());
        vars.insert("world.product_name".into(), product.name.clone());
        if let Some(first) = product.skus.first() {
            let other = product.upgrade_target(&first.id).unwrap_or(first);
            vars.insert("world.sku".into(), first.id.clone());
            vars.insert("world.other_sku".into(), other.id.clone());
        }
    }
    if let Some(buyer) = world.buyers.first() {
        vars.insert("world.buyer".into(), buyer.login.clone());
    }
    vars
}
