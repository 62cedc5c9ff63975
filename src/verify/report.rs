//! What a verify run found: a line per check as it ends, the summary, and the JUnit and JSON
//! reports a CI reads. Every failure carries its evidence — the requests sent and the answers —
//! in the JSON, in the JUnit failure's text, and in the summary.

use super::checks::{Check, Step, Trail};
use crate::xml::escape;
use serde::Serialize;
use std::time::Duration;

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Passed,
    Failed,
    NotRun,
    Skipped,
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub name: String,
    pub what: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub millis: u128,
    pub evidence: Trail,
}

impl CheckReport {
    pub fn new(
        check: &Check,
        status: Status,
        message: Option<String>,
        took: Duration,
        evidence: Trail,
    ) -> Self {
        CheckReport {
            name: check.name.to_owned(),
            what: check.what.clone(),
            status,
            message,
            millis: took.as_millis(),
            evidence,
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub results: Vec<CheckReport>,
    pub millis: u128,
}

impl Report {
    /// Whether every check that was selected and not skipped passed.
    pub fn passed(&self) -> bool {
        self.results
            .iter()
            .all(|r| matches!(r.status, Status::Passed | Status::Skipped))
    }

    fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    /// The closing lines: each failure with its evidence, then the counts.
    pub fn summary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for r in self
            .results
            .iter()
            .filter(|r| matches!(r.status, Status::Failed | Status::NotRun))
        {
            lines.push(String::new());
            lines.push(format!("{} — {}", r.name, r.what));
            if let Some(message) = &r.message {
                lines.push(format!("  {message}"));
            }
            lines.extend(evidence(&r.evidence).into_iter().map(|l| format!("    {l}")));
        }
        lines.push(String::new());
        lines.push(format!(
            "verify: {} passed, {} failed, {} not run, {} skipped in {} ms",
            self.count(Status::Passed),
            self.count(Status::Failed),
            self.count(Status::NotRun),
            self.count(Status::Skipped),
            self.millis
        ));
        lines
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// JUnit XML: one test case per check; not run is a failure, skipped is skipped.
    pub fn junit(&self) -> String {
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"marketsim verify\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
            self.results.len(),
            self.count(Status::Failed) + self.count(Status::NotRun),
            self.count(Status::Skipped),
            self.millis as f64 / 1000.0
        );
        for r in &self.results {
            xml.push_str(&format!(
                "<testcase classname=\"verify\" name=\"{}\" time=\"{:.3}\">",
                escape(&r.name),
                r.millis as f64 / 1000.0
            ));
            let message = escape(r.message.as_deref().unwrap_or_default());
            let text = escape(&evidence(&r.evidence).join("\n"));
            match r.status {
                Status::Passed => {}
                Status::Skipped => xml.push_str("<skipped/>"),
                Status::Failed => xml.push_str(&format!("<failure message=\"{message}\">{text}</failure>")),
                Status::NotRun => xml.push_str(&format!(
                    "<failure message=\"not run: {message}\">{text}</failure>"
                )),
            }
            xml.push_str("</testcase>\n");
        }
        xml.push_str("</testsuite>\n</testsuites>\n");
        xml
    }
}

/// A check's line as it ends.
pub fn line(r: &CheckReport) -> String {
    let mark = match r.status {
        Status::Passed => "ok     ",
        Status::Failed => "FAILED ",
        Status::NotRun => "NOT RUN",
        Status::Skipped => "skipped",
    };
    match (&r.message, r.status) {
        (Some(message), Status::Failed | Status::NotRun) => {
            format!("{mark} {} ({} ms): {message}", r.name, r.millis)
        }
        _ => format!("{mark} {} ({} ms)", r.name, r.millis),
    }
}

/// The evidence as lines: each request and answer, each note.
fn evidence(trail: &Trail) -> Vec<String> {
    trail
        .steps
        .iter()
        .map(|step| match step {
            Step::Call { purpose, exchange } => format!("{purpose}: {}", exchange.summary()),
            Step::Note { note } => note.clone(),
        })
        .collect()
}
