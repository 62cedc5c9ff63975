//! The marketplace's store in a data directory: a damaged one is refused with its file and fault
//! named, and its directory left byte for byte as it was; an empty directory gets a new store; a
//! store left by a killed process reopens with every committed write.

mod common;

use marketsim_simulator::store::{Store, FILE_NAME};
use rstest::rstest;
use std::path::Path;
use store_file::testing::{copy_files, fingerprint, Damage};

const WRITES: usize = 30;

/// Writes `WRITES` values, one transaction each, to the store in `dir`.
fn write_values(store: &Store) {
    for i in 0..WRITES {
        store
            .set_meta(&format!("key-{i}"), &format!("value-{i}"))
            .unwrap();
    }
}

/// A store with `WRITES` values in `dir`: closed cleanly, or as a process killed after its last
/// commit leaves it (the log not checkpointed).
fn healthy_store(dir: &Path, killed: bool) {
    let open = tempfile::tempdir().unwrap();
    let store = Store::open(Some(open.path())).unwrap();
    write_values(&store);
    if killed {
        copy_files(open.path(), dir);
    } else {
        drop(store);
        copy_files(open.path(), dir);
    }
}

#[rstest]
#[case::empty(Damage::Empty)]
#[case::not_sqlite(Damage::NotSqlite)]
#[case::foreign_database(Damage::ForeignDatabase)]
#[case::corrupt_page(Damage::CorruptPage)]
#[case::damaged_log_frame(Damage::DamagedLogFrame)]
#[case::damaged_last_commit(Damage::DamagedLastCommit)]
#[case::foreign_log(Damage::ForeignLog)]
#[case::foreign_log_alone(Damage::ForeignLogAlone)]
#[case::log_without_database(Damage::LogWithoutDatabase)]
fn a_damaged_store_is_refused_by_name_and_its_directory_left_byte_for_byte(#[case] damage: Damage) {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), damage.needs_log());
    damage.inflict(dir.path(), FILE_NAME);
    let before = fingerprint(dir.path());

    let refused = Store::open(Some(dir.path()));

    assert_eq!(fingerprint(dir.path()), before, "the directory is unchanged");
    let err = refused.err().expect("the damaged store is refused").to_string();
    let named = damage.names(dir.path(), FILE_NAME).display().to_string();
    assert!(err.contains(&named), "{err}");
    assert!(err.contains(damage.words()), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn a_store_of_an_earlier_version_with_a_table_since_dropped_opens_and_loses_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    // As a build before 9515748 left it: the first schema and the table, at the schema version of
    // every store before migrations.
    conn.execute_batch(include_str!("../src/store/migrations/001_first_schema.sql"))
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE metering_pushes (id INTEGER PRIMARY KEY, body TEXT); PRAGMA user_version = 1;
         INSERT INTO meta (key, value) VALUES ('key-0', 'value-0');",
    )
    .unwrap();
    drop(conn);

    let reopened = Store::open(Some(dir.path())).unwrap();

    assert_eq!(reopened.meta("key-0").unwrap().as_deref(), Some("value-0"));
    drop(reopened);
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'metering_pushes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the open's migration dropped it");
}

#[test]
fn a_store_of_a_newer_marketsim_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), false);
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    conn.pragma_update(None, "user_version", version + 1).unwrap();
    drop(conn);
    let before = fingerprint(dir.path());

    let err = Store::open(Some(dir.path())).err().expect("refused").to_string();

    assert_eq!(fingerprint(dir.path()), before, "the directory is unchanged");
    let newer = format!(
        "has schema version {}, where this marketsim's marketplace store goes up to {version}: a newer marketsim wrote it",
        version + 1
    );
    assert!(err.contains(&newer), "{err}");
}

#[test]
fn an_empty_directory_gets_a_new_store_that_keeps_what_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write_values(&Store::open(Some(dir.path())).unwrap());
    let reopened = Store::open(Some(dir.path())).unwrap();
    assert_eq!(reopened.meta("key-29").unwrap().as_deref(), Some("value-29"));
}

#[test]
fn a_store_left_by_a_killed_process_reopens_with_every_committed_write() {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), true);
    assert!(
        std::fs::metadata(dir.path().join(format!("{FILE_NAME}-wal")))
            .unwrap()
            .len()
            > 0
    );
    let reopened = Store::open(Some(dir.path())).unwrap();
    for i in 0..WRITES {
        assert_eq!(
            reopened.meta(&format!("key-{i}")).unwrap(),
            Some(format!("value-{i}"))
        );
    }
}

#[tokio::test]
async fn a_pending_create_instance_of_an_earlier_version_is_delivered_as_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(FILE_NAME)).unwrap();
    // As builds before the outbox left it: an instance opening, its third attempt scheduled as a
    // createInstance job.
    conn.execute_batch(include_str!("../src/store/migrations/001_first_schema.sql"))
        .unwrap();
    conn.execute_batch(include_str!(
        "../src/store/migrations/002_anonymous_sessions_and_metering_index.sql"
    ))
    .unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO orders VALUES ('200000000000009', '1763420985012345', 'cmgj00061912',
             'cmgj00061912-payg', 'NEW', 'PAID', '10000009', 1692064800000);
         INSERT INTO instances (instance_id, order_id, ali_uid, product_code, sku_id, status, attempts,
             next_attempt_at, created_at)
         VALUES ('10000009', '200000000000009', '1763420985012345', 'cmgj00061912', 'cmgj00061912-payg',
             'OPENING', 2, 1692065100000, 1692064800000);
         INSERT INTO jobs (id, due_at, kind, subject, attempt)
         VALUES (41, 1692065100000, 'create_instance', '10000009', 3);",
    )
    .unwrap();
    drop(conn);

    let vendor = testkit::vendor::Vendor::answering("zc-9", "http://vendor/sso").await;
    let options = marketsim_simulator::Options {
        data_dir: Some(dir.path().to_owned()),
        ..Default::default()
    };
    let sim =
        marketsim_simulator::Simulator::open(common::world_with_vendor(&vendor.spi_url()), options).unwrap();
    let message = sim
        .store()
        .message(41)
        .unwrap()
        .expect("the job's message, by its id");
    assert_eq!((message.action.as_str(), message.attempts), ("createInstance", 2));
    assert_eq!(
        message.params.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        [
            "action",
            "aliUid",
            "orderBizId",
            "orderId",
            "productCode",
            "skuId",
            "trial"
        ]
    );
    sim.clock()
        .advance(std::time::Duration::from_secs(300))
        .await
        .unwrap();
    let instance = sim.store().instance("10000009").unwrap().unwrap();
    assert_eq!(instance.vendor_instance_id.as_deref(), Some("zc-9"));
    assert_eq!(instance.attempts, 3, "the third attempt, as scheduled");
    assert_eq!(sim.store().pending_jobs().unwrap(), 0);
}
