//! The SPI delivery engine: every notification the marketplace owes a vendor — createInstance after
//! 开通, renewInstance, upgradeInstance, expiredInstance, releaseInstance, refundRenewInstance and
//! orderPay — goes out as a message of the store's outbox, on the world's clock.
//!
//! Each due `deliver` job makes one [`attempt`] of its message: the call is judged ([`judge`]) and
//! the message is delivered, tried again after its action's wait ([`action`]: createInstance at the
//! world's `spi_retry_interval`, orderPay on its published schedule, the others at
//! `notification_retry_interval`), or given up — a createInstance leaving its instance 开通失败, an
//! orderPay waiting in DescribeFailedNotifications. An instance's messages go out one at a time, in
//! the order they were made (unless a swap fault reorders them, [`crate::faults`]); jobs due at one instant for different instances go out up to the
//! world's `delivery_concurrency` at a time, and are recorded in the order they were due, so a run
//! reads the same whatever order the answers come back in. [`queue`] makes messages: the control
//! action that delivers one, the ones the lifecycle and a purchase send, and a message that gave up
//! sent again.

pub mod action;
mod attempt;
pub mod judge;
pub mod queue;

use crate::faults::book::SpiFault;
use crate::state::Simulator;
use crate::store::jobs::Job;
use crate::store::messages::{DueDelivery, Message};
use crate::store::StoreError;
use attempt::{Attempted, Undeliverable};
use protocol::time::{epoch_millis, Instant};

/// The faults one delivery goes out with.
pub(crate) struct Faults {
    /// It goes out in the place of the message before it.
    pub swapped: bool,
    /// What acts on the call.
    pub call: Option<SpiFault>,
}

impl Faults {
    /// The journal's `fault`: `swap`, `timeout`, `swap, timeout`, or None.
    fn label(&self) -> Option<String> {
        let labels: Vec<String> = self
            .swapped
            .then(|| SpiFault::Swap.label())
            .into_iter()
            .chain(self.call.as_ref().map(SpiFault::label))
            .collect();
        (!labels.is_empty()).then(|| labels.join(", "))
    }
}

impl Simulator {
    /// Delivers everything due at or before `now`, a batch of up to `delivery_concurrency` calls at
    /// a time, until nothing is due. A job that cannot be delivered or recorded is dropped (and
    /// logged); the rest go on.
    pub(crate) async fn deliver_due(&self, now: Instant) {
        let batch_size = self.world().settings.delivery_concurrency.max(1);
        loop {
            let due = match self.store().due_deliveries(epoch_millis(now), batch_size) {
                Ok(due) if !due.is_empty() => due,
                Ok(_) => return,
                Err(e) => {
                    tracing::error!("reading due deliveries: {e}");
                    return;
                }
            };
            // Every call of the batch goes out at once. They are recorded in due order, so the
            // journal reads the same whatever order the answers come back in: each as soon as it
            // and those before it are in, together with the answers already in after it, so the
            // recording overlaps the calls still out and shares their transactions.
            let mut calls = Vec::with_capacity(due.len());
            for DueDelivery {
                job,
                message,
                product_code,
            } in due
            {
                let Some(message) = message else {
                    tracing::warn!(
                        "job {} ({} {}) has no message to deliver; dropped",
                        job.id,
                        job.kind,
                        job.subject
                    );
                    if !self.drop_job(&job, now) {
                        return;
                    }
                    continue;
                };
                let (job, message, faults) = self.take_faults(job, message, now);
                let sim = self.clone();
                calls.push(tokio::spawn(async move {
                    let attempted = sim
                        .attempt(job.clone(), message, product_code.as_deref(), faults, now)
                        .await;
                    (attempted, job)
                }));
            }
            let mut calls = calls.into_iter().peekable();
            while let Some(first) = calls.next() {
                let mut answered = vec![first];
                while let Some(next) = calls.next_if(tokio::task::JoinHandle::is_finished) {
                    answered.push(next);
                }
                let mut done = Vec::with_capacity(answered.len());
                let mut broke_off = false;
                for call in answered {
                    match call.await {
                        Ok(attempt) => done.push(attempt),
                        Err(e) => {
                            // Its job stays due; the clock's next turn tries it again.
                            tracing::error!("a delivery broke off: {e}");
                            broke_off = true;
                            break;
                        }
                    }
                }
                if !self.record(done, now) || broke_off {
                    return;
                }
            }
        }
    }

    /// The faults armed for this delivery, taken in the order deliveries are due: a swap first
    /// (the instance's next message goes out in this one's place, and takes this job), then a
    /// fault of the call itself.
    fn take_faults(&self, job: Job, message: Message, now: Instant) -> (Job, Message, Faults) {
        let at = epoch_millis(now);
        let mut swapped_in = None;
        let swapped = self
            .faults()
            .take_swap(&message.action, &message.instance_id, at, || {
                match self.store().swap_first_two(&job) {
                    Ok(next) => {
                        swapped_in = next;
                        swapped_in.is_some()
                    }
                    Err(e) => {
                        tracing::error!("swapping the deliveries of job {}: {e}", job.id);
                        false
                    }
                }
            });
        let (job, message) = match swapped_in.filter(|_| swapped) {
            Some(next) => (
                Job {
                    subject: next.id.to_string(),
                    attempt: next.attempts + 1,
                    ..job
                },
                next,
            ),
            None => (job, message),
        };
        let call = self.faults().take_spi(&message.action, &message.instance_id, at);
        (job, message, Faults { swapped, call })
    }

    /// Records attempts in one transaction; when that fails, each in its own, so a job that could
    /// not be recorded (or attempted) is dropped alone. False when even dropping fails.
    fn record(&self, done: Vec<(Result<Attempted, Undeliverable>, Job)>, now: Instant) -> bool {
        let together = self.store().transaction(|tx| {
            for attempted in done.iter().filter_map(|(a, _)| a.as_ref().ok()) {
                attempted.record(tx)?;
            }
            Ok::<_, StoreError>(())
        });
        if let Err(e) = &together {
            tracing::warn!(
                "recording {} deliveries together: {e}; recording each alone",
                done.len()
            );
        }
        for (attempted, job) in done {
            match attempted {
                Ok(_) if together.is_ok() => continue,
                Ok(a) => match self.store().transaction(|tx| a.record(tx)) {
                    Ok(()) => continue,
                    Err(e) => tracing::error!("recording delivery of message {}: {e}", a.message.id),
                },
                Err(Undeliverable::UnknownAction(e)) => {
                    tracing::error!("job {}: {e}; dropped", job.id);
                }
                Err(Undeliverable::NoVendor) => {
                    tracing::warn!(
                        "job {}: the world no longer sells its instance's product; dropped",
                        job.id
                    );
                }
            }
            if !self.drop_job(&job, now) {
                return false;
            }
        }
        true
    }

    /// Drops a job that cannot be delivered. False when even that fails: the store is failing,
    /// and delivering stops until the clock's next turn rather than meet the same job again.
    fn drop_job(&self, job: &Job, now: Instant) -> bool {
        match self.store().drop_delivery_job(job, epoch_millis(now)) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!("dropping job {}: {e}", job.id);
                false
            }
        }
    }
}
