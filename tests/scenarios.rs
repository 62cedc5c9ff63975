//! Every scenario file under `scenarios/` runs in a fresh world, passes, and its transcript matches
//! its snapshot (one snapshot per file, the file recorded in the snapshot's metadata).

use marketsim::scenario::runner::run_file;

#[test]
fn every_scenario_passes_and_its_transcript_is_stable() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    insta::glob!("../scenarios", "**/*.yaml", |path| {
        let result = runtime.block_on(run_file(path));
        assert!(
            result.passed(),
            "{}\n{}",
            result.failure.unwrap(),
            result.transcript
        );
        let again = runtime.block_on(run_file(path));
        assert_eq!(
            result.transcript,
            again.transcript,
            "two runs of {} differ",
            path.display()
        );
        insta::assert_snapshot!(result.transcript);
    });
}
