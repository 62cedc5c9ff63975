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
//! actions that deliver one, expire or release an instance, and send a message that gave up again.

pub mod action;
mod attempt;
pub mod judge;
pub mod queue;

use crate::faults::book::SpiFault;
use crate::state::{Shared, Simulator};
use crate::store::jobs::Job;
use crate::store::messages::Message;
use protocol::clock::{BoxFuture, Timers};
use protocol::time::{epoch_millis, Instant};
use std::sync::Weak;

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

/// The simulator's scheduled work, as the clock sees it.
pub(crate) struct JobRunner {
    sim: Weak<Shared>,
}

impl JobRunner {
    pub(crate) fn new(sim: Weak<Shared>) -> Self {
        JobRunner { sim }
    }

    fn simulator(&self) -> Option<Simulator> {
        self.sim.upgrade().map(|shared| Simulator { shared })
    }
}

impl Timers for JobRunner {
    fn next_due(&self) -> Option<Instant> {
        let sim = self.simulator()?;
        let due = sim.store().next_job_due().ok().flatten()?;
        chrono::DateTime::from_timestamp_millis(due)
    }

    fn run_due(&self, now: Instant) -> BoxFuture<'_> {
        Box::pin(async move {
            if let Some(sim) = self.simulator() {
                sim.deliver_due(now).await;
            }
        })
    }
}

impl Simulator {
    /// Delivers everything due at or before `now`, a batch of up to `delivery_concurrency` calls at
    /// a time, until nothing is due. A job that cannot be delivered or recorded is dropped (and
    /// logged); the rest go on.
    async fn deliver_due(&self, now: Instant) {
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
            let mut calls = tokio::task::JoinSet::new();
            for (index, (job, message)) in due.into_iter().enumerate() {
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
                calls.spawn(async move {
                    let attempted = sim.attempt(job.clone(), message, faults, now).await;
                    (index, attempted, job)
                });
            }
            let mut done = Vec::with_capacity(calls.len());
            while let Some(joined) = calls.join_next().await {
                match joined {
                    Ok(call) => done.push(call),
                    Err(e) => {
                        // Its job stays due; the clock's next turn tries it again.
                        tracing::error!("a delivery broke off: {e}");
                        return;
                    }
                }
            }
            done.sort_by_key(|(index, _, _)| *index);
            for (_, attempted, job) in done {
                match attempted {
                    Ok(a) => {
                        if let Err(e) = self.store().record_delivery(
                            a.job.id,
                            &a.message,
                            &a.delivery,
                            &a.settled,
                            a.opening.as_ref(),
                        ) {
                            tracing::error!("recording delivery of message {}: {e}", a.message.id);
                            if !self.drop_job(&job, now) {
                                return;
                            }
                        }
                    }
                    Err(attempt::Undeliverable::UnknownAction(e)) => {
                        tracing::error!("job {}: {e}; dropped", job.id);
                        if !self.drop_job(&job, now) {
                            return;
                        }
                    }
                    Err(attempt::Undeliverable::NoVendor) => {
                        tracing::warn!(
                            "job {}: the world no longer sells its instance's product; dropped",
                            job.id
                        );
                        if !self.drop_job(&job, now) {
                            return;
                        }
                    }
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
