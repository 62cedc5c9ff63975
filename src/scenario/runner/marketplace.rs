//! `marketplace` steps: the simulator's control hooks. `reset` empties the marketplace and puts
//! its clock back at the start, so the transcript's deliveries count from zero again; `deliver`,
//! `expire`, `release` and `resend` make a message for one instance and run what is due at once,
//! as the control API does.

use super::error::StepError;
use super::Run;
use crate::scenario::model::MarketplaceStep;
use protocol::time::spi_format;
use simulator::store::messages::{MessageFilter, MessageState};

impl Run {
    pub(super) async fn marketplace(&mut self, m: &MarketplaceStep) -> Result<(), StepError> {
        let sim = self.world.sim.clone();
        if m.reset {
            sim.reset().await?;
            self.deliveries_seen = 0;
            self.transcript.note(format!(
                "marketplace reset; clock now {}",
                spi_format(sim.clock().now())
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
