//! `marketsim run`: finds scenario files, runs them (`--jobs` at a time, each in its own world),
//! reports a line per scenario as it finishes and a summary through the caller's `progress`
//! callback, and writes the machine-readable reports. The runner returns plain results; each
//! report format is one function over them.

use super::load::PART_SUFFIX;
use super::runner::{run_file_against, RunResult};
use super::service::ServiceUnderTest;
use crate::report_file;
use crate::xml::escape;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// What `marketsim run` was asked.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Scenarios run at once (at least 1).
    pub jobs: usize,
    /// Only scenarios whose name or path contains this.
    pub filter: Option<String>,
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    /// Write each scenario's transcript into this folder, named by [`transcript_names`]; none for
    /// a skipped scenario.
    pub transcripts: Option<PathBuf>,
    /// A vendor's own service to run the scenarios for any vendor against; the rest are skipped.
    pub service: Option<ServiceUnderTest>,
}

/// Every scenario file under `paths` (files as given, folders recursively; parts skipped), sorted.
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
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && !path.to_string_lossy().ends_with(PART_SUFFIX)
        {
            files.push(path);
        }
    }
    Ok(())
}

/// The progress line for one result.
pub fn line(result: &RunResult) -> String {
    let ms = result.elapsed.as_millis();
    if let Some(why) = &result.skipped {
        return format!("skip  {}: {why}  [{}]", result.name, result.file.display());
    }
    match (&result.failure, &result.expected_failure) {
        (None, None) => format!("ok    {} ({ms} ms)  [{}]", result.name, result.file.display()),
        (None, Some(d)) => format!(
            "ok    {} ({ms} ms, failed as declared: {})",
            result.name,
            d.headline()
        ),
        (Some(d), _) => format!("FAIL  {} ({ms} ms)\n{d}", result.name),
    }
}

/// Runs the scenarios and writes the reports; true when every one behaved as it declares.
/// `progress` gets each scenario's line as it finishes, then the summary.
pub async fn run_all(
    files: &[PathBuf],
    options: &RunOptions,
    mut progress: impl FnMut(&str),
) -> Result<bool, String> {
    let started = Instant::now();
    let selected: Vec<PathBuf> = files
        .iter()
        .filter(|f| selected(f, options.filter.as_deref()))
        .cloned()
        .collect();
    let permits = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let mut running = tokio::task::JoinSet::new();
    for (index, file) in selected.iter().cloned().enumerate() {
        let permits = permits.clone();
        let service = options.service.clone();
        running.spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            (index, run_file_against(&file, service.as_ref()).await)
        });
    }
    let mut results: Vec<Option<RunResult>> = vec![None; selected.len()];
    while let Some(done) = running.join_next().await {
        let (index, result) = done.map_err(|e| format!("a scenario task failed: {e}"))?;
        progress(&line(&result));
        results[index] = Some(result);
    }
    let results: Vec<RunResult> = results.into_iter().flatten().collect();
    let skipped = results.iter().filter(|r| r.skipped.is_some()).count();
    let passed = results.iter().filter(|r| r.passed()).count() - skipped;
    let failed = results.len() - passed - skipped;
    let skipped_words = if skipped > 0 {
        format!(", {skipped} skipped")
    } else {
        String::new()
    };
    progress(&format!(
        "{passed} passed, {failed} failed{skipped_words} ({} ms)",
        started.elapsed().as_millis()
    ));
    if let Some(path) = &options.junit {
        report_file::write(path, &junit(&results))?;
    }
    if let Some(dir) = &options.transcripts {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let names = transcript_names(&selected);
        for (r, name) in results.iter().zip(names) {
            if r.skipped.is_some() {
                continue;
            }
            let path = dir.join(name);
            std::fs::write(&path, &r.transcript)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
    }
    if let Some(path) = &options.json {
        report_file::write(path, &json(&results))?;
    }
    // Against a service, a run in which every scenario was skipped tested nothing: it fails.
    let none_ran = options.service.is_some() && passed + failed == 0;
    if none_ran {
        progress(NONE_FOR_ANY_VENDOR);
    }
    Ok(failed == 0 && !none_ran)
}

/// Why a run against a vendor's own service in which no scenario ran fails.
pub const NONE_FOR_ANY_VENDOR: &str = "no scenario ran: none is for any vendor — a scenario runs against a vendor's own service only when it says given: { vendor: any } (see scenarios/vendor/)";

/// Each file's transcript name: its path below the folder all `files` share, `/` written `__`,
/// `.txt` for its extension — `a.txt` for `scenarios/vendor/a.yaml` in a run of that folder,
/// `seed__a.txt` and `vendor__a.txt` when both folders ran. No two files get one name.
pub fn transcript_names(files: &[PathBuf]) -> Vec<String> {
    let folders: Vec<Vec<Component>> = files
        .iter()
        .map(|f| f.parent().map(|p| p.components().collect()).unwrap_or_default())
        .collect();
    let shared = folders.first().map_or(0, |first| {
        folders.iter().skip(1).fold(first.len(), |n, other| {
            first
                .iter()
                .zip(other)
                .take(n)
                .take_while(|(a, b)| a == b)
                .count()
        })
    });
    files
        .iter()
        .map(|file| {
            let mut parts: Vec<String> = file
                .with_extension("")
                .components()
                .skip(shared)
                .filter_map(|c| match c {
                    Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            if parts.is_empty() {
                parts.push("scenario".to_owned());
            }
            format!("{}.txt", parts.join("__"))
        })
        .collect()
}

fn selected(file: &Path, filter: Option<&str>) -> bool {
    let Some(filter) = filter else { return true };
    if file.to_string_lossy().contains(filter) {
        return true;
    }
    // The name is inside the file; a file that cannot be read is kept so its error shows.
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("name:").map(|n| n.contains(filter)))
        })
        .unwrap_or(true)
}

/// JUnit XML: one test case per scenario.
pub fn junit(results: &[RunResult]) -> String {
    let failures = results.iter().filter(|r| !r.passed()).count();
    let total: f64 = results.iter().map(|r| r.elapsed.as_secs_f64()).sum();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n<testsuite name=\"marketsim\" tests=\"{}\" failures=\"{failures}\" time=\"{total:.3}\">\n",
        results.len(),
        results.len()
    );
    for r in results {
        out.push_str(&format!(
            "  <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
            escape(&r.name),
            escape(&r.file.display().to_string()),
            r.elapsed.as_secs_f64()
        ));
        match &r.failure {
            None if r.skipped.is_some() => out.push_str(&format!(
                ">\n    <skipped message=\"{}\"/>\n  </testcase>\n",
                escape(r.skipped.as_deref().unwrap_or_default())
            )),
            None => out.push_str("/>\n"),
            Some(d) => out.push_str(&format!(
                ">\n    <failure message=\"{}\">{}</failure>\n  </testcase>\n",
                escape(&d.headline()),
                escape(&d.to_string())
            )),
        }
    }
    out.push_str("</testsuite>\n</testsuites>\n");
    out
}

/// JSON: an array with one object per scenario.
pub fn json(results: &[RunResult]) -> String {
    let items: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            serde_json::json!({
                "file": r.file.display().to_string(),
                "name": r.name,
                "passed": r.passed(),
                "duration_ms": r.elapsed.as_millis() as u64,
                "failure": r.failure.as_ref().map(|d| d.to_string()),
                "failed_as_declared": r.expected_failure.as_ref().map(|d| d.headline()),
                "skipped": r.skipped,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).expect("JSON values serialize") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn progress_goes_to_the_callers_listener_a_line_per_scenario_then_the_summary() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("empty.yaml");
        std::fs::write(&file, "\n").unwrap();
        let options = RunOptions {
            jobs: 1,
            ..RunOptions::default()
        };
        let mut heard = Vec::new();
        let all_passed = run_all(&[file], &options, |line| heard.push(line.to_owned()))
            .await
            .unwrap();
        assert!(!all_passed);
        assert_eq!(heard.len(), 2, "{heard:?}");
        assert!(heard[0].starts_with("FAIL  "), "{}", heard[0]);
        assert!(heard[0].contains("the file is empty"), "{}", heard[0]);
        assert!(heard[1].starts_with("0 passed, 1 failed ("), "{}", heard[1]);
    }

    #[test]
    fn transcripts_are_named_by_their_path_below_the_shared_folder() {
        let files: Vec<PathBuf> = ["s/seed/a.yaml", "s/vendor/a.yaml", "s/vendor/deep/b.yml"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            transcript_names(&files),
            ["seed__a.txt", "vendor__a.txt", "vendor__deep__b.txt"]
        );
        let one_folder = [PathBuf::from("s/vendor/a.yaml"), PathBuf::from("s/vendor/b.yaml")];
        assert_eq!(transcript_names(&one_folder), ["a.txt", "b.txt"]);
        assert_eq!(transcript_names(&[PathBuf::from("/x/one.yaml")]), ["one.txt"]);
    }

    #[tokio::test]
    async fn two_scenarios_with_one_stem_keep_both_transcripts_and_a_skipped_one_writes_none() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second, skipped) = (
            dir.path().join("one/same.yaml"),
            dir.path().join("two/same.yaml"),
            dir.path().join("two/not-for-any-vendor.yaml"),
        );
        for (file, vendor) in [(&first, "any"), (&second, "any"), (&skipped, "console-stub")] {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(
                file,
                format!(
                    "name: {}\ngiven: {{ vendor: {vendor} }}\nsteps: []\n",
                    file.display()
                ),
            )
            .unwrap();
        }
        let out = dir.path().join("out");
        let options = RunOptions {
            jobs: 1,
            transcripts: Some(out.clone()),
            service: Some(ServiceUnderTest {
                vendor: crate::world::VendorService {
                    spi_url: "http://127.0.0.1:9/aliyun/spi".into(),
                    spi_key: "key".into(),
                },
                world_yaml: None,
                openapi_port: 0,
                host: "127.0.0.1".into(),
                bind: "127.0.0.1".into(),
                allow_hosts: Vec::new(),
                seed: None,
            }),
            ..RunOptions::default()
        };
        let files = collect(&[dir.path().to_owned()]).unwrap();
        let mut heard = Vec::new();
        assert!(
            run_all(&files, &options, |l| heard.push(l.to_owned()))
                .await
                .unwrap(),
            "{heard:?}"
        );
        let mut written: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        written.sort();
        assert_eq!(written, ["one__same.txt", "two__same.txt"]);
        let text = std::fs::read_to_string(out.join("one__same.txt")).unwrap();
        assert!(text.contains("one/same.yaml"), "{text}");
    }
}
