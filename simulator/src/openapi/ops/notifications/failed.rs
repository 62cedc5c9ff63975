//! DescribeFailedNotifications / ConfirmNotification (contract §6.2): the orderPay notifications a
//! vendor never acknowledged, oldest first, and their removal once the vendor has handled one.

use super::vendor;
use crate::openapi::{ApiError, Call};
use serde_json::{json, Value};

/// The largest page DescribeFailedNotifications answers.
pub const MAX_PAGE_SIZE: i64 = 100;

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
    let mut mine = Vec::new();
    for n in call.sim.store().failed_notifications()? {
        if products.contains(&n.product_code) {
            mine.push(json!({
                "NotificationRequestId": n.id,
                "Action": n.action,
                "CreateTime": n.create_time,
                "Message": n.message,
            }));
        }
    }
    let total = mine.len();
    let start = ((page - 1) as usize).saturating_mul(size as usize);
    let list: Vec<Value> = mine.into_iter().skip(start).take(size as usize).collect();
    Ok(json!({
        "NotificationList": list,
        "PageNumber": page,
        "PageSize": size,
        "TotalCount": total,
    }))
}

pub fn confirm_notification(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let id = call.params.required("NotificationRequestId")?;
    let products = products_of(call, &vendor.id);
    call.sim.store().transaction(|tx| {
        let product = tx.failed_notification_product(id)?;
        if !product.is_some_and(|p| products.contains(&p)) {
            return Err(ApiError::not_found("NotificationRequestId"));
        }
        tx.delete_failed_notification(id)?;
        Ok(())
    })?;
    Ok(json!({ "Success": true }))
}
