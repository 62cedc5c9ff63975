//! `--data-dir` with a damaged store: `marketsim serve` and `marketsim sandbox` refuse to start,
//! print one line naming the file and its fault, and leave every file of the directory as it was
//! — the sandbox included when only the console's store is damaged and the marketplace's would be
//! new.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use store_file::testing::fingerprint;

/// How a start ended.
struct Start {
    /// It printed its banner (and was then stopped).
    served: bool,
    succeeded: bool,
    stderr: String,
}

/// Runs `marketsim` with `args` until it exits, or until it prints a URL — then it started, and is
/// killed.
fn start(args: &[&str], data_dir: &Path) -> Start {
    start_in(Command::new(env!("CARGO_BIN_EXE_marketsim")), args, data_dir)
}

/// [`start`] with `command`'s environment.
fn start_in(mut command: Command, args: &[&str], data_dir: &Path) -> Start {
    let mut child = command
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let served = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("http://"));
    if served {
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    Start {
        served,
        succeeded: status.success(),
        stderr: errors.join().unwrap(),
    }
}

#[test]
fn serve_refuses_an_empty_marketplace_store_by_name_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("marketplace.sqlite3");
    std::fs::write(&file, b"").unwrap();
    let before = fingerprint(dir.path());

    let start = start(&["serve", "--port", "0"], dir.path());

    assert!(!start.served, "it started on an empty store");
    assert!(!start.succeeded);
    assert_eq!(fingerprint(dir.path()), before, "the directory is unchanged");
    let refusal = format!("marketsim: {} is empty (0 bytes)", file.display());
    assert!(start.stderr.contains(&refusal), "{}", start.stderr);
}

#[test]
fn serve_that_cannot_copy_a_store_to_check_it_says_where_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(simulator::store::Store::open(Some(dir.path())).unwrap());
    let before = fingerprint(dir.path());
    let mut command = Command::new(env!("CARGO_BIN_EXE_marketsim"));
    command.env("TMPDIR", dir.path().join("no-such-directory"));

    let start = start_in(command, &["serve", "--port", "0"], dir.path());

    assert!(!start.served);
    assert_eq!(fingerprint(dir.path()), before, "the directory is unchanged");
    assert!(start.stderr.contains("TMPDIR names another"), "{}", start.stderr);
}

#[test]
fn sandbox_refuses_a_damaged_console_store_before_it_makes_the_marketplace_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("console")).unwrap();
    let file = dir.path().join("console").join("console.sqlite3");
    std::fs::write(&file, b"").unwrap();
    let before = fingerprint(dir.path());

    let start = start(
        &["sandbox", "--marketplace-port", "0", "--console-port", "0"],
        dir.path(),
    );

    assert!(!start.served, "it started on an empty console store");
    assert!(!start.succeeded);
    assert_eq!(
        fingerprint(dir.path()),
        before,
        "no marketplace store was made and nothing else changed"
    );
    let refusal = format!("marketsim: {} is empty (0 bytes)", file.display());
    assert!(start.stderr.contains(&refusal), "{}", start.stderr);
}
