//! 开通: a signed-in buyer opens a pay-as-you-go service. The order is paid at once (按量付费 has
//! nothing to pay up front), the instance starts 开通中, and the first createInstance call is
//! scheduled after the provisioning delay.

use crate::delivery::queue::create_instance_message;
use crate::state::Simulator;
use crate::store::orders::Order;
use crate::store::{StoreError, Tx};
use crate::world::Buyer;
use chrono::TimeDelta;
use protocol::time::epoch_millis;

/// Why 开通 was refused.
#[derive(Debug, thiserror::Error)]
pub enum PurchaseError {
    #[error("no product {0}")]
    UnknownProduct(String),
    #[error("product {product} has no SKU {sku}")]
    UnknownSku { product: String, sku: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Simulator {
    /// Opens `sku_id` of `product_code` for `buyer`: order, instance and first SPI attempt.
    pub fn open_service(
        &self,
        buyer: &Buyer,
        product_code: &str,
        sku_id: &str,
    ) -> Result<Order, PurchaseError> {
        self.open_service_recording(buyer, product_code, sku_id, |_, _| Ok(()))
    }

    /// [`Simulator::open_service`], writing with `record` whatever else must be kept with the
    /// purchase in the same transaction (CreateOrder's ClientToken).
    pub(crate) fn open_service_recording(
        &self,
        buyer: &Buyer,
        product_code: &str,
        sku_id: &str,
        record: impl FnOnce(&Tx<'_>, &Order) -> Result<(), StoreError>,
    ) -> Result<Order, PurchaseError> {
        let product = self
            .world()
            .product(product_code)
            .ok_or_else(|| PurchaseError::UnknownProduct(product_code.into()))?;
        if product.sku(sku_id).is_none() {
            return Err(PurchaseError::UnknownSku {
                product: product_code.into(),
                sku: sku_id.into(),
            });
        }
        let order_id = self.fresh_id(|ids| format!("2{}", ids.digits(14)))?;
        let instance_id = self.fresh_id(|ids| ids.digits(8))?;
        let now = self.clock().now();
        let delay =
            TimeDelta::from_std(self.world().settings.provisioning_delay).unwrap_or(TimeDelta::zero());
        let order = Order {
            order_id,
            ali_uid: buyer.ali_uid.clone(),
            product_code: product.code.clone(),
            sku_id: sku_id.to_owned(),
            order_type: "NEW".into(),
            pay_status: "PAID".into(),
            instance_id,
            created_at: epoch_millis(now),
        };
        self.store().create_purchase(
            &order,
            &create_instance_message(&order, epoch_millis(now.checked_add_signed(delay).unwrap_or(now))),
            record,
        )?;
        self.clock().wake();
        Ok(order)
    }

    /// An id no order or instance has yet.
    fn fresh_id(&self, draw: impl Fn(&mut protocol::ids::IdGen) -> String) -> Result<String, StoreError> {
        loop {
            let id = self.with_ids(&draw)?;
            if !self.store().id_taken(&id)? {
                return Ok(id);
            }
        }
    }
}
