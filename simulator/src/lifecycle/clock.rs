//! What time does to a term: at its end an instance with auto-renewal on is renewed for the
//! auto-renewal's term (Month × n, Year × 12n; the SKU's shortest term when it does not sell that
//! one), and one without is expired; when the grace period after expiry ends, it is released. A
//! transition finds the instance as it is then: one renewed, refunded or released in between is
//! left alone.

use crate::state::Simulator;
use crate::store::jobs::Job;
use crate::store::orders::Status;
use crate::store::purchases::AutoRenewal;
use crate::store::terms::Transition;
use crate::world::Sku;
use protocol::time::{epoch_millis, Instant};

/// How many due transitions are read at a time.
const BATCH: usize = 256;

/// The months an auto-renewal renews `sku` for.
pub(crate) fn auto_renewal_months(renewal: &AutoRenewal, sku: &Sku) -> u32 {
    let months = renewal.months();
    if sku.term(months).is_some() {
        months
    } else {
        sku.terms.first().map_or(1, |t| t.months)
    }
}

impl Simulator {
    /// Runs every transition due at or before `now`, earliest first.
    pub(crate) fn run_transitions_due(&self, now: Instant) {
        loop {
            let due = match self
                .store()
                .due_jobs(&Transition::KINDS, epoch_millis(now), BATCH)
            {
                Ok(due) if !due.is_empty() => due,
                Ok(_) => return,
                Err(e) => {
                    tracing::error!("reading due transitions: {e}");
                    return;
                }
            };
            for job in due {
                if let Err(e) = self.run_transition(&job) {
                    tracing::error!("{} of instance {}: {e}; dropped", job.kind, job.subject);
                    if let Err(e) = self.store().transaction(|tx| tx.finish_job(job.id)) {
                        tracing::error!("dropping job {}: {e}", job.id);
                        return;
                    }
                }
            }
        }
    }

    fn run_transition(&self, job: &Job) -> Result<(), super::LifecycleError> {
        let _one = self.one_term_change();
        let finish = || self.store().transaction(|tx| tx.finish_job(job.id));
        let Some(transition) = Transition::from_kind(&job.kind) else {
            return Ok(finish()?);
        };
        let (instance, product, sku) = match self.bought(&job.subject) {
            Ok(found) => found,
            Err(super::LifecycleError::UnknownInstance(_)) => return Ok(finish()?),
            Err(e) => return Err(e),
        };
        match (transition, instance.status) {
            (Transition::TermEnd, Status::Opened) => {
                match self.store().purchase_extras(&instance.instance_id)?.auto_renewal {
                    Some(renewal) if sku.charge == crate::world::Charge::Subscription => {
                        let months = auto_renewal_months(&renewal, sku);
                        let mut order = self.renewal(&instance, sku, months)?;
                        order.order_id = self.order_id()?;
                        self.commit_renewal(&instance, product, &order, Some(job.id), |_, _| Ok(()))?;
                    }
                    _ => {
                        self.expire_now(&instance, Some(job.id))?;
                    }
                }
            }
            (Transition::Release, Status::Expired) => {
                self.release_now(&instance, None, |_| Ok(()), Some(job.id))?;
            }
            // Still opening, failed, or already where the transition would take it.
            _ => finish()?,
        }
        Ok(())
    }
}
