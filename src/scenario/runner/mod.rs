//! Runs one scenario: a fresh world (simulator + console stub on a manual clock, in memory), one
//! buyer browser, the planned steps in order with `${variables}` filled in as they run. Returns
//! plain data — pass or the failing step's diagnostic, the transcript, the time taken — for the
//! reporters to render.
//!
//! Rooms: this file holds the run ([`run_file`], the `Run` state, step dispatch) and the
//! judgement of declared failures; `setup` builds the world from `given:`; each kind of step has
//! its room — `buyer`, `vendor` (with `calls`, the signed OpenAPI calls both make),
//! `marketplace`, `clock`, `expect`, `capture` — and `describe` writes a step's transcript line;
//! `usage` writes the console stub's usage pushes a step caused.
//! Steps fail with a typed `StepError` (`error`), a kind without a place; it becomes a
//! [`Diagnostic`] here, where the step's place is known.

mod buyer;
mod calls;
mod capture;
mod clock;
mod describe;
mod error;
mod expect;
mod marketplace;
mod setup;
mod usage;
mod vendor;

use super::agent::Agent;
use super::api::Answer;
use super::load::{load, substitute, Diagnostic, Loaded, PlannedStep};
use super::model::Step;
use super::scripted::ScriptedVendor;
use super::service::{ServiceUnderTest, ANY_VENDOR};
use super::transcript::Transcript;
use crate::world::RunningWorld;
use error::StepError;
use protocol::time::spi_format;
use simulator::faults::book::Effect;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a scenario may run in real time (a hung vendor or page ends it).
pub const SCENARIO_TIMEOUT: Duration = Duration::from_secs(60);

/// What running one scenario file gave.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub file: PathBuf,
    pub name: String,
    /// What went wrong — or, for a scenario that declares `expect_failure`, why it did not fail as
    /// declared.
    pub failure: Option<Diagnostic>,
    /// The failure a scenario declared and got (`scenarios/failing/`).
    pub expected_failure: Option<Diagnostic>,
    pub transcript: String,
    pub elapsed: Duration,
    /// Why the scenario was not run (it needs the console stub, and the run has another vendor).
    pub skipped: Option<String>,
}

impl RunResult {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Loads and runs `file` against the console stub (or the vendor it scripts).
pub async fn run_file(file: &Path) -> RunResult {
    run_file_against(file, None).await
}

/// Loads and runs `file`, against `service` when given: a scenario that is not for any vendor is
/// skipped, with the reason.
pub async fn run_file_against(file: &Path, service: Option<&ServiceUnderTest>) -> RunResult {
    let started = Instant::now();
    match load(file) {
        Err(d) => RunResult {
            file: file.to_owned(),
            name: file.display().to_string(),
            failure: Some(d.clone()),
            expected_failure: None,
            transcript: d.to_string(),
            elapsed: started.elapsed(),
            skipped: None,
        },
        Ok(loaded) => run(loaded, service, started).await,
    }
}

async fn run(loaded: Loaded, service: Option<&ServiceUnderTest>, started: Instant) -> RunResult {
    let name = loaded.scenario.name.clone();
    let file = loaded.file.clone();
    if service.is_some() && loaded.scenario.given.vendor.as_deref() != Some(ANY_VENDOR) {
        return RunResult {
            file,
            name,
            failure: None,
            expected_failure: None,
            transcript: String::new(),
            elapsed: started.elapsed(),
            skipped: Some(format!(
                "it needs the console stub (its given: does not say vendor: {ANY_VENDOR})"
            )),
        };
    }
    let mut state = match Run::start(&loaded, service).await {
        Ok(s) => s,
        Err(e) => {
            let failure = e.into_diagnostic(&file);
            let transcript = failure.to_string();
            return RunResult {
                file,
                name,
                transcript,
                failure: Some(failure),
                expected_failure: None,
                elapsed: started.elapsed(),
                skipped: None,
            };
        }
    };
    let mut failure = match tokio::time::timeout(SCENARIO_TIMEOUT, state.steps(&loaded.plan)).await {
        Ok(result) => result.err(),
        Err(_) => Some(state.timed_out(&loaded)),
    };
    if let Some(d) = &mut failure {
        d.note = state.ahead_of_the_wall_clock();
    }
    if let Some(d) = &failure {
        state.transcript.failure(d);
    }
    let transcript = state.transcript.text();
    state.world.stop().await;
    let (failure, expected_failure) = judge(&loaded, failure);
    RunResult {
        file,
        name,
        failure,
        expected_failure,
        transcript,
        elapsed: started.elapsed(),
        skipped: None,
    }
}

/// A scenario passes when it fails exactly as it declared, or declares nothing and does not fail.
fn judge(loaded: &Loaded, failure: Option<Diagnostic>) -> (Option<Diagnostic>, Option<Diagnostic>) {
    let Some(expected) = &loaded.scenario.expect_failure else {
        return (failure, None);
    };
    let step = match &expected.step {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    };
    let mismatch = |message: String| Diagnostic::at(loaded.file.clone(), None, None, None, message);
    match failure {
        None => (
            Some(mismatch(format!(
                "expected to fail at step {step}, but every step passed"
            ))),
            None,
        ),
        Some(d) if d.step.as_deref() == Some(step.as_str()) && d.message.contains(&expected.message) => {
            (None, Some(d))
        }
        Some(d) => (
            Some(mismatch(format!(
                "expected to fail at step {step} with \"{}\", but failed at step {}: {}",
                expected.message,
                d.step.as_deref().unwrap_or("-"),
                d.message
            ))),
            None,
        ),
    }
}

/// One scenario's run: its world, the buyer's browser, the transcript so far, and what later
/// steps read from earlier ones.
struct Run {
    world: RunningWorld,
    agent: Agent,
    transcript: Transcript,
    /// SPI deliveries already written to the transcript.
    deliveries_seen: usize,
    /// The console's last usage push written to the transcript (its log's sequence number).
    pushes_seen: i64,
    /// The number of the last fired fault written to the transcript.
    faults_seen: u64,
    /// The index in the plan of the step running now, for a timeout's diagnostic.
    current: Option<usize>,
    vars: BTreeMap<String, String>,
    /// The last API call's or raw request's answer.
    answer: Option<Answer>,
    /// The account of the last `sign_in`: whose keys sign the buyer's calls.
    account: Option<String>,
    /// The scripted vendor, when the scenario asked for one.
    scripted: Option<Arc<ScriptedVendor>>,
    /// A vendor's own service plays the vendor: the clock must stay where it can follow.
    service: bool,
}

impl Run {
    async fn steps(&mut self, plan: &[PlannedStep]) -> Result<(), Diagnostic> {
        for (index, planned) in plan.iter().enumerate() {
            self.current = Some(index);
            self.step(planned).await.map_err(|e| e.into_diagnostic(planned))?;
        }
        Ok(())
    }

    /// Fills in `planned`, writes its line, runs it, then writes what it caused — also when it
    /// failed, so the transcript shows the exchanges that led to the failure.
    async fn step(&mut self, planned: &PlannedStep) -> Result<(), StepError> {
        let step = self.fill_in(planned)?;
        self.transcript.step(
            self.world.sim.clock().now(),
            &planned.number,
            &planned.file,
            planned.line,
            &describe::describe(&step),
        );
        let outcome = match &step {
            // What a buyer's or a vendor's request made due now (a renewal's renewInstance, say)
            // goes out at this instant, as the marketplace would send it at once.
            Step::Buyer(b) => {
                let outcome = self.buyer(b).await;
                self.run_due_now(outcome).await
            }
            Step::Vendor(v) => {
                let outcome = self.vendor(v).await;
                self.run_due_now(outcome).await
            }
            Step::Marketplace(m) => self.marketplace(m).await,
            Step::Clock(c) => self.clock(c).await,
            Step::Expect(e) => self.expect(e),
            Step::Capture(c) => self.capture(c),
            Step::Include(_) => Err(StepError::IncludeNotExpanded),
        };
        for e in self.agent.take_exchanges() {
            self.transcript.exchange(&e);
        }
        self.record_deliveries();
        self.record_usage_pushes();
        self.record_openapi_faults();
        outcome
    }

    /// `outcome`, after running what is due at the clock's instant.
    async fn run_due_now(&self, outcome: Result<(), StepError>) -> Result<(), StepError> {
        self.world.sim.clock().run_due_now().await;
        outcome
    }

    /// The step with the variables known so far filled in.
    fn fill_in(&self, planned: &PlannedStep) -> Result<Step, StepError> {
        let raw = substitute(&planned.raw, &self.vars, true).map_err(|name| StepError::UnknownVariable {
            name,
            known: self.vars.keys().cloned().collect(),
        })?;
        serde_yaml::with::singleton_map_recursive::deserialize(raw).map_err(StepError::NotAStepOnceFilledIn)
    }

    /// The diagnostic for a run that went past [`SCENARIO_TIMEOUT`], at the step it was in.
    fn timed_out(&self, loaded: &Loaded) -> Diagnostic {
        let error = StepError::TimedOut(SCENARIO_TIMEOUT);
        match self.current.and_then(|i| loaded.plan.get(i)) {
            Some(step) => error.into_diagnostic(step),
            None => Diagnostic::at(loaded.file.clone(), None, None, None, error.to_string()),
        }
    }

    /// `marketplace:/path` and `console:/path` as full URLs; anything else as written.
    fn url(&self, target: &str) -> String {
        if let Some(path) = target.strip_prefix("marketplace:") {
            format!("{}{}", self.world.marketplace_url, path)
        } else if let Some(path) = target.strip_prefix("console:") {
            format!("{}{}", self.world.console_url, path)
        } else {
            target.to_owned()
        }
    }

    /// Writes the OpenAPI faults fired since the last step (an SPI fault shows on its delivery).
    fn record_openapi_faults(&mut self) {
        for f in self.world.sim.faults().fired_after(self.faults_seen) {
            if matches!(f.effect, Effect::OpenApi(_)) {
                self.transcript.note(format!(
                    "OpenAPI fault {} fired: {} on {}",
                    f.fault,
                    f.effect.label(),
                    f.on
                ));
            }
            self.faults_seen = f.number;
        }
    }

    /// Writes the SPI deliveries made since the last step, with their parameters (not the token).
    fn record_deliveries(&mut self) {
        let deliveries = self.world.sim.store().deliveries(None).unwrap_or_default();
        for d in deliveries.iter().skip(self.deliveries_seen) {
            if self.service && d.action == "createInstance" && d.outcome == "ok" {
                self.name_auth_url_site(&d.instance_id);
            }
            let at = chrono::DateTime::from_timestamp_millis(d.at)
                .map(spi_format)
                .unwrap_or_default();
            let status = d.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
            let fault = d
                .fault
                .as_ref()
                .map(|f| format!(" [fault: {f}]"))
                .unwrap_or_default();
            self.transcript.note(format!(
                "SPI {} attempt {} at {at}: {}{status}{fault}",
                d.action, d.attempt, d.outcome
            ));
            let params: Vec<String> = d
                .params
                .iter()
                .filter(|(k, _)| k != "token")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            self.transcript.note(format!("  {}", params.join(" ")));
            if let Some(message) = d.body.as_deref().and_then(answer_message) {
                self.transcript.note(format!("  answer: {message}"));
            }
        }
        self.deliveries_seen = deliveries.len();
    }
}

impl Run {
    /// A vendor's own service may send buyers to another origin than its SPI's (`console.x`
    /// beside `api.x`): the origin of the authUrl an instance was opened with is the `vendor`
    /// site too.
    fn name_auth_url_site(&mut self, instance_id: &str) {
        let auth_url = self
            .world
            .sim
            .store()
            .instance(instance_id)
            .ok()
            .flatten()
            .and_then(|i| i.auth_url());
        if let Some(url) = auth_url.and_then(|u| url::Url::parse(&u).ok()) {
            self.transcript
                .name_site(url.origin().ascii_serialization(), "vendor");
        }
    }
}

/// The `message` a vendor's JSON answer carries (what it did, or why it refused), if any.
fn answer_message(body: &str) -> Option<String> {
    let answer: serde_json::Value = serde_json::from_str(body).ok()?;
    answer.get("message")?.as_str().map(str::to_owned)
}
