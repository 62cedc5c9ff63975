//! [`Console`], the one cheap state handle every interface holds: the store behind a std `Mutex`,
//! the world it was opened on (its catalog), how it runs ([`ConsoleConfig`]) and the world's clock. [`Console::open`] checks the
//! world, opens the store and, when the store is new, seeds it ([`seed()`]); [`ConsoleError`] says
//! why a console could not be opened. Floor: beneath the interfaces (`pages`, `spi`) and the
//! router, above the seeding, the rules and the store it reaches.

use crate::accounts::HashError;
use crate::config::ConsoleConfig;
use crate::seed::{seed, SeedError};
use crate::store::{self, Db, StoreError};
use crate::world::{ConsoleWorld, WorldError};
use protocol::clock::Clock;
use protocol::time::Instant;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// Why a console could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error(transparent)]
    World(#[from] WorldError),
    /// The data directory, or the store in it, was refused and left as it was.
    #[error(transparent)]
    Refused(store_file::Refusal),
    #[error("console store: {0}")]
    Store(rusqlite::Error),
    #[error("console store: {0}")]
    Migration(rusqlite_migration::Error),
    #[error(transparent)]
    Hash(#[from] HashError),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(refusal) => ConsoleError::Refused(refusal),
            StoreError::Sqlite(e) => ConsoleError::Store(e),
            StoreError::Migration(e) => ConsoleError::Migration(e),
        }
    }
}

impl From<SeedError> for ConsoleError {
    fn from(e: SeedError) -> Self {
        match e {
            SeedError::Hash(e) => ConsoleError::Hash(e),
            SeedError::Store(e) => e.into(),
        }
    }
}

/// A running console: cheap to clone, every clone the same console.
#[derive(Clone)]
pub struct Console {
    shared: Arc<Shared>,
}

struct Shared {
    db: Mutex<Db>,
    /// The world it was opened on: what it sells (SKUs, cluster plans, metering items) and the
    /// AccessKey it reports usage with.
    world: ConsoleWorld,
    config: ConsoleConfig,
    clock: Clock,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("public_url", &self.shared.config.public_url)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// Opens a console on `world`: a fresh in-memory store without `data_dir`, else the store in
    /// `data_dir/console.sqlite3` (seeded from `world` the first time, resumed afterwards).
    pub fn open(
        world: ConsoleWorld,
        config: ConsoleConfig,
        clock: Clock,
        data_dir: Option<&Path>,
    ) -> Result<Console, ConsoleError> {
        world.validate()?;
        let conn = store::open(data_dir)?;
        let (mut db, new) = Db::load(conn, &world, config.deterministic)?;
        if new {
            seed(&mut db, &world)?;
        }
        Ok(Console {
            shared: Arc::new(Shared {
                db: Mutex::new(db),
                world,
                config,
                clock,
            }),
        })
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

    /// The store. Never hold the guard across an `.await`.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic), so a
        // poisoned lock is still safe to use.
        self.shared
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
