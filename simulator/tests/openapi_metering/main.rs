//! The metering family: PushMeteringData's rules one by one (and that a refused push stores
//! nothing), by billing granularity and as the world switches them, its 60-second rule on the
//! world's clock, concurrent pushes each stored once, PushTimesUsage's ClientToken window, and
//! DescribeApiMetering over the fixture's packages.
//!
//! Layout: the world and the pushes every test starts from are here; the tests are by what they
//! own — [`rules`] (PushMeteringData's rules one by one, and who may push), [`granularity`] (the
//! rules by the product's billing granularity, and the world's switches for them), [`throttle`]
//! (the 60-second rule across the clock, a restart and a reset, and concurrent pushes), [`usage`]
//! (PushTimesUsage and DescribeApiMetering) and [`signed`] (the family as signed HTTP requests).

#[path = "../common/mod.rs"]
mod common;
mod granularity;
mod rules;
mod signed;
mod throttle;
mod usage;

use axum::Router;
use common::openapi::call;
use common::openapi::http::keys_of;
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::openapi::{operation, ApiError, Call, Caller, Params, Runtime};
use marketsim_simulator::store::metering::Stored;
use marketsim_simulator::{router, Options, Simulator, World};
use protocol::openapi::v3;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::signed::HOST;
use testkit::Vendor;

const PRODUCT: &str = "cmgj00061912";
const SECOND_PRODUCT: &str = "cmgj00099999";
const OTHER_VENDORS_PRODUCT: &str = "cmgj00088888";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;

async fn vendor_answering() -> Vendor {
    Vendor::answering("zc-1", "http://vendor/sso").await
}

/// The default world's product under another code: its SKUs, metering items and plans renamed.
fn renamed(world: &World, code: &str) -> marketsim_simulator::world::Product {
    let mut p = world.products[0].clone();
    let rename = |s: &mut String| *s = s.replace(&p.code, code);
    for m in &mut p.metering {
        rename(&mut m.assit);
    }
    for sku in &mut p.skus {
        rename(&mut sku.id);
        for price in &mut sku.plan {
            rename(&mut price.assit);
        }
    }
    p.code = code.into();
    p
}

/// The default world plus a second product of the same vendor and another vendor with a product.
fn bigger_world(spi_url: &str) -> World {
    let mut world = world_with_vendor(spi_url);
    let second = renamed(&world, SECOND_PRODUCT);
    let mut other_vendor = world.vendors[0].clone();
    other_vendor.id = "other".into();
    other_vendor.access_key_id = "LTAI5tOtherVendor0001".into();
    let mut foreign = renamed(&world, OTHER_VENDORS_PRODUCT);
    foreign.vendor = "other".into();
    world.products.push(second);
    world.products.push(foreign);
    world.vendors.push(other_vendor);
    world
}

/// A world with one OPENED instance of each product (buyer-1's), by product code; the clock is two
/// minutes past ten.
struct Opened {
    sim: Simulator,
    ids: Vec<(String, String)>,
    _vendor: Vendor,
}

impl Opened {
    fn id(&self, product: &str) -> &str {
        &self.ids.iter().find(|(p, _)| p == product).unwrap().1
    }
}

async fn opened() -> Opened {
    opened_with(|_| {}).await
}

/// [`opened`] in the bigger world as `edit` leaves it.
async fn opened_with(edit: impl FnOnce(&mut World)) -> Opened {
    let vendor = vendor_answering().await;
    let mut world = bigger_world(&vendor.spi_url());
    edit(&mut world);
    let sim = simulator(world);
    let buyer = sim.world().buyers[0].clone();
    let mut ids = Vec::new();
    for p in [PRODUCT, SECOND_PRODUCT, OTHER_VENDORS_PRODUCT] {
        let order = sim
            .open_service(&buyer, p, &format!("{p}-payg"), &Default::default())
            .unwrap();
        ids.push((p.to_owned(), order.instance_id));
    }
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    for (_, id) in &ids {
        assert_eq!(sim.store().instance(id).unwrap().unwrap().status.code(), "OPENED");
    }
    Opened {
        sim,
        ids,
        _vendor: vendor,
    }
}

fn vendor<'w>(sim: &'w Simulator, id: &str) -> Caller<'w> {
    Caller::Vendor(sim.world().vendor(id).unwrap())
}

fn buyer(sim: &Simulator, n: usize) -> Caller<'_> {
    Caller::Buyer(&sim.world().buyers[n])
}

fn push(sim: &Simulator, metering: &Value) -> Result<Value, ApiError> {
    push_text(sim, &metering.to_string())
}

fn push_text(sim: &Simulator, metering: &str) -> Result<Value, ApiError> {
    call(
        sim,
        &vendor(sim, "zilliz"),
        "PushMeteringData",
        &[("Metering", metering)],
    )
}

/// A record of 09:50–10:00 with one Frequency entity.
fn record(instance: &str, product: &str) -> Value {
    json!({
        "InstanceId": instance,
        "StartTime": (TEN_AM - 600).to_string(),
        "EndTime": TEN_AM.to_string(),
        "Entities": [{"Key": "Frequency", "Value": "96", "meteringAssit": format!("{product}-Frequency-1")}],
    })
}

fn all_stored(o: &Opened) -> Vec<Stored> {
    o.ids
        .iter()
        .flat_map(|(_, id)| o.sim.store().metering_of(id).unwrap())
        .collect()
}

/// Asserts the push fails with `code` (and a message containing `words`) and stores nothing.
fn refused(o: &Opened, metering: &str, code: &str, words: &str) {
    let before = all_stored(o).len();
    let e = push_text(&o.sim, metering).unwrap_err();
    assert_eq!(e.code(), code, "{metering}: {e:?}");
    assert!(e.message().contains(words), "{metering}: {}", e.message());
    assert!(e.status() == 400 || e.status() == 403, "{e:?}");
    assert_eq!(all_stored(o).len(), before, "nothing is stored: {metering}");
}
