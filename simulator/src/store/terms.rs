//! What the lifecycle keeps: an instance's orders (the purchase, its renewals and upgrades), its
//! term and extra items now, the transitions scheduled for it on the clock — `term_end` when its
//! term runs out, `release` when its grace period does. An instance
//! has at most one scheduled transition: scheduling one replaces the other.

use super::orders::{extras_text, Extras, Order};
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};

/// What a scheduled transition does when it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The term runs out: renewed automatically, or expired.
    TermEnd,
    /// The grace period after expiry runs out: released.
    Release,
}

impl Transition {
    /// The job's kind.
    pub fn kind(self) -> &'static str {
        match self {
            Transition::TermEnd => "term_end",
            Transition::Release => "release",
        }
    }

    /// Every transition's job kind.
    pub const KINDS: [&'static str; 2] = ["term_end", "release"];

    pub fn from_kind(kind: &str) -> Option<Transition> {
        match kind {
            "term_end" => Some(Transition::TermEnd),
            "release" => Some(Transition::Release),
            _ => None,
        }
    }
}

impl Store {
    /// An instance's orders, oldest first.
    pub fn orders_of(&self, instance_id: &str) -> Result<Vec<Order>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT * FROM orders WHERE instance_id = ?1 ORDER BY created_at, rowid")?;
        let rows = stmt
            .query_map([instance_id], super::orders::order_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

impl Tx<'_> {
    /// Schedules `transition` for the instance at `at`, replacing what was scheduled.
    pub fn schedule_transition(
        &self,
        instance_id: &str,
        transition: Transition,
        at: i64,
    ) -> Result<(), StoreError> {
        self.cancel_transitions(instance_id)?;
        self.execute(
            "INSERT INTO jobs (due_at, kind, subject, attempt) VALUES (?1, ?2, ?3, 1)",
            params![at, transition.kind(), instance_id],
        )?;
        Ok(())
    }

    /// Unschedules whatever transition the instance had.
    pub fn cancel_transitions(&self, instance_id: &str) -> Result<(), StoreError> {
        self.execute(
            "DELETE FROM jobs WHERE kind IN ('term_end', 'release') AND subject = ?1",
            [instance_id],
        )?;
        Ok(())
    }

    /// Removes a transition's job once it has run.
    pub fn finish_job(&self, job_id: i64) -> Result<(), StoreError> {
        self.execute("DELETE FROM jobs WHERE id = ?1", [job_id])?;
        Ok(())
    }

    /// Sets an instance's SKU, term end and extra items.
    pub fn set_term(
        &self,
        instance_id: &str,
        sku_id: &str,
        expires_at: Option<i64>,
        extras: &Extras,
    ) -> Result<(), StoreError> {
        self.execute(
            "UPDATE instances SET sku_id = ?2, expires_at = ?3, extras = ?4 WHERE instance_id = ?1",
            params![instance_id, sku_id, expires_at, extras_text(extras)],
        )?;
        Ok(())
    }

    /// Marks an order refunded at `at` (epoch ms), with its negative bill line; an order already
    /// refunded is left as it is.
    pub fn refund_order(&self, order_id: &str, at: i64) -> Result<(), StoreError> {
        let order = self
            .query_row(
                "SELECT * FROM orders WHERE order_id = ?1",
                [order_id],
                super::orders::order_from_row,
            )
            .optional()?;
        let Some(order) = order.filter(|o| !o.is_refunded()) else {
            return Ok(());
        };
        self.execute(
            "UPDATE orders SET order_status = 'REFUND' WHERE order_id = ?1",
            [order_id],
        )?;
        self.insert_refund_line(&order, at)
    }
}
