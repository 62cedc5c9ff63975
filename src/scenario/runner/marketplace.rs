//! `marketplace` steps: the simulator's control hooks. `reset` empties the marketplace and puts
//! its clock back at the start, so the transcript's deliveries count from zero again; `deliver`,
//! `expire`, `release` and `resend` make a message for one instance, `balance` pays into a buyer's
//! balance or charges it (a payment that ends arrears opens their pay-as-you-go instances again),
//! and each runs what is due at once, as the control API does; `fault` arms a fault.

use super::error::StepError;
use super::Run;
use crate::scenario::model::MarketplaceStep;
use protocol::time::spi_format;
use simulator::billing::balance::parse_amount;
use simulator::faults::book::{Effect, Fault};
use simulator::store::messages::{MessageFilter, MessageState};

impl Run {
    pub(super) async fn marketplace(&mut self, m: &MarketplaceStep) -> Result<(), StepError> {
        let sim = self.world.sim.clone();
        if m.reset {
            sim.reset().await?;
            self.deliveries_seen = 0;
            self.faults_seen = 0;
            self.transcript.note(format!(
                "marketplace reset; clock now {}",
                spi_format(sim.clock().now())
            ));
        }
        if let Some(spec) = &m.fault {
            let fault = sim.arm_fault(spec).map_err(StepError::Fault)?;
            self.transcript.note(format!(
                "marketplace armed fault {}: {}",
                fault.id,
                describe_fault(&fault)
            ));
        }
        let mut queued = Vec::new();
        if let Some(d) = &m.deliver {
            let params: Vec<(String, String)> = d.params.clone().into_iter().collect();
            queued.push(sim.deliver(&d.instance, &d.action, &params)?);
        }
        if let Some(instance) = &m.expire {
            queued.push(sim.expire(instance)?);
        }
        if let Some(instance) = &m.release {
            queued.push(sim.release(instance)?);
        }
        if let Some(b) = &m.balance {
            let buyer = sim
                .world()
                .buyer(&b.buyer)
                .ok_or_else(|| StepError::UnknownBuyer(b.buyer.clone()))?;
            let (change, what) = match (&b.top_up, &b.charge) {
                (Some(amount), None) => (
                    parse_amount(amount).and_then(|a| sim.top_up(&buyer.ali_uid, a)),
                    format!("took a payment of ¥{amount} from"),
                ),
                (None, Some(amount)) => (
                    parse_amount(amount).and_then(|a| {
                        sim.charge(&buyer.ali_uid, a, b.reason.as_deref().unwrap_or("人工调账"))
                    }),
                    format!("charged ¥{amount} to"),
                ),
                _ => return Err(StepError::BalanceStep),
            };
            let change = change?;
            self.transcript.note(format!(
                "marketplace {what} {}: balance ¥{}{}",
                b.buyer,
                change.balance,
                if change.in_arrears { ", in arrears" } else { "" }
            ));
            queued.extend(change.messages);
        }
        if let Some(r) = &m.resend {
            let filter = MessageFilter {
                instance_id: Some(r.instance.clone()),
                action: Some(r.action.clone()),
                state: Some(MessageState::Failed),
                products: None,
            };
            let (latest, _) = sim.store().messages(&filter, 0, 1)?;
            let Some(message) = latest.first() else {
                return Err(StepError::NothingToResend {
                    instance: r.instance.clone(),
                    action: r.action.clone(),
                });
            };
            queued.push(sim.resend(message.id, r.reset)?);
        }
        for message in &queued {
            self.transcript.note(format!(
                "marketplace queued {} for instance {}",
                message.action, message.instance_id
            ));
        }
        if !queued.is_empty() {
            sim.clock().run_due_now().await;
        }
        Ok(())
    }
}

/// A fault in the transcript's words: `timeout on orderPay to 15511111, 2 times`.
fn describe_fault(fault: &Fault) -> String {
    let scope = &fault.scope;
    let on = match &fault.effect {
        Effect::Spi(_) => format!(
            "{} to {}",
            scope.action.as_deref().unwrap_or("any action"),
            scope
                .instance
                .as_deref()
                .map_or("any instance".into(), |i| format!("instance {i}"))
        ),
        Effect::OpenApi(_) => format!(
            "{} by {}",
            scope.operation.as_deref().unwrap_or("any operation"),
            scope.access_key.as_deref().unwrap_or("any AccessKey")
        ),
    };
    let times = if fault.count == 1 {
        "once".into()
    } else {
        format!("{} times", fault.count)
    };
    format!("{} on {on}, {times}", fault.effect.label())
}
