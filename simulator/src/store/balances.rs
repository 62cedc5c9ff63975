//! Each buyer's balance (账户余额) once anything has touched it — before that, the world's — what was
//! paid into it (充值), and arrears: since when a buyer's balance has been below zero, and the job
//! that stops their pay-as-you-go instances when that has lasted long enough.

use super::bills::decimal;
use super::{Store, StoreError, Tx};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

/// The job that stops a buyer's pay-as-you-go instances when arrears have lasted the world's
/// `arrears_grace`; its subject is the buyer's ali_uid.
pub const ARREARS_STOP: &str = "arrears_stop";

impl Store {
    /// A buyer's balance: what the store keeps, or `initial` (the world's) if nothing touched it.
    pub fn balance(&self, ali_uid: &str, initial: Decimal) -> Result<Decimal, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT balance FROM balances WHERE ali_uid = ?1")?;
        Ok(stmt
            .query_row([ali_uid], |r| decimal(r, 0))
            .optional()?
            .unwrap_or(initial))
    }

    /// Since when the buyer is in arrears (their balance below zero), if they are.
    pub fn arrears_since(&self, ali_uid: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT since FROM arrears WHERE ali_uid = ?1")?
            .query_row([ali_uid], |r| r.get(0))
            .optional()?)
    }
}

impl Tx<'_> {
    /// Adds `delta` to the buyer's balance (`initial` if nothing touched it yet); the new balance.
    pub fn add_to_balance(
        &self,
        ali_uid: &str,
        initial: Decimal,
        delta: Decimal,
    ) -> Result<Decimal, StoreError> {
        let now: Option<Decimal> = self
            .query_row(
                "SELECT balance FROM balances WHERE ali_uid = ?1",
                [ali_uid],
                |r| decimal(r, 0),
            )
            .optional()?;
        let mut balance = now.unwrap_or(initial) + delta;
        // Adding -0.00 to 0.00 keeps the sign of the zero: a balance is never "-0.00".
        if balance.is_zero() {
            balance.set_sign_positive(true);
        }
        self.execute(
            "INSERT INTO balances (ali_uid, balance) VALUES (?1, ?2)
             ON CONFLICT (ali_uid) DO UPDATE SET balance = excluded.balance",
            params![ali_uid, balance.to_string()],
        )?;
        Ok(balance)
    }

    /// Puts the buyer in arrears since `at`, their pay-as-you-go instances to stop at `stop_at`
    /// (epoch ms); false, changing nothing, when they already are.
    pub fn enter_arrears(&self, ali_uid: &str, at: i64, stop_at: i64) -> Result<bool, StoreError> {
        let entered = self.execute(
            "INSERT OR IGNORE INTO arrears (ali_uid, since) VALUES (?1, ?2)",
            params![ali_uid, at],
        )? == 1;
        if entered {
            self.execute(
                &format!(
                    "INSERT INTO jobs (due_at, kind, subject, attempt) VALUES (?1, '{ARREARS_STOP}', ?2, 1)"
                ),
                params![stop_at, ali_uid],
            )?;
        }
        Ok(entered)
    }

    /// Takes the buyer out of arrears, calling off a stop not yet made; false when they were not in.
    pub fn leave_arrears(&self, ali_uid: &str) -> Result<bool, StoreError> {
        self.execute(
            &format!("DELETE FROM jobs WHERE kind = '{ARREARS_STOP}' AND subject = ?1"),
            [ali_uid],
        )?;
        Ok(self.execute("DELETE FROM arrears WHERE ali_uid = ?1", [ali_uid])? == 1)
    }

    /// Records a payment (充值) into the buyer's balance.
    pub fn insert_payment(&self, ali_uid: &str, amount: Decimal, at: i64) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO payments (ali_uid, amount, at) VALUES (?1, ?2, ?3)",
            params![ali_uid, amount.to_string(), at],
        )?;
        Ok(())
    }
}
