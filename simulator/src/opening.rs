//! Opening a world and resetting it: the state handle (`state`) put together with the rules a
//! world runs — its scheduled work (`delivery`, through `spi_client`) and its fixture data
//! (`seed`) — and the clock and id generator a data directory kept, so a restarted world resumes
//! both.

use crate::lifecycle::schedule::JobRunner;
use crate::spi_client::SpiClient;
use crate::state::{id_seed, ClockMode, Options, Parts, Simulator, IDS_KEY};
use crate::store::{Store, StoreError};
use crate::world::World;
use protocol::clock::{Clock, ClockState, Timers};
use protocol::ids::IdGen;
use std::sync::Arc;

/// Where `meta` keeps the clock's state.
const CLOCK_KEY: &str = "clock";
/// Set in `meta` once the fixtures are in the store.
const SEEDED_KEY: &str = "seeded";

impl Simulator {
    /// Opens (or, with a data directory, resumes) a world.
    pub fn open(world: World, options: Options) -> Result<Simulator, StoreError> {
        let store = Store::open(options.data_dir.as_deref())?;
        let saved: Option<ClockState> = store
            .meta(CLOCK_KEY)?
            .and_then(|text| serde_json::from_str(&text).ok());
        let clock = match (options.clock, saved) {
            (ClockMode::Manual, Some(state @ ClockState::Manual { .. })) => Clock::from_state(&state),
            (ClockMode::RealTime { .. }, Some(state @ ClockState::RealTime { .. })) => {
                Clock::from_state(&state)
            }
            (ClockMode::Manual, _) => Clock::manual(world.start()),
            (ClockMode::RealTime { scale }, _) => Clock::real_time_scaled(scale, chrono::TimeDelta::zero()),
        };
        let ids = match store.meta(IDS_KEY)?.and_then(|s| s.parse().ok()) {
            Some(state) => IdGen::from_state(state),
            None => IdGen::new(id_seed(world.seed, options.deterministic), "simulator"),
        };
        let parts = Parts {
            world,
            store: store.clone(),
            clock: clock.clone(),
            ids,
            spi: options
                .spi_transport
                .clone()
                .unwrap_or_else(|| Arc::new(SpiClient::default())),
            deterministic: options.deterministic,
        };
        let sim = Simulator::assemble(parts, |weak| Arc::new(JobRunner::new(weak)) as Arc<dyn Timers>);
        store.set_meta(
            CLOCK_KEY,
            &serde_json::to_string(&clock.state()).expect("clock state serializes"),
        )?;
        let persist = store.clone();
        clock.on_change(move |state| {
            let text = serde_json::to_string(state).expect("clock state serializes");
            if let Err(e) = persist.set_meta(CLOCK_KEY, &text) {
                tracing::error!("could not save the clock: {e}");
            }
        });
        if store.meta(SEEDED_KEY)?.is_none() {
            crate::seed::all(&sim)?;
            store.set_meta(SEEDED_KEY, "1")?;
        }
        Ok(sim)
    }

    /// The default world in memory on a manual clock.
    pub fn for_tests() -> Simulator {
        Simulator::open(World::default_world(), Options::default()).expect("an in-memory store opens")
    }

    /// Empties the world: no orders, instances, deliveries, sessions or faults; the id generator
    /// back at its seed; a manual clock back at the world's start; the fixtures back in place.
    pub async fn reset(&self) -> Result<(), StoreError> {
        let store = self.store();
        store.clear()?;
        self.faults().clear();
        self.restart_ids();
        if self.clock().is_manual() {
            self.clock().reset_to(self.world().start()).await;
        }
        store.set_meta(
            CLOCK_KEY,
            &serde_json::to_string(&self.clock().state()).expect("serializes"),
        )?;
        crate::seed::all(self)?;
        store.set_meta(SEEDED_KEY, "1")?;
        Ok(())
    }
}
