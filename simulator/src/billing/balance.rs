//! A buyer's account balance (账户余额): the world gives each buyer one, pay-as-you-go bills and
//! the marketplace's own charges (adjustments) draw on it, 充值 adds to it. A balance that goes
//! below zero puts the buyer in arrears: no new pay-as-you-go purchases, and once the world's
//! `arrears_grace` has passed their pay-as-you-go instances stop. A payment that brings the balance
//! back to zero or above ends the arrears and opens those instances again.

use crate::delivery::queue::QueueError;
use crate::state::Simulator;
use crate::store::bills::{month_of, LineKind, NewLine};
use crate::store::messages::Message;
use crate::store::{StoreError, Tx};
use protocol::time::epoch_millis;
use rust_decimal::Decimal;

/// The most one payment or charge may be (CNY): more is a mistake, not a test.
pub const MAX_PAYMENT: i64 = 100_000_000;

/// Why a payment or charge was refused; nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum BalanceError {
    #[error("no buyer {0}")]
    UnknownBuyer(String),
    #[error("the amount must be more than 0 CNY, at most {MAX_PAYMENT} CNY, to the fen (got {0})")]
    BadAmount(String),
    /// Boxed: a delivery's error is large, and every refusal would pay for its size.
    #[error(transparent)]
    Queue(Box<QueueError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<QueueError> for BalanceError {
    fn from(e: QueueError) -> Self {
        BalanceError::Queue(Box::new(e))
    }
}

/// What a payment or charge did.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceChange {
    pub balance: Decimal,
    /// Whether the buyer is in arrears after it.
    pub in_arrears: bool,
    /// The SPI messages it made (renewInstance of instances opened again).
    pub messages: Vec<Message>,
}

/// `text` as an amount a payment or charge may be.
pub fn parse_amount(text: &str) -> Result<Decimal, BalanceError> {
    let bad = || BalanceError::BadAmount(text.chars().take(40).collect());
    let amount: Decimal = text.trim().parse().map_err(|_| bad())?;
    if amount <= Decimal::ZERO || amount.scale() > 2 || amount > Decimal::from(MAX_PAYMENT) {
        return Err(bad());
    }
    Ok(amount)
}

impl Simulator {
    /// The balance of the buyer `ali_uid` now.
    pub fn balance(&self, ali_uid: &str) -> Result<Decimal, StoreError> {
        self.store().balance(ali_uid, self.initial_balance(ali_uid))
    }

    /// 充值: adds `amount` to the buyer's balance; when that ends their arrears, their stopped
    /// pay-as-you-go instances open again (renewInstance).
    pub fn top_up(&self, ali_uid: &str, amount: Decimal) -> Result<BalanceChange, BalanceError> {
        self.check_buyer(ali_uid)?;
        let _one = self.one_term_change();
        let now = epoch_millis(self.clock().now());
        let initial = self.initial_balance(ali_uid);
        let since = self.store().arrears_since(ali_uid)?;
        let (balance, left) = self.store().transaction(|tx| {
            tx.insert_payment(ali_uid, amount, now)?;
            let balance = tx.add_to_balance(ali_uid, initial, amount)?;
            let left = !balance.is_sign_negative() && tx.leave_arrears(ali_uid)?;
            Ok::<_, StoreError>((balance, left))
        })?;
        // The payment is made whatever follows: a failure to reopen an instance is logged, not
        // answered as a failed payment that a client would make again.
        let ids = match since {
            Some(since) if left => self.resume_after_arrears(ali_uid, since).unwrap_or_else(|e| {
                tracing::error!("reopening buyer {ali_uid}'s instances after a payment: {e}");
                Vec::new()
            }),
            _ => Vec::new(),
        };
        self.change(ali_uid, balance, ids)
    }

    /// A charge the marketplace makes by hand (an Adjustment line of `amount`, `reason` its item),
    /// drawn from the balance like any bill.
    pub fn charge(
        &self,
        ali_uid: &str,
        amount: Decimal,
        reason: &str,
    ) -> Result<BalanceChange, BalanceError> {
        self.check_buyer(ali_uid)?;
        let _one = self.one_term_change();
        let now = epoch_millis(self.clock().now());
        let balance = self.store().transaction(|tx| {
            tx.insert_bill_line(&NewLine {
                ali_uid,
                month: &month_of(now),
                kind: LineKind::Adjustment,
                product_code: "",
                instance_id: "",
                sku_id: "",
                order_id: None,
                item: reason,
                metering_key: None,
                metering_assit: None,
                window: None,
                usage: None,
                unit_price: None,
                amount,
                records: 0,
                duplicates: 0,
                billed_at: now,
            })?;
            self.draw(tx, ali_uid, amount, now)
        })?;
        self.clock().wake();
        self.change(ali_uid, balance, Vec::new())
    }

    /// Draws `amount` from the buyer's balance at `at` (epoch ms), putting them in arrears when it
    /// goes below zero; the new balance.
    pub(super) fn draw(
        &self,
        tx: &Tx<'_>,
        ali_uid: &str,
        amount: Decimal,
        at: i64,
    ) -> Result<Decimal, StoreError> {
        let balance = tx.add_to_balance(ali_uid, self.initial_balance(ali_uid), -amount)?;
        if balance.is_sign_negative() && !balance.is_zero() {
            let grace = self.world().settings.arrears_grace;
            let stop_at = at.saturating_add(i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
            tx.enter_arrears(ali_uid, at, stop_at)?;
        }
        Ok(balance)
    }

    fn initial_balance(&self, ali_uid: &str) -> Decimal {
        self.world()
            .buyer_by_uid(ali_uid)
            .map(|b| b.balance)
            .unwrap_or_default()
    }

    fn check_buyer(&self, ali_uid: &str) -> Result<(), BalanceError> {
        match self.world().buyer_by_uid(ali_uid) {
            Some(_) => Ok(()),
            None => Err(BalanceError::UnknownBuyer(ali_uid.to_owned())),
        }
    }

    fn change(&self, ali_uid: &str, balance: Decimal, ids: Vec<i64>) -> Result<BalanceChange, BalanceError> {
        let mut messages = Vec::new();
        for id in ids {
            messages.extend(self.store().message(id)?);
        }
        Ok(BalanceChange {
            balance,
            in_arrears: self.store().arrears_since(ali_uid)?.is_some(),
            messages,
        })
    }
}
