//! The purchases made before the world's clock starts (`fixtures/openapi/instances.yaml`): orders,
//! instances in every status, image purchases and auto-renewals.

use crate::state::Simulator;
use crate::store::orders::{Instance, Order, Status};
use crate::store::purchases::{AutoRenewal, Image};
use crate::store::StoreError;
use protocol::time::{epoch_millis, parse_instant};
use serde::Deserialize;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/instances.yaml");

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
    image: Option<FixtureImage>,
    auto_renewal: Option<Renewal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureImage {
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

fn at(s: &str) -> i64 {
    parse_instant(s)
        .map(epoch_millis)
        .expect("the instances fixture's dates are dates")
}

/// Puts the fixture's purchases into a fresh or reset world, in one transaction. A purchase of a
/// product or SKU the world lacks (a scenario's own world) is left out.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture = fixture();
    let world = sim.world();
    sim.store().transaction(|tx| {
        for p in &fixture.purchases {
            let known = world
                .product(&p.product_code)
                .is_some_and(|product| product.sku(&p.sku_id).is_some());
            if !known {
                continue;
            }
            let created = at(&p.ordered_at);
            let json = |v: &Option<serde_json::Value>| v.as_ref().map(serde_json::Value::to_string);
            tx.insert_order(&Order {
                order_id: p.order_id.clone(),
                ali_uid: p.ali_uid.clone(),
                product_code: p.product_code.clone(),
                sku_id: p.sku_id.clone(),
                order_type: "NEW".into(),
                pay_status: "PAID".into(),
                instance_id: p.instance_id.clone(),
                created_at: created,
                order_status: "NORMAL".into(),
                ..Order::default()
            })?;
            tx.insert_instance(&Instance {
                instance_id: p.instance_id.clone(),
                order_id: p.order_id.clone(),
                ali_uid: p.ali_uid.clone(),
                product_code: p.product_code.clone(),
                sku_id: p.sku_id.clone(),
                status: Status::from_code(&p.status),
                vendor_instance_id: p.vendor_instance_id.clone(),
                app_info: json(&p.app_info),
                host_info: json(&p.host_info),
                info: None,
                attempts: u32::from(p.status != "OPENING"),
                next_attempt_at: None,
                failure: p.failure.clone(),
                created_at: created,
                opened_at: p.opened_at.as_deref().map(at),
                expires_at: None,
                extras: Default::default(),
                expired_at: None,
            })?;
            if let Some(image) = &p.image {
                let image = Image {
                    ecs_instance_id: image.ecs_instance_id.clone(),
                    image_id: image.image_id.clone(),
                };
                tx.insert_image(&p.instance_id, &image)?;
            }
            if let Some(renewal) = &p.auto_renewal {
                let renewal = AutoRenewal {
                    cycle: renewal.cycle.clone(),
                    duration: renewal.duration,
                };
                tx.set_auto_renewal(&p.instance_id, Some(&renewal), created)?;
            }
        }
        Ok(())
    })
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
            assert_eq!(
                Status::from_code(&p.status).code(),
                p.status,
                "a status the store keeps"
            );
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
