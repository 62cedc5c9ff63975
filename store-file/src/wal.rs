//! The write-ahead log read by hand, frame by frame, as SQLite's recovery reads it (file format
//! §4.1–4.3; `walIndexRecover` and `walDecodeFrame` in SQLite's source). SQLite replays the frames up
//! to the last commit before the first frame that is not intact, and silently drops the rest; this
//! reading says where that is, and whether the log went on past it — which no killed writer leaves,
//! only damage does.

use crate::checksum::{self, Sums};
use crate::Fault;
use std::io::{self, Read};

/// The log header's size.
pub(crate) const HEADER: usize = 32;
/// A frame header's size; the page follows it.
const FRAME_HEADER: usize = 24;
/// The magic number; its low bit says the checksums read big-endian words.
const MAGIC: u32 = 0x377f_0682;
const VERSION: u32 = 3_007_000;

/// A log header that SQLite would accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogHeader {
    pub page_size: u32,
    /// Salt-1 and salt-2 as stored; every frame of this round of the log carries them.
    pub salts: [u8; 8],
    big_endian: bool,
    /// The header's checksum, where the frames' running checksum starts.
    sums: Sums,
}

/// Where the frames SQLite reads come to an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The file ends after a whole frame.
    WithTheFile,
    /// The file ends inside this frame.
    CutShort(u32),
    /// This frame carries other salts: an earlier round of the log, which a checkpoint finished.
    Stale(u32),
    /// This frame carries this round's salts, but its page number or checksum is wrong.
    Damaged(u32),
}

impl End {
    /// The frame the log ends at, unless it ends with the file.
    pub(crate) fn frame(self) -> Option<u32> {
        match self {
            End::WithTheFile => None,
            End::CutShort(n) | End::Stale(n) | End::Damaged(n) => Some(n),
        }
    }
}

/// What reading the frames found; frames count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frames {
    /// The frames up to and including the last intact commit: what SQLite replays.
    pub committed: u32,
    pub end: End,
    /// The first frame after `end` that carries this round's salts: the log went on past the end.
    pub resumed_at: Option<u32>,
}

fn be32(bytes: &[u8]) -> u32 {
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// Judges the 32-byte log header.
pub(crate) fn header(bytes: &[u8; HEADER]) -> Result<LogHeader, Fault> {
    let magic = be32(&bytes[0..]);
    if magic & !1 != MAGIC {
        return Err(Fault::NotALog);
    }
    let big_endian = magic & 1 == 1;
    let page_size = be32(&bytes[8..]);
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(Fault::LogPageSize(page_size));
    }
    let sums = checksum::extend(big_endian, &bytes[..24], (0, 0));
    if sums != (be32(&bytes[24..]), be32(&bytes[28..])) {
        return Err(Fault::LogHeaderChecksum);
    }
    let version = be32(&bytes[4..]);
    if version != VERSION {
        return Err(Fault::LogVersion(version));
    }
    let mut salts = [0u8; 8];
    salts.copy_from_slice(&bytes[16..24]);
    Ok(LogHeader {
        page_size,
        salts,
        big_endian,
        sums,
    })
}

/// Reads the frames that follow the header.
pub(crate) fn frames(mut log: impl Read, header: &LogHeader) -> io::Result<Frames> {
    let mut frame = vec![0u8; FRAME_HEADER + header.page_size as usize];
    let mut sums = header.sums;
    let (mut number, mut committed, mut end) = (0u32, 0u32, None);
    loop {
        let got = read_full(&mut log, &mut frame)?;
        if got == 0 {
            break;
        }
        number += 1;
        if got < frame.len() {
            end = end.or(Some(End::CutShort(number)));
            break;
        }
        let ours = frame[8..16] == header.salts;
        if end.is_some() {
            if ours {
                return Ok(Frames {
                    committed,
                    end: end.unwrap_or(End::WithTheFile),
                    resumed_at: Some(number),
                });
            }
            continue;
        }
        if !ours {
            end = Some(End::Stale(number));
            continue;
        }
        let next = checksum::extend(header.big_endian, &frame[..8], sums);
        let next = checksum::extend(header.big_endian, &frame[FRAME_HEADER..], next);
        if be32(&frame[0..]) == 0 || next != (be32(&frame[16..]), be32(&frame[20..])) {
            end = Some(End::Damaged(number));
            continue;
        }
        sums = next;
        if be32(&frame[4..]) != 0 {
            committed = number;
        }
    }
    Ok(Frames {
        committed,
        end: end.unwrap_or(End::WithTheFile),
        resumed_at: None,
    })
}

/// Fills `buf` from `from` as far as it goes; fewer bytes only at the end of the file.
fn read_full(from: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match from.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Writes logs the way SQLite does, for tests: a header, then frames with running checksums.
    pub(crate) struct LogWriter {
        pub bytes: Vec<u8>,
        page_size: u32,
        salts: [u8; 8],
        sums: Sums,
    }

    impl LogWriter {
        pub(crate) fn new(page_size: u32, salts: [u8; 8]) -> LogWriter {
            let mut bytes = Vec::new();
            bytes.extend_from_slice(&(MAGIC | 1).to_be_bytes());
            bytes.extend_from_slice(&VERSION.to_be_bytes());
            bytes.extend_from_slice(&page_size.to_be_bytes());
            bytes.extend_from_slice(&0u32.to_be_bytes());
            bytes.extend_from_slice(&salts);
            let sums = checksum::extend(true, &bytes, (0, 0));
            bytes.extend_from_slice(&sums.0.to_be_bytes());
            bytes.extend_from_slice(&sums.1.to_be_bytes());
            LogWriter {
                bytes,
                page_size,
                salts,
                sums,
            }
        }

        /// Appends a frame for page `page`; `commit` is the database's size after it, or 0.
        pub(crate) fn frame(&mut self, page: u32, commit: u32, fill: u8) -> &mut LogWriter {
            let mut head = Vec::new();
            head.extend_from_slice(&page.to_be_bytes());
            head.extend_from_slice(&commit.to_be_bytes());
            let data = vec![fill; self.page_size as usize];
            self.sums = checksum::extend(true, &head, self.sums);
            self.sums = checksum::extend(true, &data, self.sums);
            head.extend_from_slice(&self.salts);
            head.extend_from_slice(&self.sums.0.to_be_bytes());
            head.extend_from_slice(&self.sums.1.to_be_bytes());
            self.bytes.extend_from_slice(&head);
            self.bytes.extend_from_slice(&data);
            self
        }

        /// The byte offset of frame `n`'s page.
        pub(crate) fn page_offset(&self, n: u32) -> usize {
            HEADER + (n as usize - 1) * (FRAME_HEADER + self.page_size as usize) + FRAME_HEADER
        }
    }

    fn read(bytes: &[u8]) -> Result<Frames, Fault> {
        let header = header(bytes[..HEADER].try_into().unwrap())?;
        Ok(frames(&bytes[HEADER..], &header).unwrap())
    }

    #[test]
    fn an_intact_log_is_read_to_its_last_commit() {
        let mut log = LogWriter::new(512, [1; 8]);
        log.frame(2, 0, 7).frame(1, 2, 8).frame(3, 0, 9);
        assert_eq!(
            read(&log.bytes).unwrap(),
            Frames {
                committed: 2,
                end: End::WithTheFile,
                resumed_at: None
            }
        );
    }

    #[test]
    fn a_damaged_page_ends_the_log_and_a_later_frame_of_the_same_round_shows_it_went_on() {
        let mut log = LogWriter::new(512, [1; 8]);
        log.frame(2, 2, 7).frame(2, 2, 8).frame(2, 2, 9);
        let at = log.page_offset(2) + 100;
        log.bytes[at..at + 64].fill(0xA5);
        assert_eq!(
            read(&log.bytes).unwrap(),
            Frames {
                committed: 1,
                end: End::Damaged(2),
                resumed_at: Some(3)
            }
        );
    }

    #[test]
    fn frames_of_an_earlier_round_end_the_log_quietly() {
        let mut earlier = LogWriter::new(512, [1; 8]);
        earlier.frame(2, 2, 7).frame(2, 2, 8).frame(2, 2, 9);
        let mut log = LogWriter::new(512, [2; 8]);
        log.frame(3, 3, 1);
        log.bytes.extend_from_slice(&earlier.bytes[log.bytes.len()..]);
        assert_eq!(
            read(&log.bytes).unwrap(),
            Frames {
                committed: 1,
                end: End::Stale(2),
                resumed_at: None
            }
        );
    }

    #[test]
    fn a_frame_the_file_cuts_short_ends_the_log() {
        let mut log = LogWriter::new(512, [1; 8]);
        log.frame(2, 2, 7).frame(2, 2, 8);
        log.bytes.truncate(log.bytes.len() - 100);
        assert_eq!(read(&log.bytes).unwrap().end, End::CutShort(2));
        assert_eq!(read(&log.bytes).unwrap().committed, 1);
    }

    #[test]
    fn a_header_with_a_bad_magic_page_size_checksum_or_version_is_refused() {
        let log = LogWriter::new(512, [1; 8]).bytes;
        let mut bad_magic = log.clone();
        bad_magic[0] = 0;
        assert_eq!(read(&bad_magic), Err(Fault::NotALog));
        assert_eq!(
            read(&LogWriter::new(1000, [1; 8]).bytes),
            Err(Fault::LogPageSize(1000))
        );
        let mut bad_salt = log.clone();
        bad_salt[17] ^= 1;
        assert_eq!(read(&bad_salt), Err(Fault::LogHeaderChecksum));
        let mut other_version = log;
        other_version[4..8].copy_from_slice(&3_007_001u32.to_be_bytes());
        let sums = checksum::extend(true, &other_version[..24], (0, 0));
        other_version[24..28].copy_from_slice(&sums.0.to_be_bytes());
        other_version[28..32].copy_from_slice(&sums.1.to_be_bytes());
        assert_eq!(read(&other_version), Err(Fault::LogVersion(3_007_001)));
    }
}
