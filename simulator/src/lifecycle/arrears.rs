//! Pay-as-you-go arrears (欠费), switched by the control API until bills and a balance exist: a
//! buyer put in arrears has each open pay-as-you-go instance expired (expiredInstance; kept, not
//! released), and taken out of them has each such expired instance opened again (renewInstance,
//! its `expiredOn` the pay-as-you-go end, 2099-12-31 23:59:59). Subscriptions are not touched:
//! their terms are paid. Switching to where the buyer already is changes nothing.

use super::dates::PAY_AS_YOU_GO_END;
use crate::delivery::action::Action;
use crate::delivery::queue::QueueError;
use crate::state::Simulator;
use crate::store::messages::Message;
use crate::store::orders::{Instance, Status};
use crate::world::Charge;
use chrono::DateTime;
use protocol::time::{epoch_millis, spi_format};

impl Simulator {
    /// Puts the buyer `ali_uid` in arrears (`on`) or out of them; returns the messages made.
    pub fn set_arrears(&self, ali_uid: &str, on: bool) -> Result<Vec<Message>, QueueError> {
        let _one = self.one_term_change();
        let was = self.store().arrears_since(ali_uid)?.is_some();
        if was == on {
            return Ok(Vec::new());
        }
        let now = epoch_millis(self.clock().now());
        let affected: Vec<Instance> = self
            .store()
            .instances_of(ali_uid)?
            .into_iter()
            .filter(|i| i.status == if on { Status::Opened } else { Status::Expired })
            .filter(|i| self.is_pay_as_you_go(i))
            .collect();
        let end = DateTime::from_timestamp_millis(PAY_AS_YOU_GO_END).unwrap_or_default();
        let mut messages = Vec::new();
        for i in &affected {
            messages.push(if on {
                self.message_to(i, Action::ExpiredInstance, &[])?
            } else {
                self.message_to(i, Action::RenewInstance, &[("expiredOn".into(), spi_format(end))])?
            });
        }
        let ids = self.store().transaction(|tx| {
            tx.set_arrears(ali_uid, on.then_some(now))?;
            let status = if on { Status::Expired } else { Status::Opened };
            let mut ids = Vec::new();
            for (i, m) in affected.iter().zip(&messages) {
                tx.set_instance_status(&i.instance_id, status)?;
                tx.cancel_transitions(&i.instance_id)?;
                ids.push(tx.enqueue_message(m)?);
            }
            Ok::<_, crate::store::StoreError>(ids)
        })?;
        self.clock().wake();
        let mut made = Vec::new();
        for id in ids {
            made.extend(self.store().message(id)?);
        }
        Ok(made)
    }

    fn is_pay_as_you_go(&self, i: &Instance) -> bool {
        self.world()
            .product(&i.product_code)
            .and_then(|p| p.sku(&i.sku_id))
            .is_some_and(|s| s.charge == Charge::PayAsYouGo)
    }
}
