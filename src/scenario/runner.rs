//! Runs one scenario: a fresh world (simulator + console stub on a manual clock, in memory), one
//! buyer browser, the planned steps in order with `${variables}` filled in as they run. Returns
//! plain data — pass or the failing step's diagnostic, the transcript, the time taken — for the
//! reporters to render.

// A diagnostic is built once per failing file, on the cold path; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use super::agent::{Agent, Locator};
use super::api::{self, Answer, Keys};
use super::load::{load, substitute, Diagnostic, Loaded, PlannedStep};
use super::model::{BuyerStep, Capture, ClockStep, Expect, HttpStep, MarketplaceStep, Step, VendorStep};
use super::scripted::ScriptedVendor;
use super::transcript::Transcript;
use crate::world::{RunningWorld, WorldSetup};
use protocol::time::{parse_duration, parse_instant, spi_format};
use simulator::ClockMode;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The longest a scenario may run in real time (a hung vendor or page ends it).
pub const SCENARIO_TIMEOUT: Duration = Duration::from_secs(60);

/// What running one scenario file gave.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub file: std::path::PathBuf,
    pub name: String,
    /// What went wrong — or, for a scenario that declares `expect_failure`, why it did not fail as
    /// declared.
    pub failure: Option<Diagnostic>,
    /// The failure a scenario declared and got (`scenarios/failing/`).
    pub expected_failure: Option<Diagnostic>,
    pub transcript: String,
    pub elapsed: Duration,
}

impl RunResult {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Loads and runs `file`.
pub async fn run_file(file: &Path) -> RunResult {
    let started = Instant::now();
    match load(file) {
        Err(d) => RunResult {
            file: file.to_owned(),
            name: file.display().to_string(),
            failure: Some(d.clone()),
            expected_failure: None,
            transcript: d.to_string(),
            elapsed: started.elapsed(),
        },
        Ok(loaded) => run(loaded, started).await,
    }
}

async fn run(loaded: Loaded, started: Instant) -> RunResult {
    let name = loaded.scenario.name.clone();
    let file = loaded.file.clone();
    let mut state = match Run::start(&loaded).await {
        Ok(s) => s,
        Err(message) => {
            let failure = Diagnostic::at(file.clone(), None, None, None, message);
            let transcript = failure.to_string();
            return RunResult {
                file,
                name,
                transcript,
                failure: Some(failure),
                expected_failure: None,
                elapsed: started.elapsed(),
            };
        }
    };
    let failure = match tokio::time::timeout(SCENARIO_TIMEOUT, state.steps(&loaded)).await {
        Ok(result) => result.err(),
        Err(_) => Some(state.diagnostic(format!("timed out after {}s", SCENARIO_TIMEOUT.as_secs()))),
    };
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

struct Run {
    world: RunningWorld,
    agent: Agent,
    transcript: Transcript,
    deliveries_seen: usize,
    /// The step running now, for diagnostics.
    current: Option<PlannedStep>,
    vars: BTreeMap<String, String>,
    /// The last API call's or raw request's answer.
    answer: Option<Answer>,
    /// The account of the last `sign_in`: whose keys sign the buyer's calls.
    account: Option<String>,
    /// The scripted vendor, when the scenario asked for one.
    scripted: Option<std::sync::Arc<ScriptedVendor>>,
}

impl Run {
    async fn start(loaded: &Loaded) -> Result<Run, String> {
        let given = &loaded.scenario.given;
        if let Some(w) = &given.world {
            if w != "default" {
                return Err(format!("unknown world `{w}`: only `default` exists"));
            }
        }
        let mut setup = WorldSetup::default_world(ClockMode::Manual);
        let scripted = match given.vendor.as_deref() {
            None | Some("console-stub") => None,
            Some("scripted") => Some(std::sync::Arc::new(ScriptedVendor::default())),
            Some(other) => return Err(format!("unknown vendor `{other}`: use console-stub or scripted")),
        };
        if let Some(s) = &scripted {
            setup.spi_transport = Some(s.clone());
        }
        if let Some(over) = &given.marketplace {
            let yaml = crate::world::overridden(simulator::world::DEFAULT_WORLD_YAML, over)?;
            setup.marketplace =
                simulator::World::from_yaml(&yaml).map_err(|e| format!("given.marketplace: {e}"))?;
        }
        if let Some(over) = &given.console {
            let yaml = crate::world::overridden(console_stub::world::DEFAULT_WORLD, over)?;
            setup.console =
                console_stub::ConsoleWorld::from_yaml(&yaml).map_err(|e| format!("given.console: {e}"))?;
        }
        if let Some(clock) = &given.clock {
            parse_instant(clock).ok_or_else(|| format!("given.clock `{clock}` is not a date"))?;
            setup.marketplace.clock = clock.clone();
        }
        if let Some(seed) = given.seed {
            setup.marketplace.seed = seed;
            setup.console.seed = seed;
        }
        let world = RunningWorld::start(setup).await.map_err(|e| format!("{e:#}"))?;
        let sites = vec![
            (world.marketplace_url.clone(), "marketplace".to_string()),
            (world.console_url.clone(), "console".to_string()),
        ];
        let transcript = Transcript::new(&loaded.scenario.name, sites);
        let agent = Agent::new().map_err(|e| e.to_string())?;
        let vars = loaded.scenario.vars.clone();
        Ok(Run {
            world,
            agent,
            transcript,
            deliveries_seen: 0,
            current: None,
            vars,
            answer: None,
            account: None,
            scripted,
        })
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        match &self.current {
            Some(step) => {
                let mut d = Diagnostic::at(step.file.clone(), Some(&step.source), step.line, None, message);
                d.step = Some(step.number.clone());
                d
            }
            None => Diagnostic::at(std::path::PathBuf::new(), None, None, None, message),
        }
    }

    async fn steps(&mut self, loaded: &Loaded) -> Result<(), Diagnostic> {
        for planned in &loaded.plan {
            self.current = Some(planned.clone());
            let raw = substitute(&planned.raw, &self.vars, true).map_err(|name| {
                self.diagnostic(format!(
                    "unknown variable ${{{name}}} (known: {})",
                    self.known_vars()
                ))
            })?;
            let step: Step = serde_yaml::with::singleton_map_recursive::deserialize(raw)
                .map_err(|e| self.diagnostic(format!("after filling in variables: {e}")))?;
            self.transcript.step(
                self.world.sim.clock().now(),
                &planned.number,
                &planned.file,
                planned.line,
                &describe(&step),
            );
            let outcome = match &step {
                Step::Buyer(b) => self.buyer(b).await,
                Step::Vendor(v) => self.vendor(v).await,
                Step::Marketplace(m) => self.marketplace(m).await,
                Step::Clock(c) => self.clock(c).await,
                Step::Expect(e) => self.expect(e),
                Step::Capture(c) => self.capture(c),
                Step::Include(_) => Err("an include was not expanded".into()),
            };
            for e in self.agent.take_exchanges() {
                self.transcript.exchange(&e);
            }
            self.record_deliveries();
            outcome.map_err(|message| self.diagnostic(message))?;
        }
        Ok(())
    }

    fn known_vars(&self) -> String {
        if self.vars.is_empty() {
            "none".into()
        } else {
            self.vars
                .keys()
                .map(|k| format!("${{{k}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    fn capture(&mut self, captures: &BTreeMap<String, Capture>) -> Result<(), String> {
        for (name, from) in captures {
            let value = match from {
                Capture::Page(pattern) => {
                    first_group(pattern, &self.agent.page_text().map_err(|e| e.to_string())?)?
                }
                Capture::Json(path) => {
                    let answer = self.answer.as_ref().ok_or("no API answer to capture from")?;
                    let value = super::json::at(&answer.body, path)
                        .ok_or_else(|| format!("the last answer has nothing at {path}"))?;
                    match value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                }
                Capture::Url(pattern) => {
                    let url = self.agent.page().map_err(|e| e.to_string())?.url().to_string();
                    first_group(pattern, &url)?
                }
                Capture::Spi { action, param } => {
                    let deliveries = self
                        .world
                        .sim
                        .store()
                        .deliveries(None)
                        .map_err(|e| e.to_string())?;
                    let latest = deliveries.iter().rev().find(|d| d.action == *action);
                    let latest = latest.ok_or_else(|| format!("no {action} delivery to capture from"))?;
                    latest
                        .params
                        .iter()
                        .find(|(k, _)| k == param)
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| format!("the latest {action} delivery has no parameter {param}"))?
                }
            };
            self.transcript.note(format!("captured {name} = {value}"));
            self.vars.insert(name.clone(), value);
        }
        Ok(())
    }

    fn url(&self, target: &str) -> String {
        if let Some(path) = target.strip_prefix("marketplace:") {
            format!("{}{}", self.world.marketplace_url, path)
        } else if let Some(path) = target.strip_prefix("console:") {
            format!("{}{}", self.world.console_url, path)
        } else {
            target.to_owned()
        }
    }

    async fn buyer(&mut self, b: &BuyerStep) -> Result<(), String> {
        let scoped = |label: &str| {
            let mut l = Locator::new(label);
            if let Some(row) = &b.row {
                l = l.in_row(row.clone());
            }
            if let Some(dialog) = &b.dialog {
                l = l.in_dialog(dialog.clone());
            }
            if b.nav {
                l = l.in_nav();
            }
            l
        };
        if let Some(login) = &b.sign_in {
            let buyer = self
                .world
                .sim
                .world()
                .buyer(login)
                .cloned()
                .ok_or_else(|| format!("no buyer `{login}` in the world"))?;
            self.account = Some(buyer.login.clone());
            self.agent
                .open(&self.url("marketplace:/signin"))
                .await
                .map_err(|e| e.to_string())?;
            self.agent
                .fill("账号名", &buyer.login)
                .map_err(|e| e.to_string())?;
            self.agent
                .fill("密码", &buyer.password)
                .map_err(|e| e.to_string())?;
            self.agent.submit("登录").await.map_err(|e| e.to_string())?;
        }
        if let Some(target) = &b.open {
            self.agent
                .open(&self.url(target))
                .await
                .map_err(|e| e.to_string())?;
        }
        for (label, value) in b.fill.iter().flatten() {
            let acted = self.agent.fill(scoped(label), value).map_err(|e| e.to_string())?;
            self.transcript.note(format!("filled {acted}"));
        }
        for (label, check) in [(&b.check, true), (&b.uncheck, false)] {
            if let Some(label) = label {
                let acted = if check {
                    self.agent.check(scoped(label))
                } else {
                    self.agent.uncheck(scoped(label))
                };
                self.transcript.note(format!(
                    "{} {}",
                    if check { "checked" } else { "unchecked" },
                    acted.map_err(|e| e.to_string())?
                ));
            }
        }
        if let Some(label) = &b.choose {
            let acted = self.agent.choose(scoped(label)).map_err(|e| e.to_string())?;
            self.transcript.note(format!("chose {acted}"));
        }
        if let Some(label) = &b.click {
            let acted = self.agent.click(scoped(label)).await.map_err(|e| e.to_string())?;
            self.transcript.note(format!("clicked {acted}"));
        }
        if let Some(label) = &b.submit {
            let acted = self
                .agent
                .submit(scoped(label))
                .await
                .map_err(|e| e.to_string())?;
            self.transcript.note(format!("submitted {acted}"));
        }
        if let Some(action) = &b.call {
            let login = b
                .account
                .clone()
                .or_else(|| self.account.clone())
                .ok_or("a buyer call needs `account:` or an earlier `sign_in`")?;
            let buyer = self
                .world
                .sim
                .world()
                .buyer(&login)
                .cloned()
                .ok_or_else(|| format!("no buyer `{login}` in the world"))?;
            let keys = Keys {
                access_key_id: buyer.access_key_id,
                secret: buyer.access_key_secret,
                security_token: None,
            };
            self.api_call(&keys, action, &b.params).await?;
        }
        Ok(())
    }

    async fn vendor(&mut self, v: &VendorStep) -> Result<(), String> {
        let vendor = self
            .world
            .sim
            .world()
            .vendors
            .first()
            .cloned()
            .ok_or("the world has no vendor")?;
        if let Some(action) = &v.call {
            let keys = if v.sts {
                let sts = self
                    .world
                    .sim
                    .world()
                    .sts
                    .iter()
                    .find(|c| c.owner == vendor.id)
                    .cloned();
                let sts =
                    sts.ok_or_else(|| format!("the world has no STS credentials for vendor {}", vendor.id))?;
                Keys {
                    access_key_id: sts.access_key_id,
                    secret: sts.access_key_secret,
                    security_token: Some(sts.security_token),
                }
            } else {
                Keys {
                    access_key_id: vendor.access_key_id.clone(),
                    secret: vendor.access_key_secret.clone(),
                    security_token: None,
                }
            };
            self.api_call(&keys, action, &v.params).await?;
        }
        if let Some(http) = &v.http {
            self.http(http, &vendor.spi_key).await?;
        }
        if let Some(answers) = &v.answers {
            let scripted = self
                .scripted
                .as_ref()
                .ok_or("`answers:` needs `given: { vendor: scripted }`")?;
            scripted.push(answers)?;
            self.transcript.note(format!(
                "queued {} scripted answer(s)",
                answers.iter().map(|a| a.times.unwrap_or(1)).sum::<u32>()
            ));
        }
        Ok(())
    }

    async fn api_call(
        &mut self,
        keys: &Keys,
        action: &str,
        params: &BTreeMap<String, serde_yaml::Value>,
    ) -> Result<(), String> {
        let pairs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.clone(), super::json::param_text(v)))
            .collect();
        let answer = api::call(&self.world.marketplace_url, keys, action, &pairs)
            .await
            .map_err(|e| e.to_string())?;
        let (method, _) = api::placement(action);
        self.transcript.note(format!(
            "{method} marketplace:/ {action} {}",
            api::summary(&answer)
        ));
        self.answer = Some(answer);
        Ok(())
    }

    async fn http(&mut self, h: &HttpStep, spi_key: &str) -> Result<(), String> {
        let mut url = self.url(&h.url);
        if h.spi_token {
            let (base, query) = url
                .split_once('?')
                .map(|(b, q)| (b.to_owned(), q.to_owned()))
                .unwrap_or((url.clone(), String::new()));
            let params = protocol::spi::decode_query(&query);
            url = protocol::spi::append_query(&base, &protocol::spi::signed_query(&params, spi_key));
        }
        let form: Option<Vec<(String, String)>> = h
            .form
            .as_ref()
            .map(|f| f.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        let method = h.method.clone().unwrap_or_else(|| {
            if form.is_some() {
                "POST".into()
            } else {
                "GET".into()
            }
        });
        let answer = api::raw(&method, &url, form.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        let shown = url::Url::parse(&url)
            .map(|u| self.transcript.site_url(&u))
            .unwrap_or(url.clone());
        self.transcript.note(format!(
            "{} {shown} {}",
            method.to_ascii_uppercase(),
            api::summary(&answer)
        ));
        self.answer = Some(answer);
        Ok(())
    }

    async fn marketplace(&mut self, m: &MarketplaceStep) -> Result<(), String> {
        if m.reset {
            self.world.sim.reset().await.map_err(|e| e.to_string())?;
            self.deliveries_seen = 0;
            self.transcript.note(format!(
                "marketplace reset; clock now {}",
                spi_format(self.world.sim.clock().now())
            ));
        }
        Ok(())
    }

    async fn clock(&mut self, c: &ClockStep) -> Result<(), String> {
        let clock = self.world.sim.clock().clone();
        match c {
            ClockStep::Advance(by) => {
                clock
                    .advance(parse_duration(by)?)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            ClockStep::AdvanceTo(to) => {
                let t = parse_instant(to).ok_or_else(|| format!("`{to}` is not a date"))?;
                clock.advance_to(t).await.map_err(|e| e.to_string())?;
            }
            ClockStep::RunUntilIdle(limit) => {
                clock.run_until_idle(parse_duration(limit)?).await;
            }
        }
        self.transcript
            .note(format!("clock now {}", spi_format(clock.now())));
        Ok(())
    }

    fn record_deliveries(&mut self) {
        let deliveries = self.world.sim.store().deliveries(None).unwrap_or_default();
        for d in deliveries.iter().skip(self.deliveries_seen) {
            let at = chrono::DateTime::from_timestamp_millis(d.at)
                .map(spi_format)
                .unwrap_or_default();
            let status = d.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
            self.transcript.note(format!(
                "SPI {} attempt {} at {at}: {}{status}",
                d.action, d.attempt, d.outcome
            ));
            let params: Vec<String> = d
                .params
                .iter()
                .filter(|(k, _)| k != "token")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            self.transcript.note(format!("  {}", params.join(" ")));
        }
        self.deliveries_seen = deliveries.len();
    }

    fn expect(&mut self, e: &Expect) -> Result<(), String> {
        self.expect_answer(e)?;
        let about_page = e.page_contains.is_some()
            || e.page_lacks.is_some()
            || e.site.is_some()
            || e.path.is_some()
            || e.status.is_some();
        if !about_page {
            return self.expect_spi(e);
        }
        let page = self.agent.page().map_err(|e| e.to_string())?;
        let text = page.text();
        let excerpt = || {
            let cut: String = text.chars().take(400).collect();
            format!(
                "\n  the page ({}) reads: {cut}",
                self.transcript.site_url(page.url())
            )
        };
        if let Some(wanted) = &e.page_contains {
            if !text.contains(wanted.as_str()) {
                return Err(format!("expected the page to contain \"{wanted}\"{}", excerpt()));
            }
        }
        if let Some(unwanted) = &e.page_lacks {
            if text.contains(unwanted.as_str()) {
                return Err(format!(
                    "expected the page not to contain \"{unwanted}\"{}",
                    excerpt()
                ));
            }
        }
        let here = self.transcript.site_url(page.url());
        if let Some(site) = &e.site {
            if !here.starts_with(&format!("{site}:")) {
                return Err(format!("expected to be on {site}, but the page is {here}"));
            }
        }
        if let Some(path) = &e.path {
            if page.url().path() != path {
                return Err(format!("expected path {path}, but the page is {here}"));
            }
        }
        if let Some(status) = e.status {
            if page.status() != status {
                return Err(format!(
                    "expected status {status}, got {} at {here}",
                    page.status()
                ));
            }
        }
        self.expect_spi(e)
    }

    fn expect_answer(&self, e: &Expect) -> Result<(), String> {
        if e.answer_status.is_none() && e.json.is_none() {
            return Ok(());
        }
        let answer = self
            .answer
            .as_ref()
            .ok_or("no API call or raw request has answered yet")?;
        if let Some(status) = e.answer_status {
            if answer.status != status {
                return Err(format!(
                    "expected the answer's status {status}, got {}",
                    api::summary(answer)
                ));
            }
        }
        for (path, expected) in e.json.iter().flatten() {
            super::json::check(&answer.body, path, expected)
                .map_err(|m| format!("{m}\n  the answer: {}", api::summary(answer)))?;
        }
        Ok(())
    }

    fn expect_spi(&self, e: &Expect) -> Result<(), String> {
        if let Some(spi) = &e.spi {
            let deliveries = self
                .world
                .sim
                .store()
                .deliveries(None)
                .map_err(|e| e.to_string())?;
            let matching = deliveries
                .iter()
                .filter(|d| spi.action.as_ref().is_none_or(|a| *a == d.action))
                .filter(|d| spi.outcome.as_ref().is_none_or(|o| *o == d.outcome))
                .count();
            let ok = match spi.count {
                Some(n) => matching == n,
                None => matching > 0,
            };
            if !ok {
                let seen: Vec<String> = deliveries
                    .iter()
                    .map(|d| format!("{} {}", d.action, d.outcome))
                    .collect();
                let wanted = format!(
                    "{} {} deliver{}{}",
                    spi.count.map(|n| n.to_string()).unwrap_or_else(|| "some".into()),
                    spi.action.as_deref().unwrap_or("SPI"),
                    if spi.count == Some(1) { "y" } else { "ies" },
                    spi.outcome
                        .as_ref()
                        .map(|o| format!(" with outcome {o}"))
                        .unwrap_or_default()
                );
                return Err(format!(
                    "expected {wanted}, found {matching}; deliveries so far: [{}]",
                    seen.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// A step in one line, for the transcript.
fn describe(step: &Step) -> String {
    match step {
        Step::Buyer(b) => {
            let mut parts = Vec::new();
            if let Some(v) = &b.sign_in {
                parts.push(format!("sign in as {v}"));
            }
            if let Some(v) = &b.open {
                parts.push(format!("open {v}"));
            }
            if let Some(f) = &b.fill {
                parts.push(format!(
                    "fill {}",
                    f.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            let labelled = [
                ("check", &b.check),
                ("uncheck", &b.uncheck),
                ("choose", &b.choose),
                ("click", &b.click),
                ("submit", &b.submit),
                ("in row", &b.row),
                ("in dialog", &b.dialog),
            ];
            for (label, value) in labelled {
                if let Some(v) = value {
                    parts.push(format!("{label} {v}"));
                }
            }
            if b.nav {
                parts.push("in nav".into());
            }
            if let Some(v) = &b.call {
                parts.push(format!("call {v}{}", params_text(&b.params)));
            }
            format!("buyer {}", parts.join(", "))
        }
        Step::Clock(ClockStep::Advance(by)) => format!("clock advance {by}"),
        Step::Clock(ClockStep::AdvanceTo(to)) => format!("clock advance to {to}"),
        Step::Clock(ClockStep::RunUntilIdle(limit)) => format!("clock run until idle (at most {limit})"),
        Step::Expect(_) => "expect".into(),
        Step::Vendor(v) => {
            let mut parts = Vec::new();
            if let Some(call) = &v.call {
                parts.push(format!(
                    "call {call}{}{}",
                    if v.sts { " (STS)" } else { "" },
                    params_text(&v.params)
                ));
            }
            if let Some(h) = &v.http {
                parts.push(format!(
                    "http {} {}",
                    h.method
                        .as_deref()
                        .unwrap_or(if h.form.is_some() { "POST" } else { "GET" }),
                    h.url
                ));
            }
            if let Some(a) = &v.answers {
                parts.push(format!(
                    "answers ×{}",
                    a.iter().map(|a| a.times.unwrap_or(1)).sum::<u32>()
                ));
            }
            format!("vendor {}", parts.join(", "))
        }
        Step::Marketplace(m) => format!("marketplace{}", if m.reset { " reset" } else { "" }),
        Step::Capture(c) => format!("capture {}", c.keys().cloned().collect::<Vec<_>>().join(", ")),
        Step::Include(i) => format!("include {}", i.file),
    }
}

/// A call's parameters for the step line: `InstanceId=… PageSize=…` (long values cut).
fn params_text(params: &BTreeMap<String, serde_yaml::Value>) -> String {
    if params.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let text = super::json::param_text(v);
            let cut: String = text.chars().take(80).collect();
            format!("{k}={cut}{}", if text.chars().count() > 80 { "…" } else { "" })
        })
        .collect();
    format!(" {}", shown.join(" "))
}

/// The first group of `pattern`'s first match in `text` (the whole match when it has no group).
fn first_group(pattern: &str, text: &str) -> Result<String, String> {
    let re =
        regex::Regex::new(pattern).map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
    let caps = re.captures(text).ok_or_else(|| {
        let excerpt: String = text.chars().take(300).collect();
        format!("`{pattern}` matches nothing in: {excerpt}")
    })?;
    Ok(caps
        .get(1)
        .or_else(|| caps.get(0))
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default())
}
