//! The distribution (分销) catalogue: DescribeDistributionProducts and DescribeDistributionProductsLink,
//! open to vendors and buyers alike.

use super::{filters, fixture, DistributionProduct};
use crate::openapi::{ApiError, Call, Caller, ErrorCode};
use serde_json::{json, Value};

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
    let results: Vec<Value> = found
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|d| {
            json!({
                "Code": d.code,
                "Name": d.name,
                "Type": d.kind,
                "ShortDescription": d.short_description,
                "ImageUrl": d.image_url,
                "FirstCategoryName": d.first_category_name,
                "SecondCategoryName": d.second_category_name,
                "SupplierName": d.supplier_name,
                "SupplierUId": d.supplier_uid,
                "Price": d.price,
                "Score": d.score,
                "SubmissionRadio": d.submission_radio,
                "TradeCount": d.trade_count,
                "UserCommentCount": d.user_comment_count,
            })
        })
        .collect();
    Ok(json!({
        "PageNumber": page,
        "PageSize": per_page,
        "TotalCount": found.len(),
        "Results": results,
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
        .map_err(|_| ApiError::from(ErrorCode::Invalid("Codes".into())))?;
    if codes.is_empty() || codes.len() > MAX_CODES {
        return Err(ApiError::from(ErrorCode::Invalid("Codes".into())));
    }
    // The promoter's code in every link: the vendor's id or the buyer's UID.
    let promoter = match call.caller {
        Caller::Vendor(v) => v.id.clone(),
        Caller::Buyer(b) => b.ali_uid.clone(),
    };
    let result: Vec<Value> = codes
        .iter()
        .filter_map(|code| offered(call).find(|d| &d.code == code))
        .map(|d| {
            json!({
                "Code": d.code,
                "Name": d.name,
                "Url": format!(
                    "https://market.aliyun.com/products/{}/{}.html?userCode={promoter}",
                    d.category_id, d.code
                ),
            })
        })
        .collect();
    Ok(json!({
        "Success": true,
        "TotalCount": result.len(),
        "Result": result,
    }))
}
