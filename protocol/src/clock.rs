//! The one clock of a world, and the scheduler that runs due work in time order.
//!
//! A world has one [`Clock`], shared by the simulator and the console stub. In **manual** mode time
//! moves only when told ([`Clock::advance`], [`Clock::advance_to`]); in **real-time** mode it follows
//! the wall clock, optionally scaled, and [`Clock::spawn_driver`] runs work as it falls due.
//!
//! Services own their scheduled work (persisted in their own stores) and expose it through
//! [`Timers`]; the clock asks every registered source for its earliest due instant and runs the
//! earliest first, with the clock standing at that instant. So advancing 3 minutes past a delivery
//! due at +2m runs it at +2m, and a retry it schedules for +2m30s runs next — deterministic, in order,
//! across services.
//!
//! This is the only module that reads the wall clock for dates ([`wall_now`]). Network timeouts are
//! real durations and do not go through here.

use crate::time::Instant;
use chrono::{TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// A boxed future, as [`Timers::run_due`] returns.
pub type BoxFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A service's scheduled work, as the clock sees it.
pub trait Timers: Send + Sync {
    /// The earliest instant at which some work is due, if any is pending.
    fn next_due(&self) -> Option<Instant>;
    /// Runs the work due at or before `now`, earliest first. Must not advance the clock.
    fn run_due(&self, now: Instant) -> BoxFuture<'_>;
}

/// What a store persists of a clock, so a restarted world resumes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum ClockState {
    /// Time stands at `now` until told to move.
    Manual { now: Instant },
    /// Time is the wall clock plus `offset_ms`, running `scale` times as fast.
    RealTime { offset_ms: i64, scale: f64 },
}

/// Why the clock refused to move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("the clock cannot go back: it is {now} and {target} is earlier")]
    Backwards { now: String, target: String },
}

/// The wall clock. Only for what must be judged against real time (SDK request signatures, whose
/// timestamps are stamped from the caller's wall clock whatever the world's date).
#[allow(clippy::disallowed_methods)]
pub fn wall_now() -> Instant {
    Utc::now()
}

/// How many due items one advance may run before it gives up on a source that never empties.
const MAX_STEPS_PER_ADVANCE: usize = 1_000_000;

#[derive(Debug, Clone, Copy)]
enum Mode {
    Manual {
        now: Instant,
    },
    RealTime {
        origin_virtual: Instant,
        origin_wall: Instant,
        scale: f64,
    },
}

impl Mode {
    fn now(self) -> Instant {
        match self {
            Mode::Manual { now } => now,
            Mode::RealTime {
                origin_virtual,
                origin_wall,
                scale,
            } => {
                let elapsed = (wall_now() - origin_wall).num_milliseconds() as f64 * scale;
                origin_virtual + TimeDelta::milliseconds(elapsed as i64)
            }
        }
    }
}

type Listener = Arc<dyn Fn(&ClockState) + Send + Sync>;

struct Inner {
    mode: Mutex<Mode>,
    sources: Mutex<Vec<Weak<dyn Timers>>>,
    wake: Arc<Notify>,
    /// Held while due work runs, so advances and the real-time driver never interleave.
    running: tokio::sync::Mutex<()>,
    listener: Mutex<Option<Listener>>,
}

/// A world's clock: a cheap handle, cloned into every service of the world.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock").field("state", &self.state()).finish()
    }
}

impl Clock {
    fn with_mode(mode: Mode) -> Self {
        Clock {
            inner: Arc::new(Inner {
                mode: Mutex::new(mode),
                sources: Mutex::new(Vec::new()),
                wake: Arc::new(Notify::new()),
                running: tokio::sync::Mutex::new(()),
                listener: Mutex::new(None),
            }),
        }
    }

    /// A clock standing at `start` until told to move.
    pub fn manual(start: Instant) -> Self {
        Clock::with_mode(Mode::Manual { now: start })
    }

    /// A clock following the wall clock.
    pub fn real_time() -> Self {
        Clock::real_time_scaled(1.0, TimeDelta::zero())
    }

    /// A clock at wall time plus `offset`, running `scale` times as fast as the wall clock.
    pub fn real_time_scaled(scale: f64, offset: TimeDelta) -> Self {
        let wall = wall_now();
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        Clock::with_mode(Mode::RealTime {
            origin_virtual: wall + offset,
            origin_wall: wall,
            scale,
        })
    }

    /// A clock resumed from persisted state: a manual clock where it stood, a real-time clock at
    /// wall time plus its offset (work that fell due meanwhile runs on the next driver turn).
    pub fn from_state(state: &ClockState) -> Self {
        match *state {
            ClockState::Manual { now } => Clock::manual(now),
            ClockState::RealTime { offset_ms, scale } => {
                Clock::real_time_scaled(scale, TimeDelta::milliseconds(offset_ms))
            }
        }
    }

    /// The world's current instant.
    pub fn now(&self) -> Instant {
        let mode = *self.inner.mode.lock().expect("clock lock");
        mode.now()
    }

    /// Whether time moves only when told.
    pub fn is_manual(&self) -> bool {
        matches!(*self.inner.mode.lock().expect("clock lock"), Mode::Manual { .. })
    }

    /// What to persist to resume this clock.
    pub fn state(&self) -> ClockState {
        let mode = *self.inner.mode.lock().expect("clock lock");
        match mode {
            Mode::Manual { now } => ClockState::Manual { now },
            Mode::RealTime { scale, .. } => ClockState::RealTime {
                offset_ms: (mode.now() - wall_now()).num_milliseconds(),
                scale,
            },
        }
    }

    /// Calls `listener` with the new state whenever time is moved by hand or by the scheduler.
    pub fn on_change(&self, listener: impl Fn(&ClockState) + Send + Sync + 'static) {
        *self.inner.listener.lock().expect("clock lock") = Some(Arc::new(listener));
    }

    /// Adds a source of scheduled work. The clock holds it weakly: dropping the service drops it.
    pub fn register(&self, source: &Arc<dyn Timers>) {
        let mut sources = self.inner.sources.lock().expect("clock lock");
        sources.retain(|s| s.strong_count() > 0);
        sources.push(Arc::downgrade(source));
    }

    /// Tells the real-time driver that a source scheduled new work.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    fn set_now(&self, t: Instant) {
        {
            let mut mode = self.inner.mode.lock().expect("clock lock");
            *mode = match *mode {
                Mode::Manual { .. } => Mode::Manual { now: t },
                Mode::RealTime { scale, .. } => Mode::RealTime {
                    origin_virtual: t,
                    origin_wall: wall_now(),
                    scale,
                },
            };
        }
        self.notify_listener();
    }

    fn notify_listener(&self) {
        let listener = self.inner.listener.lock().expect("clock lock").clone();
        if let Some(listener) = listener {
            listener(&self.state());
        }
    }

    /// The source whose work is due first, and when.
    fn earliest(&self) -> Option<(Arc<dyn Timers>, Instant)> {
        let sources: Vec<Arc<dyn Timers>> = self
            .inner
            .sources
            .lock()
            .expect("clock lock")
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        sources
            .into_iter()
            .filter_map(|s| s.next_due().map(|due| (s, due)))
            .min_by_key(|(_, due)| *due)
    }

    /// The earliest instant any source has work due.
    pub fn next_due(&self) -> Option<Instant> {
        self.earliest().map(|(_, due)| due)
    }

    /// Puts the clock at `t`, even back in time (a world's reset). Pending work is the caller's to
    /// clear first.
    pub async fn reset_to(&self, t: Instant) {
        let _running = self.inner.running.lock().await;
        self.set_now(t);
    }

    /// Moves time forward by `by`, running all work that falls due on the way, in time order.
    pub async fn advance(&self, by: Duration) -> Result<Instant, ClockError> {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        let target = self
            .now()
            .checked_add_signed(by)
            .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC);
        self.advance_to(target).await
    }

    /// Moves time forward to `target`, running all work due up to it, in time order. Returns the
    /// instant reached. Never call this from inside scheduled work: it would wait for itself.
    pub async fn advance_to(&self, target: Instant) -> Result<Instant, ClockError> {
        let _running = self.inner.running.lock().await;
        let now = self.now();
        if target < now {
            return Err(ClockError::Backwards {
                now: crate::time::rfc3339(now),
                target: crate::time::rfc3339(target),
            });
        }
        self.run_due_until(Some(target)).await;
        if target > self.now() {
            self.set_now(target);
        }
        Ok(self.now())
    }

    /// Runs pending work in time order, moving time to each item, until nothing is pending or the
    /// next item lies beyond `now + limit`. Returns the instant reached.
    pub async fn run_until_idle(&self, limit: Duration) -> Instant {
        let _running = self.inner.running.lock().await;
        let limit = TimeDelta::from_std(limit).unwrap_or(TimeDelta::MAX);
        let horizon = self
            .now()
            .checked_add_signed(limit)
            .unwrap_or(chrono::DateTime::<Utc>::MAX_UTC);
        self.run_due_until(Some(horizon)).await;
        self.now()
    }

    /// Runs the work already due at the current instant (after a restart, say).
    pub async fn run_due_now(&self) {
        let _running = self.inner.running.lock().await;
        self.run_due_until(None).await;
    }

    /// The loop behind advancing: `target` None means "up to the current instant, time not moved".
    async fn run_due_until(&self, target: Option<Instant>) {
        for _ in 0..MAX_STEPS_PER_ADVANCE {
            let Some((source, due)) = self.earliest() else {
                return;
            };
            let limit = target.unwrap_or_else(|| self.now());
            if due > limit {
                return;
            }
            if due > self.now() {
                self.set_now(due);
            }
            source.run_due(self.now()).await;
        }
        tracing::error!("a scheduled-work source never emptied; stopped after {MAX_STEPS_PER_ADVANCE} steps");
    }

    /// Runs due work as real time passes (real-time mode). Ends when every handle of this clock is
    /// dropped. A manual clock's driver only runs work that is due at the current instant when woken.
    pub fn spawn_driver(&self) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(&self.inner);
        let wake = self.inner.wake.clone();
        tokio::spawn(async move {
            loop {
                let notified = wake.notified();
                let sleep_for = {
                    let Some(inner) = weak.upgrade() else { return };
                    let clock = Clock { inner };
                    clock.run_due_now().await;
                    clock.wall_time_until_next_due()
                };
                match sleep_for {
                    Some(d) => {
                        tokio::select! {
                            _ = tokio::time::sleep(d) => {}
                            _ = notified => {}
                        }
                    }
                    None => notified.await,
                }
            }
        })
    }

    /// How long, in wall time, until the next item is due (capped, so a rescaled clock is re-read).
    fn wall_time_until_next_due(&self) -> Option<Duration> {
        let scale = match *self.inner.mode.lock().expect("clock lock") {
            Mode::Manual { .. } => return None,
            Mode::RealTime { scale, .. } => scale,
        };
        let due = self.next_due()?;
        let virtual_wait = (due - self.now()).num_milliseconds().max(0) as f64;
        let wall_ms = (virtual_wait / scale).ceil() as u64;
        Some(Duration::from_millis(wall_ms.clamp(1, 60_000)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    /// A source recording when each item ran; an item may schedule a follow-up.
    struct Script {
        name: &'static str,
        pending: Mutex<Vec<(Instant, Option<TimeDelta>)>>,
        log: Arc<Mutex<Vec<String>>>,
    }

    impl Timers for Script {
        fn next_due(&self) -> Option<Instant> {
            self.pending.lock().unwrap().iter().map(|(t, _)| *t).min()
        }
        fn run_due(&self, now: Instant) -> BoxFuture<'_> {
            Box::pin(async move {
                let mut pending = self.pending.lock().unwrap();
                pending.sort_by_key(|(t, _)| *t);
                while let Some(&(t, follow)) = pending.first() {
                    if t > now {
                        break;
                    }
                    pending.remove(0);
                    self.log
                        .lock()
                        .unwrap()
                        .push(format!("{} {}", self.name, crate::time::spi_format(now)));
                    if let Some(after) = follow {
                        pending.push((now + after, None));
                    }
                }
            })
        }
    }

    fn start() -> Instant {
        parse_instant("2023-08-15T10:00:00+08:00").unwrap()
    }

    fn script(
        name: &'static str,
        items: Vec<(i64, Option<i64>)>,
        log: &Arc<Mutex<Vec<String>>>,
    ) -> Arc<dyn Timers> {
        Arc::new(Script {
            name,
            pending: Mutex::new(
                items
                    .into_iter()
                    .map(|(secs, f)| (start() + TimeDelta::seconds(secs), f.map(TimeDelta::seconds)))
                    .collect(),
            ),
            log: log.clone(),
        })
    }

    #[tokio::test]
    async fn a_manual_clock_stands_still_until_advanced() {
        let clock = Clock::manual(start());
        assert_eq!(clock.now(), start());
        let reached = clock.advance(Duration::from_secs(180)).await.unwrap();
        assert_eq!(reached, start() + TimeDelta::minutes(3));
        assert_eq!(clock.now(), reached);
    }

    #[tokio::test]
    async fn due_work_runs_in_time_order_across_sources_at_its_own_instant() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let clock = Clock::manual(start());
        let a = script("a", vec![(120, Some(30)), (600, None)], &log);
        let b = script("b", vec![(130, None)], &log);
        clock.register(&a);
        clock.register(&b);
        clock.advance(Duration::from_secs(300)).await.unwrap();
        assert_eq!(
            *log.lock().unwrap(),
            vec![
                "a 2023-08-15 10:02:00",
                "b 2023-08-15 10:02:10",
                "a 2023-08-15 10:02:30"
            ]
        );
        assert_eq!(clock.now(), start() + TimeDelta::minutes(5));
        assert_eq!(clock.next_due(), Some(start() + TimeDelta::minutes(10)));
    }

    #[tokio::test]
    async fn run_until_idle_stops_at_the_last_item_within_the_limit() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let clock = Clock::manual(start());
        let a = script("a", vec![(60, Some(60)), (86_400 * 10, None)], &log);
        clock.register(&a);
        let reached = clock.run_until_idle(Duration::from_secs(86_400)).await;
        assert_eq!(reached, start() + TimeDelta::minutes(2));
        assert_eq!(log.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn the_clock_refuses_to_go_back() {
        let clock = Clock::manual(start());
        let err = clock
            .advance_to(start() - TimeDelta::seconds(1))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("cannot go back"));
    }

    #[tokio::test]
    async fn a_dropped_source_is_forgotten() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let clock = Clock::manual(start());
        let a = script("a", vec![(60, None)], &log);
        clock.register(&a);
        drop(a);
        assert_eq!(clock.next_due(), None);
    }

    #[tokio::test]
    async fn the_listener_sees_every_move() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let clock = Clock::manual(start());
        let s = seen.clone();
        clock.on_change(move |state| s.lock().unwrap().push(state.clone()));
        clock.advance(Duration::from_secs(60)).await.unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            vec![ClockState::Manual {
                now: start() + TimeDelta::minutes(1)
            }]
        );
    }

    #[tokio::test]
    async fn a_restored_clock_resumes_where_it_stood() {
        let clock = Clock::manual(start());
        assert_eq!(Clock::from_state(&clock.state()).now(), start());
        let real = Clock::real_time_scaled(1.0, TimeDelta::hours(-24));
        let resumed = Clock::from_state(&real.state());
        let drift = (resumed.now() - (wall_now() - TimeDelta::hours(24)))
            .num_seconds()
            .abs();
        assert!(drift <= 1, "resumed at wall time minus the offset");
    }

    /// A source that says when it has run, so a test awaits the driver instead of polling it.
    struct Announcing {
        due: Mutex<Option<Instant>>,
        ran: tokio::sync::mpsc::UnboundedSender<Instant>,
    }

    impl Timers for Announcing {
        fn next_due(&self) -> Option<Instant> {
            *self.due.lock().unwrap()
        }
        fn run_due(&self, now: Instant) -> BoxFuture<'_> {
            Box::pin(async move {
                let mut due = self.due.lock().unwrap();
                if due.is_some_and(|t| t <= now) {
                    *due = None;
                    self.ran.send(now).unwrap();
                }
            })
        }
    }

    // Paused time: the timeout below fires at once, in virtual time, if the driver never runs the
    // work, instead of the test sleeping in a loop.
    #[tokio::test(start_paused = true)]
    async fn the_real_time_driver_runs_work_as_it_falls_due() {
        let clock = Clock::real_time_scaled(1.0, TimeDelta::zero());
        let (ran, mut runs) = tokio::sync::mpsc::unbounded_channel();
        let due_now = Arc::new(Announcing {
            due: Mutex::new(Some(clock.now() - TimeDelta::seconds(5))),
            ran,
        }) as Arc<dyn Timers>;
        clock.register(&due_now);
        let driver = clock.spawn_driver();
        let first = tokio::time::timeout(Duration::from_secs(60), runs.recv()).await;
        assert!(matches!(first, Ok(Some(_))), "the driver ran the due work");
        driver.abort();
        assert!(runs.try_recv().is_err(), "the work ran once");
    }
}
