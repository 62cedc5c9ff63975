//! The console's SQLite store, the ground floor: every table and query of the console, read back
//! as typed rows. In memory by default, or `console.sqlite3` in a data directory (write-ahead
//! log, so an acknowledged write survives a crash), checked before anything writes to it and
//! refused, untouched, when damaged or another database (`store_file`). [`Db`] is the connection
//! plus the seeded id generator; [`accounts`], [`orgs`], [`instances`], [`clusters`] and
//! [`payments`] and [`usage`] (what is reported to the marketplace) hold the queries of their
//! tables, and [`Tx`] the writes of one transaction. Of the console it knows only the world's
//! vocabulary ([`Role`](crate::world::Role), [`Argon2Cost`]), beneath it; the rules (modules
//! `accounts`, `orgs`, `instances`, `clusters`, `usage`), the seeding and the usage reporter stand
//! on it. One std `Mutex` guards it in the state handle, and no handler holds it across an `.await`.

pub mod accounts;
pub mod clusters;
pub mod instances;
pub mod orgs;
pub mod payments;
pub mod usage;

use crate::world::{Argon2Cost, ConsoleWorld};
use protocol::ids::IdGen;
use protocol::time::Instant;
use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::M;
use std::path::Path;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory, or the store in it, was refused and left as it was.
    #[error(transparent)]
    Refused(#[from] store_file::Refusal),
    #[error("console store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("console store: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

/// The file name of a console's store inside its data directory.
pub const DB_FILE: &str = "console.sqlite3";

/// The console's schema, one migration per change (`store/migrations/*.sql`), each frozen once released:
/// a store runs those past its `PRAGMA user_version` (`rusqlite_migration`). A new table or column
/// is a new migration at the end, never an edit to one above it.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("store/migrations/001_first_schema.sql")),
    M::up(include_str!("store/migrations/002_clusters_and_lifecycle.sql")),
    M::up(include_str!("store/migrations/003_usage.sql")),
    M::up(include_str!("store/migrations/004_usage_rows_by_org.sql")),
    M::up(include_str!(
        "store/migrations/005_credit_spent_before_pushing.sql"
    )),
];

/// The connection and everything that must change in step with it.
pub struct Db {
    conn: Connection,
    ids: IdGen,
    deterministic: bool,
    /// The cost of the password hashes the console makes.
    pub cost: Argon2Cost,
}

/// What a data directory's `console.sqlite3` holds.
const LAYOUT: store_file::Layout = store_file::Layout {
    what: "console store",
    file_name: DB_FILE,
    migrations: MIGRATIONS,
};

/// Opens the store: in memory without a data directory, else `console.sqlite3` inside it. A store
/// already there is checked before anything writes to it, and refused — left as it is, the message
/// naming the file and its fault — unless it is a sound console store; a directory without one
/// (created if missing) gets a new one. Either is brought to the latest schema.
pub fn open(data_dir: Option<&Path>) -> Result<Connection, StoreError> {
    let mut conn = match data_dir {
        None => store_file::in_memory()?,
        Some(dir) => {
            let conn = store_file::open(dir, &LAYOUT)?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn
        }
    };
    LAYOUT.migrations().to_latest(&mut conn)?;
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
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('ids', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![self.ids.state().to_string()])?;
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
            protocol::ids::fresh_seed()
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

/// The amount of money (CNY, stored as its decimal text) in column `idx`: text that is not a
/// decimal is an error, never a guess.
fn money(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<rust_decimal::Decimal> {
    let text: String = r.get(idx)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

/// Like [`money`], for a column that may be NULL.
fn money_or_none(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<rust_decimal::Decimal>> {
    match r.get_ref(idx)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => money(r, idx).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_and_usage_stored_before_credit_was_money_are_kept() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let mut conn = conn;
        LAYOUT.migrations().to_version(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO orgs (id, name, free_credit, created_at) VALUES ('o1', 'Zilliz', 345.3, 0);
             INSERT INTO usage_hours (org_id, hour, cluster_id, seconds, compute, storage, request_id)
                 VALUES ('o1', 3600, 'c1', 3600, 7200, 10, 1);",
        )
        .unwrap();
        LAYOUT.migrations().to_latest(&mut conn).unwrap();
        let credit: String = conn
            .query_row("SELECT free_credit FROM orgs", [], |r| r.get(0))
            .unwrap();
        assert_eq!(credit, "345.3");
        let row: (Option<String>, String, i64, i64, Option<i64>) = conn
            .query_row(
                "SELECT amount, credit, pushed_compute, pushed_storage, request_id FROM usage_hours",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (None, "0".into(), 7200, 10, Some(1)),
            "pushed all it accrued"
        );
    }

    #[test]
    fn usage_stored_before_the_rows_were_kept_by_organisation_is_all_kept() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let mut conn = conn;
        LAYOUT.migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(
            "INSERT INTO usage_requests (id, hour, metering, records, instances, status)
                 VALUES (1, 3600, '[]', 2, '8001,8002', 'pushed'), (2, 7200, '[]', 1, '8001', 'pending');
             INSERT INTO usage_hours (hour, cluster_id, org_id, instance_id, marketplace_instance, seconds,
                 compute, storage, serial_no, request_id) VALUES
                 (3600, 'c1', 'o1', 'i1', '8001', 3600, 3600, 5, 'c1-3600', 1),
                 (3600, 'c2', 'o1', 'i2', '8002', 1800, 7200, 10, 'c2-3600', 1),
                 (7200, 'c1', 'o1', 'i1', '8001', 3600, 3600, 5, 'c1-7200', 2);",
        )
        .unwrap();
        LAYOUT.migrations().to_latest(&mut conn).unwrap();
        let totals: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT id, compute, storage FROM usage_requests ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(totals, [(1, 10_800, 15), (2, 3600, 5)]);
        let rows: Vec<(String, i64, String, i64, i64)> = conn
            .prepare("SELECT org_id, hour, cluster_id, seconds, request_id FROM usage_hours")
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            rows,
            [
                ("o1".into(), 3600, "c1".into(), 3600, 1),
                ("o1".into(), 3600, "c2".into(), 1800, 1),
                ("o1".into(), 7200, "c1".into(), 3600, 2)
            ]
        );
    }
}
