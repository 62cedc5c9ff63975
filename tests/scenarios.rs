//! Every scenario file under `scenarios/` runs in a fresh world and behaves as it declares; its
//! transcript (and, for `scenarios/failing/`, its diagnostic) matches its snapshot. Bad scenario
//! files under `tests/bad-scenarios/` each give a clear diagnostic, pinned the same way.

use marketsim::scenario::load::PART_SUFFIX;
use marketsim::scenario::runner::{run_file, RunResult};
use std::path::Path;

/// Runs `path` by its path relative to the package, so diagnostics print the same on any machine.
fn run(runtime: &tokio::runtime::Runtime, path: &Path) -> RunResult {
    let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(path);
    runtime.block_on(run_file(relative))
}

fn is_part(path: &Path) -> bool {
    path.to_string_lossy().ends_with(PART_SUFFIX)
}

#[test]
fn every_scenario_behaves_as_declared_and_its_transcript_is_stable() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    insta::glob!("../scenarios", "**/*.yaml", |path| {
        if is_part(path) {
            return;
        }
        let result = run(&runtime, path);
        assert!(
            result.passed(),
            "{}\n{}",
            result.failure.unwrap(),
            result.transcript
        );
        let again = run(&runtime, path);
        assert_eq!(
            result.transcript,
            again.transcript,
            "two runs of {} differ",
            path.display()
        );
        let mut snapshot = result.transcript.clone();
        if let Some(declared) = &result.expected_failure {
            snapshot.push_str(&format!("\n{declared}"));
        }
        insta::assert_snapshot!(snapshot);
    });
}

#[test]
fn bad_scenario_files_get_a_clear_diagnostic() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    insta::glob!("bad-scenarios", "*.yaml", |path| {
        if is_part(path) {
            return;
        }
        let result = run(&runtime, path);
        let failure = result.failure.expect("a bad scenario fails");
        insta::assert_snapshot!(failure.to_string());
    });
}

#[test]
fn a_ten_megabyte_file_is_refused_before_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("huge.yaml");
    std::fs::write(&file, "name: huge\nsteps: []\n".repeat(500_000)).unwrap();
    let result = tokio::runtime::Runtime::new().unwrap().block_on(run_file(&file));
    let message = result.failure.unwrap().message;
    assert!(
        message.contains("is more than a scenario file may be (1048576)"),
        "{message}"
    );
}
