//! `marketsim run`: finds scenario files, runs them, prints a line per scenario and a summary, and
//! says whether all passed.

use super::runner::{run_file, RunResult};
use std::path::{Path, PathBuf};

/// Every `.yaml`/`.yml` file under `paths` (files as given, folders recursively), sorted.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    Ok(())
}

/// The line printed for one result.
pub fn line(result: &RunResult) -> String {
    let ms = result.elapsed.as_millis();
    match &result.failure {
        None => format!("ok    {} ({ms} ms)  [{}]", result.name, result.file.display()),
        Some(d) => format!("FAIL  {} ({ms} ms)\n      {d}", result.name),
    }
}

/// Runs `files` one after another, printing as it goes; true when every one passed.
pub async fn run_all(files: &[PathBuf]) -> bool {
    let mut passed = 0;
    let mut failed = 0;
    let started = std::time::Instant::now();
    for file in files {
        let result = run_file(file).await;
        if result.passed() {
            passed += 1
        } else {
            failed += 1
        }
        crate::cli::say(&[line(&result)]);
    }
    crate::cli::say(&[format!(
        "{passed} passed, {failed} failed ({} ms)",
        started.elapsed().as_millis()
    )]);
    failed == 0
}
