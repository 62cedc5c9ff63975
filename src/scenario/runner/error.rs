//! What can stop a scenario, as enums of kinds kept apart from where it happened: a
//! [`SetupError`] before the first step (the `given:` world cannot be built), a [`StepError`]
//! during one. Only at the end does a kind meet its place — the scenario file, or the
//! [`PlannedStep`] with its file, line, number and the text the loader read once — and become the
//! [`Diagnostic`] that reports and transcripts show.

use crate::scenario::agent::AgentError;
use crate::scenario::api::ApiError;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::load::PlannedStep;
use protocol::clock::ClockError;
use simulator::store::StoreError;
use std::path::Path;
use std::time::Duration;
use thiserror::Error;

/// Why the world a scenario's `given:` describes could not be started.
#[derive(Debug, Error)]
pub enum SetupError {
    #[error("unknown world `{0}`: only `default` exists")]
    UnknownWorld(String),
    #[error("unknown vendor `{0}`: use console-stub, scripted or any")]
    UnknownVendor(String),
    #[error("a scenario for any vendor gives no clock: against a vendor's own service the world starts at the wall clock, and times are relative to it")]
    ClockForAnyVendor,
    /// A default world file could not be merged with the scenario's overrides.
    #[error("{0}")]
    Override(#[from] serde_yaml::Error),
    #[error("given.marketplace: {0}")]
    Marketplace(#[from] simulator::world::WorldError),
    #[error("given.console: {0}")]
    Console(#[from] console_stub::world::WorldError),
    #[error("given.clock `{0}` is not a date")]
    Clock(String),
    /// The servers did not start; the whole chain of causes is shown.
    #[error("{0:#}")]
    World(anyhow::Error),
    #[error(transparent)]
    Browser(#[from] AgentError),
}

impl SetupError {
    /// The diagnostic for `file`: no line, since `given:` as a whole could not be set up.
    pub fn into_diagnostic(self, file: &Path) -> Diagnostic {
        Diagnostic::at(file.to_owned(), None, None, None, self.to_string())
    }
}

/// Why a step failed: something it could not do, or an expectation that did not hold.
#[derive(Debug, Error)]
pub enum StepError {
    // Filling in the step.
    #[error("unknown variable ${{{name}}} (known: {})", known_list(known))]
    UnknownVariable { name: String, known: Vec<String> },
    #[error("after filling in variables: {0}")]
    NotAStepOnceFilledIn(serde_yaml::Error),
    #[error("an include was not expanded")]
    IncludeNotExpanded,

    // Doing it.
    #[error(transparent)]
    Browser(#[from] AgentError),
    /// Boxed: a client error carries the whole answer, and steps should not pay for its size.
    #[error(transparent)]
    Api(Box<ApiError>),
    #[error(transparent)]
    Clock(#[from] ClockError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no buyer `{0}` in the world")]
    UnknownBuyer(String),
    #[error("`balance:` gives exactly one of `top_up` and `charge`")]
    BalanceStep,
    #[error(transparent)]
    Balance(#[from] simulator::billing::BalanceError),
    #[error("a buyer call needs `account:` or an earlier `sign_in`")]
    NoCallingAccount,
    #[error("the world has no vendor")]
    NoVendor,
    #[error("the world has no STS credentials for vendor {0}")]
    NoStsCredentials(String),
    #[error("`answers:` needs `given: {{ vendor: scripted }}`")]
    AnswersWithoutScriptedVendor,
    /// protocol's message, which names the text and shows how durations are written.
    #[error("{0}")]
    BadDuration(String),
    #[error("`{0}` is not a date")]
    NotADate(String),
    /// The marketplace refused a control action (unknown instance or action, wrong status…).
    #[error("{0}")]
    Queue(#[from] simulator::delivery::queue::QueueError),
    #[error("instance {instance} has no {action} message that gave up")]
    NothingToResend { instance: String, action: String },
    #[error("the fault cannot be armed: {0}")]
    Fault(String),

    // Expectations.
    #[error("expected the page to contain \"{wanted}\"{excerpt}")]
    PageLacksText { wanted: String, excerpt: String },
    #[error("expected the page not to contain \"{unwanted}\"{excerpt}")]
    PageHasText { unwanted: String, excerpt: String },
    #[error("expected to be on {site}, but the page is {here}")]
    WrongSite { site: String, here: String },
    #[error("expected path {path}, but the page is {here}")]
    WrongPath { path: String, here: String },
    #[error("expected the browser to hold {} cookie of {here}", if *wanted { "a" } else { "no" })]
    Cookie { wanted: bool, here: String },
    #[error("expected status {expected}, got {actual} at {here}")]
    WrongPageStatus {
        expected: u16,
        actual: u16,
        here: String,
    },
    #[error("no API call or raw request has answered yet")]
    NoAnswer,
    #[error("expected the answer's status {expected}, got {answer}")]
    WrongAnswerStatus { expected: u16, answer: String },
    /// `mismatch` is the JSON matcher's own account of what it found.
    #[error("{mismatch}\n  the answer: {answer}")]
    AnswerMismatch { mismatch: String, answer: String },
    #[error("expected {wanted}, found {found}; deliveries so far: [{}]", seen.join(", "))]
    SpiDeliveries {
        wanted: String,
        found: usize,
        seen: Vec<String>,
    },

    // Captures.
    #[error("no API answer to capture from")]
    NoAnswerToCapture,
    #[error("the last answer has nothing at {0}")]
    NothingAtPath(String),
    #[error("`{pattern}` is not a regular expression: {source}")]
    NotARegex { pattern: String, source: regex::Error },
    #[error("`{pattern}` matches nothing in: {excerpt}")]
    NoMatch { pattern: String, excerpt: String },
    #[error("no {0} delivery to capture from")]
    NoDeliveryToCapture(String),
    #[error("the latest {action} delivery has no parameter {param}")]
    NoDeliveryParameter { action: String, param: String },

    // The run as a whole.
    #[error("timed out after {}s", .0.as_secs())]
    TimedOut(Duration),
}

impl From<ApiError> for StepError {
    fn from(e: ApiError) -> Self {
        StepError::Api(Box::new(e))
    }
}

impl StepError {
    /// The diagnostic for this error at `step`: its file, line and number, and the line's text
    /// from what the loader read.
    pub fn into_diagnostic(self, step: &PlannedStep) -> Diagnostic {
        let mut d = Diagnostic::at(
            step.file.clone(),
            Some(&step.source),
            step.line,
            None,
            self.to_string(),
        );
        d.step = Some(step.number.clone());
        d
    }
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        return "none".into();
    }
    let shown: Vec<String> = known.iter().map(|k| format!("${{{k}}}")).collect();
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(source: &str, line: usize, number: &str) -> PlannedStep {
        PlannedStep {
            raw: serde_yaml::Value::Null,
            file: "gone/never-written.yaml".into(),
            line: Some(line),
            number: number.into(),
            source: source.into(),
        }
    }

    #[test]
    fn a_step_error_shows_its_line_from_the_loaded_text_without_reading_the_file() {
        let step = planned("name: x\nsteps:\n  - buyer: { click: 开通 }\n", 3, "1");
        let d = StepError::UnknownBuyer("buyer-9".into()).into_diagnostic(&step);
        assert_eq!(d.message, "no buyer `buyer-9` in the world");
        assert_eq!(d.step.as_deref(), Some("1"));
        assert_eq!(d.source_line.as_deref(), Some("  - buyer: { click: 开通 }"));
        assert!(
            d.to_string().contains("--> gone/never-written.yaml:3 (step 1)"),
            "{d}"
        );
    }

    #[test]
    fn an_unknown_variable_names_the_known_ones_or_says_there_are_none() {
        let none = StepError::UnknownVariable {
            name: "org".into(),
            known: vec![],
        };
        assert_eq!(none.to_string(), "unknown variable ${org} (known: none)");
        let some = StepError::UnknownVariable {
            name: "org".into(),
            known: vec!["instance".into(), "order".into()],
        };
        assert_eq!(
            some.to_string(),
            "unknown variable ${org} (known: ${instance}, ${order})"
        );
    }

    #[test]
    fn a_setup_error_points_at_the_scenario_file_without_a_line() {
        let d = SetupError::UnknownVendor("robot".into()).into_diagnostic(Path::new("a.yaml"));
        assert_eq!(
            d.message,
            "unknown vendor `robot`: use console-stub, scripted or any"
        );
        assert_eq!((d.line, d.step), (None, None));
    }
}
