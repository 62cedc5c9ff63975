//! Invoice requests (发票申请) of the vendor's products: DescribeInvoiceForIsv and ModifyInvoiceForIsv,
//! ISV-only. Status 0 is pending, 1 issued, 2 rejected (the reference names only 0 and 1; a
//! rejected request needs a state of its own so that it no longer reads as pending).

use super::answers::*;
use super::millis;
use crate::openapi::answer::json;
use crate::openapi::ops::vendor;
use crate::openapi::{ApiError, Call, ErrorCode};
use crate::state::Simulator;
use crate::store::StoreError;
use crate::world::Vendor;
use protocol::time::{epoch_millis, spi_format, spi_parse};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FixtureInvoice {
    id: i64,
    invoice_id: String,
    product: String,
    aliyun_pk: String,
    status: i64,
    #[serde(rename = "type")]
    kind: i64,
    material_type: i64,
    title: String,
    price: String,
    created: String,
    #[serde(default)]
    modified: String,
    #[serde(default)]
    user_notice: String,
    #[serde(default)]
    check_notice: String,
    receipt: Receipt,
    address: Address,
    orders: Vec<InvoicedOrder>,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Receipt {
    tax_number: String,
    bank_name: String,
    bank_account: String,
    reg_address: String,
    reg_phone: String,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Address {
    addressee: String,
    aliyun_pk: String,
    delivery_address: String,
    emails: String,
    phone: String,
    postal_code: String,
}

/// An order the request invoices.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct InvoicedOrder {
    id: String,
    out_biz_id: String,
    amount: String,
    order_type: String,
    at: String,
}

pub(super) fn seed(sim: &Simulator, invoices: &[FixtureInvoice]) -> Result<(), StoreError> {
    let mut conn = sim.store().conn();
    let tx = conn.transaction()?;
    for i in invoices {
        if sim.world().product(&i.product).is_none() {
            continue;
        }
        let created = millis(&i.created);
        let modified = if i.modified.is_empty() {
            created
        } else {
            millis(&i.modified)
        };
        tx.execute(
            "INSERT OR REPLACE INTO market_invoices (id, invoice_id, product_code, aliyun_pk, status, type,
                material_type, title, price, created_at, modified_at, user_notice, check_notice, number,
                electron_url, receipt, address, orders)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL, NULL, ?14, ?15, ?16)",
            params![
                i.id,
                i.invoice_id,
                i.product,
                i.aliyun_pk,
                i.status,
                i.kind,
                i.material_type,
                i.title,
                i.price,
                created,
                modified,
                i.user_notice,
                i.check_notice,
                serde_json::to_string(&i.receipt).expect("serializes"),
                serde_json::to_string(&i.address).expect("serializes"),
                serde_json::to_string(&i.orders).expect("serializes"),
            ],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The codes of the vendor's products, for `product_code IN (…)`.
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

fn item(call: &Call<'_>, r: &rusqlite::Row<'_>) -> rusqlite::Result<DescribeInvoiceForIsvResponseBodyResult> {
    let id: i64 = r.get("id")?;
    let product_code: String = r.get("product_code")?;
    let aliyun_pk: String = r.get("aliyun_pk")?;
    let status: i64 = r.get("status")?;
    let kind: i64 = r.get("type")?;
    let material: i64 = r.get("material_type")?;
    let created: i64 = r.get("created_at")?;
    let modified: i64 = r.get("modified_at")?;
    let receipt: Receipt = serde_json::from_str(&r.get::<_, String>("receipt")?).unwrap_or_default();
    let address: Address = serde_json::from_str(&r.get::<_, String>("address")?).unwrap_or_default();
    let orders: Vec<InvoicedOrder> = serde_json::from_str(&r.get::<_, String>("orders")?).unwrap_or_default();
    let product_name = call
        .sim
        .world()
        .product(&product_code)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let evaluate_list = orders
        .into_iter()
        .map(|o| DescribeInvoiceForIsvResponseBodyResultEvaluateList {
            id: o.id,
            out_biz_id: o.out_biz_id,
            amount: o.amount,
            order_type: o.order_type,
            biz_time_str: o.at,
            product_code: product_code.clone(),
            product_name: product_name.clone(),
            real_aliyun_pk: aliyun_pk.clone(),
            real_aliyun_id: "",
            agent: false,
        })
        .collect();
    Ok(DescribeInvoiceForIsvResponseBodyResult {
        id: id.to_string(),
        invoice_id: r.get("invoice_id")?,
        aliyun_pk,
        status: status.to_string(),
        kind: kind.to_string(),
        material_type: material.to_string(),
        title: r.get("title")?,
        price: r.get("price")?,
        create_time_str: date(created),
        modified_time: modified.to_string(),
        modified_time_str: date(modified),
        user_notice: r.get("user_notice")?,
        check_notice: r.get("check_notice")?,
        receipt_user_info_dto: DescribeInvoiceForIsvResponseBodyResultReceiptUserInfoDto {
            tax_number: receipt.tax_number,
            bank_name: receipt.bank_name,
            bank_account: receipt.bank_account,
            reg_address: receipt.reg_address,
            reg_phone: receipt.reg_phone,
        },
        user_address_dto: DescribeInvoiceForIsvResponseBodyResultUserAddressDto {
            addressee: address.addressee,
            aliyun_pk: address.aliyun_pk,
            biz_type: "",
            delivery_address: address.delivery_address,
            emails: address.emails,
            phone: address.phone,
            postal_code: address.postal_code,
        },
        evaluate_list,
        invoice_list: [],
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
    let products = serde_json::to_string(&products_of(call, vendor)).expect("serializes");
    let conn = call.sim.store().conn();
    let filter = "FROM market_invoices WHERE product_code IN (SELECT value FROM json_each(?1))
        AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3)
        AND (?4 IS NULL OR id = ?4) AND (?5 IS NULL OR status = ?5) AND (?6 IS NULL OR type = ?6)
        AND (?7 IS NULL OR aliyun_pk = CAST(?7 AS TEXT))";
    let args = params![products, start, end, invoice_id, status, kind, user];
    let total: i64 = conn
        .query_row(&format!("SELECT count(*) {filter}"), args, |r| r.get(0))
        .map_err(StoreError::from)?;
    let mut stmt = conn
        .prepare(&format!(
            "SELECT * {filter} ORDER BY created_at DESC, id DESC LIMIT ?8 OFFSET ?9"
        ))
        .map_err(StoreError::from)?;
    let result: Vec<DescribeInvoiceForIsvResponseBodyResult> = stmt
        .query_map(
            params![
                products,
                start,
                end,
                invoice_id,
                status,
                kind,
                user,
                per_page,
                (page - 1) * per_page
            ],
            |r| item(call, r),
        )
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(StoreError::from)?;
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
    let mut conn = call.sim.store().conn();
    let tx = conn.transaction().map_err(StoreError::from)?;
    let found: Option<(String, i64)> = tx
        .query_row(
            "SELECT product_code, status FROM market_invoices WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::from)?;
    let status = match found {
        Some((product, status))
            if call
                .sim
                .world()
                .product(&product)
                .is_some_and(|p| p.vendor == vendor.id) =>
        {
            status
        }
        _ => return Err(ErrorCode::NotFound("InvoiceId".into()).into()),
    };
    if status != PENDING {
        return Err(ErrorCode::InvoiceStatus.into());
    }
    let check_notice = call.params.get("CheckNotice");
    if operate == 0 {
        tx.execute(
            "UPDATE market_invoices SET status = ?2, modified_at = ?3, number = ?4, electron_url = ?5,
                check_notice = COALESCE(?6, check_notice), type = COALESCE(?7, type) WHERE id = ?1",
            params![
                id,
                ISSUED,
                now,
                call.params.get("Number"),
                call.params.get("ElectronUrl"),
                check_notice,
                kind
            ],
        )
    } else {
        tx.execute(
            "UPDATE market_invoices SET status = ?2, modified_at = ?3, check_notice = COALESCE(?4, check_notice)
             WHERE id = ?1",
            params![id, REJECTED, now, check_notice],
        )
    }
    .map_err(StoreError::from)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(json(&ModifyInvoiceForIsvResponseBody {
        code: "200",
        http_status_code: 200,
        message: "success",
        result: true,
    }))
}
