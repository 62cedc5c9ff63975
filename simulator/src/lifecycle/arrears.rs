//! Pay-as-you-go instances stopped for arrears (欠费停机, contract §5.2) and opened again once the
//! debt is paid. Stopping expires each open pay-as-you-go instance of the buyer (expiredInstance;
//! kept, not released) with its release scheduled the world's grace period later, as any expiry
//! does — prolonged arrears release. Resuming opens each instance that expired during the arrears
//! again (renewInstance, its `expiredOn` the pay-as-you-go end, 2099-12-31 23:59:59) and calls its
//! release off. Subscriptions are not touched: their terms are paid. When a buyer is in arrears,
//! and when that stops them, is billing's to say (`crate::billing`).

use super::dates::PAY_AS_YOU_GO_END;
use crate::delivery::action::Action;
use crate::delivery::queue::QueueError;
use crate::state::Simulator;
use crate::store::orders::{Instance, Status};
use crate::world::Charge;
use chrono::DateTime;
use protocol::time::spi_format;

impl Simulator {
    /// Stops every open pay-as-you-go instance of the buyer, finishing the scheduled stop `job`
    /// with the first; returns how many were stopped. A buyer no longer in arrears (a payment came
    /// between the job falling due and this) is left alone. The caller holds
    /// [`Simulator::one_term_change`].
    pub(crate) fn stop_for_arrears(&self, ali_uid: &str, job: i64) -> Result<usize, QueueError> {
        let open = if self.store().arrears_since(ali_uid)?.is_some() {
            self.pay_as_you_go_of(ali_uid, Status::Opened)?
        } else {
            Vec::new()
        };
        let mut job = Some(job);
        for i in &open {
            self.expire_now(i, job.take())?;
        }
        if let Some(job) = job {
            self.store().transaction(|tx| tx.finish_job(job))?;
        }
        Ok(open.len())
    }

    /// Opens again every pay-as-you-go instance of the buyer that expired during the arrears that
    /// began at `since` (epoch ms) — one expired before them stays expired; returns the messages'
    /// ids. The caller holds [`Simulator::one_term_change`].
    pub(crate) fn resume_after_arrears(&self, ali_uid: &str, since: i64) -> Result<Vec<i64>, QueueError> {
        let end = DateTime::from_timestamp_millis(PAY_AS_YOU_GO_END).unwrap_or_default();
        let mut ids = Vec::new();
        let stopped = self
            .pay_as_you_go_of(ali_uid, Status::Expired)?
            .into_iter()
            .filter(|i| i.expired_at.is_some_and(|at| at >= since));
        for i in stopped {
            let renew = self.message_to(
                &i,
                Action::RenewInstance,
                &[("expiredOn".into(), spi_format(end))],
            )?;
            ids.push(self.commit(None, &[renew], |tx| {
                tx.set_instance_status(&i.instance_id, Status::Opened)?;
                tx.cancel_transitions(&i.instance_id)
            })?);
        }
        Ok(ids)
    }

    fn pay_as_you_go_of(&self, ali_uid: &str, status: Status) -> Result<Vec<Instance>, QueueError> {
        Ok(self
            .store()
            .instances_of(ali_uid)?
            .into_iter()
            .filter(|i| i.status == status && self.is_pay_as_you_go(i))
            .collect())
    }

    fn is_pay_as_you_go(&self, i: &Instance) -> bool {
        self.world()
            .product(&i.product_code)
            .and_then(|p| p.sku(&i.sku_id))
            .is_some_and(|s| s.charge == Charge::PayAsYouGo)
    }
}
