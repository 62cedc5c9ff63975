//! For the stores' tests: a directory's fingerprint (every file's name and bytes), a copy of a store
//! as a killed process leaves it, and the damages a data directory suffers, each with the words its
//! refusal must carry. Test support: it panics on whatever a test did not set up.

use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every file below a directory, by path relative to it, with its bytes (directories end in `/`
/// and hold none).
pub type Fingerprint = BTreeMap<PathBuf, Contents>;

/// A file's bytes, shown by their length and a hash, so a failed comparison stays readable.
#[derive(Clone, PartialEq, Eq)]
pub struct Contents(pub Vec<u8>);

impl std::fmt::Debug for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut hasher);
        write!(f, "{} bytes, hash {:016x}", self.0.len(), hasher.finish())
    }
}

/// The fingerprint of `dir`: names, sizes and contents of every file below it.
pub fn fingerprint(dir: &Path) -> Fingerprint {
    let mut files = Fingerprint::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).expect("a readable directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                files.insert(path.strip_prefix(dir).unwrap().join(""), Contents(Vec::new()));
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("a readable file");
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), Contents(bytes));
            }
        }
    }
    files
}

/// Copies the files of `from` into `to`: taken while a store in `from` is open, the copy is what a
/// process killed at that moment leaves — the database, its `-wal` with the committed frames
/// not yet checkpointed, and its `-shm` index.
pub fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// What can happen to a store's directory; [`Damage::inflict`] does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damage {
    /// The database truncated to nothing.
    Empty,
    /// Text where the database was.
    NotSqlite,
    /// Another program's SQLite database in its place.
    ForeignDatabase,
    /// A page of the database overwritten.
    CorruptPage,
    /// 64 random bytes over a page in the middle of the `-wal`.
    DamagedLogFrame,
    /// 64 random bytes over the page of the last committed frame of the `-wal`.
    DamagedLastCommit,
    /// Another database's `-wal` in place of the store's, beside the store's `-shm`.
    ForeignLog,
    /// Another database's `-wal` in place of the store's, and no `-shm`.
    ForeignLogAlone,
    /// The `-wal` (and `-shm`) of a store whose database is gone.
    LogWithoutDatabase,
}

impl Damage {
    pub const ALL: [Damage; 9] = [
        Damage::Empty,
        Damage::NotSqlite,
        Damage::ForeignDatabase,
        Damage::CorruptPage,
        Damage::DamagedLogFrame,
        Damage::DamagedLastCommit,
        Damage::ForeignLog,
        Damage::ForeignLogAlone,
        Damage::LogWithoutDatabase,
    ];

    /// Whether it damages a store left by a killed process (with a `-wal` holding at least three
    /// committed frames); the others damage a store closed cleanly.
    pub fn needs_log(self) -> bool {
        matches!(
            self,
            Damage::DamagedLogFrame
                | Damage::DamagedLastCommit
                | Damage::ForeignLog
                | Damage::ForeignLogAlone
                | Damage::LogWithoutDatabase
        )
    }

    /// The file the refusal names.
    pub fn names(self, dir: &Path, file_name: &str) -> PathBuf {
        match self {
            Damage::DamagedLogFrame
            | Damage::DamagedLastCommit
            | Damage::ForeignLog
            | Damage::LogWithoutDatabase => dir.join(format!("{file_name}-wal")),
            _ => dir.join(file_name),
        }
    }

    /// Words the refusal carries besides the file's name.
    pub fn words(self) -> &'static str {
        match self {
            Damage::Empty => "is empty (0 bytes)",
            Damage::NotSqlite => "is not a SQLite database",
            Damage::ForeignDatabase => "holds table `photos`",
            Damage::CorruptPage => "fails SQLite's integrity check",
            Damage::DamagedLogFrame => "has a damaged frame 2 followed by frame 3 of the same log",
            Damage::DamagedLastCommit => "where its -shm records commits up to frame",
            Damage::ForeignLog => "is not the log its -shm indexes",
            Damage::ForeignLogAlone => "read with its -wal applied",
            Damage::LogWithoutDatabase => "which is missing",
        }
    }

    /// Does it to the store `file_name` in `dir`.
    pub fn inflict(self, dir: &Path, file_name: &str) {
        let file = dir.join(file_name);
        let wal = dir.join(format!("{file_name}-wal"));
        match self {
            Damage::Empty => std::fs::write(&file, b"").unwrap(),
            Damage::NotSqlite => {
                std::fs::write(&file, "a shopping list, not a database\n".repeat(200)).unwrap()
            }
            Damage::ForeignDatabase => {
                std::fs::remove_file(&file).unwrap();
                let conn = Connection::open(&file).unwrap();
                conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY, taken TEXT);")
                    .unwrap();
            }
            Damage::CorruptPage => {
                let page_size = page_size(&file);
                // Page 2 is the root of the first table the schema made.
                scribble(&file, page_size, 64);
            }
            Damage::DamagedLogFrame => {
                let (page_size, frames) = log_frames(&wal);
                assert!(frames >= 3, "the -wal holds {frames} frames; the damage needs 3");
                scribble(&wal, page_offset(page_size, 2) + 100, 64);
            }
            Damage::DamagedLastCommit => {
                let (page_size, frames) = log_frames(&wal);
                scribble(&wal, page_offset(page_size, frames) + 100, 64);
            }
            Damage::ForeignLog | Damage::ForeignLogAlone => {
                let other = tempfile::tempdir().unwrap();
                let foreign = other.path().join("other.sqlite3");
                let conn = Connection::open(&foreign).unwrap();
                conn.pragma_update(None, "page_size", page_size(&file)).unwrap();
                conn.pragma_update(None, "journal_mode", "WAL").unwrap();
                conn.execute_batch(
                    "CREATE TABLE photos (id INTEGER PRIMARY KEY, taken TEXT);
                     INSERT INTO photos (taken) VALUES ('2023-08-15'), ('2023-08-16');",
                )
                .unwrap();
                std::fs::copy(other.path().join("other.sqlite3-wal"), &wal).unwrap();
                drop(conn);
                if self == Damage::ForeignLogAlone {
                    std::fs::remove_file(dir.join(format!("{file_name}-shm"))).unwrap();
                }
            }
            Damage::LogWithoutDatabase => std::fs::remove_file(&file).unwrap(),
        }
    }
}

/// The database's page size, from its header.
fn page_size(file: &Path) -> usize {
    let bytes = std::fs::read(file).unwrap();
    match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65536,
        n => usize::from(n),
    }
}

/// The log's page size and how many whole frames it holds.
fn log_frames(wal: &Path) -> (usize, usize) {
    let bytes = std::fs::read(wal).unwrap();
    let page_size = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    (page_size, (bytes.len() - 32) / (24 + page_size))
}

/// Where frame `n`'s page begins in a log.
fn page_offset(page_size: usize, n: usize) -> usize {
    32 + (n - 1) * (24 + page_size) + 24
}

/// Overwrites `len` bytes at `at` with bytes from a fixed pseudo-random sequence.
fn scribble(file: &Path, at: usize, len: usize) {
    let mut bytes = std::fs::read(file).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for byte in &mut bytes[at..at + len] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = state as u8;
    }
    std::fs::write(file, bytes).unwrap();
}
