//! Invoice requests (发票申请) of vendors' products: what the buyer asked for, and how the vendor
//! answered (issued or rejected). The receipt, address and invoiced orders are kept as JSON beside
//! the request.

use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// An invoice request.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub id: i64,
    pub invoice_id: String,
    pub product_code: String,
    pub aliyun_pk: String,
    /// 0 pending, 1 issued, 2 rejected.
    pub status: i64,
    pub kind: i64,
    pub material_type: i64,
    pub title: String,
    pub price: String,
    /// Epoch ms, as is `modified_at`.
    pub created_at: i64,
    pub modified_at: i64,
    pub user_notice: String,
    pub check_notice: String,
    pub number: Option<String>,
    pub electron_url: Option<String>,
    pub receipt: Receipt,
    pub address: Address,
    pub orders: Vec<InvoicedOrder>,
}

/// The buyer's invoicing details, kept as JSON beside the request (its serde form is the column's).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct Receipt {
    pub tax_number: String,
    pub bank_name: String,
    pub bank_account: String,
    pub reg_address: String,
    pub reg_phone: String,
}

/// Where the invoice goes, kept as JSON beside the request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct Address {
    pub addressee: String,
    pub aliyun_pk: String,
    pub delivery_address: String,
    pub emails: String,
    pub phone: String,
    pub postal_code: String,
}

/// An order the request invoices, kept (with the others) as JSON beside the request.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct InvoicedOrder {
    pub id: String,
    pub out_biz_id: String,
    pub amount: String,
    pub order_type: String,
    pub at: String,
}

/// Which invoice requests to read; `None` matches every one.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    /// Only these products' requests.
    pub products: Vec<String>,
    /// Created at or after (epoch ms).
    pub created_from: Option<i64>,
    /// Created at or before (epoch ms).
    pub created_to: Option<i64>,
    pub id: Option<i64>,
    pub status: Option<i64>,
    pub kind: Option<i64>,
    /// The buyer's Uid.
    pub user: Option<i64>,
}

/// An invoice request's product and status, what a change of it checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceState {
    pub product_code: String,
    pub status: i64,
}

/// What the vendor says issuing an invoice: its number and link; a `check_notice` or `kind` given
/// replaces the request's.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a> {
    pub number: Option<&'a str>,
    pub electron_url: Option<&'a str>,
    pub check_notice: Option<&'a str>,
    pub kind: Option<i64>,
}

fn invoice_from_row(r: &Row<'_>) -> rusqlite::Result<Invoice> {
    Ok(Invoice {
        id: r.get("id")?,
        invoice_id: r.get("invoice_id")?,
        product_code: r.get("product_code")?,
        aliyun_pk: r.get("aliyun_pk")?,
        status: r.get("status")?,
        kind: r.get("type")?,
        material_type: r.get("material_type")?,
        title: r.get("title")?,
        price: r.get("price")?,
        created_at: r.get("created_at")?,
        modified_at: r.get("modified_at")?,
        user_notice: r.get("user_notice")?,
        check_notice: r.get("check_notice")?,
        number: r.get("number")?,
        electron_url: r.get("electron_url")?,
        receipt: serde_json::from_str(&r.get::<_, String>("receipt")?).unwrap_or_default(),
        address: serde_json::from_str(&r.get::<_, String>("address")?).unwrap_or_default(),
        orders: serde_json::from_str(&r.get::<_, String>("orders")?).unwrap_or_default(),
    })
}

const FILTER: &str = "FROM market_invoices WHERE product_code IN (SELECT value FROM json_each(?1))
    AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3)
    AND (?4 IS NULL OR id = ?4) AND (?5 IS NULL OR status = ?5) AND (?6 IS NULL OR type = ?6)
    AND (?7 IS NULL OR aliyun_pk = CAST(?7 AS TEXT))";

impl Store {
    /// Writes `invoices`, each replacing one of the same id, in one transaction.
    pub fn put_invoices(&self, invoices: &[Invoice]) -> Result<(), StoreError> {
        self.transaction(|tx| {
            for i in invoices {
                tx.tx.execute(
                    "INSERT OR REPLACE INTO market_invoices (id, invoice_id, product_code, aliyun_pk, status, type,
                        material_type, title, price, created_at, modified_at, user_notice, check_notice, number,
                        electron_url, receipt, address, orders)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                    params![
                        i.id,
                        i.invoice_id,
                        i.product_code,
                        i.aliyun_pk,
                        i.status,
                        i.kind,
                        i.material_type,
                        i.title,
                        i.price,
                        i.created_at,
                        i.modified_at,
                        i.user_notice,
                        i.check_notice,
                        i.number,
                        i.electron_url,
                        serde_json::to_string(&i.receipt).expect("serializes"),
                        serde_json::to_string(&i.address).expect("serializes"),
                        serde_json::to_string(&i.orders).expect("serializes"),
                    ],
                )?;
            }
            Ok(())
        })
    }

    /// How many requests match `filter`, and a page of them (`limit` from `offset`), newest first.
    pub fn invoices(
        &self,
        filter: &InvoiceFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<Invoice>), StoreError> {
        let products = serde_json::to_string(&filter.products).expect("serializes");
        let f = filter;
        let conn = self.conn();
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) {FILTER}"),
            params![
                products,
                f.created_from,
                f.created_to,
                f.id,
                f.status,
                f.kind,
                f.user
            ],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "SELECT * {FILTER} ORDER BY created_at DESC, id DESC LIMIT ?8 OFFSET ?9"
        ))?;
        let page = stmt
            .query_map(
                params![
                    products,
                    f.created_from,
                    f.created_to,
                    f.id,
                    f.status,
                    f.kind,
                    f.user,
                    limit,
                    offset
                ],
                invoice_from_row,
            )?
            .collect::<Result<_, _>>()?;
        Ok((total, page))
    }
}

impl Tx<'_> {
    pub fn invoice_state(&self, id: i64) -> Result<Option<InvoiceState>, StoreError> {
        Ok(self
            .tx
            .query_row(
                "SELECT product_code, status FROM market_invoices WHERE id = ?1",
                [id],
                |r| {
                    Ok(InvoiceState {
                        product_code: r.get(0)?,
                        status: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Marks the request `id` issued (`status`) at `at`, as `issue` says.
    pub fn issue_invoice(&self, id: i64, status: i64, at: i64, issue: &Issue<'_>) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_invoices SET status = ?2, modified_at = ?3, number = ?4, electron_url = ?5,
                check_notice = COALESCE(?6, check_notice), type = COALESCE(?7, type) WHERE id = ?1",
            params![
                id,
                status,
                at,
                issue.number,
                issue.electron_url,
                issue.check_notice,
                issue.kind
            ],
        )?;
        Ok(())
    }

    /// Marks the request `id` rejected (`status`) at `at`; a `check_notice` given replaces the
    /// request's.
    pub fn reject_invoice(
        &self,
        id: i64,
        status: i64,
        at: i64,
        check_notice: Option<&str>,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            "UPDATE market_invoices SET status = ?2, modified_at = ?3, check_notice = COALESCE(?4, check_notice)
             WHERE id = ?1",
            params![id, status, at, check_notice],
        )?;
        Ok(())
    }
}
