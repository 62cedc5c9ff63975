//! The marketplace's scheduled work as the clock sees it: at each instant, the bill runs due (and
//! the stops for arrears they lead to), the lifecycle's transitions due (a term's end, a grace
//! period's end) and then the deliveries due, so an action any of them makes goes out at the same
//! instant.

use crate::state::{Shared, Simulator};
use protocol::clock::{BoxFuture, Timers};
use protocol::time::Instant;
use std::sync::Weak;

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
        let job = sim.store().next_job_due().ok().flatten();
        let bill = sim.store().next_bill_due().ok().flatten();
        let due = job.into_iter().chain(bill).min()?;
        chrono::DateTime::from_timestamp_millis(due)
    }

    fn run_due(&self, now: Instant) -> BoxFuture<'_> {
        Box::pin(async move {
            if let Some(sim) = self.simulator() {
                sim.run_bills_due(now);
                sim.run_transitions_due(now);
                sim.deliver_due(now).await;
            }
        })
    }
}
