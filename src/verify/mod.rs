//! `marketsim verify`: the marketplace's contract run against a vendor's own SPI endpoint, check by
//! check, each reported with its evidence — the requests sent, the answers received, what was
//! expected. [`config`] says what the vendor is (URL, key, product, SKUs, time budget, probe);
//! [`wire`] sends requests and keeps what came back; [`checks`] holds the named checks; this module
//! selects them (`--only`, `--skip`), runs them one after another — each on instances of its own,
//! with ids fresh for the run, so a vendor that keeps its state between runs is never confused —
//! and [`report`] writes the summary, JUnit and JSON. A check that cannot run (no probe
//! configured) fails the run unless it is skipped: a skip is never a pass.

pub mod checks;
pub mod config;
pub mod marketplace;
pub mod report;
pub mod wire;

use checks::{Check, Ctx, Finding, Trail};
pub use config::{Config, ConfigFile, Probe};
pub use marketplace::Marketplace;
use report::{CheckReport, Report, Status};
use std::time::{Duration, Instant};

/// Which checks run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these (names, or a topic such as `token` for every `token.…`); empty: all.
    pub only: Vec<String>,
    /// Reported as skipped instead of run.
    pub skip: Vec<String>,
}

impl Selection {
    /// Refuses a name that selects no check (a typo must not pass silently).
    pub fn check(&self, checks: &[Check]) -> Result<(), String> {
        for name in self.only.iter().chain(&self.skip) {
            if !checks.iter().any(|c| matches(c.name, name)) {
                let names: Vec<&str> = checks.iter().map(|c| c.name).collect();
                return Err(format!(
                    "no check is called `{name}`; the checks: {}",
                    names.join(", ")
                ));
            }
        }
        Ok(())
    }

    fn runs(&self, check: &Check) -> bool {
        self.only.is_empty() || self.only.iter().any(|n| matches(check.name, n))
    }

    fn skips(&self, check: &Check) -> bool {
        self.skip.iter().any(|n| matches(check.name, n))
    }
}

/// Whether `selector` names `check`: its whole name, or the topic before its dot.
fn matches(check: &str, selector: &str) -> bool {
    check == selector || check.split('.').next() == Some(selector)
}

/// Runs the selected checks against the vendor `config` names, on `market`, telling `progress` a
/// line per check; `seed` fixes the invented ids (default: fresh ones every run).
pub async fn run(
    config: Config,
    market: Marketplace,
    selection: &Selection,
    seed: Option<u64>,
    progress: impl Fn(&str),
) -> Result<Report, String> {
    let all = checks::all();
    selection.check(&all)?;
    if let Some(command) = &config.reset {
        reset(command, config.budget).await?;
    }
    let seed = seed.unwrap_or_else(protocol::ids::fresh_seed);
    let ctx = Ctx::new(config, market, seed);
    let started = Instant::now();
    let mut results = Vec::new();
    for check in all.iter().filter(|c| selection.runs(c)) {
        let result = if selection.skips(check) {
            CheckReport::new(
                check,
                Status::Skipped,
                Some("skipped (--skip)".into()),
                Duration::ZERO,
                Trail::default(),
            )
        } else {
            run_one(&ctx, check).await
        };
        progress(&report::line(&result));
        results.push(result);
    }
    Ok(Report {
        results,
        millis: started.elapsed().as_millis(),
    })
}

async fn run_one(ctx: &Ctx, check: &Check) -> CheckReport {
    let mut trail = Trail::default();
    let started = Instant::now();
    let finding = match (check.run)(ctx, &mut trail).await {
        Ok(()) => Finding::Passed,
        Err(finding) => finding,
    };
    let (status, message) = match finding {
        Finding::Passed => (Status::Passed, None),
        Finding::Failed(why) => (Status::Failed, Some(why)),
        Finding::NotRun(why) => (Status::NotRun, Some(why)),
    };
    CheckReport::new(check, status, message, started.elapsed(), trail)
}

/// Runs the reset command; it must succeed within a minute.
async fn reset(command: &str, budget: Duration) -> Result<(), String> {
    let limit = budget.max(Duration::from_secs(60));
    let run = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(limit, run).await {
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => Err(format!(
            "the reset command `{command}` failed ({}): {}",
            out.status,
            wire::shorten(&String::from_utf8_lossy(&out.stderr), 300)
        )),
        Ok(Err(e)) => Err(format!("the reset command `{command}` did not start: {e}")),
        Err(_) => Err(format!(
            "the reset command `{command}` ran past {} s",
            limit.as_secs()
        )),
    }
}
