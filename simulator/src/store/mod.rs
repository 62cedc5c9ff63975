//! The simulator's store: SQLite, in memory by default (up to 1 GiB) or `marketplace.sqlite3` in a
//! data directory (WAL, so an acknowledged write survives a killed process), checked before
//! anything writes to it and refused, untouched, when damaged or another database (`store_file`).
//!
//! One connection behind a std `Mutex`: every operation is a short synchronous transaction and the
//! lock is never held across an `.await`. [`orders`] keeps orders and instances, [`jobs`] the
//! scheduled work, [`messages`] the SPI's outbox, [`deliveries`] every SPI attempt, [`sessions`] buyers' and vendors' sign-ins; `meta` holds the
//! clock and the id generator, so a restarted world resumes both. The OpenAPI families' tables have
//! a file each: [`purchases`] (what CreateOrder, auto-renewal and image purchases keep beside an
//! instance), [`metering`], [`notifications`], [`licenses`], [`invoices`] and [`projects`]; the buyers' bills
//! have [`bills`] and [`balances`]; [`feed`] numbers every line, record and refused push as the
//! billing feed's entries, and tells its followers when a transaction wrote one.
//!
//! The schema is [`migrations`]'s. Every query lives here: callers get typed rows and typed
//! outcomes, never SQL. What must happen
//! together runs in a [`Tx`], one transaction whose typed reads and writes commit together or not
//! at all ([`Store::transaction`]).

pub mod balances;
pub mod bills;
pub mod deliveries;
pub mod feed;
pub mod invoices;
pub mod jobs;
pub mod licenses;
pub mod messages;
pub mod metering;
mod migrations;
pub mod notifications;
pub mod orders;
pub mod projects;
pub mod purchases;
pub mod sessions;
pub mod terms;

use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// The file a data directory holds.
pub const FILE_NAME: &str = "marketplace.sqlite3";

/// What a data directory's `marketplace.sqlite3` holds.
const LAYOUT: store_file::Layout = store_file::Layout {
    what: "marketplace store",
    file_name: FILE_NAME,
    migrations: migrations::MIGRATIONS,
};

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory, or the store in it, was refused and left as it was.
    #[error(transparent)]
    Refused(#[from] store_file::Refusal),
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store error: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

/// Statements each connection keeps prepared: every one the delivery engine runs per attempt, with
/// room for the OpenAPI's.
const STATEMENT_CACHE: usize = 128;

/// One transaction of the store (see [`Store::transaction`]); each family's file adds the reads and
/// writes it offers inside one.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    /// Whether the transaction wrote a feed entry: its followers are told once it commits.
    fed: std::cell::Cell<bool>,
}

impl Tx<'_> {
    /// Runs one statement, prepared once per connection: the delivery engine runs the same few for
    /// every attempt, and preparing them afresh cost more than running them.
    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }

    /// The one row `sql` selects, its statement prepared once per connection like [`Tx::execute`]'s.
    fn query_row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, row)
    }
}

/// A cheap handle on the store.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// Counts the commits that wrote feed entries ([`Store::feed_changes`]).
    feed: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Store {
    /// An in-memory store (scenarios, tests), private to this store ([`store_file::in_memory`]:
    /// up to 1 GiB; a world larger than that needs `--data-dir`).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::init(store_file::in_memory()?)
    }

    /// The store in `dir`, or in memory when `dir` is None. A store already there is checked before
    /// anything writes to it, and refused — left as it is — unless it is a sound marketplace store;
    /// a directory without one gets a new one (`store_file`).
    pub fn open(dir: Option<&Path>) -> Result<Store, StoreError> {
        let Some(dir) = dir else { return Store::in_memory() };
        let conn = store_file::open(dir, &LAYOUT)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Store::init(conn)
    }

    /// Brings the store to the latest schema: a new one runs every migration, an older one those
    /// past its version (`migrations`).
    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        LAYOUT.migrations().to_latest(&mut conn)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            feed: Arc::new(tokio::sync::watch::Sender::new(0)),
        })
    }

    /// The connection, for one short synchronous operation.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back, with nothing
    /// written, when it returns `Err`. The store is held meanwhile, so what `work` reads stays true
    /// until it commits.
    pub fn transaction<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn();
        let tx = Tx {
            tx: conn.transaction().map_err(StoreError::from)?,
            fed: std::cell::Cell::new(false),
        };
        let value = work(&tx)?;
        let fed = tx.fed.get();
        tx.tx.commit().map_err(StoreError::from)?;
        if fed {
            self.feed.send_modify(|n| *n += 1);
        }
        Ok(value)
    }

    /// A value kept in `meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    /// Forgets everything every table holds (the world's reset). The feed's offsets go on from
    /// where they ended ([`feed`]), so an offset read before the reset is known for stale.
    pub fn clear(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        let feed_end = feed::end(&conn)?;
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for table in tables {
            conn.execute(&format!("DELETE FROM \"{table}\""), [])?;
        }
        // Ids counted by AUTOINCREMENT start again too, so a reset world numbers as a new one.
        let counted: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence')",
            [],
            |r| r.get(0),
        )?;
        if counted {
            conn.execute("DELETE FROM sqlite_sequence", [])?;
        }
        feed::set_origin(&conn, feed_end)?;
        drop(conn);
        self.feed.send_modify(|n| *n += 1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_dir_keeps_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        Store::open(Some(dir.path())).unwrap().set_meta("k", "v").unwrap();
        assert_eq!(
            Store::open(Some(dir.path()))
                .unwrap()
                .meta("k")
                .unwrap()
                .as_deref(),
            Some("v")
        );
    }

    #[test]
    fn a_transaction_that_fails_writes_nothing_and_one_that_succeeds_keeps_all() {
        let store = Store::in_memory().unwrap();
        let failed: Result<(), StoreError> = store.transaction(|tx| {
            tx.tx
                .execute("INSERT INTO meta (key, value) VALUES ('a', '1')", [])?;
            Err(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(failed.is_err());
        assert_eq!(store.meta("a").unwrap(), None);
        store
            .transaction(|tx| {
                tx.tx
                    .execute("INSERT INTO meta (key, value) VALUES ('a', '1')", [])?;
                tx.tx
                    .execute("INSERT INTO meta (key, value) VALUES ('b', '2')", [])?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(store.meta("a").unwrap().as_deref(), Some("1"));
        assert_eq!(store.meta("b").unwrap().as_deref(), Some("2"));
    }

    #[test]
    fn a_corrupt_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(&file, b"this is not a database, it is a text file of some length").unwrap();
        let err = Store::open(Some(dir.path())).err().unwrap().to_string();
        assert!(err.contains("is not a SQLite database"), "{err}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            b"this is not a database, it is a text file of some length"
        );
    }

    #[test]
    fn a_data_dir_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let not_dir = dir.path().join("plain-file");
        std::fs::write(&not_dir, b"x").unwrap();
        let err = Store::open(Some(&not_dir)).err().unwrap().to_string();
        assert!(err.contains("cannot use data directory"), "{err}");
    }

    #[test]
    fn another_programs_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.execute_batch("CREATE TABLE other (x INTEGER);").unwrap();
        drop(conn);
        let err = Store::open(Some(dir.path())).err().unwrap().to_string();
        assert!(err.contains("holds table `other`"), "{err}");
    }
}
