//! `clock` steps: the world's manual clock moved by a duration, to a date, or until no work is
//! due within a limit; scheduled work runs at its own instant on the way.

use super::error::StepError;
use super::Run;
use crate::scenario::model::ClockStep;
use crate::scenario::service::FOLLOWS_WITHIN;
use protocol::time::{parse_duration, parse_instant, spi_format};

impl Run {
    pub(super) async fn clock(&mut self, c: &ClockStep) -> Result<(), StepError> {
        let clock = self.world.sim.clock().clone();
        match c {
            ClockStep::Advance(by) => {
                clock.advance(duration(by)?).await?;
            }
            ClockStep::AdvanceTo(to) => {
                let t = parse_instant(to).ok_or_else(|| StepError::NotADate(to.clone()))?;
                clock.advance_to(t).await?;
            }
            ClockStep::RunUntilIdle(limit) => {
                clock.run_until_idle(duration(limit)?).await;
            }
        }
        self.transcript
            .note(format!("clock now {}", spi_format(clock.now())));
        if let Some(note) = self.ahead_of_the_wall_clock() {
            self.transcript.note(note);
        }
        Ok(())
    }

    /// Why a vendor's service may refuse what the world sends it, when the world's clock has run
    /// further ahead of the wall clock than such a service follows; None otherwise.
    pub(super) fn ahead_of_the_wall_clock(&self) -> Option<String> {
        let ahead = (self.world.sim.clock().now() - protocol::clock::wall_now())
            .to_std()
            .unwrap_or_default();
        (self.service && ahead > FOLLOWS_WITHIN).then(|| format!(
            "the world's clock is {} ahead of the wall clock: a vendor's service lives on the wall clock, and what it checks for freshness (a 免登 link's timeStamp) may now be refused",
            protocol::time::format_duration(ahead)
        ))
    }
}

fn duration(text: &str) -> Result<std::time::Duration, StepError> {
    parse_duration(text).map_err(StepError::BadDuration)
}
