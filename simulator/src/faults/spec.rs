//! A fault as a user writes it — the same fields in the control API's JSON and a scenario's YAML —
//! and the checks that turn it into an armed fault: a known kind, a status that is an error, an
//! action the marketplace delivers, an instance the world has, an operation the OpenAPI answers,
//! an AccessKey the world issued, a count of at least one.
//!
//! ```yaml
//! { spi: timeout, action: orderPay, instance: "15511111", count: 2 }
//! { spi: status, status: 503 }        # also: malformed, refused, duplicate, swap
//! { openapi: throttle, operation: PushMeteringData, access_key: LTAI5tZillizVendor0001 }
//! { openapi: server_error, status: 503 }
//! { openapi: slow, delay: 15s }       # also: drop
//! ```

use super::book::{Effect, OpenApiFault, Scope, SpiFault};
use crate::delivery::action::Action;
use crate::state::Simulator;
use serde::Deserialize;
use std::time::Duration;

/// The longest an OpenAPI answer may be held back.
pub const MAX_DELAY: Duration = Duration::from_secs(300);

/// How long a `slow` OpenAPI fault holds its answer unless told: past the official SDKs' 10 s
/// read timeout.
pub const DEFAULT_DELAY: Duration = Duration::from_secs(15);

/// The most times one fault may fire.
pub const MAX_COUNT: u32 = 1_000_000;

/// A fault as written.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// timeout, status, malformed, refused, duplicate or swap.
    pub spi: Option<String>,
    /// throttle, server_error, slow or drop.
    pub openapi: Option<String>,
    /// For `spi: status` (default 500) and `openapi: server_error` (default 500).
    pub status: Option<u16>,
    /// For `openapi: slow`: how long the answer is held, `15s` unless told.
    pub delay: Option<String>,
    pub action: Option<String>,
    pub instance: Option<String>,
    pub operation: Option<String>,
    pub access_key: Option<String>,
    /// How many calls it fires on (default 1).
    pub count: Option<u32>,
}

/// What arming a fault needs to know, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub effect: Effect,
    pub scope: Scope,
    pub count: u32,
}

/// An example of each kind, for error messages.
pub const EXAMPLE: &str = r#"{"spi": "timeout", "action": "orderPay", "instance": "15511111", "count": 2} or {"openapi": "throttle", "operation": "PushMeteringData"}"#;

impl FaultSpec {
    /// Checks the fault against `sim`'s world and store.
    pub fn check(&self, sim: &Simulator) -> Result<Checked, String> {
        let count = self.count.unwrap_or(1);
        if count == 0 || count > MAX_COUNT {
            return Err(format!("`count` must be 1 to {MAX_COUNT}, not {count}"));
        }
        let effect = match (&self.spi, &self.openapi) {
            (Some(kind), None) => Effect::Spi(self.spi_fault(kind)?),
            (None, Some(kind)) => Effect::OpenApi(self.openapi_fault(kind)?),
            _ => return Err("give exactly one of `spi` and `openapi`".into()),
        };
        let scope = Scope {
            action: self.action.clone(),
            instance: self.instance.clone(),
            operation: self.operation.clone(),
            access_key: self.access_key.clone(),
        };
        match effect {
            Effect::Spi(_) => self.check_spi_scope(sim)?,
            Effect::OpenApi(_) => self.check_openapi_scope(sim)?,
        }
        Ok(Checked { effect, scope, count })
    }

    fn spi_fault(&self, kind: &str) -> Result<SpiFault, String> {
        if self.delay.is_some() {
            return Err("`delay` is for `openapi: slow`; an SPI `timeout` is judged at once".into());
        }
        let fault = match kind {
            "timeout" => SpiFault::Timeout,
            "status" => SpiFault::Status(error_status(self.status.unwrap_or(500), 400)?),
            "malformed" => SpiFault::Malformed,
            "refused" => SpiFault::Refused,
            "duplicate" => SpiFault::Duplicate,
            "swap" => SpiFault::Swap,
            other => {
                return Err(format!(
                    "unknown SPI fault `{other}` (there are timeout, status, malformed, refused, duplicate, swap)"
                ))
            }
        };
        if self.status.is_some() && !matches!(fault, SpiFault::Status(_)) {
            return Err(format!("`status` is for `spi: status`, not `spi: {kind}`"));
        }
        Ok(fault)
    }

    fn openapi_fault(&self, kind: &str) -> Result<OpenApiFault, String> {
        let fault = match kind {
            "throttle" => OpenApiFault::Throttle,
            "server_error" => OpenApiFault::ServerError(error_status(self.status.unwrap_or(500), 500)?),
            "slow" => {
                let delay = match &self.delay {
                    Some(text) => protocol::time::parse_duration(text)?,
                    None => DEFAULT_DELAY,
                };
                if delay.is_zero() || delay > MAX_DELAY {
                    return Err(format!(
                        "`delay` must be more than nothing and at most {}",
                        protocol::time::format_duration(MAX_DELAY)
                    ));
                }
                OpenApiFault::Slow(delay)
            }
            "drop" => OpenApiFault::Drop,
            other => {
                return Err(format!(
                    "unknown OpenAPI fault `{other}` (there are throttle, server_error, slow, drop)"
                ))
            }
        };
        if self.status.is_some() && !matches!(fault, OpenApiFault::ServerError(_)) {
            return Err(format!(
                "`status` is for `openapi: server_error`, not `openapi: {kind}`"
            ));
        }
        if self.delay.is_some() && !matches!(fault, OpenApiFault::Slow(_)) {
            return Err(format!("`delay` is for `openapi: slow`, not `openapi: {kind}`"));
        }
        Ok(fault)
    }

    fn check_spi_scope(&self, sim: &Simulator) -> Result<(), String> {
        if self.operation.is_some() || self.access_key.is_some() {
            return Err(
                "an SPI fault is scoped by `action` and `instance`, not `operation` or `access_key`".into(),
            );
        }
        if let Some(action) = &self.action {
            Action::parse(action)?;
        }
        if let Some(instance) = &self.instance {
            match sim.store().instance(instance) {
                Ok(Some(_)) => {}
                Ok(None) => return Err(format!("no instance `{instance}` in this world")),
                Err(e) => return Err(format!("the store could not be read: {e}")),
            }
        }
        Ok(())
    }

    fn check_openapi_scope(&self, sim: &Simulator) -> Result<(), String> {
        if self.action.is_some() || self.instance.is_some() {
            return Err(
                "an OpenAPI fault is scoped by `operation` and `access_key`, not `action` or `instance`"
                    .into(),
            );
        }
        if let Some(operation) = &self.operation {
            if sim.faults().is_operation(operation) == Some(false) {
                return Err(format!("the Market OpenAPI has no operation `{operation}`"));
            }
        }
        if let Some(key) = &self.access_key {
            if !issued(sim, key) {
                return Err(format!("the world issued no AccessKey `{key}`"));
            }
        }
        Ok(())
    }
}

/// `status` if it is an error status at or above `lowest`.
fn error_status(status: u16, lowest: u16) -> Result<u16, String> {
    if (lowest..=599).contains(&status) {
        Ok(status)
    } else {
        Err(format!("`status` must be {lowest} to 599, not {status}"))
    }
}

/// Whether the world issued AccessKeyId `key` (a vendor's, a buyer's or an STS key).
fn issued(sim: &Simulator, key: &str) -> bool {
    let world = sim.world();
    world.vendors.iter().any(|v| v.access_key_id == key)
        || world.buyers.iter().any(|b| b.access_key_id == key)
        || world.sts.iter().any(|s| s.access_key_id == key)
}
