//! The licenses (激活码) of the world's products (`fixtures/openapi/licenses.yaml`).

use crate::state::Simulator;
use crate::store::licenses::{License, LicenseAttribute};
use crate::store::StoreError;
use serde::Deserialize;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/licenses.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    licenses: Vec<FixtureLicense>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureLicense {
    code: String,
    product: String,
    sku: String,
    instance_id: String,
    status: String,
    created: String,
    #[serde(default)]
    activated: Option<String>,
    expires: String,
    ali_uid: String,
    account_quantity: i64,
    email: String,
    mobile: String,
    #[serde(default)]
    attributes: Vec<LicenseAttribute>,
}

/// Puts the fixture licenses of the world's products into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture = serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/licenses.yaml is valid");
    let licenses: Vec<License> = fixture
        .licenses
        .into_iter()
        .filter(|l| sim.world().product(&l.product).is_some())
        .map(|l| License {
            created_at: super::millis(&l.created),
            activated_at: l.activated.as_deref().map(super::millis),
            expires_at: super::millis(&l.expires),
            code: l.code,
            product_code: l.product,
            sku_id: l.sku,
            instance_id: l.instance_id,
            status: l.status,
            ali_uid: l.ali_uid,
            account_quantity: l.account_quantity,
            email: l.email,
            mobile: l.mobile,
            attributes: l.attributes,
        })
        .collect();
    sim.store().put_licenses(&licenses)
}
