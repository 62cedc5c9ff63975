//! The `-wal` beside a database, judged before SQLite sees it. A process killed mid-write leaves at
//! most one unfinished transaction at the log's end, never acknowledged, which SQLite rightly drops.
//! Damage looks different: a bad frame with more of the same log after it, or a log that breaks
//! off before the last commit its `-shm` index recorded; and a log of another database that has
//! another page size, or other salts than the index beside it. Those are refused, since SQLite
//! would drop or replay them silently. Not caught: a log moved over from another store of the
//! same kind, with its own index or none, whose pages fit — nothing in a log names its database.

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
        Some(index) if !same_log(&index.salts, &header.salts) => return Err(Fault::NotTheIndexedLog),
        // No index, or one of another round of this log — the next, named before the log is
        // written to, or one a crashed machine kept as last written back: nothing vouches for
        // this round's commits.
        _ => {
            if let End::Damaged(frame) | End::CutShort(frame) = frames.end {
                return Err(Fault::UnvouchedTail { frame });
            }
        }
    }
    Ok(true)
}

/// How many restarts apart an index and its log's header may be: each restart adds one to salt-1
/// (`walRestartHdr`) and draws salt-2 afresh, while the salts of an unrelated log are random.
const ROUNDS_APART: u32 = 1024;

/// Whether salts `a` and `b` belong to rounds of one log.
fn same_log(a: &[u8; 8], b: &[u8; 8]) -> bool {
    let salt1 = |s: &[u8; 8]| u32::from_be_bytes([s[0], s[1], s[2], s[3]]);
    let apart = salt1(a).wrapping_sub(salt1(b));
    apart.min(apart.wrapping_neg()) <= ROUNDS_APART
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shm::tests::header as index;
    use crate::wal::tests::LogWriter;

    const SALTS: [u8; 8] = [0, 0, 0, 9, 1, 2, 3, 4];

    /// Judges `log` beside a database of 512-byte pages, with `index` as its `-shm` when given.
    fn judge(log: &LogWriter, index: Option<[u8; 96]>) -> Result<bool, Fault> {
        let dir = tempfile::tempdir().unwrap();
        let (wal, shm) = (dir.path().join("db-wal"), dir.path().join("db-shm"));
        std::fs::write(&wal, &log.bytes).unwrap();
        if let Some(index) = index {
            std::fs::write(&shm, index).unwrap();
        }
        check(&wal, &shm, DatabaseHeader { page_size: 512 })
    }

    /// Three committed frames, then one more frame of `page` that a killed writer began.
    fn log_with_unfinished_frame() -> LogWriter {
        let mut log = LogWriter::new(512, SALTS);
        log.frame(2, 2, 1).frame(2, 2, 2).frame(2, 2, 3).frame(2, 0, 4);
        let at = log.page_offset(4);
        log.bytes.truncate(at + 100);
        log
    }

    #[test]
    fn an_unfinished_frame_after_the_commits_its_index_records_is_what_a_kill_leaves() {
        assert_eq!(
            judge(&log_with_unfinished_frame(), Some(index(3, SALTS))),
            Ok(true)
        );
    }

    #[test]
    fn an_unfinished_frame_with_no_index_to_vouch_for_the_commits_before_it_is_refused() {
        assert_eq!(
            judge(&log_with_unfinished_frame(), None),
            Err(Fault::UnvouchedTail { frame: 4 })
        );
    }

    #[test]
    fn a_log_that_breaks_off_before_the_commits_its_index_records_is_refused() {
        assert_eq!(
            judge(&log_with_unfinished_frame(), Some(index(4, SALTS))),
            Err(Fault::BreaksOffBeforeCommit {
                replayed: 3,
                committed: 4
            })
        );
    }

    #[test]
    fn an_index_of_an_unrelated_log_is_refused() {
        let mut log = LogWriter::new(512, SALTS);
        log.frame(2, 2, 1);
        let other = [0x5c, 0x1e, 0x77, 0x02, 9, 9, 9, 9];
        assert_eq!(judge(&log, Some(index(1, other))), Err(Fault::NotTheIndexedLog));
    }

    #[test]
    fn an_index_of_an_earlier_or_later_round_of_the_same_log_is_no_reason_to_refuse() {
        // A machine that crashed keeps the -shm as last written back, maybe from another round:
        // each restart of the log adds one to salt-1 and draws a new salt-2.
        let mut log = LogWriter::new(512, SALTS);
        log.frame(2, 2, 1);
        for salt1 in [8u32, 5, 10] {
            let mut salts = [7u8; 8];
            salts[..4].copy_from_slice(&salt1.to_be_bytes());
            assert_eq!(judge(&log, Some(index(40, salts))), Ok(true), "salt-1 {salt1}");
        }
    }
}
