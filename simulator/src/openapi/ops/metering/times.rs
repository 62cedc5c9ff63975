//! PushTimesUsage (the vendor deducts calls from a buyer's count package) and DescribeApiMetering
//! (the buyer reads its packages: the fixture's, minus what vendors deducted).

use super::{bad_instance, sells, vendor};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::buyer;
use crate::store::metering::{ApiPackage, ApiUse, TimesUsage};
use crate::store::orders::Status;
use protocol::time::epoch_millis;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How long a ClientToken is remembered (virtual time).
pub const CLIENT_TOKEN_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// DescribeApiMetering's page size (the operation has no PageSize parameter).
pub const API_METERING_PAGE_SIZE: usize = 10;

/// PushTimesUsage's answer, which a repeated ClientToken gets again as stored.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PushTimesUsageResponseBody {
    access_denied_detail: &'static str,
    code: &'static str,
    force_fatal: bool,
    http_state_code: &'static str,
    message: &'static str,
    result: bool,
    success: bool,
}

fn success_answer() -> Value {
    json(&PushTimesUsageResponseBody {
        access_denied_detail: "",
        code: "200",
        force_fatal: false,
        http_state_code: "200",
        message: "success",
        result: true,
        success: true,
    })
}

pub fn push_times_usage(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let p = call.params;
    let instance_id = p.required("InstanceId")?;
    let times = p.required_int("Times")?;
    if times <= 0 {
        return Err(ErrorCode::Invalid("Times".into()).into());
    }
    let adjust = p.bool("Adjust")?.unwrap_or(false);
    let adjust_date = p.int("AdjustDate")?;
    let mark = p.get("Mark");
    let token = p.get("ClientToken");
    if let Some(t) = token {
        if t.len() > 64 || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ErrorCode::Invalid("ClientToken".into()).into());
        }
    }
    let now_ms = epoch_millis(call.sim.clock().now());
    call.sim.store().transaction(|tx| {
        if let Some(t) = token {
            let first = tx.times_usage_answer(&vendor.id, t, now_ms - CLIENT_TOKEN_WINDOW_MS)?;
            if let Some(first) = first {
                return serde_json::from_str(&first).map_err(|_| ApiError::from(ErrorCode::Internal));
            }
        }
        let instance = tx.instance(instance_id)?;
        let Some(instance) = instance.filter(|i| sells(call.sim, &vendor.id, &i.product_code)) else {
            return Err(ErrorCode::NotFound("InstanceId".into()).into());
        };
        if instance.status != Status::Opened {
            return Err(bad_instance(format!(
                "The instance {instance_id} is not in service ({}).",
                instance.status.code()
            )));
        }
        let answer = success_answer();
        tx.insert_times_usage(&TimesUsage {
            vendor: &vendor.id,
            client_token: token,
            instance_id,
            ali_uid: &instance.ali_uid,
            product_code: &instance.product_code,
            times,
            adjust,
            adjust_date,
            mark,
            received_at: now_ms,
            answer: answer.to_string(),
        })?;
        Ok(answer)
    })
}

pub fn describe_api_metering(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let p = call.params;
    let page = p.required_int("pageNum")?;
    if page < 1 {
        return Err(ErrorCode::Invalid("pageNum".into()).into());
    }
    let product_filter = p.get("productCode");
    let type_filter = p.int("type")?;
    if type_filter.is_some_and(|t| t != 1 && t != 2) {
        return Err(ErrorCode::Invalid("type".into()).into());
    }

    // A line per product and package type, and what vendors deducted, per product, net of
    // adjustments.
    let ApiUse {
        packages: mut lines,
        deducted,
    } = call.sim.store().api_use(&buyer.ali_uid)?;
    let deducted: BTreeMap<String, i64> = deducted
        .into_iter()
        .map(|(code, net)| (code, net.max(0)))
        .collect();
    // Subscription packages are used up first, then resource packages; what exceeds every package
    // stays on the last one.
    for (code, mut rest) in deducted {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].product_code == code)
            .collect();
        for (k, &i) in idx.iter().enumerate() {
            let line = &mut lines[i];
            let room = (line.capacity - line.used).max(0);
            let take = if k + 1 == idx.len() { rest } else { rest.min(room) };
            line.used += take;
            rest -= take;
        }
    }
    let matching: Vec<&ApiPackage> = lines
        .iter()
        .filter(|l| product_filter.is_none_or(|c| l.product_code == c))
        .filter(|l| type_filter.is_none_or(|t| l.package_type == t))
        .collect();
    let uid: i64 = buyer.ali_uid.parse().unwrap_or_default();
    let start = (page as usize - 1).saturating_mul(API_METERING_PAGE_SIZE);
    let result = matching
        .iter()
        .skip(start)
        .take(API_METERING_PAGE_SIZE)
        .map(|l| DescribeApiMeteringResponseBodyResult {
            aliyun_pk: uid,
            product_code: &l.product_code,
            product_name: call
                .sim
                .world()
                .product(&l.product_code)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| l.product_code.clone()),
            total_capacity: l.capacity,
            total_quota: (l.capacity - l.used).max(0),
            total_usage: l.used,
            unit: &l.unit,
        })
        .collect();
    Ok(json(&DescribeApiMeteringResponseBody {
        code: "200",
        count: matching.len(),
        fatal: false,
        message: "successful",
        page_number: page,
        page_size: API_METERING_PAGE_SIZE,
        result,
        success: true,
        version: "1.0",
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeApiMeteringResponseBody<'a> {
    code: &'static str,
    count: usize,
    fatal: bool,
    message: &'static str,
    page_number: i64,
    page_size: usize,
    result: Vec<DescribeApiMeteringResponseBodyResult<'a>>,
    success: bool,
    version: &'static str,
}

/// One line: a buyer's packages of one type for one product.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeApiMeteringResponseBodyResult<'a> {
    aliyun_pk: i64,
    product_code: &'a str,
    product_name: String,
    total_capacity: i64,
    total_quota: i64,
    total_usage: i64,
    unit: &'a str,
}
