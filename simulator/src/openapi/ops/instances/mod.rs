//! The instances family: what a purchase made, read by the vendor (`…ForIsv`) and by the buyer
//! (`DescribeInstance(s)`, `DescribeOrder`), and the buyer's writes (`CreateOrder`,
//! `AutoRenewInstance`). [`view`] shapes orders and instances as the SDK models read them,
//! [`describe`] holds the reads, [`buy`] the writes; this module has the table, the schema, the
//! fixture and who may see what.

mod buy;
mod describe;
mod view;

use super::{buyer, vendor};
use crate::openapi::{ApiError, Call, Caller, ErrorCode, Operation};
use crate::state::Simulator;
use crate::store::orders::{Instance, Order};
use crate::store::StoreError;
use protocol::time::{epoch_millis, parse_instant};
use rusqlite::params;
use serde::Deserialize;

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeInstanceForIsv", Operation(describe::instance_for_isv)),
    ("DescribeOrderForIsv", Operation(describe::order_for_isv)),
    (
        "DescribeImageInstanceForIsv",
        Operation(describe::image_instance_for_isv),
    ),
    ("DescribeInstance", Operation(describe::instance)),
    ("DescribeInstances", Operation(describe::instances)),
    ("DescribeOrder", Operation(describe::order)),
    ("CreateOrder", Operation(buy::create_order)),
    ("AutoRenewInstance", Operation(buy::auto_renew_instance)),
];

/// CreateOrder's client tokens (one purchase per buyer and token), auto-renewal settings, and the
/// ECS instances image purchases run on.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS openapi_client_tokens (
    ali_uid TEXT NOT NULL, client_token TEXT NOT NULL, request TEXT NOT NULL, order_id TEXT NOT NULL,
    created_at INTEGER NOT NULL, PRIMARY KEY (ali_uid, client_token));
CREATE TABLE IF NOT EXISTS openapi_auto_renewals (
    instance_id TEXT PRIMARY KEY, cycle TEXT NOT NULL, duration INTEGER NOT NULL,
    updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS openapi_instance_images (
    ecs_instance_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, image_id TEXT NOT NULL);
";

const FIXTURE: &str = include_str!("../../../../../fixtures/openapi/instances.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    purchases: Vec<Purchase>,
}

/// A purchase made before the world's clock starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Purchase {
    order_id: String,
    instance_id: String,
    ali_uid: String,
    product_code: String,
    sku_id: String,
    ordered_at: String,
    /// OPENING, OPENED, OPEN_FAILED, EXPIRED or CLOSED, as the store keeps it.
    status: String,
    opened_at: Option<String>,
    vendor_instance_id: Option<String>,
    app_info: Option<serde_json::Value>,
    host_info: Option<serde_json::Value>,
    failure: Option<String>,
    image: Option<Image>,
    auto_renewal: Option<Renewal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Image {
    ecs_instance_id: String,
    image_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Renewal {
    cycle: String,
    duration: i64,
}

fn fixture() -> Fixture {
    serde_yaml::from_str(FIXTURE).expect("the embedded instances fixture is valid")
}

/// Puts the fixture's purchases into a fresh or reset world, in one transaction. A purchase of a
/// product or SKU the world lacks (a scenario's own world) is left out.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture = fixture();
    let world = sim.world();
    let mut conn = sim.store().conn();
    let tx = conn.transaction()?;
    for p in &fixture.purchases {
        let known = world
            .product(&p.product_code)
            .is_some_and(|product| product.sku(&p.sku_id).is_some());
        if !known {
            continue;
        }
        let at = |s: &str| {
            parse_instant(s)
                .map(epoch_millis)
                .expect("the instances fixture's dates are dates")
        };
        let created = at(&p.ordered_at);
        let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
        tx.execute(
            "INSERT INTO orders (order_id, ali_uid, product_code, sku_id, order_type, pay_status, instance_id, created_at)
             VALUES (?1, ?2, ?3, ?4, 'NEW', 'PAID', ?5, ?6)",
            params![p.order_id, p.ali_uid, p.product_code, p.sku_id, p.instance_id, created],
        )?;
        tx.execute(
            "INSERT INTO instances (instance_id, order_id, ali_uid, product_code, sku_id, status,
                 vendor_instance_id, app_info, host_info, attempts, failure, created_at, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                p.instance_id,
                p.order_id,
                p.ali_uid,
                p.product_code,
                p.sku_id,
                p.status,
                p.vendor_instance_id,
                json(&p.app_info),
                json(&p.host_info),
                u32::from(p.status != "OPENING"),
                p.failure,
                created,
                p.opened_at.as_deref().map(at),
            ],
        )?;
        if let Some(image) = &p.image {
            tx.execute(
                "INSERT INTO openapi_instance_images (ecs_instance_id, instance_id, image_id) VALUES (?1, ?2, ?3)",
                params![image.ecs_instance_id, p.instance_id, image.image_id],
            )?;
        }
        if let Some(renewal) = &p.auto_renewal {
            tx.execute(
                "INSERT INTO openapi_auto_renewals (instance_id, cycle, duration, updated_at) VALUES (?1, ?2, ?3, ?4)",
                params![p.instance_id, renewal.cycle, renewal.duration, created],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Whether the caller may see a purchase of `product_code` by `ali_uid`: a vendor its own
/// products', a buyer its own.
fn sees(call: &Call<'_>, product_code: &str, ali_uid: &str) -> bool {
    match call.caller {
        Caller::Vendor(v) => call
            .sim
            .world()
            .product(product_code)
            .is_some_and(|p| p.vendor == v.id),
        Caller::Buyer(b) => b.ali_uid == ali_uid,
    }
}

/// A required id parameter: digits (the marketplace's ids are Longs), else `Invalid<Name>`.
fn id_param<'a>(call: &'a Call<'_>, name: &str) -> Result<&'a str, ApiError> {
    let id = call.params.required(name)?.trim();
    if id.len() > 19 || !id.bytes().all(|c| c.is_ascii_digit()) {
        return Err(ErrorCode::Invalid(name.into()).into());
    }
    Ok(id)
}

/// The instance `id` if the caller may see it; unknown and not-yours both `Invalid<Name>.NotFound`.
fn visible_instance(call: &Call<'_>, id: &str, name: &str) -> Result<Instance, ApiError> {
    call.sim
        .store()
        .instance(id)?
        .filter(|i| sees(call, &i.product_code, &i.ali_uid))
        .ok_or_else(|| ApiError::from(ErrorCode::NotFound(name.into())))
}

/// The order `id` if the caller may see it; unknown and not-yours both `Invalid<Name>.NotFound`.
fn visible_order(call: &Call<'_>, id: &str, name: &str) -> Result<Order, ApiError> {
    call.sim
        .store()
        .order(id)?
        .filter(|o| sees(call, &o.product_code, &o.ali_uid))
        .ok_or_else(|| ApiError::from(ErrorCode::NotFound(name.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_reads_and_names_the_default_worlds_product() {
        let fixture = fixture();
        let world = crate::world::World::default_world();
        assert!(!fixture.purchases.is_empty());
        for p in &fixture.purchases {
            let product = world.product(&p.product_code).expect("a product of the world");
            assert!(product.sku(&p.sku_id).is_some(), "{}", p.sku_id);
            assert!(world.buyer_by_uid(&p.ali_uid).is_none(), "not a signing-in buyer");
        }
    }

    #[test]
    fn seeding_takes_no_ids_from_the_generator() {
        let sim = Simulator::for_tests();
        sim.store().clear().unwrap();
        let before = sim.with_ids(|ids| ids.state()).unwrap();
        seed(&sim).unwrap();
        assert_eq!(sim.with_ids(|ids| ids.state()).unwrap(), before);
        assert!(sim.store().instance("15511111").unwrap().is_some());
    }
}
