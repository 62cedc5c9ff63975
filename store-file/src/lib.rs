//! A SQLite store's file in a data directory, checked before anything writes to it.
//!
//! SQLite opens nearly anything without a word: an empty file as a new database, another program's
//! database as one to add tables to; it drops a write-ahead log's frames after a damaged one, and
//! replays a log of another database — and opening already writes (it recovers the log, switches
//! journal modes, checkpoints and deletes the log on close). So before a store is opened for
//! writing, [`check`] reads it without writing to its directory: the database header by hand
//! (`header`), the `-wal` frame by frame against its `-shm` index (`log`), then SQLite's view of a
//! scratch copy — integrity, and the store's schema once its pending migrations ran (`content`). A
//! refused store is left byte for byte as it was. A missing store is created whole, every
//! migration run, under a temporary name and renamed into place (`create`), so a store file that
//! exists was finished. The check runs before the store's own `Migrations::to_latest` ever sees the
//! file: that would take an empty file for a new database and fill it.
//!
//! The simulator and the console stub both keep a store this way; neither knows the other.

mod checksum;
mod content;
mod create;
mod header;
mod layout;
mod log;
mod refusal;
mod shm;
#[cfg(feature = "testing")]
pub mod testing;
mod wal;

pub use layout::Layout;
pub use refusal::{Fault, Refusal};

use rusqlite::Connection;
use std::path::Path;

/// What a data directory holds for a store that passed [`check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No store yet: opening creates one.
    Nothing,
    /// A sound store.
    Store,
}

/// Checks the store in `dir` without writing a byte there: a missing directory or file is
/// [`Found::Nothing`], a sound store [`Found::Store`], anything else a [`Refusal`] naming the file.
pub fn check(dir: &Path, layout: &Layout) -> Result<Found, Refusal> {
    let data_dir = |reason: String| Refusal::DataDir {
        dir: dir.to_owned(),
        reason,
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(data_dir(e.to_string())),
        Ok(meta) if !meta.is_dir() => return Err(data_dir("it is a file, not a directory".into())),
        Ok(_) => {}
    }
    let file = layout.file(dir);
    let wal = layout.beside(dir, "-wal");
    let damaged = |file: &Path, fault: Fault| Refusal::Damaged {
        file: file.to_owned(),
        fault,
    };
    match std::fs::metadata(&file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match std::fs::metadata(&wal) {
                Ok(meta) if meta.len() > 0 => Err(damaged(
                    &wal,
                    Fault::LogWithoutDatabase {
                        database: layout.file_name,
                    },
                )),
                _ => Ok(Found::Nothing),
            };
        }
        Err(e) => return Err(damaged(&file, Fault::Unreadable(e.to_string()))),
        Ok(meta) if meta.is_dir() => return Err(damaged(&file, Fault::NotAFile)),
        Ok(_) => {}
    }
    let database = header::read(&file).map_err(|fault| damaged(&file, fault))?;
    let has_log =
        log::check(&wal, &layout.beside(dir, "-shm"), database).map_err(|fault| damaged(&wal, fault))?;
    match content::check(&file, has_log.then_some(wal.as_path()), layout) {
        Ok(()) => Ok(Found::Store),
        Err(content::Failure::Fault(fault)) if has_log => Err(Refusal::DamagedWithLog { file, fault }),
        Err(content::Failure::Fault(fault)) => Err(damaged(&file, fault)),
        Err(content::Failure::Unchecked(reason)) => Err(Refusal::CannotCheck { file, reason }),
    }
}

/// A store in memory, private to its connection. It lives in SQLite's `memdb` file system rather
/// than in a `:memory:` page cache: a `:memory:` database walks its whole page cache on every commit
/// that follows a page split, a cost that grows with everything the store holds, so a long run
/// slowed down hour by hour. `memdb` holds up to 1 GiB; a world larger than that needs a data
/// directory. Like [`Connection::open`]'s, the connection takes no mutex of its own on each call
/// (`SQLITE_OPEN_NO_MUTEX`): a `Connection` is used by one thread at a time, which its owner's lock
/// already ensures.
pub fn in_memory() -> rusqlite::Result<Connection> {
    use rusqlite::OpenFlags;
    Connection::open_with_flags(
        "file:store?vfs=memdb",
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Opens the store in `dir` for writing, in WAL mode: checked first ([`check`]), or created with
/// the directory when there is none. An older store is opened as it is: its owner runs
/// [`Layout::migrations`] to the latest, which the check has just seen succeed on a copy.
pub fn open(dir: &Path, layout: &Layout) -> Result<Connection, Refusal> {
    let found = check(dir, layout)?;
    let data_dir = |reason: String| Refusal::DataDir {
        dir: dir.to_owned(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|e| data_dir(e.to_string()))?;
    let probe = dir.join(".marketsim-write-test");
    std::fs::write(&probe, b"ok").map_err(|e| data_dir(format!("not writable ({e})")))?;
    let _ = std::fs::remove_file(&probe);
    let file = layout.file(dir);
    if found == Found::Nothing {
        create::create(&file, layout).map_err(|reason| Refusal::CannotCreate {
            file: file.clone(),
            reason,
        })?;
    }
    let cannot_open = |e: rusqlite::Error| Refusal::Damaged {
        file: file.clone(),
        fault: Fault::SqliteRefuses(e.to_string()),
    };
    let conn = Connection::open(&file).map_err(cannot_open)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(cannot_open)?;
    Ok(conn)
}
