//! The console's SQLite store, the ground floor: every table and query of the console, read back
//! as typed rows. In memory by default, or `console.sqlite3` in a data directory (write-ahead
//! log, so an acknowledged write survives a crash), checked before anything writes to it and
//! refused, untouched, when damaged or another database (`store_file`). [`Db`] is the connection
//! plus the seeded id generator; [`accounts`], [`orgs`] and [`instances`] hold the queries of
//! their tables, and [`Tx`] the writes of one transaction. Of the console it knows only the
//! world's vocabulary ([`Role`](crate::world::Role), [`Argon2Cost`]), beneath it; the rules
//! (modules `accounts`, `orgs`, `instances`) and the seeding stand on it. One std `Mutex` guards
//! it in the state handle, and no handler holds it across an `.await`.

pub mod accounts;
pub mod instances;
pub mod orgs;

use crate::world::{Argon2Cost, ConsoleWorld};
use protocol::ids::IdGen;
use protocol::time::Instant;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory, or the store in it, was refused and left as it was.
    #[error(transparent)]
    Refused(#[from] store_file::Refusal),
    #[error("console store: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// The file name of a console's store inside its data directory.
pub const DB_FILE: &str = "console.sqlite3";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
    password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, free_credit REAL NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS members (
    org_id TEXT NOT NULL REFERENCES orgs(id), user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (org_id, user_id));
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), name TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, user_id TEXT REFERENCES users(id), csrf TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY, order_biz_id TEXT NOT NULL UNIQUE, order_id TEXT NOT NULL, ali_uid TEXT NOT NULL,
    sku_id TEXT NOT NULL, params TEXT NOT NULL, created_at INTEGER NOT NULL,
    org_id TEXT UNIQUE REFERENCES orgs(id), bound_by TEXT REFERENCES users(id), bound_at INTEGER);
CREATE TABLE IF NOT EXISTS handoffs (
    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instances(id), created_at INTEGER NOT NULL);
";

/// The connection and everything that must change in step with it.
pub struct Db {
    conn: Connection,
    ids: IdGen,
    deterministic: bool,
    /// The cost of the password hashes the console makes.
    pub cost: Argon2Cost,
}

/// What a data directory's `console.sqlite3` holds: the schema has been run whole on every open
/// since the first, so every table is core, and the version was never set.
const LAYOUT: store_file::Layout = store_file::Layout {
    what: "console store",
    file_name: DB_FILE,
    core: &[SCHEMA],
    added: &[],
    user_version: 0,
};

/// Opens the store: in memory without a data directory, else `console.sqlite3` inside it. A store
/// already there is checked before anything writes to it, and refused — left as it is, the message
/// naming the file and its fault — unless it is a sound console store; a directory without one
/// (created if missing) gets a new one.
pub fn open(data_dir: Option<&Path>) -> Result<Connection, StoreError> {
    let Some(dir) = data_dir else {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        return Ok(conn);
    };
    let conn = store_file::open(dir, &LAYOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Checks the store in `data_dir` without writing to it, as [`open`] does first: so a world that
/// opens other stores beside it can refuse before any of them is changed.
pub fn check(data_dir: &Path) -> Result<(), StoreError> {
    store_file::check(data_dir, &LAYOUT)?;
    Ok(())
}

/// The writes of one transaction of [`Db::write`]: typed inserts, each table's in its module.
pub struct Tx<'a> {
    conn: &'a Connection,
}

impl Db {
    /// Wraps an opened connection: a store opened again resumes its id generator where it
    /// stopped; a new one starts it from the world's seed. The flag says the store is new
    /// (nothing written yet), for the caller to seed it from the world.
    pub fn load(
        conn: Connection,
        world: &ConsoleWorld,
        deterministic: bool,
    ) -> Result<(Db, bool), StoreError> {
        let saved: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'ids'", [], |r| r.get(0))
            .optional()?;
        let mut db = Db {
            conn,
            ids: IdGen::new(world.seed, "console"),
            deterministic,
            cost: world.argon2,
        };
        let resumed = saved.and_then(|s| s.parse::<u64>().ok());
        if let Some(state) = resumed {
            db.ids = IdGen::from_state(state);
        }
        Ok((db, resumed.is_none()))
    }

    /// Runs `write` in one transaction that also persists the id generator, so an acknowledged
    /// write and the ids it used are stored together or not at all.
    pub fn write<T>(&self, write: impl FnOnce(&Tx<'_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let out = write(&Tx { conn: &tx })?;
        self.save_ids()?;
        tx.commit()?;
        Ok(out)
    }

    /// Persists the id generator, so a reopened store continues the same sequence.
    fn save_ids(&self) -> rusqlite::Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('ids', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![self.ids.state().to_string()],
        )?;
        Ok(())
    }

    /// The id generator (persisted by [`Db::write`]).
    fn ids(&mut self) -> &mut IdGen {
        &mut self.ids
    }

    /// A session or CSRF token: seeded alone in deterministic worlds, else mixed with fresh entropy.
    pub fn secret(&mut self) -> String {
        let entropy = if self.deterministic {
            0
        } else {
            RandomState::new().build_hasher().finish()
        };
        self.ids.secret(entropy)
    }

    /// A new user id.
    pub fn user_id(&mut self) -> String {
        format!(
            "usr-{}",
            self.ids.chars(16, b"0123456789abcdefghijklmnopqrstuvwxyz")
        )
    }

    /// A salt for a password hash.
    pub fn salt(&mut self) -> [u8; 16] {
        let a = self.secret();
        let mut salt = [0u8; 16];
        for (i, chunk) in a.as_bytes().chunks(2).take(16).enumerate() {
            salt[i] = u8::from_str_radix(std::str::from_utf8(chunk).unwrap_or("0"), 16).unwrap_or(0);
        }
        salt
    }
}

/// An instant as stored: epoch milliseconds.
fn millis(t: Instant) -> i64 {
    t.timestamp_millis()
}

/// A stored instant back.
fn instant(ms: i64) -> Instant {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
