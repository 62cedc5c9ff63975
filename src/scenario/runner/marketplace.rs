//! `marketplace` steps: the simulator's control hooks. `reset` empties the marketplace and puts
//! its clock back at the start, so the transcript's deliveries count from zero again.

use super::error::StepError;
use super::Run;
use crate::scenario::model::MarketplaceStep;
use protocol::time::spi_format;

impl Run {
    pub(super) async fn marketplace(&mut self, m: &MarketplaceStep) -> Result<(), StepError> {
        if m.reset {
            self.world.sim.reset().await?;
            self.deliveries_seen = 0;
            self.transcript.note(format!(
                "marketplace reset; clock now {}",
                spi_format(self.world.sim.clock().now())
            ));
        }
        Ok(())
    }
}
