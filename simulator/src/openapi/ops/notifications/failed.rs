//! DescribeFailedNotifications / ConfirmNotification (contract §6.2): the orderPay notifications a
//! vendor never acknowledged, oldest first, and their removal once the vendor has handled one.

use super::vendor;
use crate::openapi::answer::json;
use crate::openapi::{ApiError, Call, ErrorCode};
use crate::state::Simulator;
use crate::store::StoreError;
use protocol::time::{epoch_millis, parse_instant};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const FIXTURE: &str = include_str!("../../../../../fixtures/openapi/notifications.yaml");

/// The largest page DescribeFailedNotifications answers.
pub const MAX_PAGE_SIZE: i64 = 100;

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
    let mut conn = sim.store().conn();
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM failed_notifications", [])?;
    for f in &fixture.failed {
        let created = parse_instant(&f.created).expect("notification times in the fixture are dates");
        let mut message = f.params.clone();
        message.insert("requestId".into(), f.id.clone());
        let action = message
            .get("action")
            .cloned()
            .unwrap_or_else(|| "orderPay".into());
        let product = message.get("productCode").cloned().unwrap_or_default();
        tx.execute(
            "INSERT INTO failed_notifications (notification_request_id, product_code, action, create_time, message)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                f.id,
                product,
                action,
                epoch_millis(created),
                serde_json::to_string(&message).expect("a map of strings serializes")
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The product codes `vendor` sells.
fn products_of(call: &Call<'_>, vendor_id: &str) -> Vec<String> {
    call.sim
        .world()
        .products
        .iter()
        .filter(|p| p.vendor == vendor_id)
        .map(|p| p.code.clone())
        .collect()
}

pub fn describe_failed_notifications(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let (page, size) = call
        .params
        .paging("PageNumber", "PageSize", true, MAX_PAGE_SIZE)?;
    let products = products_of(call, &vendor.id);
    let conn = call.sim.store().conn();
    let mut stmt = conn
        .prepare_cached(
            "SELECT notification_request_id, product_code, action, create_time, message FROM failed_notifications
             ORDER BY create_time, notification_request_id",
        )
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .map_err(StoreError::from)?;
    let mut mine = Vec::new();
    for row in rows {
        let (id, product, action, created, message) = row.map_err(StoreError::from)?;
        if products.contains(&product) {
            mine.push(DescribeFailedNotificationsResponseBodyNotificationList {
                notification_request_id: id,
                action,
                create_time: created,
                message,
            });
        }
    }
    let total = mine.len();
    let start = ((page - 1) as usize).saturating_mul(size as usize);
    let list = mine.into_iter().skip(start).take(size as usize).collect();
    Ok(json(&DescribeFailedNotificationsResponseBody {
        notification_list: list,
        page_number: page,
        page_size: size,
        total_count: total,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeFailedNotificationsResponseBody {
    notification_list: Vec<DescribeFailedNotificationsResponseBodyNotificationList>,
    page_number: i64,
    page_size: i64,
    total_count: usize,
}

/// One notification: `Message` is the orderPay notification's parameters as a JSON string.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeFailedNotificationsResponseBodyNotificationList {
    notification_request_id: String,
    action: String,
    create_time: i64,
    message: String,
}

pub fn confirm_notification(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let id = call.params.required("NotificationRequestId")?;
    let products = products_of(call, &vendor.id);
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    let product: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT product_code FROM failed_notifications WHERE notification_request_id = ?1",
        [id],
        |r| r.get(0),
    ))
    .map_err(StoreError::from)?;
    if !product.is_some_and(|p| products.contains(&p)) {
        return Err(ErrorCode::NotFound("NotificationRequestId".into()).into());
    }
    tx.execute(
        "DELETE FROM failed_notifications WHERE notification_request_id = ?1",
        [id],
    )
    .map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(json(&ConfirmNotificationResponseBody { success: true }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmNotificationResponseBody {
    success: bool,
}
