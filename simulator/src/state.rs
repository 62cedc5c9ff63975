//! The simulator's one state handle: the world it started from, its store, its clock, its id
//! generator and its fault book, cheap to clone into every handler. Opening a world and resetting
//! it put the handle together with the rules it runs (`opening`); this module knows only what the
//! handle holds.

use crate::faults::book::FaultBook;
use crate::spi_client::SpiTransport;
use crate::store::{Store, StoreError};
use crate::world::World;
use protocol::clock::{Clock, Timers};
use protocol::ids::IdGen;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// How the world's clock runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockMode {
    /// Time moves only when told (scenarios, tests). Starts at the world's `clock`.
    Manual,
    /// Wall time, `scale` times as fast (sandbox, serve).
    RealTime { scale: f64 },
}

/// How to open a simulator.
#[derive(Clone)]
pub struct Options {
    /// Keep the world in this directory; in memory when None.
    pub data_dir: Option<PathBuf>,
    pub clock: ClockMode,
    /// Session and CSRF tokens from the seed alone, so replays are byte-identical. Off for anything
    /// reachable by other people.
    pub deterministic: bool,
    /// Where SPI calls go: HTTP to the vendor's URL when None; a scenario's scripted vendor may
    /// answer them instead.
    pub spi_transport: Option<Arc<dyn SpiTransport>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            data_dir: None,
            clock: ClockMode::Manual,
            deterministic: true,
            spi_transport: None,
        }
    }
}

pub(crate) struct Shared {
    pub world: World,
    pub store: Store,
    pub clock: Clock,
    pub ids: Mutex<IdGen>,
    /// Whether the generator has moved past the state `meta` holds (see [`Simulator::request_id`]).
    ids_unsaved: AtomicBool,
    pub spi: Arc<dyn SpiTransport>,
    /// Faults armed toward the vendor's SPI and its OpenAPI calls.
    pub faults: FaultBook,
    pub deterministic: bool,
    /// Held while the lifecycle reads an instance and writes what follows from it (an order, a
    /// transition), so two orders cannot both be made from the same term.
    pub terms: Mutex<()>,
    /// What the bill runs have cost so far.
    pub bill_runs: Mutex<BillRunTimes>,
    /// Kept alive here; the clock holds it weakly.
    _jobs: Arc<dyn Timers>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if *self.ids_unsaved.get_mut() {
            let state = self.ids.get_mut().unwrap_or_else(|p| p.into_inner()).state();
            if let Err(e) = self.store.set_meta(IDS_KEY, &state.to_string()) {
                tracing::error!("could not save the id generator: {e}");
            }
        }
    }
}

/// The wall time the bill runs have taken, by part — reading the records and instances from the
/// store, rating them, writing the lines and balances — and what they made: `marketsim bench`
/// reports them apart.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BillRunTimes {
    pub runs: u64,
    pub records: u64,
    pub lines: u64,
    pub reading: std::time::Duration,
    pub rating: std::time::Duration,
    pub writing: std::time::Duration,
}

/// A running fake marketplace.
#[derive(Clone)]
pub struct Simulator {
    pub(crate) shared: Arc<Shared>,
}

/// Where `meta` keeps the id generator's state.
pub(crate) const IDS_KEY: &str = "ids";

/// What a world runs on, put together by `opening`.
pub(crate) struct Parts {
    pub world: World,
    pub store: Store,
    pub clock: Clock,
    pub ids: IdGen,
    pub spi: Arc<dyn SpiTransport>,
    pub deterministic: bool,
}

impl Simulator {
    /// A simulator of `parts`, whose scheduled work `jobs` makes from a weak handle on it (the
    /// clock holds the work weakly; the simulator keeps it alive).
    pub(crate) fn assemble(parts: Parts, jobs: impl FnOnce(Weak<Shared>) -> Arc<dyn Timers>) -> Simulator {
        let shared = Arc::new_cyclic(|weak| Shared {
            world: parts.world,
            store: parts.store,
            clock: parts.clock,
            ids: Mutex::new(parts.ids),
            ids_unsaved: AtomicBool::new(false),
            spi: parts.spi,
            faults: FaultBook::default(),
            deterministic: parts.deterministic,
            terms: Mutex::new(()),
            bill_runs: Mutex::new(BillRunTimes::default()),
            _jobs: jobs(weak.clone()),
        });
        shared.clock.register(&shared._jobs);
        Simulator { shared }
    }

    pub fn world(&self) -> &World {
        &self.shared.world
    }

    /// What the bill runs have cost so far.
    pub fn bill_run_times(&self) -> BillRunTimes {
        *self.shared.bill_runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The world's fault book.
    pub fn faults(&self) -> &FaultBook {
        &self.shared.faults
    }

    /// The world's clock, to share with the vendor side of the same world.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Draws from the id generator and persists its new state.
    pub(crate) fn with_ids<T>(&self, draw: impl FnOnce(&mut IdGen) -> T) -> Result<T, StoreError> {
        let mut ids = self.shared.ids.lock().unwrap_or_else(|p| p.into_inner());
        let value = draw(&mut ids);
        self.shared.store.set_meta(IDS_KEY, &ids.state().to_string())?;
        self.shared.ids_unsaved.store(false, Ordering::Relaxed);
        Ok(value)
    }

    /// An OpenAPI `RequestId`, drawn from the same generator as every other id (so a world's ids
    /// are the same whichever requests it answers) but without a store write per request: the
    /// generator's state reaches `meta` with the next id drawn through [`Simulator::with_ids`], or
    /// when the simulator is dropped. After a killed process the generator resumes from that saved
    /// state, so a RequestId may be handed out again; every stored id is saved as it is drawn and so
    /// never repeats.
    pub(crate) fn request_id(&self) -> String {
        let mut ids = self.shared.ids.lock().unwrap_or_else(|p| p.into_inner());
        let id = ids.request_id();
        self.shared.ids_unsaved.store(true, Ordering::Relaxed);
        id
    }

    /// An unguessable token (session, CSRF); seed-only when the world is deterministic.
    pub(crate) fn secret(&self) -> Result<String, StoreError> {
        let entropy = if self.shared.deterministic {
            0
        } else {
            protocol::ids::fresh_seed()
        };
        self.with_ids(|ids| ids.secret(entropy))
    }

    /// Puts the id generator back at its seed (a reset world's).
    pub(crate) fn restart_ids(&self) {
        *self.shared.ids.lock().unwrap_or_else(|p| p.into_inner()) = IdGen::new(
            id_seed(self.shared.world.seed, self.shared.deterministic),
            "simulator",
        );
        // A cleared `meta` stands for the seed's state.
        self.shared.ids_unsaved.store(false, Ordering::Relaxed);
    }
}

/// The id generator's seed: the world's own when runs must replay byte for byte; otherwise mixed
/// with fresh entropy, so two sandboxes never hand out the same order ids, instance ids or
/// RequestIds (a vendor's service that keeps its data across sandbox runs would mistake them).
pub(crate) fn id_seed(world_seed: u64, deterministic: bool) -> u64 {
    if deterministic {
        world_seed
    } else {
        world_seed ^ protocol::ids::fresh_seed()
    }
}
