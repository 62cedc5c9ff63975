//! Life after 开通 (contract §1.5), on the world's clock: each step an order where the marketplace
//! makes one, a change of the instance, and an SPI action through the delivery engine, written
//! together in one transaction.
//!
//! - [`orders`]: what a buyer asks for — 续费 (renewInstance with the new `expiredOn`; an expired
//!   instance opens again), 升级 (upgradeInstance with the target `skuId` and extra items, priced
//!   pro rata), 退订 within the refund window (releaseInstance with `isRefund=true`), and the refund
//!   of a renewal not yet in force (refundRenewInstance with the rolled-back `expiredOn`).
//! - [`clock`]: what time does — a term that runs out renews itself when auto-renewal is on, else
//!   expires (expiredInstance); a grace period later the instance is released
//!   (releaseInstance with `isRefund=false`). The control API's expire and release are these same
//!   transitions, taken now.
//! - [`price`] and [`dates`]: what an order costs and where a term ends; [`Choice`]: what a buyer
//!   chooses beside the SKU.
//!
//! - [`arrears`]: a buyer put in arrears (by the control API, until bills exist) has its
//!   pay-as-you-go instances expired, and taken out of them renewed.
//!
//! orderPay follows every paid order of a product whose world entry asks for it.

mod arrears;
mod choice;
mod clock;
pub mod dates;
mod orders;
pub mod price;
pub(crate) mod schedule;

pub use choice::{extras_for, Choice, ExtrasError};

use crate::delivery::action::Action;
use crate::delivery::queue::{order_pay_message, QueueError};
use crate::state::Simulator;
use crate::store::messages::{Message, NewMessage};
use crate::store::orders::{Instance, Order, Status};
use crate::store::terms::Transition;
use crate::store::{StoreError, Tx};
use crate::world::Product;
use chrono::TimeDelta;
use protocol::time::epoch_millis;

/// Why a buyer's order was refused; each names what would have to change.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error("no instance {0}")]
    UnknownInstance(String),
    #[error("instance {instance} is {status}: {why}")]
    WrongStatus {
        instance: String,
        status: &'static str,
        why: &'static str,
    },
    #[error("SKU {sku} is {what}: it has no term to {verb}")]
    NoTerm {
        sku: String,
        what: &'static str,
        verb: &'static str,
    },
    #[error("SKU {sku} does not sell a term of {months} months")]
    TermNotSold { sku: String, months: u32 },
    #[error("{0}")]
    UpgradeTarget(String),
    #[error(transparent)]
    BadExtras(#[from] ExtrasError),
    #[error("the refund window closed at {0}")]
    RefundWindowClosed(String),
    #[error("instance {0} has no renewal that is not yet in force")]
    NoPendingRenewal(String),
    #[error(transparent)]
    Queue(#[from] QueueError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Simulator {
    /// One change of a term at a time ([`crate::state::Shared::terms`]).
    pub(crate) fn one_term_change(&self) -> std::sync::MutexGuard<'_, ()> {
        self.shared.terms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Expires an open instance now, as a term ending unrenewed does: 已过期, expiredInstance, and
    /// its release scheduled a grace period later.
    pub fn expire(&self, instance_id: &str) -> Result<Message, QueueError> {
        let _one = self.one_term_change();
        let instance = self.instance_for(instance_id)?;
        self.check_status(&instance, &[Status::Opened], "open", "expired")?;
        let id = self.expire_now(&instance, None)?;
        self.stored_message(id)
    }

    /// Releases an open or expired instance now, as a grace period running out does: 已释放, and
    /// releaseInstance with `isRefund=false`.
    pub fn release(&self, instance_id: &str) -> Result<Message, QueueError> {
        let _one = self.one_term_change();
        let instance = self.instance_for(instance_id)?;
        self.check_status(
            &instance,
            &[Status::Opened, Status::Expired],
            "open or expired",
            "released",
        )?;
        let id = self.release_now(&instance, None, |_| Ok(()), None)?;
        self.stored_message(id)
    }

    /// Message `id` as stored.
    fn stored_message(&self, id: i64) -> Result<Message, QueueError> {
        self.store().message(id)?.ok_or(QueueError::Reset)
    }

    /// 已过期 and expiredInstance, with the release scheduled after the world's grace period; a
    /// term that had not run out yet ends now. `job` is the transition being run, finished in the
    /// same transaction. Returns the message's id.
    fn expire_now(&self, instance: &Instance, job: Option<i64>) -> Result<i64, QueueError> {
        let message = self.message_to(instance, Action::ExpiredInstance, &[])?;
        let now = self.clock().now();
        let grace = TimeDelta::from_std(self.world().settings.release_grace).unwrap_or_default();
        let release_at = epoch_millis(now.checked_add_signed(grace).unwrap_or(now));
        let ends = instance.expires_at.map(|end| end.min(epoch_millis(now)));
        self.commit(job, &[message], |tx| {
            tx.set_term(&instance.instance_id, &instance.sku_id, ends, &instance.extras)?;
            tx.set_instance_status(&instance.instance_id, Status::Expired)?;
            tx.set_expired_at(&instance.instance_id, epoch_millis(now))?;
            tx.schedule_transition(&instance.instance_id, Transition::Release, release_at)
        })
    }

    /// 已释放 and releaseInstance — `isRefund=true` with the refunded order's id when `refund`
    /// names one — after `also` has written what else goes with it. Returns the message's id.
    fn release_now(
        &self,
        instance: &Instance,
        refund: Option<&Order>,
        also: impl FnOnce(&Tx<'_>) -> Result<(), StoreError>,
        job: Option<i64>,
    ) -> Result<i64, QueueError> {
        let extra: Vec<(String, String)> = match refund {
            Some(order) => vec![
                ("isRefund".into(), "true".into()),
                ("orderId".into(), order.order_id.clone()),
            ],
            None => Vec::new(),
        };
        let message = self.message_to(instance, Action::ReleaseInstance, &extra)?;
        self.commit(job, &[message], |tx| {
            also(tx)?;
            tx.set_instance_status(&instance.instance_id, Status::Closed)?;
            tx.cancel_transitions(&instance.instance_id)
        })
    }

    /// Writes `writes` and queues `messages` in one transaction, finishing the transition `job`
    /// when one is running; returns the first message's id (read back only by those that show it).
    fn commit(
        &self,
        job: Option<i64>,
        messages: &[NewMessage],
        writes: impl FnOnce(&Tx<'_>) -> Result<(), StoreError>,
    ) -> Result<i64, QueueError> {
        let first = self.store().transaction(|tx| {
            if let Some(job) = job {
                tx.finish_job(job)?;
            }
            writes(tx)?;
            let mut first = None;
            for m in messages {
                let id = tx.enqueue_message(m)?;
                first.get_or_insert(id);
            }
            Ok::<_, StoreError>(first)
        })?;
        self.clock().wake();
        first.ok_or(QueueError::Reset)
    }

    /// An id no order or instance has yet.
    pub(crate) fn fresh_id(
        &self,
        draw: impl Fn(&mut protocol::ids::IdGen) -> String,
    ) -> Result<String, StoreError> {
        loop {
            let id = self.with_ids(&draw)?;
            if !self.store().id_taken(&id)? {
                return Ok(id);
            }
        }
    }

    /// A new order's id.
    pub(crate) fn order_id(&self) -> Result<String, StoreError> {
        self.fresh_id(|ids| format!("2{}", ids.digits(14)))
    }

    /// orderPay for `order`, when its product asks for it.
    pub(crate) fn order_pay_message(
        &self,
        product: &Product,
        order: &Order,
    ) -> Result<Option<NewMessage>, StoreError> {
        if !product.order_pay {
            return Ok(None);
        }
        let request_id = self.with_ids(|ids| ids.hex32())?;
        Ok(Some(order_pay_message(
            order,
            &request_id,
            epoch_millis(self.clock().now()),
        )))
    }
}
