//! The distribution (分销) catalogue: DescribeDistributionProducts and DescribeDistributionProductsLink,
//! open to vendors and buyers alike.

use super::answers::*;
use super::{filters, fixture, DistributionProduct};
use crate::openapi::answer::json;
use crate::openapi::call::{Call, Caller};
use crate::openapi::error::{ApiError, ErrorCode};
use serde_json::Value;

/// Codes one DescribeDistributionProductsLink may ask for.
const MAX_CODES: usize = 50;

fn invalid_filter() -> ApiError {
    ErrorCode::InvalidFilter.into()
}

pub(super) fn describe_distribution_products(call: &Call<'_>) -> Result<Value, ApiError> {
    let (page, per_page) = call.params.paging("PageNumber", "PageSize", true, 100)?;
    let wanted = filters(call, invalid_filter)?;
    for (key, _) in &wanted {
        if !["code", "name", "supplierName"].contains(&key.as_str()) {
            return Err(invalid_filter());
        }
    }
    let matches = |d: &DistributionProduct| {
        wanted.iter().all(|(key, value)| {
            let value = value.to_lowercase();
            match key.as_str() {
                "code" => d.code.to_lowercase() == value,
                "name" => d.name.to_lowercase().contains(&value),
                _ => d.supplier_name.to_lowercase().contains(&value),
            }
        })
    };
    let found: Vec<&DistributionProduct> = offered(call).filter(|d| matches(d)).collect();
    let results = found
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|d| DescribeDistributionProductsResponseBodyResults {
            code: &d.code,
            name: &d.name,
            kind: &d.kind,
            short_description: &d.short_description,
            image_url: &d.image_url,
            first_category_name: &d.first_category_name,
            second_category_name: &d.second_category_name,
            supplier_name: &d.supplier_name,
            supplier_uid: &d.supplier_uid,
            price: &d.price,
            score: &d.score,
            submission_radio: &d.submission_radio,
            trade_count: &d.trade_count,
            user_comment_count: &d.user_comment_count,
        })
        .collect();
    Ok(json(&DescribeDistributionProductsResponseBody {
        page_number: page,
        page_size: per_page,
        total_count: found.len(),
        results,
    }))
}

/// The distribution products whose product the world sells.
fn offered<'a>(call: &'a Call<'_>) -> impl Iterator<Item = &'static DistributionProduct> + 'a {
    fixture()
        .distribution
        .iter()
        .filter(|d| call.sim.world().product(&d.code).is_some())
}

pub(super) fn describe_distribution_products_link(call: &Call<'_>) -> Result<Value, ApiError> {
    let codes: Vec<String> = serde_json::from_str(call.params.required("Codes")?)
        .map_err(|_| ErrorCode::Invalid("Codes".into()))?;
    if codes.is_empty() || codes.len() > MAX_CODES {
        return Err(ErrorCode::Invalid("Codes".into()).into());
    }
    // The promoter's code in every link: the vendor's id or the buyer's UID.
    let promoter = match call.caller {
        Caller::Vendor(v) => v.id.clone(),
        Caller::Buyer(b) => b.ali_uid.clone(),
    };
    let result: Vec<_> = codes
        .iter()
        .filter_map(|code| offered(call).find(|d| &d.code == code))
        .map(|d| DescribeDistributionProductsLinkResponseBodyResult {
            code: &d.code,
            name: &d.name,
            url: format!(
                "https://market.aliyun.com/products/{}/{}.html?userCode={promoter}",
                d.category_id, d.code
            ),
        })
        .collect();
    Ok(json(&DescribeDistributionProductsLinkResponseBody {
        success: true,
        total_count: result.len(),
        result,
    }))
}
