//! The console's store in a data directory: a damaged one is refused with its file and fault named,
//! and its directory left byte for byte as it was; a store left by a killed process reopens with
//! every committed write.

mod common;

use common::*;
use marketsim_console_stub::{router, Console, ConsoleWorld};
use protocol::clock::Clock;
use rstest::rstest;
use std::path::Path;
use store_file::testing::{copy_files, fingerprint, Damage};

const FILE_NAME: &str = "console.sqlite3";
const ORDERS: [&str; 5] = ["38492017", "38492018", "38492019", "38492020", "38492021"];

fn open(dir: &Path) -> Result<TestConsole, marketsim_console_stub::ConsoleError> {
    let clock = Clock::manual(start());
    let console = Console::open(ConsoleWorld::default_world(), config(), clock.clone(), Some(dir))?;
    Ok(TestConsole {
        app: router(console.clone()),
        console,
        clock,
    })
}

/// A console store in `dir` holding an instance for each of `ORDERS`, one commit each, and the ids
/// they were given: closed cleanly, or as a process killed after its last commit leaves it.
async fn healthy_store(dir: &Path, killed: bool) -> Vec<String> {
    let live = tempfile::tempdir().unwrap();
    let console = open(live.path()).unwrap();
    let mut ids = Vec::new();
    for order in ORDERS {
        ids.push(console.create_instance(order).await);
    }
    if !killed {
        drop(console);
    }
    copy_files(live.path(), dir);
    ids
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
#[tokio::test]
async fn a_damaged_store_is_refused_by_name_and_its_directory_left_byte_for_byte(#[case] damage: Damage) {
    let dir = tempfile::tempdir().unwrap();
    healthy_store(dir.path(), damage.needs_log()).await;
    damage.inflict(dir.path(), FILE_NAME);
    let before = fingerprint(dir.path());

    let refused = open(dir.path());

    assert_eq!(fingerprint(dir.path()), before, "the directory is unchanged");
    let err = refused.err().expect("the damaged store is refused").to_string();
    let named = damage.names(dir.path(), FILE_NAME).display().to_string();
    assert!(err.contains(&named), "{err}");
    assert!(err.contains(damage.words()), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[tokio::test]
async fn a_store_left_by_a_killed_process_reopens_with_every_committed_write() {
    let dir = tempfile::tempdir().unwrap();
    let ids = healthy_store(dir.path(), true).await;
    assert!(
        std::fs::metadata(dir.path().join(format!("{FILE_NAME}-wal")))
            .unwrap()
            .len()
            > 0
    );
    let reopened = open(dir.path()).unwrap();
    for (order, id) in ORDERS.iter().zip(&ids) {
        assert_eq!(
            &reopened.create_instance(order).await,
            id,
            "order {order} kept its instance"
        );
    }
}
