//! What SQLite reads in a store, checked on a scratch copy: the database and its log are copied to
//! a temporary directory and opened there, so SQLite applies the log, runs its integrity check and
//! shows the schema without writing a byte beside the real files (an open SQLite connection
//! writes: it recovers the log into a new `-shm`, checkpoints on close and deletes the log). The
//! schema is judged as the store's open will leave it: the store's pending migrations run on the
//! copy, and the result must be the schema every migration makes of an empty database.

use crate::layout::Layout;
use crate::Fault;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::Path;

/// Why the content could not be judged, or what is wrong with it.
pub(crate) enum Failure {
    /// The check could not run: no scratch copy could be made, say.
    Unchecked(String),
    Fault(Fault),
}

impl From<Fault> for Failure {
    fn from(fault: Fault) -> Failure {
        Failure::Fault(fault)
    }
}

/// Checks the database at `file`, with the log at `wal` applied when there is one.
pub(crate) fn check(file: &Path, wal: Option<&Path>, layout: &Layout) -> Result<(), Failure> {
    let no_scratch = |e: String| {
        Failure::Unchecked(format!(
            "{e}; the check copies the store into the temporary directory, and TMPDIR names another"
        ))
    };
    let scratch = tempfile::Builder::new()
        .prefix("marketsim-store-check-")
        .tempdir()
        .map_err(|e| no_scratch(format!("cannot make a directory there: {e}")))?;
    let copy = scratch.path().join("store.sqlite3");
    let copy_to = |from: &Path, to: &Path| {
        std::fs::copy(from, to).map_err(|e| no_scratch(format!("copying to {}: {e}", to.display())))
    };
    copy_to(file, &copy)?;
    if let Some(wal) = wal {
        copy_to(wal, &scratch.path().join("store.sqlite3-wal"))?;
    }
    let sqlite = |e: rusqlite::Error| Failure::Fault(Fault::SqliteRefuses(one_line(&e.to_string())));
    let mut conn = Connection::open_with_flags(&copy, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sqlite)?;
    let verdict: String = conn
        .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))
        .map_err(sqlite)?;
    if verdict != "ok" {
        return Err(Fault::Integrity(one_line(&verdict)).into());
    }
    migrate(&mut conn, layout)?;
    schema(&conn, layout)
}

/// Runs the copy's pending migrations, as the store's open will: a store of a newer marketsim, or
/// one holding nothing at all (no build ever left an existing store file empty of tables), is
/// refused before any runs.
fn migrate(conn: &mut Connection, layout: &Layout) -> Result<(), Failure> {
    let sqlite = |e: rusqlite::Error| Failure::Fault(Fault::SqliteRefuses(one_line(&e.to_string())));
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(sqlite)?;
    let known = layout.migrations.len() as i64;
    if version > known {
        return Err(Fault::NewerVersion {
            found: version,
            known,
            store: layout.what,
        }
        .into());
    }
    if tables(conn).map_err(sqlite)?.is_empty() {
        return Err(Fault::NoTables.into());
    }
    layout.migrations().to_latest(conn).map_err(|e| {
        let reason = match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => err.to_string(),
            other => other.to_string(),
        };
        Fault::OtherSchema(one_line(&reason)).into()
    })
}

/// SQLite's words on one line: its messages can quote a statement or list problems line by line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every table's column names, tables by name, leaving out SQLite's own.
fn tables(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<String>>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = BTreeMap::new();
    for name in names {
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        tables.insert(name, columns);
    }
    Ok(tables)
}

/// The tables of a new store: every migration run on an empty database in memory.
fn expected(layout: &Layout) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    layout
        .migrations()
        .to_latest(&mut conn)
        .map_err(|e| e.to_string())?;
    tables(&conn).map_err(|e| e.to_string())
}

/// The store's tables, once its migrations ran, against a new store's: none foreign, none with
/// other columns, none missing.
fn schema(conn: &Connection, layout: &Layout) -> Result<(), Failure> {
    let sqlite = |e: rusqlite::Error| Failure::Fault(Fault::SqliteRefuses(one_line(&e.to_string())));
    let found = tables(conn).map_err(sqlite)?;
    let all =
        expected(layout).map_err(|e| Failure::Unchecked(format!("the store's own migrations fail: {e}")))?;
    let store = layout.what;
    for (table, columns) in &found {
        let Some(expected) = all.get(table) else {
            return Err(Fault::ForeignTable {
                table: table.clone(),
                store,
            }
            .into());
        };
        if columns != expected {
            return Err(Fault::OtherColumns {
                table: table.clone(),
                found: columns.join(", "),
                expected: expected.join(", "),
                store,
            }
            .into());
        }
    }
    if let Some(table) = all.keys().find(|t| !found.contains_key(*t)) {
        return Err(Fault::MissingTable {
            table: table.clone(),
            store,
        }
        .into());
    }
    Ok(())
}
