//! The first bytes of a database file (SQLite file format §1.3), read without SQLite: an empty file,
//! a short one or one that is not SQLite at all is refused before any library gets to treat it as a
//! new, empty database.

use crate::Fault;
use std::io::Read as _;
use std::path::Path;

/// The database header's size; every SQLite database is at least this long.
const HEADER: usize = 100;
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the checks further on need from a sound header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DatabaseHeader {
    pub page_size: u32,
}

/// Reads and judges the header of the database at `path`.
pub(crate) fn read(path: &Path) -> Result<DatabaseHeader, Fault> {
    let unreadable = |e: std::io::Error| Fault::Unreadable(e.to_string());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    if len == 0 {
        return Err(Fault::Empty);
    }
    let mut start = Vec::with_capacity(HEADER);
    file.take(HEADER as u64)
        .read_to_end(&mut start)
        .map_err(unreadable)?;
    if !MAGIC.starts_with(&start[..start.len().min(MAGIC.len())]) {
        return Err(Fault::NotSqlite);
    }
    let header: &[u8; HEADER] = start.as_slice().try_into().map_err(|_| Fault::TooShort(len))?;
    judge(header)
}

fn judge(header: &[u8; HEADER]) -> Result<DatabaseHeader, Fault> {
    if &header[..16] != MAGIC {
        return Err(Fault::NotSqlite);
    }
    // Big-endian at offset 16; the value 1 stands for 65536, which does not fit in two bytes.
    let field = u32::from(u16::from_be_bytes([header[16], header[17]]));
    let page_size = if field == 1 { 65536 } else { field };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(Fault::BadPageSize(field));
    }
    Ok(DatabaseHeader { page_size })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_with(page_size_field: u16) -> [u8; HEADER] {
        let mut header = [0u8; HEADER];
        header[..16].copy_from_slice(MAGIC);
        header[16..18].copy_from_slice(&page_size_field.to_be_bytes());
        header
    }

    #[test]
    fn a_sound_header_gives_its_page_size_and_one_stands_for_65536() {
        assert_eq!(judge(&header_with(4096)).unwrap().page_size, 4096);
        assert_eq!(judge(&header_with(1)).unwrap().page_size, 65536);
    }

    #[test]
    fn a_page_size_that_is_no_power_of_two_or_out_of_range_is_refused() {
        for field in [0, 256, 1000, 4097] {
            assert_eq!(
                judge(&header_with(field)),
                Err(Fault::BadPageSize(u32::from(field)))
            );
        }
    }

    #[test]
    fn empty_short_and_foreign_files_are_refused_each_for_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("db");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(read(&file), Err(Fault::Empty));
        std::fs::write(&file, b"SQLite format 3\0").unwrap();
        assert_eq!(read(&file), Err(Fault::TooShort(16)));
        std::fs::write(&file, [b'x'; 4096]).unwrap();
        assert_eq!(read(&file), Err(Fault::NotSqlite));
        std::fs::write(&file, b"a short note").unwrap();
        assert_eq!(read(&file), Err(Fault::NotSqlite));
        assert!(matches!(
            read(&dir.path().join("absent")),
            Err(Fault::Unreadable(_))
        ));
    }
}
