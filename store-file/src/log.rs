//! The `-wal` beside a database, judged before SQLite sees it. A process killed mid-write leaves at
//! most one unfinished transaction at the log's end, never acknowledged, which SQLite rightly drops.
//! Damage looks different: a bad frame with more of the same log after it, or a log that breaks
//! off before the last commit its `-shm` index recorded; and a log of another database has another
//! page size or other salts than its index. Those are refused, since SQLite would drop or replay
//! them silently.

use crate::header::DatabaseHeader;
use crate::wal::{self, End};
use crate::{shm, Fault};
use std::io::{BufReader, Read};
use std::path::Path;

/// Judges the log at `wal` (with its index at `shm`) beside a database with `database`'s header.
/// Ok(true) when it holds frames SQLite will read, Ok(false) when it is absent or empty.
pub(crate) fn check(wal: &Path, shm: &Path, database: DatabaseHeader) -> Result<bool, Fault> {
    let unreadable = |e: std::io::Error| Fault::Unreadable(e.to_string());
    let file = match std::fs::File::open(wal) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(unreadable(e)),
    };
    let len = file.metadata().map_err(unreadable)?.len();
    if len == 0 {
        return Ok(false);
    }
    if len < wal::HEADER as u64 {
        return Err(Fault::LogTooShort(len));
    }
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut bytes = [0u8; wal::HEADER];
    reader.read_exact(&mut bytes).map_err(unreadable)?;
    let header = wal::header(&bytes)?;
    if header.page_size != database.page_size {
        return Err(Fault::LogOfOtherPageSize {
            log: header.page_size,
            database: database.page_size,
        });
    }
    let frames = wal::frames(reader, &header).map_err(unreadable)?;
    if let (Some(frame), Some(later)) = (frames.end.frame(), frames.resumed_at) {
        return Err(Fault::DamagedFrame { frame, later });
    }
    match shm::read(shm).map_err(unreadable)? {
        Some(index) if index.salts == header.salts => {
            if frames.committed < index.committed {
                return Err(Fault::BreaksOffBeforeCommit {
                    replayed: frames.committed,
                    committed: index.committed,
                });
            }
        }
        // Right after a checkpoint the index names the next round before the log does, with
        // nothing committed in it yet; anything else is an index of another log.
        Some(index) if index.committed > 0 => return Err(Fault::NotTheIndexedLog),
        _ => {
            if let End::Damaged(frame) | End::CutShort(frame) = frames.end {
                return Err(Fault::UnvouchedTail { frame });
            }
        }
    }
    Ok(true)
}
