//! DescribeFailedNotifications / ConfirmNotification (contract §6.2): the orderPay notifications a
//! vendor never acknowledged, oldest first, and their removal once the vendor has handled one.

use super::vendor;
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use serde::Serialize;
use serde_json::Value;

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
            mine.push(DescribeFailedNotificationsResponseBodyNotificationList {
                notification_request_id: n.id,
                action: n.action,
                create_time: n.create_time,
                message: n.message,
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
    call.sim.store().transaction(|tx| {
        let product = tx.failed_notification_product(id)?;
        if !product.is_some_and(|p| products.contains(&p)) {
            return Err(ApiError::from(ErrorCode::NotFound(
                "NotificationRequestId".into(),
            )));
        }
        tx.delete_failed_notification(id)?;
        Ok(())
    })?;
    Ok(json(&ConfirmNotificationResponseBody { success: true }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmNotificationResponseBody {
    success: bool,
}
