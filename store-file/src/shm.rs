//! The header of the write-ahead log's index, the `-shm` file (`WalIndexHdr` in SQLite's source):
//! a writer updates it after every commit, so after a killed process it still says how many frames
//! of which log were committed. It is written in the machine's byte order, twice, with a checksum;
//! copies that disagree or fail the checksum say nothing, as SQLite itself would read them.

use crate::checksum;
use std::io::Read;
use std::path::Path;

/// One copy of the header: 48 bytes, the last 8 a checksum of the first 40.
const COPY: usize = 48;
const VERSION: u32 = 3_007_000;

/// What an intact index says about its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Index {
    /// The last frame a commit reached.
    pub committed: u32,
    /// The salts of the log round it indexes, as the log's header stores them.
    pub salts: [u8; 8],
}

/// Reads the index at `path`: None when it is absent or says nothing trustworthy.
pub(crate) fn read(path: &Path) -> std::io::Result<Option<Index>> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut copies = [0u8; 2 * COPY];
    match file.read_exact(&mut copies) {
        Ok(()) => Ok(judge(&copies)),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

fn judge(copies: &[u8; 2 * COPY]) -> Option<Index> {
    let (first, second) = copies.split_at(COPY);
    if first != second {
        return None;
    }
    let word = |at: usize| u32::from_ne_bytes([first[at], first[at + 1], first[at + 2], first[at + 3]]);
    let is_init = first[12] == 1;
    let sums = checksum::extend(cfg!(target_endian = "big"), &first[..40], (0, 0));
    if word(0) != VERSION || !is_init || sums != (word(40), word(44)) {
        return None;
    }
    let mut salts = [0u8; 8];
    salts.copy_from_slice(&first[32..40]);
    Some(Index {
        committed: word(16),
        salts,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two copies of a header as SQLite writes them.
    pub(crate) fn header(committed: u32, salts: [u8; 8]) -> [u8; 2 * COPY] {
        let mut copy = [0u8; COPY];
        copy[0..4].copy_from_slice(&VERSION.to_ne_bytes());
        copy[12] = 1;
        copy[16..20].copy_from_slice(&committed.to_ne_bytes());
        copy[32..40].copy_from_slice(&salts);
        let sums = checksum::extend(cfg!(target_endian = "big"), &copy[..40], (0, 0));
        copy[40..44].copy_from_slice(&sums.0.to_ne_bytes());
        copy[44..48].copy_from_slice(&sums.1.to_ne_bytes());
        let mut both = [0u8; 2 * COPY];
        both[..COPY].copy_from_slice(&copy);
        both[COPY..].copy_from_slice(&copy);
        both
    }

    #[test]
    fn an_intact_header_gives_the_last_committed_frame_and_the_salts() {
        assert_eq!(
            judge(&header(7, [3; 8])),
            Some(Index {
                committed: 7,
                salts: [3; 8]
            })
        );
    }

    #[test]
    fn copies_that_disagree_or_fail_their_checksum_say_nothing() {
        let mut torn = header(7, [3; 8]);
        torn[COPY + 16] = 8;
        assert_eq!(judge(&torn), None);
        let mut damaged = header(7, [3; 8]);
        damaged[16] = 8;
        damaged[COPY + 16] = 8;
        assert_eq!(judge(&damaged), None);
    }

    #[test]
    fn an_absent_or_short_index_says_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&dir.path().join("absent")).unwrap(), None);
        std::fs::write(dir.path().join("short"), [0u8; 10]).unwrap();
        assert_eq!(read(&dir.path().join("short")).unwrap(), None);
    }
}
