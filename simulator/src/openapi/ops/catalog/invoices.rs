//! Invoice requests (发票申请) of the vendor's products: DescribeInvoiceForIsv and ModifyInvoiceForIsv,
//! ISV-only. Status 0 is pending, 1 issued, 2 rejected (the reference names only 0 and 1; a
//! rejected request needs a state of its own so that it no longer reads as pending).

use crate::openapi::{ApiError, Call, Caller};
use crate::store::invoices::{Invoice, InvoiceFilter, Issue};
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format, spi_parse};
use serde_json::{json, Value};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS market_invoices (
    id INTEGER PRIMARY KEY, invoice_id TEXT NOT NULL, product_code TEXT NOT NULL, aliyun_pk TEXT NOT NULL,
    status INTEGER NOT NULL, type INTEGER NOT NULL, material_type INTEGER NOT NULL, title TEXT NOT NULL,
    price TEXT NOT NULL, created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, user_notice TEXT NOT NULL,
    check_notice TEXT NOT NULL, number TEXT, electron_url TEXT, receipt TEXT NOT NULL, address TEXT NOT NULL,
    orders TEXT NOT NULL);
";

/// Requests per page at most.
const MAX_PAGE_SIZE: i64 = 50;

const PENDING: i64 = 0;
const ISSUED: i64 = 1;
const REJECTED: i64 = 2;

fn vendor<'a>(call: &'a Call<'_>) -> Result<&'a Vendor, ApiError> {
    match call.caller {
        Caller::Vendor(v) => Ok(v),
        Caller::Buyer(_) => Err(ApiError::forbidden()),
    }
}

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
    let t = spi_parse(&full).ok_or_else(|| ApiError::invalid(name))?;
    Ok(Some(epoch_millis(t) + if end && v.len() == 10 { 999 } else { 0 }))
}

fn date(ms: i64) -> String {
    spi_format(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

fn item(call: &Call<'_>, i: &Invoice) -> Value {
    let (id, product_code, aliyun_pk) = (i.id, &i.product_code, &i.aliyun_pk);
    let (status, kind, material) = (i.status, i.kind, i.material_type);
    let (created, modified) = (i.created_at, i.modified_at);
    let (receipt, address, orders) = (&i.receipt, &i.address, &i.orders);
    let product_name = call
        .sim
        .world()
        .product(product_code)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let evaluate: Vec<Value> = orders
        .iter()
        .map(|o| {
            json!({
                "Id": o.id, "OutBizId": o.out_biz_id, "Amount": o.amount, "OrderType": o.order_type,
                "BizTimeStr": o.at, "ProductCode": product_code, "ProductName": product_name,
                "RealAliyunPk": aliyun_pk, "RealAliyunId": "", "Agent": false,
            })
        })
        .collect();
    json!({
        "Id": id.to_string(),
        "InvoiceId": i.invoice_id,
        "AliyunPk": aliyun_pk,
        "Status": status.to_string(),
        "Type": kind.to_string(),
        "MaterialType": material.to_string(),
        "Title": i.title,
        "Price": i.price,
        "CreateTimeStr": date(created),
        "ModifiedTime": modified.to_string(),
        "ModifiedTimeStr": date(modified),
        "UserNotice": i.user_notice,
        "CheckNotice": i.check_notice,
        "ReceiptUserInfoDto": {
            "TaxNumber": receipt.tax_number, "BankName": receipt.bank_name, "BankAccount": receipt.bank_account,
            "RegAddress": receipt.reg_address, "RegPhone": receipt.reg_phone,
        },
        "UserAddressDto": {
            "Addressee": address.addressee, "AliyunPk": address.aliyun_pk, "BizType": "",
            "DeliveryAddress": address.delivery_address, "Emails": address.emails, "Phone": address.phone,
            "PostalCode": address.postal_code,
        },
        "EvaluateList": evaluate,
        "InvoiceList": [],
    })
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
    let result: Vec<Value> = page_of.iter().map(|i| item(call, i)).collect();
    let mut answer = json!({
        "Success": true,
        "Code": "200",
        "Count": total.to_string(),
        "PageNumber": page.to_string(),
        "PageSize": per_page.to_string(),
        "Result": result,
    });
    if let Some(m) = max_results {
        answer["MaxResults"] = json!(m);
    }
    Ok(answer)
}

pub(super) fn modify_invoice_for_isv(call: &Call<'_>) -> Result<Value, ApiError> {
    let vendor = vendor(call)?;
    let operate = call.params.required_int("OperateType")?;
    if operate != 0 && operate != 1 {
        return Err(ApiError::invalid("OperateType"));
    }
    let id = call.params.required_int("InvoiceId")?;
    let kind = call.params.int("Type")?;
    if kind.is_some_and(|k| k != 2 && k != 3) {
        return Err(ApiError::invalid("Type"));
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
            _ => return Err(ApiError::not_found("InvoiceId")),
        };
        if status != PENDING {
            return Err(ApiError::new(
                400,
                "Invalid.InvoiceStatus",
                "The invoice request has already been issued or rejected.",
            ));
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
    Ok(json!({
        "Code": "200",
        "HttpStatusCode": 200,
        "Message": "success",
        "Result": true,
    }))
}
