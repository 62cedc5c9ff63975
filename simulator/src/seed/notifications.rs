//! The orderPay notifications vendors never acknowledged (`fixtures/openapi/notifications.yaml`).

use crate::state::Simulator;
use crate::store::notifications::FailedNotification;
use crate::store::StoreError;
use protocol::time::{epoch_millis, parse_instant};
use serde::Deserialize;
use std::collections::BTreeMap;

const FIXTURE: &str = include_str!("../../../fixtures/openapi/notifications.yaml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    failed: Vec<Failed>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Failed {
    id: String,
    created: String,
    params: BTreeMap<String, String>,
}

/// Puts the fixture's failed notifications into a fresh or reset world.
pub fn seed(sim: &Simulator) -> Result<(), StoreError> {
    let fixture: Fixture =
        serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/notifications.yaml is valid");
    let failed: Vec<FailedNotification> = fixture
        .failed
        .into_iter()
        .map(|f| {
            let created = parse_instant(&f.created).expect("notification times in the fixture are dates");
            let mut message = f.params;
            message.insert("requestId".into(), f.id.clone());
            let action = message
                .get("action")
                .cloned()
                .unwrap_or_else(|| "orderPay".into());
            let product_code = message.get("productCode").cloned().unwrap_or_default();
            FailedNotification {
                id: f.id,
                product_code,
                action,
                create_time: epoch_millis(created),
                message: serde_json::to_string(&message).expect("a map of strings serializes"),
            }
        })
        .collect();
    sim.store().replace_failed_notifications(&failed)
}
