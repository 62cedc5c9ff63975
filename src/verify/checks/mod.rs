//! The named checks `verify` runs, and what they share: [`Ctx`] (the config, the HTTP client, the
//! run's fresh ids) with the calls every check makes — a signed SPI call, createInstance asked
//! until the vendor is ready, a lifecycle action that must answer `success`, the probe — each
//! call kept in the check's [`Trail`] as evidence. A check ends [`Finding::Passed`], or with why it
//! failed or could not run. The checks by topic: [`token`], [`create`], [`sso`], [`lifecycle`]
//! (wire answers and, through the probe, the vendor's state).

pub mod create;
pub mod lifecycle;
pub mod sso;
pub mod token;

use super::config::{Config, Probe};
use super::marketplace::{Marketplace, Order};
use super::wire::{self, Exchange};
use protocol::ids::IdGen;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Passed,
    Failed(String),
    /// It could not run (no probe configured, or a step before the one it checks failed).
    NotRun(String),
}

/// Why a check stopped early: the `?` of every step.
pub type Stop = Finding;

/// What a check did, in order: requests with their answers, and notes.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Trail {
    pub steps: Vec<Step>,
}

/// One piece of evidence.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum Step {
    Call { purpose: String, exchange: Exchange },
    Note { note: String },
}

impl Trail {
    pub fn call(&mut self, purpose: &str, exchange: Exchange) -> &Exchange {
        self.steps.push(Step::Call {
            purpose: purpose.into(),
            exchange,
        });
        match self.steps.last() {
            Some(Step::Call { exchange, .. }) => exchange,
            _ => unreachable!("a call was just pushed"),
        }
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.steps.push(Step::Note { note: note.into() });
    }
}

/// A check in flight.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Stop>> + Send + 'a>>;

/// How a check runs.
pub type RunCheck = Box<dyn for<'a> Fn(&'a Ctx, &'a mut Trail) -> CheckFuture<'a> + Send + Sync>;

/// A named check.
pub struct Check {
    pub name: &'static str,
    /// What it proves, in a line.
    pub what: String,
    pub run: RunCheck,
}

/// `f` as a check's runner (the closure's lifetimes made general).
pub fn runner<F>(f: F) -> RunCheck
where
    F: for<'a> Fn(&'a Ctx, &'a mut Trail) -> CheckFuture<'a> + Send + Sync + 'static,
{
    Box::new(f)
}

/// Every check, in the order they run.
pub fn all() -> Vec<Check> {
    let mut checks = Vec::new();
    checks.extend(token::CHECKS.iter().map(|c| c.to_check()));
    checks.extend(create::CHECKS.iter().map(|c| c.to_check()));
    checks.extend(sso::CHECKS.iter().map(|c| c.to_check()));
    checks.extend(lifecycle::checks());
    checks
}

/// A check written as a plain function pointer table row.
pub struct Row(
    pub &'static str,
    pub &'static str,
    pub for<'a> fn(&'a Ctx, &'a mut Trail) -> CheckFuture<'a>,
);

impl Row {
    fn to_check(&self) -> Check {
        Check {
            name: self.0,
            what: self.1.to_owned(),
            run: runner(self.2),
        }
    }
}

/// What createInstance gave back once the vendor was ready.
#[derive(Debug, Clone)]
pub struct Created {
    pub instance_id: String,
    pub auth_url: Option<String>,
}

/// What every check shares.
pub struct Ctx {
    pub config: Config,
    pub client: reqwest::Client,
    market: Marketplace,
    ids: Mutex<IdGen>,
}

impl Ctx {
    /// A context on `market` whose invented ids come from `seed`.
    pub fn new(config: Config, market: Marketplace, seed: u64) -> Ctx {
        Ctx {
            config,
            client: wire::client(),
            market,
            ids: Mutex::new(IdGen::new(seed, "verify")),
        }
    }

    /// `len` fresh digits.
    pub fn digits(&self, len: usize) -> String {
        self.ids.lock().unwrap_or_else(|e| e.into_inner()).digits(len)
    }

    /// A new order of the configured SKU, paid, held by the marketplace.
    pub fn order(&self) -> Result<Order, Stop> {
        let c = &self.config;
        self.market
            .order(&c.product_code, &c.sku, &c.ali_uid)
            .map_err(Finding::NotRun)
    }

    /// The marketplace the run stands on.
    pub fn market(&self) -> &Marketplace {
        &self.market
    }

    /// A fresh id for an order the marketplace does not hold (a renewal's, an upgrade's).
    pub fn order_id(&self) -> String {
        format!("2{}", self.digits(14))
    }

    /// The SPI URL with `query`.
    pub fn spi_url(&self, query: &str) -> String {
        protocol::spi::append_query(&self.config.spi_url, query)
    }

    /// `params` sent to the SPI URL, signed with the vendor's key.
    pub async fn spi(&self, trail: &mut Trail, purpose: &str, params: &[(String, String)]) -> Exchange {
        let url = self.spi_url(&protocol::spi::signed_query(params, &self.config.spi_key));
        self.send(trail, purpose, &url).await
    }

    /// `GET url` within the budget, kept in `trail`.
    pub async fn send(&self, trail: &mut Trail, purpose: &str, url: &str) -> Exchange {
        let exchange = wire::get(&self.client, url, &[], self.config.budget).await;
        trail.call(purpose, exchange).clone()
    }

    /// createInstance for `order`, asked again while the vendor answers `0`; fails on any answer
    /// that is not a ready instance.
    pub async fn create(&self, trail: &mut Trail, order: &Order) -> Result<Created, Stop> {
        let params = &order.create_params;
        for attempt in 1..=self.config.create_attempts {
            let exchange = self.spi(trail, "createInstance", params).await;
            let answer = create_answer(&exchange)?;
            if answer.is_ready() {
                self.market.answered(&order.order_biz_id, &exchange.body);
                return Ok(Created {
                    instance_id: answer.instance_id,
                    auth_url: answer.app_info.and_then(|a| a.auth_url),
                });
            }
            if attempt < self.config.create_attempts {
                tokio::time::sleep(self.config.create_every).await;
            }
        }
        Err(Finding::Failed(format!(
            "createInstance answered an instanceId of 0 or empty (not ready) {} times in a row, {} ms apart",
            self.config.create_attempts,
            self.config.create_every.as_millis()
        )))
    }

    /// A lifecycle action that must answer `{"success": true}` (or `"true"`).
    pub async fn act(
        &self,
        trail: &mut Trail,
        purpose: &str,
        params: &[(String, String)],
    ) -> Result<(), Stop> {
        let exchange = self.spi(trail, purpose, params).await;
        success_answer(&exchange).map_err(|why| Finding::Failed(format!("{purpose}: {why}")))
    }

    /// The vendor's record of `instance_id`, through the configured probe.
    pub async fn probe(&self, trail: &mut Trail, instance_id: &str) -> Result<Value, Stop> {
        let text =
            match &self.config.probe {
                None => return Err(Finding::NotRun(
                    "no probe is configured: name one (probe: {url: …} or {command: …}) or --skip this check"
                        .into(),
                )),
                Some(Probe::Url(template)) => {
                    let url = template.replace("{instanceId}", &url_encode(instance_id));
                    let params = url::Url::parse(&url)
                        .map(|u| u.query_pairs().into_owned().collect::<Vec<_>>())
                        .unwrap_or_default();
                    let token = protocol::spi::token(&params, &self.config.spi_key);
                    let url = protocol::spi::append_query(&url, &format!("token={token}"));
                    let exchange = self.send(trail, "probe", &url).await;
                    if !exchange.ok_status() {
                        return Err(Finding::NotRun(format!(
                            "the probe failed: {}",
                            exchange.summary()
                        )));
                    }
                    exchange.body
                }
                Some(Probe::Command(command)) => self.probe_command(trail, command, instance_id).await?,
            };
        serde_json::from_str(&text).map_err(|e| {
            Finding::NotRun(format!(
                "the probe printed no JSON ({e}): {}",
                wire::shorten(&text, 200)
            ))
        })
    }

    async fn probe_command(
        &self,
        trail: &mut Trail,
        command: &str,
        instance_id: &str,
    ) -> Result<String, Stop> {
        let run = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .arg("marketsim-probe")
            .arg(instance_id)
            .env("MARKETSIM_INSTANCE_ID", instance_id)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = match tokio::time::timeout(self.config.budget, run).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => return Err(Finding::NotRun(format!("the probe command did not start: {e}"))),
            Err(_) => {
                return Err(Finding::NotRun(
                    "the probe command ran past the time budget".into(),
                ))
            }
        };
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        trail.note(format!(
            "probe `{command}` {instance_id} → {}",
            wire::shorten(&text, 300)
        ));
        if !output.status.success() {
            return Err(Finding::NotRun(format!(
                "the probe command failed ({}): {}",
                output.status,
                wire::shorten(&String::from_utf8_lossy(&output.stderr), 200)
            )));
        }
        Ok(text)
    }
}

/// Owned name/value pairs.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn url_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The answer to a createInstance that is not an error: 2xx, JSON, an `instanceId`.
pub fn create_answer(exchange: &Exchange) -> Result<protocol::spi::CreateInstanceAnswer, Stop> {
    if let Some(why) = &exchange.failure {
        return Err(Finding::Failed(format!("createInstance: {why}")));
    }
    if !exchange.ok_status() {
        return Err(Finding::Failed(format!(
            "createInstance was refused with status {}",
            exchange.status.unwrap_or_default()
        )));
    }
    serde_json::from_str(&exchange.body).map_err(|e| {
        Finding::Failed(format!(
            "createInstance's answer is not JSON with an instanceId ({e}): {}",
            wire::shorten(&exchange.body, 200)
        ))
    })
}

/// Whether an answer says success, or why not.
pub fn success_answer(exchange: &Exchange) -> Result<(), String> {
    if let Some(why) = &exchange.failure {
        return Err(why.clone());
    }
    if !exchange.ok_status() {
        return Err(format!("status {}", exchange.status.unwrap_or_default()));
    }
    match exchange.json() {
        Some(body) if protocol::spi::is_success_answer(&body) => Ok(()),
        Some(_) => Err(format!(
            "`success` is not true: {}",
            wire::shorten(&exchange.body, 200)
        )),
        None => Err(format!(
            "the answer is not JSON: {}",
            wire::shorten(&exchange.body, 200)
        )),
    }
}

/// Whether an SPI call was refused: no answer, a non-2xx status, `success` not true, or no ready
/// `instanceId` (createInstance).
pub fn refused(exchange: &Exchange) -> bool {
    if exchange.failure.is_some() || !exchange.ok_status() {
        return true;
    }
    let Some(body) = exchange.json() else {
        return true;
    };
    let ready = serde_json::from_value::<protocol::spi::CreateInstanceAnswer>(body.clone())
        .is_ok_and(|a| a.is_ready());
    let success = protocol::spi::is_success_answer(&body);
    !(ready || success)
}

/// Fails unless the vendor answered `exchange`, in full and in time: a refusal must be an answer,
/// not a dead connection.
pub fn answered(exchange: &Exchange) -> Result<(), Stop> {
    match &exchange.failure {
        Some(why) => Err(Finding::Failed(format!("no answer: {why}"))),
        None => Ok(()),
    }
}
