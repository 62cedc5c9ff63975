//! Invoice requests (发票申请) of the vendor's products: DescribeInvoiceForIsv and ModifyInvoiceForIsv,
//! ISV-only. Status 0 is pending, 1 issued, 2 rejected (the reference names only 0 and 1; a
//! rejected request needs a state of its own so that it no longer reads as pending).

use super::answers::*;
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::vendor;
use crate::store::invoices::{Invoice, InvoiceFilter, Issue};
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format, spi_parse};
use serde_json::Value;

/// Requests per page at most.
const MAX_PAGE_SIZE: i64 = 50;

const PENDING: i64 = 0;
const ISSUED: i64 = 1;
const REJECTED: i64 = 2;

/// The codes of the vendor's products.
fn products_of(call: &Call<'_>, vendor: &Vendor) -> Vec<String> {
    call.sim
        .world()
        .products
        .iter()
        .filter(|p| p.vendor == vendor.id)
        .map(|p| p.code.clone())
        .collect()
}

/// A `yyyy-MM-dd` date (or a full `yyyy-MM-dd HH:mm:ss`) in epoch milliseconds, Asia/Shanghai;
/// a bare date starts at 00:00:00, or ends at 23:59:59 when `end`.
fn day(call: &Call<'_>, name: &str, end: bool) -> Result<Option<i64>, ApiError> {
    let Some(v) = call.params.get(name) else {
        return Ok(None);
    };
    let v = v.trim();
    let full = if v.len() == 10 {
        format!("{v} {}", if end { "23:59:59" } else { "00:00:00" })
    } else {
        v.to_owned()
    };
    let t = spi_parse(&full).ok_or_else(|| ErrorCode::Invalid(name.into()))?;
    Ok(Some(epoch_millis(t) + if end && v.len() == 10 { 999 } else { 0 }))
}

fn date(ms: i64) -> String {
    spi_format(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

fn item(call: &Call<'_>, i: &Invoice) -> DescribeInvoiceForIsvResponseBodyResult {
    let product_name = call
        .sim
        .world()
        .product(&i.product_code)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let (receipt, address) = (&i.receipt, &i.address);
    let evaluate_list = i
        .orders
        .iter()
        .map(|o| DescribeInvoiceForIsvResponseBodyResultEvaluateList {
            id: o.id.clone(),
            out_biz_id: o.out_biz_id.clone(),
            amount: o.amount.clone(),
            order_type: o.order_type.clone(),
            biz_time_str: o.at.clone(),
            product_code: i.product_code.clone(),
            product_name: product_name.clone(),
            real_aliyun_pk: i.aliyun_pk.clone(),
            real_aliyun_id: "",
            agent: false,
        })
        .collect();
    DescribeInvoiceForIsvResponseBodyResult {
        id: i.id.to_string(),
        invoice_id: i.invoice_id.clone(),
        aliyun_pk: i.aliyun_pk.clone(),
        status: i.status.to_string(),
        kind: i.kind.to_string(),
        material_type: i.material_type.to_string(),
        title: i.title.clone(),
        price: i.price.clone(),
        create_time_str: date(i.created_at),
        modified_time: i.modified_at.to_string(),
        modified_time_str: date(i.modified_at),
        user_notice: i.user_notice.clone(),
        check_notice: i.check_notice.clone(),
        receipt_user_info_dto: DescribeInvoiceForIsvResponseBodyResultReceiptUserInfoDto {
            tax_number: receipt.tax_number.clone(),
            bank_name: receipt.bank_name.clone(),
            bank_account: receipt.bank_account.clone(),
            reg_address: receipt.reg_address.clone(),
            reg_phone: receipt.reg_phone.clone(),
        },
        user_address_dto: DescribeInvoiceForIsvResponseBodyResultUserAddressDto {
            addressee: address.addressee.clone(),
            aliyun_pk: address.aliyun_pk.clone(),
            biz_type: "",
            delivery_address: address.delivery_address.clone(),
            emails: address.emails.clone(),
            phone: address.phone.clone(),
            postal_code: address.postal_code.clone(),
        },
        evaluate_list,
        invoice_list: [],
    }
}

pub(super) fn describe_invoice_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let start = day(call, "CreateTimeStart", false)?;
    let end = day(call, "CreateTimeEnd", true)?;
    let invoice_id = call.params.int("InvoiceId")?;
    let status = call.params.int("Status")?;
    let kind = call.params.int("Type")?;
    let user = call.params.int("UserId")?;
    let max_results = call.params.int("MaxResults")?;
    let (page, per_page) = call
        .params
        .paging("PageIndex", "PageSize", false, MAX_PAGE_SIZE)?;
    let filter = InvoiceFilter {
        products: products_of(call, vendor),
        created_from: start,
        created_to: end,
        id: invoice_id,
        status,
        kind,
        user,
    };
    let (total, page_of) = call
        .sim
        .store()
        .invoices(&filter, per_page, (page - 1) * per_page)?;
    let result = page_of.iter().map(|i| item(call, i)).collect();
    Ok(json(&DescribeInvoiceForIsvResponseBody {
        success: true,
        code: "200",
        count: total.to_string(),
        page_number: page.to_string(),
        page_size: per_page.to_string(),
        result,
        max_results,
    }))
}

pub(super) fn modify_invoice_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let operate = call.params.required_int("OperateType")?;
    if operate != 0 && operate != 1 {
        return Err(ErrorCode::Invalid("OperateType".into()).into());
    }
    let id = call.params.required_int("InvoiceId")?;
    let kind = call.params.int("Type")?;
    if kind.is_some_and(|k| k != 2 && k != 3) {
        return Err(ErrorCode::Invalid("Type".into()).into());
    }
    let now = epoch_millis(call.sim.clock().now());
    call.sim.store().transaction(|tx| {
        let found = tx.invoice_state(id)?;
        let status = match found {
            Some(found)
                if call
                    .sim
                    .world()
                    .product(&found.product_code)
                    .is_some_and(|p| p.vendor == vendor.id) =>
            {
                found.status
            }
            _ => return Err(ApiError::from(ErrorCode::NotFound("InvoiceId".into()))),
        };
        if status != PENDING {
            return Err(ApiError::from(ErrorCode::InvoiceStatus));
        }
        let check_notice = call.params.get("CheckNotice");
        if operate == 0 {
            let issue = Issue {
                number: call.params.get("Number"),
                electron_url: call.params.get("ElectronUrl"),
                check_notice,
                kind,
            };
            tx.issue_invoice(id, ISSUED, now, &issue)?;
        } else {
            tx.reject_invoice(id, REJECTED, now, check_notice)?;
        }
        Ok(())
    })?;
    Ok(json(&ModifyInvoiceForIsvResponseBody {
        code: "200",
        http_status_code: 200,
        message: "success",
        result: true,
    }))
}
