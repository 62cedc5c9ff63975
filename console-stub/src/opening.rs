//! Opening a console: the world checked, the store opened (or resumed) and, when new, seeded
//! ([`seed()`]), and the state handle (`state`) put together with the work it runs on the clock.
//! [`ConsoleError`] says why a console could not be opened. Floor: above the state handle and
//! the seeding it joins; beneath the interfaces.

use crate::accounts::HashError;
use crate::config::ConsoleConfig;
use crate::seed::{seed, SeedError};
use crate::state::{Console, Parts};
use crate::store::{self, Db, StoreError};
use crate::world::{ConsoleWorld, WorldError};
use protocol::clock::Clock;
use std::path::Path;

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
        let parts = Parts {
            db,
            world,
            config,
            clock,
        };
        Ok(Console::assemble(parts, |_| None))
    }
}
