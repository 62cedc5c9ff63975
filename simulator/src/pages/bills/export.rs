//! 导出账单: `GET /console/bills.csv?month=yyyy-MM`, the month's bill as CSV (UTF-8, no byte-order
//! mark, `Content-Disposition: attachment; filename="bill-<month>.csv"`), one row per bill line in
//! the order the page lists them, with the page's own figures. One header row; each header cell is
//! the page's Chinese label followed by a machine name in parentheses, for a spreadsheet and a
//! script alike:
//!
//! 账期(month) · 实例ID(instance_id) · 商品编码(product_code) · 商品名称(product_name) · 规格ID(sku_id)
//! · 规格名称(sku_name) · 计费项(item) · 账单类型(kind: 按量付费, 包年包月订单, 退款, 调账) ·
//! 订单号(order_id) · 计费时段(window, Asia/Shanghai, `2023-08-15 08:00–09:00`) · 用量(usage, in
//! billing units) · 单价(unit_price, CNY per billing unit) · 金额(amount, CNY to the fen, negative
//! for refunds, no ¥) · 推送记录数(records) · 重复推送条数(duplicates).
//!
//! A cell the page shows as `—` is empty. A month without bill lines is a 404 page saying so, not
//! an empty file; a malformed month is the page's 400.

use super::month_from;
use super::statement::{fen, month_words, Statement};
use crate::pages::error::PageError;
use crate::pages::session;
use crate::state::Simulator;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

const HEADER: [&str; 15] = [
    "账期(month)",
    "实例ID(instance_id)",
    "商品编码(product_code)",
    "商品名称(product_name)",
    "规格ID(sku_id)",
    "规格名称(sku_name)",
    "计费项(item)",
    "账单类型(kind)",
    "订单号(order_id)",
    "计费时段(window)",
    "用量(usage)",
    "单价(unit_price)",
    "金额(amount)",
    "推送记录数(records)",
    "重复推送条数(duplicates)",
];

pub async fn csv(
    State(sim): State<Simulator>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let month = month_from(&sim, q.get("month"))?;
    let here = format!("/console/bills.csv?month={month}");
    let signed_in = session::require(&sim, &headers, &here)?;
    let statement = Statement::read(&sim, &signed_in.buyer.ali_uid, &month)?;
    if statement.is_empty() {
        return Err(PageError::NotFound(format!(
            "{} 没有云市场账单，无可导出的内容。",
            month_words(&month)
        )));
    }
    match write(&statement) {
        Ok(body) => Ok((
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"bill-{month}.csv\""),
                ),
            ],
            body,
        )
            .into_response()),
        Err(e) => {
            tracing::error!("writing the bill of {month} as CSV: {e}");
            Ok((StatusCode::INTERNAL_SERVER_ERROR, "系统繁忙，请稍后重试。").into_response())
        }
    }
}

/// The statement as CSV bytes.
fn write(statement: &Statement) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    for g in &statement.groups {
        for r in &g.rows {
            out.write_record([
                statement.month.as_str(),
                &g.instance_id,
                &g.product_code,
                &g.product_name,
                &g.sku_id,
                &g.sku_name,
                &r.item,
                r.kind,
                r.order_id.as_deref().unwrap_or(""),
                r.window.as_deref().unwrap_or(""),
                r.usage.as_deref().unwrap_or(""),
                r.unit_price.as_deref().unwrap_or(""),
                &fen(r.amount),
                &r.records.to_string(),
                &r.duplicates.to_string(),
            ])?;
        }
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
