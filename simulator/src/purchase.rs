//! 开通: a signed-in buyer buys a SKU — pay-as-you-go, a subscription term, or a trial. The order
//! is paid at once (a term's price is charged with the order; pay-as-you-go has nothing to pay up
//! front), the instance starts 开通中 with its term already running, and the first createInstance
//! call is scheduled after the provisioning delay, carrying `expiredOn`, `trial` and the extra
//! billing items chosen. A term's end is scheduled on the clock ([`crate::lifecycle`]).

use crate::delivery::queue::create_instance_message;
use crate::lifecycle::{dates, extras_for, price, Choice, ExtrasError};
use crate::state::Simulator;
use crate::store::orders::Order;
use crate::store::terms::Transition;
use crate::store::{StoreError, Tx};
use crate::world::{Buyer, Charge};
use chrono::TimeDelta;
use protocol::time::epoch_millis;
use rust_decimal::Decimal;

/// Why 开通 was refused.
#[derive(Debug, thiserror::Error)]
pub enum PurchaseError {
    #[error("no product {0}")]
    UnknownProduct(String),
    #[error("product {product} has no SKU {sku}")]
    UnknownSku { product: String, sku: String },
    #[error("SKU {sku} does not sell a term of {months} months")]
    TermNotSold { sku: String, months: u32 },
    #[error(transparent)]
    BadExtras(#[from] ExtrasError),
    #[error("the buyer is in arrears: pay-as-you-go cannot be bought until the debt is paid")]
    InArrears,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Simulator {
    /// Buys `sku_id` of `product_code` for `buyer` as `choice` says: order, instance, its term and
    /// first SPI attempt.
    pub fn open_service(
        &self,
        buyer: &Buyer,
        product_code: &str,
        sku_id: &str,
        choice: &Choice,
    ) -> Result<Order, PurchaseError> {
        self.open_service_recording(buyer, product_code, sku_id, choice, |_, _| Ok(()))
    }

    /// [`Simulator::open_service`], writing with `record` whatever else must be kept with the
    /// purchase in the same transaction (CreateOrder's ClientToken).
    pub(crate) fn open_service_recording(
        &self,
        buyer: &Buyer,
        product_code: &str,
        sku_id: &str,
        choice: &Choice,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<Order, PurchaseError> {
        let product = self
            .world()
            .product(product_code)
            .ok_or_else(|| PurchaseError::UnknownProduct(product_code.into()))?;
        let mut order = self.quote_purchase(buyer, product_code, sku_id, choice)?;
        order.order_id = self.order_id()?;
        order.instance_id = self.fresh_id(|ids| ids.digits(8))?;
        let now = self.clock().now();
        let delay =
            TimeDelta::from_std(self.world().settings.provisioning_delay).unwrap_or(TimeDelta::zero());
        let first_call =
            create_instance_message(&order, epoch_millis(now.checked_add_signed(delay).unwrap_or(now)));
        let order_pay = self.order_pay_message(product, &order)?;
        self.store().create_purchase(&order, &first_call, |tx, order| {
            if let Some(end) = order.ends_at {
                tx.schedule_transition(&order.instance_id, Transition::TermEnd, end)?;
            }
            if let Some(m) = &order_pay {
                tx.enqueue_message(m)?;
            }
            record(tx, order)
        })?;
        self.clock().wake();
        Ok(order)
    }

    /// The order buying `sku_id` as `choice` says would make, priced, its ids not yet drawn
    /// (DescribePrice's quote, and 开通's order).
    pub fn quote_purchase(
        &self,
        buyer: &Buyer,
        product_code: &str,
        sku_id: &str,
        choice: &Choice,
    ) -> Result<Order, PurchaseError> {
        let product = self
            .world()
            .product(product_code)
            .ok_or_else(|| PurchaseError::UnknownProduct(product_code.into()))?;
        let sku = product.sku(sku_id).ok_or_else(|| PurchaseError::UnknownSku {
            product: product_code.into(),
            sku: sku_id.into(),
        })?;
        let extras = extras_for(sku, &choice.extras)?;
        let now = self.clock().now();
        if sku.charge == Charge::PayAsYouGo && self.store().arrears_since(&buyer.ali_uid)?.is_some() {
            return Err(PurchaseError::InArrears);
        }
        let (order_type, months, ends, amount) = match sku.charge {
            Charge::PayAsYouGo => ("NEW", None, None, Decimal::ZERO),
            Charge::Trial => {
                let days = sku.trial_days.unwrap_or(1);
                ("TRIAL", None, Some(dates::add_days(now, days)), Decimal::ZERO)
            }
            Charge::Subscription => {
                let months = choice
                    .months
                    .or_else(|| sku.terms.first().map(|t| t.months))
                    .unwrap_or(1);
                let amount = price::term(sku, months, &extras).ok_or(PurchaseError::TermNotSold {
                    sku: sku.id.clone(),
                    months,
                })?;
                ("NEW", Some(months), Some(dates::add_months(now, months)), amount)
            }
        };
        Ok(Order {
            order_id: String::new(),
            ali_uid: buyer.ali_uid.clone(),
            product_code: product.code.clone(),
            sku_id: sku.id.clone(),
            order_type: order_type.into(),
            pay_status: "PAID".into(),
            instance_id: String::new(),
            created_at: epoch_millis(now),
            months,
            starts_at: ends.map(|_| epoch_millis(now)),
            ends_at: ends.map(epoch_millis),
            price: amount,
            extras,
            order_status: "NORMAL".into(),
        })
    }
}
