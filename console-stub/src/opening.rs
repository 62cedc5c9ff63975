//! Opening a console: the world checked, the store opened (or resumed) and, when new, seeded
//! ([`seed()`]), and the state handle (`state`) put together with the work it runs on the clock —
//! the usage reporter (`reporter`), when the world has an AccessKey and metering items to report
//! usage with, resuming where the store says it stopped. [`ConsoleError`] says why a console could
//! not be opened. Floor: above the state handle, the seeding and the reporter it joins; beneath
//! the interfaces.

use crate::accounts::HashError;
use crate::config::ConsoleConfig;
use crate::reporter::{Reporter, Schedule};
use crate::seed::{seed, SeedError};
use crate::state::{Console, Parts};
use crate::store::{self, Db, StoreError};
use crate::usage::hour_of;
use crate::world::{ConsoleWorld, WorldError};
use protocol::clock::{Clock, Timers};
use protocol::openapi::client::Client;
use std::path::Path;
use std::sync::Arc;

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
    /// The usage reporter cannot reach the marketplace's URL as given.
    #[error("the marketplace URL for usage pushes: {0}")]
    MarketplaceUrl(String),
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
        // Usage is reckoned from the hour the console first opened in.
        let through = match db.usage_through()? {
            Some(through) => through,
            None => {
                let start = hour_of(clock.now());
                db.write(|tx| tx.set_usage_through(start))?;
                start
            }
        };
        let schedule = Schedule::new(through, db.next_usage_attempt()?);
        let reporting = usage_client(&world, &config)?.zip(world.metering.clone());
        let parts = Parts {
            db,
            world,
            config,
            clock,
        };
        Ok(Console::assemble(parts, |console| {
            let (client, metering) = reporting?;
            let reporter = Reporter::new(console, client, metering, schedule);
            Some(Arc::new(reporter) as Arc<dyn Timers>)
        }))
    }
}

/// The client the reporter pushes usage with: the marketplace's OpenAPI, signed with the world's
/// AccessKey. None when the world has no AccessKey or no metering items: then no usage is
/// reckoned or reported.
fn usage_client(world: &ConsoleWorld, config: &ConsoleConfig) -> Result<Option<Client>, ConsoleError> {
    let (Some(id), Some(secret), Some(_)) = (&world.access_key_id, &world.access_key_secret, &world.metering)
    else {
        return Ok(None);
    };
    let refused = |e: protocol::openapi::client::ClientError| ConsoleError::MarketplaceUrl(e.to_string());
    let client = Client::new(&config.marketplace_url, id, secret).map_err(refused)?;
    let client = client.with_timeout(config.metering_timeout).map_err(refused)?;
    Ok(Some(client))
}
