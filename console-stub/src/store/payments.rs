//! The `payments` table: the marketplace's `orderPay` notifications (支付成功), one row per
//! `requestId` however often one is delivered, each tied to the instance its `orderBizId` names.
//! Whether a notification is taken is a rule, above the store (module `instances`).

use super::{instant, millis, Db, StoreError, Tx};
use protocol::time::Instant;
use rusqlite::params;

/// A payment the marketplace notified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// orderPay's `requestId`, its key for idempotence.
    pub request_id: String,
    pub order_biz_id: String,
    pub order_id: String,
    pub sku_id: String,
    /// The console's id of the instance the orderBizId names.
    pub instance_id: String,
    /// When the first delivery of it arrived.
    pub at: Instant,
}

impl Db {
    /// The payments of every instance that pays, or paid until released, for `org_id`, oldest
    /// first.
    pub fn payments_of_org(&self, org_id: &str) -> Result<Vec<Payment>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.request_id, p.order_biz_id, p.order_id, p.sku_id, p.instance_id, p.at
             FROM payments p JOIN instances i ON i.id = p.instance_id
             WHERE i.org_id = ?1 OR i.released_org_id = ?1
             ORDER BY p.at, p.rowid",
        )?;
        let rows = stmt.query_map(params![org_id], payment_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The payments recorded for `instance_id`, oldest first.
    pub fn payments_of_instance(&self, instance_id: &str) -> Result<Vec<Payment>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT request_id, order_biz_id, order_id, sku_id, instance_id, at
             FROM payments WHERE instance_id = ?1 ORDER BY at, rowid",
        )?;
        let rows = stmt.query_map(params![instance_id], payment_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn payment_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Payment> {
    Ok(Payment {
        request_id: r.get(0)?,
        order_biz_id: r.get(1)?,
        order_id: r.get(2)?,
        sku_id: r.get(3)?,
        instance_id: r.get(4)?,
        at: instant(r.get(5)?),
    })
}

impl Tx<'_> {
    /// Records `payment` unless its requestId is recorded already; true when it was new.
    pub fn insert_payment(&self, payment: &Payment) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "INSERT INTO payments (request_id, order_biz_id, order_id, sku_id, instance_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (request_id) DO NOTHING",
            params![
                payment.request_id,
                payment.order_biz_id,
                payment.order_id,
                payment.sku_id,
                payment.instance_id,
                millis(payment.at)
            ],
        )?;
        Ok(changed > 0)
    }
}
