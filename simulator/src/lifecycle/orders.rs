//! The buyer's orders after 开通: 续费, 升级, 退订, and the refund of a renewal not yet in force.
//! Each checks the instance's state and the catalog first and changes nothing when it refuses.

use super::extras_for;
use super::{dates, price, LifecycleError};
use crate::delivery::action::Action;
use crate::state::Simulator;
use crate::store::orders::{Extras, Instance, Order, Status};
use crate::store::terms::Transition;
use crate::store::{StoreError, Tx};
use crate::world::{Charge, Product, Sku};
use chrono::DateTime;
use protocol::time::{epoch_millis, spi_format, Instant};
use rust_decimal::Decimal;

/// The refusal for an instance that is not in one of the states an order needs.
fn wrong_status(instance: &Instance, why: &'static str) -> LifecycleError {
    LifecycleError::WrongStatus {
        instance: instance.instance_id.clone(),
        status: instance.status.code(),
        why,
    }
}

fn at(ms: i64) -> Instant {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Simulator {
    /// The instance, its product and its SKU now.
    pub(super) fn bought(&self, instance_id: &str) -> Result<(Instance, &Product, &Sku), LifecycleError> {
        let instance = self
            .store()
            .instance(instance_id)?
            .ok_or_else(|| LifecycleError::UnknownInstance(instance_id.into()))?;
        let product = self
            .world()
            .product(&instance.product_code)
            .ok_or_else(|| LifecycleError::UnknownInstance(instance_id.into()))?;
        let sku = product
            .sku(&instance.sku_id)
            .ok_or_else(|| LifecycleError::UnknownInstance(instance_id.into()))?;
        Ok((instance, product, sku))
    }

    /// 续费: `months` more of the instance's SKU. An open instance's term is extended from its end
    /// (the renewal is not in force until then); an expired one opens again now, its new term
    /// counted from now. `record` writes what else goes with the order (CreateOrder's ClientToken).
    pub fn renew(
        &self,
        instance_id: &str,
        months: u32,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<Order, LifecycleError> {
        let _one = self.one_term_change();
        let (instance, product, sku) = self.bought(instance_id)?;
        let mut order = self.renewal(&instance, sku, months)?;
        order.order_id = self.order_id()?;
        self.commit_renewal(&instance, product, &order, None, record)?;
        Ok(order)
    }

    /// The order 续费 would make, priced, its id not yet drawn (DescribePrice's quote).
    pub fn quote_renewal(&self, instance_id: &str, months: u32) -> Result<Order, LifecycleError> {
        let (instance, _, sku) = self.bought(instance_id)?;
        self.renewal(&instance, sku, months)
    }

    /// The renewal order, once the instance and its SKU allow one.
    pub(super) fn renewal(
        &self,
        instance: &Instance,
        sku: &Sku,
        months: u32,
    ) -> Result<Order, LifecycleError> {
        if !matches!(instance.status, Status::Opened | Status::Expired) {
            return Err(wrong_status(
                instance,
                "only an open or expired instance is renewed",
            ));
        }
        let what = match sku.charge {
            Charge::Subscription => None,
            Charge::PayAsYouGo => Some("pay-as-you-go"),
            Charge::Trial => Some("a trial (buy the product to keep it)"),
        };
        if let Some(what) = what {
            return Err(LifecycleError::NoTerm {
                sku: sku.id.clone(),
                what,
                verb: "renew",
            });
        }
        let amount =
            price::term(sku, months, &instance.extras).ok_or_else(|| LifecycleError::TermNotSold {
                sku: sku.id.clone(),
                months,
            })?;
        let now = self.clock().now();
        let start = match (instance.status, instance.expires_at) {
            (Status::Opened, Some(end)) => at(end),
            _ => now,
        };
        let end = dates::add_months(start, months);
        Ok(Order {
            order_id: String::new(),
            ali_uid: instance.ali_uid.clone(),
            product_code: instance.product_code.clone(),
            sku_id: sku.id.clone(),
            order_type: "RENEW".into(),
            pay_status: "PAID".into(),
            instance_id: instance.instance_id.clone(),
            created_at: epoch_millis(now),
            months: Some(months),
            starts_at: Some(epoch_millis(start)),
            ends_at: Some(epoch_millis(end)),
            price: amount,
            extras: instance.extras.clone(),
            order_status: "NORMAL".into(),
        })
    }

    /// Writes a renewal: the order, the new term, the instance open again, its next term end,
    /// renewInstance and orderPay. `job` is the term's end when auto-renewal makes it.
    pub(super) fn commit_renewal(
        &self,
        instance: &Instance,
        product: &Product,
        order: &Order,
        job: Option<i64>,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<(), LifecycleError> {
        let end = order.ends_at.unwrap_or_default();
        let renew = self.message_to(
            instance,
            Action::RenewInstance,
            &[
                ("orderId".into(), order.order_id.clone()),
                ("expiredOn".into(), spi_format(at(end))),
            ],
        )?;
        let messages: Vec<_> = std::iter::once(renew)
            .chain(self.order_pay_message(product, order)?)
            .collect();
        self.commit(job, &messages, |tx| {
            tx.insert_order(order)?;
            tx.set_term(
                &instance.instance_id,
                &order.sku_id,
                order.ends_at,
                &instance.extras,
            )?;
            if instance.status == Status::Expired {
                tx.set_instance_status(&instance.instance_id, Status::Opened)?;
            }
            tx.schedule_transition(&instance.instance_id, Transition::TermEnd, end)?;
            record(tx, order)
        })?;
        Ok(())
    }

    /// 升级: an open instance moves to `target_sku` of its product (or stays on its SKU with other
    /// extra items), with `chosen` extra items over those it has. The term's end is unchanged; the
    /// price is [`price::upgrade`] for the rest of it. `record` as for [`Simulator::renew`].
    pub fn upgrade(
        &self,
        instance_id: &str,
        target_sku: &str,
        chosen: &Extras,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<Order, LifecycleError> {
        let _one = self.one_term_change();
        let (instance, product, _) = self.bought(instance_id)?;
        let mut order = self.quote_upgrade(instance_id, target_sku, chosen)?;
        order.order_id = self.order_id()?;
        let mut params = vec![
            ("orderId".to_owned(), order.order_id.clone()),
            ("skuId".to_owned(), order.sku_id.clone()),
        ];
        params.extend(order.extras.iter().map(|(k, v)| (k.clone(), v.to_string())));
        let upgrade = self.message_to(&instance, Action::UpgradeInstance, &params)?;
        let messages: Vec<_> = std::iter::once(upgrade)
            .chain(self.order_pay_message(product, &order)?)
            .collect();
        self.commit(None, &messages, |tx| {
            tx.insert_order(&order)?;
            tx.set_term(
                &instance.instance_id,
                &order.sku_id,
                instance.expires_at,
                &order.extras,
            )?;
            record(tx, &order)
        })?;
        Ok(order)
    }

    /// The order 升级 would make, priced, its id not yet drawn (DescribePrice's quote).
    pub fn quote_upgrade(
        &self,
        instance_id: &str,
        target_sku: &str,
        chosen: &Extras,
    ) -> Result<Order, LifecycleError> {
        let (instance, product, sku) = self.bought(instance_id)?;
        if instance.status != Status::Opened {
            return Err(wrong_status(&instance, "only an open instance is upgraded"));
        }
        let target = product.sku(target_sku).ok_or_else(|| {
            LifecycleError::UpgradeTarget(format!(
                "{target_sku} is not a SKU of {}, which the instance is of",
                product.code
            ))
        })?;
        match (sku.charge, target.charge) {
            (Charge::Subscription, Charge::Subscription) | (Charge::PayAsYouGo, Charge::PayAsYouGo) => {}
            _ => {
                return Err(LifecycleError::UpgradeTarget(format!(
                    "{} cannot be upgraded to {}: an upgrade stays a subscription or stays pay-as-you-go",
                    sku.id, target.id
                )))
            }
        }
        let mut wanted: Extras = instance
            .extras
            .iter()
            .filter(|(k, _)| target.extras.iter().any(|e| &e.key == *k))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        wanted.extend(chosen.iter().map(|(k, v)| (k.clone(), *v)));
        let extras = extras_for(target, &wanted)?;
        if target.id == sku.id && extras == instance.extras {
            return Err(LifecycleError::UpgradeTarget(format!(
                "the instance is already {} with these extra items",
                sku.id
            )));
        }
        let now = epoch_millis(self.clock().now());
        let remaining = instance.expires_at.map_or(0, |end| end - now);
        let amount = match sku.charge {
            Charge::Subscription => price::upgrade((sku, &instance.extras), (target, &extras), remaining),
            _ => Decimal::ZERO,
        };
        Ok(Order {
            order_id: String::new(),
            ali_uid: instance.ali_uid.clone(),
            product_code: instance.product_code.clone(),
            sku_id: target.id.clone(),
            order_type: "UPGRADE".into(),
            pay_status: "PAID".into(),
            instance_id: instance.instance_id.clone(),
            created_at: now,
            months: None,
            starts_at: instance.expires_at.map(|_| now),
            ends_at: instance.expires_at,
            price: amount,
            extras,
            order_status: "NORMAL".into(),
        })
    }

    /// When 退订 of the purchase `purchase` stops being refunded (epoch ms): the world's
    /// `refund_window` after it was made.
    pub fn refund_window_closes(&self, purchase: &Order) -> i64 {
        let window = chrono::TimeDelta::from_std(self.world().settings.refund_window).unwrap_or_default();
        purchase.created_at + window.num_milliseconds()
    }

    /// The instance's latest renewal not yet in force: what 退订续费 refunds.
    pub fn pending_renewal(&self, instance_id: &str) -> Result<Option<Order>, StoreError> {
        let now = epoch_millis(self.clock().now());
        Ok(self
            .store()
            .orders_of(instance_id)?
            .into_iter()
            .rev()
            .find(|o| o.order_type == "RENEW" && !o.is_refunded() && o.starts_at.is_some_and(|s| s > now)))
    }

    /// 退订: a subscription bought within the world's refund window is released now with
    /// `isRefund=true`, and every order of it refunded. Returns the purchase.
    pub fn refund(&self, instance_id: &str) -> Result<Order, LifecycleError> {
        let _one = self.one_term_change();
        let (instance, _, sku) = self.bought(instance_id)?;
        if sku.charge != Charge::Subscription {
            return Err(LifecycleError::NoTerm {
                sku: sku.id.clone(),
                what: if sku.charge == Charge::Trial {
                    "a trial"
                } else {
                    "pay-as-you-go"
                },
                verb: "refund",
            });
        }
        if !matches!(instance.status, Status::Opened | Status::Expired) {
            return Err(wrong_status(
                &instance,
                "only an open or expired instance is refunded",
            ));
        }
        let orders = self.store().orders_of(instance_id)?;
        let purchase = orders
            .iter()
            .find(|o| o.order_type == "NEW")
            .ok_or_else(|| LifecycleError::UnknownInstance(instance_id.into()))?;
        let closes = self.refund_window_closes(purchase);
        if epoch_millis(self.clock().now()) > closes {
            return Err(LifecycleError::RefundWindowClosed(spi_format(at(closes))));
        }
        let now = epoch_millis(self.clock().now());
        let refunded: Vec<&str> = orders
            .iter()
            .filter(|o| !o.is_refunded())
            .map(|o| o.order_id.as_str())
            .collect();
        self.release_now(
            &instance,
            Some(purchase),
            |tx| refunded.iter().try_for_each(|id| tx.refund_order(id, now)),
            None,
        )?;
        let mut refunded = purchase.clone();
        refunded.order_status = "REFUND".into();
        Ok(refunded)
    }

    /// Refunds the instance's latest renewal that is not yet in force: its term rolls back to end
    /// where the renewal would have begun, and refundRenewInstance carries that `expiredOn`.
    pub fn refund_renewal(&self, instance_id: &str) -> Result<Order, LifecycleError> {
        let _one = self.one_term_change();
        let (instance, _, _) = self.bought(instance_id)?;
        if instance.status != Status::Opened {
            return Err(wrong_status(
                &instance,
                "only an open instance has a renewal to refund",
            ));
        }
        let renewal = self
            .pending_renewal(instance_id)?
            .ok_or_else(|| LifecycleError::NoPendingRenewal(instance_id.into()))?;
        let rolled_back = renewal.starts_at.unwrap_or_default();
        let message = self.message_to(
            &instance,
            Action::RefundRenewInstance,
            &[("expiredOn".into(), spi_format(at(rolled_back)))],
        )?;
        self.commit(None, &[message], |tx| {
            tx.refund_order(&renewal.order_id, epoch_millis(self.clock().now()))?;
            tx.set_term(
                &instance.instance_id,
                &instance.sku_id,
                Some(rolled_back),
                &instance.extras,
            )?;
            tx.schedule_transition(&instance.instance_id, Transition::TermEnd, rolled_back)
        })?;
        let mut refunded = renewal.clone();
        refunded.order_status = "REFUND".into();
        Ok(refunded)
    }
}
