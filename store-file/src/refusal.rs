//! Why a data directory, or a store file in it, was refused: one line that names the file and says
//! what is wrong with it. A refused store was not opened, and nothing in its directory was changed.

use std::path::PathBuf;

/// Why a store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The directory itself cannot hold a store.
    #[error("cannot use data directory {}: {reason}", dir.display())]
    DataDir { dir: PathBuf, reason: String },
    /// A file of the store is not what the store wrote: `file` is the database or its `-wal`.
    #[error(
        "{} {fault}; left untouched: choose another --data-dir, or move this one away",
        file.display()
    )]
    Damaged { file: PathBuf, fault: Fault },
    /// The database read with its `-wal` applied, as SQLite would read it, is not what the store
    /// wrote: one of the two, or both, are damaged or another database's.
    #[error(
        "{}, read with its -wal applied, {fault}; left untouched: choose another --data-dir, or move this one away",
        file.display()
    )]
    DamagedWithLog { file: PathBuf, fault: Fault },
    /// The check itself could not run (no room for a scratch copy, say); nothing was opened.
    #[error("cannot check {} before opening it: {reason}", file.display())]
    CannotCheck { file: PathBuf, reason: String },
    /// A new store could not be made.
    #[error("cannot create {}: {reason}", file.display())]
    CannotCreate { file: PathBuf, reason: String },
}

/// What is wrong with a store's file, worded to follow its name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("cannot be read ({0})")]
    Unreadable(String),
    #[error("is a directory, not a store file")]
    NotAFile,
    #[error("is empty (0 bytes): not a marketsim store")]
    Empty,
    #[error("is {0} bytes, too short to be a SQLite database")]
    TooShort(u64),
    #[error("is not a SQLite database (it does not begin with \"SQLite format 3\")")]
    NotSqlite,
    #[error("is not a SQLite database (its page size field reads {0})")]
    BadPageSize(u32),
    #[error("cannot be read by SQLite ({0})")]
    SqliteRefuses(String),
    #[error("fails SQLite's integrity check ({0})")]
    Integrity(String),
    #[error(
        "holds table `{table}`, which no {store} has (another program's database, or a newer marketsim's)"
    )]
    ForeignTable { table: String, store: &'static str },
    #[error("lacks table `{table}`, which every {store} has")]
    MissingTable { table: String, store: &'static str },
    #[error("has table `{table}` with columns ({found}), where a {store} has ({expected})")]
    OtherColumns {
        table: String,
        found: String,
        expected: String,
        store: &'static str,
    },
    #[error("cannot take this marketsim's schema ({0})")]
    OtherSchema(String),
    #[error(
        "has schema version {found}, where this marketsim's {store} goes up to {known}: a newer marketsim wrote it"
    )]
    NewerVersion {
        found: i64,
        known: i64,
        store: &'static str,
    },
    #[error("holds no table: an empty SQLite database, not a store marketsim wrote")]
    NoTables,
    #[error("is the write-ahead log of {database}, which is missing: it belongs to a store that is gone")]
    LogWithoutDatabase { database: &'static str },
    #[error("is {0} bytes, too short for a write-ahead log's 32-byte header")]
    LogTooShort(u64),
    #[error("is not a SQLite write-ahead log (it does not begin with the log's magic number)")]
    NotALog,
    #[error("is a write-ahead log of format {0}, not 3007000")]
    LogVersion(u32),
    #[error("has a damaged header (its page size field reads {0})")]
    LogPageSize(u32),
    #[error("has a damaged header (its checksum fails)")]
    LogHeaderChecksum,
    #[error(
        "holds pages of {log} bytes where its database's are {database}: it belongs to another database"
    )]
    LogOfOtherPageSize { log: u32, database: u32 },
    #[error(
        "has a damaged frame {frame} followed by frame {later} of the same log \
         (SQLite would silently drop every commit from frame {frame} on)"
    )]
    DamagedFrame { frame: u32, later: u32 },
    #[error(
        "holds intact commits up to frame {replayed} only, where its -shm records commits up to frame \
         {committed} (SQLite would silently drop acknowledged writes)"
    )]
    BreaksOffBeforeCommit { replayed: u32, committed: u32 },
    #[error("is not the log its -shm indexes (their salts differ): it belongs to another database")]
    NotTheIndexedLog,
    #[error("ends in a damaged or cut-short frame {frame}, and no -shm tells whether it was committed")]
    UnvouchedTail { frame: u32 },
}
