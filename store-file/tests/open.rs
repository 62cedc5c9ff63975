//! Opening a store of a small layout: created whole where there is none; reopened with every commit
//! when a killed writer left a log, whatever unfinished transaction trails it; refused, and left
//! byte for byte, when its log or schema is not what the store wrote.

use marketsim_store_file::testing::{copy_files, fingerprint};
use marketsim_store_file::{check, open, Found, Layout, Refusal};
use rusqlite::Connection;
use rusqlite_migration::M;
use std::path::Path;

/// Three changes to a small schema: `drafts` came first and went in the third; `tags` came in the
/// second, written `IF NOT EXISTS` as if earlier builds had made it on every open.
const MIGRATIONS: &[M<'static>] = &[
    M::up(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL); CREATE TABLE drafts (body TEXT);",
    ),
    M::up(
        "CREATE TABLE IF NOT EXISTS tags (note INTEGER NOT NULL, tag TEXT NOT NULL);
         CREATE INDEX IF NOT EXISTS tags_by_note ON tags (note);",
    ),
    M::up("DROP TABLE drafts;"),
];

const LAYOUT: Layout = Layout {
    what: "notes store",
    file_name: "notes.sqlite3",
    migrations: MIGRATIONS,
};

/// A store in `dir` that ran the first `version` migrations, then `more`.
fn store_at(dir: &Path, version: usize, more: &str) {
    let mut conn = Connection::open(dir.join("notes.sqlite3")).unwrap();
    LAYOUT.migrations().to_version(&mut conn, version).unwrap();
    conn.execute_batch(more).unwrap();
}

const COMMITS: i64 = 10;

fn wal(dir: &Path) -> std::path::PathBuf {
    dir.join("notes.sqlite3-wal")
}

fn commit_notes(conn: &Connection) {
    for i in 0..COMMITS {
        conn.execute("INSERT INTO notes (body) VALUES (?1)", [format!("note {i}")])
            .unwrap();
    }
}

fn notes(dir: &Path) -> i64 {
    let conn = open(dir, &LAYOUT).unwrap();
    conn.query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
        .unwrap()
}

/// A copy of a store open with `COMMITS` commits in its log: what a killed process leaves.
fn killed_store(dir: &Path) {
    let live = tempfile::tempdir().unwrap();
    let conn = open(live.path(), &LAYOUT).unwrap();
    commit_notes(&conn);
    copy_files(live.path(), dir);
}

/// Refuses the store in `dir`, checking that the directory is unchanged, and returns the message.
fn refusal(dir: &Path) -> String {
    let before = fingerprint(dir);
    let err = open(dir, &LAYOUT).expect_err("refused");
    assert_eq!(fingerprint(dir), before, "the directory is unchanged");
    err.to_string()
}

/// Appends `bytes` of the log's last frame to its end: a frame a killed writer began.
fn append_copy_of_last_frame(dir: &Path, bytes: usize, change_page_number: bool) {
    let mut log = std::fs::read(wal(dir)).unwrap();
    let frame = 24 + u32::from_be_bytes([log[8], log[9], log[10], log[11]]) as usize;
    let last = log.len() - frame;
    let mut copy = log[last..last + bytes].to_vec();
    if change_page_number {
        copy[3] ^= 0x40;
    }
    log.extend_from_slice(&copy);
    std::fs::write(wal(dir), log).unwrap();
}

#[test]
fn a_missing_directory_gets_a_store_with_the_whole_schema_and_its_version() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("data");
    assert_eq!(check(&dir, &LAYOUT).unwrap(), Found::Nothing);
    let conn = open(&dir, &LAYOUT).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 3);
    conn.execute("INSERT INTO tags (note, tag) VALUES (1, 'a')", [])
        .unwrap();
    drop(conn);
    assert_eq!(check(&dir, &LAYOUT).unwrap(), Found::Store);
    let files: Vec<_> = fingerprint(&dir).into_keys().collect();
    assert_eq!(files, [Path::new("notes.sqlite3")], "no draft or log left behind");
}

#[test]
fn a_draft_an_interrupted_creation_left_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.sqlite3.creating"), b"half a store").unwrap();
    std::fs::write(dir.path().join("notes.sqlite3.creating-journal"), b"its journal").unwrap();
    assert_eq!(notes(dir.path()), 0);
    assert!(!dir.path().join("notes.sqlite3.creating").exists());
    assert!(!dir.path().join("notes.sqlite3.creating-journal").exists());
}

#[test]
fn a_store_a_killed_process_left_reopens_with_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    killed_store(dir.path());
    assert!(std::fs::metadata(wal(dir.path())).unwrap().len() > 0);
    assert_eq!(notes(dir.path()), COMMITS);
}

#[test]
fn a_log_restarted_over_an_older_rounds_frames_reopens_with_every_commit() {
    let live = tempfile::tempdir().unwrap();
    let conn = open(live.path(), &LAYOUT).unwrap();
    for _ in 0..4 {
        commit_notes(&conn);
    }
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        .unwrap();
    let long_log = std::fs::metadata(wal(live.path())).unwrap().len();
    commit_notes(&conn);
    let dir = tempfile::tempdir().unwrap();
    copy_files(live.path(), dir.path());
    assert_eq!(
        std::fs::metadata(wal(dir.path())).unwrap().len(),
        long_log,
        "the new round is shorter"
    );
    assert_eq!(notes(dir.path()), 5 * COMMITS);
}

#[test]
fn a_transaction_unfinished_when_the_process_was_killed_is_dropped_and_the_commits_kept() {
    let live = tempfile::tempdir().unwrap();
    let conn = open(live.path(), &LAYOUT).unwrap();
    commit_notes(&conn);
    let committed_log = std::fs::metadata(wal(live.path())).unwrap().len();
    // A small page cache spills the open transaction's pages into the log before its commit.
    conn.pragma_update(None, "cache_size", 2).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    for _ in 0..200 {
        conn.execute("INSERT INTO notes (body) VALUES (?1)", ["x".repeat(500)])
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    copy_files(live.path(), dir.path());
    assert!(std::fs::metadata(wal(dir.path())).unwrap().len() > committed_log);
    assert_eq!(notes(dir.path()), COMMITS);
}

#[test]
fn a_frame_a_killed_writer_began_after_the_last_commit_is_dropped_and_the_commits_kept() {
    for (bytes, change_page_number) in [(24 + 100, false), (24 + 4096, true)] {
        let dir = tempfile::tempdir().unwrap();
        killed_store(dir.path());
        append_copy_of_last_frame(dir.path(), bytes, change_page_number);
        assert_eq!(notes(dir.path()), COMMITS);
    }
}

#[test]
fn a_damaged_frame_at_the_end_of_a_log_without_its_index_is_refused_as_unvouched() {
    let dir = tempfile::tempdir().unwrap();
    killed_store(dir.path());
    append_copy_of_last_frame(dir.path(), 24 + 100, false);
    std::fs::remove_file(dir.path().join("notes.sqlite3-shm")).unwrap();
    let err = refusal(dir.path());
    assert!(
        err.contains("notes.sqlite3-wal ends in a damaged or cut-short frame"),
        "{err}"
    );
}

#[test]
fn a_log_of_another_page_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    killed_store(dir.path());
    let other = tempfile::tempdir().unwrap();
    let conn = Connection::open(other.path().join("other.sqlite3")).unwrap();
    conn.execute_batch("PRAGMA page_size = 1024; PRAGMA journal_mode = WAL; CREATE TABLE t (x);")
        .unwrap();
    std::fs::copy(other.path().join("other.sqlite3-wal"), wal(dir.path())).unwrap();
    let err = refusal(dir.path());
    assert!(
        err.contains("holds pages of 1024 bytes where its database's are 4096"),
        "{err}"
    );
}

#[test]
fn a_log_with_a_damaged_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    killed_store(dir.path());
    let mut log = std::fs::read(wal(dir.path())).unwrap();
    log[20] ^= 0xff;
    std::fs::write(wal(dir.path()), log).unwrap();
    let err = refusal(dir.path());
    assert!(err.contains("notes.sqlite3-wal has a damaged header"), "{err}");
}

#[test]
fn a_store_from_before_a_table_was_added_is_sound_and_opens_with_it() {
    let dir = tempfile::tempdir().unwrap();
    store_at(dir.path(), 1, "");
    assert_eq!(check(dir.path(), &LAYOUT).unwrap(), Found::Store);
    let mut conn = open(dir.path(), &LAYOUT).unwrap();
    LAYOUT.migrations().to_latest(&mut conn).unwrap();
    conn.execute("INSERT INTO tags (note, tag) VALUES (1, 'a')", [])
        .unwrap();
}

#[test]
fn a_store_that_made_a_table_before_its_migration_did_is_sound() {
    let dir = tempfile::tempdir().unwrap();
    store_at(
        dir.path(),
        1,
        "CREATE TABLE tags (note INTEGER NOT NULL, tag TEXT NOT NULL);",
    );
    assert_eq!(check(dir.path(), &LAYOUT).unwrap(), Found::Store);
}

#[test]
fn a_store_from_before_a_table_was_dropped_is_sound() {
    let dir = tempfile::tempdir().unwrap();
    store_at(dir.path(), 2, "INSERT INTO drafts (body) VALUES ('x');");
    assert_eq!(check(dir.path(), &LAYOUT).unwrap(), Found::Store);
}

#[test]
fn a_store_its_pending_migrations_cannot_bring_up_to_date_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    store_at(dir.path(), 1, "CREATE TABLE tags (label TEXT);");
    let err = refusal(dir.path());
    assert!(
        err.contains("cannot take this marketsim's schema (no such column: note in CREATE INDEX"),
        "{err}"
    );
}

#[test]
fn a_store_of_a_newer_marketsim_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    store_at(dir.path(), 3, "PRAGMA user_version = 4;");
    let err = refusal(dir.path());
    assert!(
        err.contains("has schema version 4, where this marketsim's notes store goes up to 3: a newer marketsim wrote it"),
        "{err}"
    );
}

#[test]
fn a_database_without_a_table_is_refused_not_filled() {
    let dir = tempfile::tempdir().unwrap();
    store_at(dir.path(), 0, "CREATE TABLE t (x); DROP TABLE t;");
    assert!(std::fs::metadata(dir.path().join("notes.sqlite3")).unwrap().len() > 0);
    let err = refusal(dir.path());
    assert!(err.contains("holds no table"), "{err}");
}

#[test]
fn a_store_without_a_table_or_with_other_columns_is_refused() {
    let cases = [
        (
            "CREATE TABLE tags (note INTEGER, tag TEXT);",
            "lacks table `notes`",
        ),
        (
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);",
            "has table `notes` with columns (id, text), where a notes store has (id, body)",
        ),
    ];
    for (schema, words) in cases {
        let dir = tempfile::tempdir().unwrap();
        store_at(dir.path(), 0, schema);
        Connection::open(dir.path().join("notes.sqlite3"))
            .unwrap()
            .pragma_update(None, "user_version", 3)
            .unwrap();
        let err = refusal(dir.path());
        assert!(err.contains(words), "{err}");
    }
}

#[test]
fn a_data_dir_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain");
    std::fs::write(&file, b"x").unwrap();
    assert!(matches!(open(&file, &LAYOUT), Err(Refusal::DataDir { .. })));
}
