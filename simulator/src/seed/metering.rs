//! The buyers' API packages (`fixtures/openapi/metering.yaml`), what PushTimesUsage deducts from.

use crate::state::Simulator;
use crate::store::metering::ApiPackage;
use crate::store::StoreError;
use serde::Deserialize;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/metering.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Package {
    ali_uid: String,
    product_code: String,
    /// 1 订阅包, 2 资源包.
    #[serde(rename = "type")]
    package_type: i64,
    capacity: i64,
    /// Used before the world's clock starts.
    used: i64,
    unit: String,
}

/// Puts the buyers' API packages into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture = serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/metering.yaml is valid");
    let packages: Vec<ApiPackage> = fixture
        .packages
        .into_iter()
        .map(|p| ApiPackage {
            ali_uid: p.ali_uid,
            product_code: p.product_code,
            package_type: p.package_type,
            capacity: p.capacity,
            used: p.used,
            unit: p.unit,
        })
        .collect();
    sim.store().replace_api_packages(&packages)
}
