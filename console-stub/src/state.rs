//! [`Console`], the one cheap state handle every interface holds: the store behind a std `Mutex`,
//! the world it was opened on (its catalog), how it runs ([`ConsoleConfig`]), the world's clock,
//! and the console's scheduled work, kept alive here while the clock holds it weakly. Opening a
//! console puts the handle together from its parts and that work (module `opening`); this
//! module knows only what the handle holds. Floor: beneath the interfaces, the opening and the
//! usage reporter; above the rules, the configuration and the store it reaches.

use crate::config::ConsoleConfig;
use crate::store::Db;
use crate::world::ConsoleWorld;
use protocol::clock::{Clock, Timers};
use protocol::time::Instant;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// A running console: cheap to clone, every clone the same console.
#[derive(Clone)]
pub struct Console {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    db: Mutex<Db>,
    /// The world it was opened on: what it sells (SKUs, cluster plans, metering items) and the
    /// AccessKey it reports usage with.
    world: ConsoleWorld,
    config: ConsoleConfig,
    clock: Clock,
    /// The scheduled work, if the console has any; the clock holds it weakly.
    _timers: Option<Arc<dyn Timers>>,
}

/// What a console runs on, put together by `opening`.
pub(crate) struct Parts {
    pub db: Db,
    pub world: ConsoleWorld,
    pub config: ConsoleConfig,
    pub clock: Clock,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("public_url", &self.shared.config.public_url)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// A console of `parts` whose scheduled work `timers` makes from a weak handle on it (None: it
    /// has none), registered with the clock.
    pub(crate) fn assemble(
        parts: Parts,
        timers: impl FnOnce(Weak<Shared>) -> Option<Arc<dyn Timers>>,
    ) -> Console {
        let shared = Arc::new_cyclic(|weak| Shared {
            db: Mutex::new(parts.db),
            world: parts.world,
            config: parts.config,
            clock: parts.clock,
            _timers: timers(weak.clone()),
        });
        if let Some(timers) = &shared._timers {
            shared.clock.register(timers);
        }
        Console { shared }
    }

    /// The world it was opened on: its catalog and its AccessKey.
    pub fn world(&self) -> &ConsoleWorld {
        &self.shared.world
    }

    /// How this console runs.
    pub fn config(&self) -> &ConsoleConfig {
        &self.shared.config
    }

    /// The world's clock.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The world's current instant.
    pub fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// The store, for the interfaces — and for tools and tests that read or seed it directly.
    /// Never hold the guard across an `.await`.
    pub fn lock(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic), so a
        // poisoned lock is still safe to use.
        self.shared
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The console behind a weak handle, while it is open.
    pub(crate) fn upgrade(weak: &Weak<Shared>) -> Option<Console> {
        weak.upgrade().map(|shared| Console { shared })
    }
}
