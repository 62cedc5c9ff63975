//! The usage reporter: the console's scheduled work on the world's clock. At each hour it reckons
//! the hour just ended (`reckon`: each running cluster's usage, the 免费额度 spent on it, and the
//! PushMeteringData requests that report what the credit did not cover, stored before anything is
//! sent) and pushes them to the marketplace's OpenAPI
//! with the world's vendor AccessKey (`attempt`); a push that failed is tried again, with the
//! same text, when the usage rules say, until it is pushed, refused or late. The pushes due
//! together go out together, up to `IN_FLIGHT` at once, and are recorded in the order they were
//! due, so a run logs the same whatever order the answers come back in.
//!
//! To the clock it is a [`Timers`] source. What is due is kept in memory (`Schedule`) so that
//! [`Timers::next_due`] reads no table unless the store changed: the next hour is due when a
//! cluster has run since the last one reckoned (the store's `ran_since`, asked again only when
//! the store's change count moved), and the earliest pending retry. On a manual clock nothing is
//! due while no cluster runs, so running the clock until idle still ends; in real time the next
//! hour is always due, since nothing tells the clock's driver when a cluster starts. A console
//! reopened on its data directory resumes from the store: the hours not reckoned yet (those past
//! their deadline stored as late) and the retries pending.
//!
//! A console whose world has no AccessKey or no metering items has no reporter. Floor: above the
//! state handle, whose weak handle it holds, and the usage rules; beneath the opening.

mod attempt;
mod reckon;

use crate::state::{Console, Shared};
use crate::store::usage::Push;
use crate::store::StoreError;
use crate::usage::HOUR;
use crate::world::Metering;
use chrono::TimeDelta;
use protocol::clock::{BoxFuture, Timers};
use protocol::openapi::client::Client;
use protocol::time::Instant;
use std::sync::{Mutex, MutexGuard, Weak};

/// How long the reporter waits before trying again after its store failed.
const STORE_PAUSE: TimeDelta = TimeDelta::minutes(1);

/// Pushes out at once: the requests of one hour name different instances, so they may go
/// together, and the marketplace's checks of one overlap the sending of the next.
const IN_FLIGHT: usize = 8;

/// Why the reporter stopped short.
#[derive(Debug, thiserror::Error)]
enum Halt {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A push's task ended without an answer; its request stays due.
    #[error("a push broke off: {0}")]
    BrokeOff(#[from] tokio::task::JoinError),
}

/// What is due, as the reporter last saw it.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    /// The end of the last hour reckoned: the next hour ends at `through + 1h`.
    pub through: Instant,
    /// When the earliest pending request is due.
    pub retry: Option<Instant>,
    /// Whether a cluster ran since `through`, as of the store's change count.
    ran: Option<Ran>,
    /// After the store failed, nothing is due before this.
    pause: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Ran {
    through: Instant,
    changes: u64,
    ran: bool,
}

impl Schedule {
    /// The schedule of a store reckoned up to `through` with the earliest retry at `retry`.
    pub fn new(through: Instant, retry: Option<Instant>) -> Schedule {
        Schedule {
            through,
            retry,
            ran: None,
            pause: None,
        }
    }
}

/// The console's usage reporter, as the clock holds it.
pub(crate) struct Reporter {
    console: Weak<Shared>,
    client: Client,
    /// The items usage is pushed in.
    metering: Metering,
    schedule: Mutex<Schedule>,
}

impl Reporter {
    /// A reporter for the console behind `console`, pushing with `client` in the items
    /// `metering` names, starting at `schedule`.
    pub fn new(console: Weak<Shared>, client: Client, metering: Metering, schedule: Schedule) -> Reporter {
        Reporter {
            console,
            client,
            metering,
            schedule: Mutex::new(schedule),
        }
    }

    fn schedule(&self) -> MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Reckons every hour that has ended, then makes every attempt due, until none is.
    async fn run(&self, console: &Console, now: Instant) {
        let done = match self.work(console, now).await {
            Ok(()) => self.refresh(console).map_err(Halt::from),
            Err(e) => Err(e),
        };
        let mut schedule = self.schedule();
        match done {
            Ok(()) => schedule.pause = None,
            Err(e) => {
                tracing::error!("usage reporter: {e}; trying again in a minute");
                schedule.pause = Some(now + STORE_PAUSE);
            }
        }
    }

    async fn work(&self, console: &Console, now: Instant) -> Result<(), Halt> {
        loop {
            let hour = self.schedule().through;
            if hour + HOUR > now {
                break;
            }
            reckon::hour(console, &self.metering, hour, now)?;
            self.schedule().through = hour + HOUR;
        }
        loop {
            let mut due = console.lock().due_usage_requests(now)?.into_iter().peekable();
            if due.peek().is_none() {
                return Ok(());
            }
            while due.peek().is_some() {
                let calls: Vec<_> = due
                    .by_ref()
                    .take(IN_FLIGHT)
                    .map(|request| tokio::spawn(attempt::send(self.client.clone(), request, console.now())))
                    .collect();
                // Recorded in the order they were due, whatever order the answers came in; each
                // answer that came is recorded even when another could not be, so a push the
                // marketplace took is not sent again.
                let mut failed = None;
                for call in calls {
                    let recorded = match call.await {
                        Ok(sent) => attempt::record(console, &self.metering, sent).map_err(Halt::from),
                        Err(e) => Err(Halt::from(e)),
                    };
                    if let Err(e) = recorded {
                        failed.get_or_insert(e);
                    }
                }
                if let Some(e) = failed {
                    return Err(e);
                }
            }
        }
    }

    /// Reads the earliest pending retry back from the store.
    fn refresh(&self, console: &Console) -> Result<(), StoreError> {
        let mut schedule = self.schedule();
        schedule.retry = console.lock().next_usage_attempt()?;
        Ok(())
    }
}

impl Timers for Reporter {
    fn next_due(&self) -> Option<Instant> {
        let console = Console::upgrade(&self.console)?;
        let mut schedule = self.schedule();
        let through = schedule.through;
        let ran = {
            let db = console.lock();
            let changes = db.changes();
            match schedule.ran {
                Some(r) if r.through == through && r.changes == changes => r.ran,
                _ => {
                    // A store that cannot answer is asked again at the next hour.
                    let ran = db.ran_since(through).unwrap_or(true);
                    schedule.ran = Some(Ran {
                        through,
                        changes,
                        ran,
                    });
                    ran
                }
            }
        };
        let report = (ran || !console.clock().is_manual()).then(|| through + HOUR);
        let due = report.into_iter().chain(schedule.retry).min()?;
        Some(schedule.pause.map_or(due, |pause| due.max(pause)))
    }

    fn run_due(&self, now: Instant) -> BoxFuture<'_> {
        Box::pin(async move {
            if let Some(console) = Console::upgrade(&self.console) {
                self.run(&console, now).await;
            }
        })
    }
}

impl Console {
    /// What happened to the usage pushes after the log entry `seq` (0: from the start), in order:
    /// each attempt with its answer, and each request given up late without one.
    pub fn usage_pushes_after(&self, seq: i64) -> Result<Vec<Push>, StoreError> {
        self.lock().usage_pushes_after(seq)
    }
}
