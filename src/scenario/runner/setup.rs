//! The world a scenario starts from: its `given:` (world, vendor, overrides, clock, seed) turned
//! into a running world, with the buyer's browser and an empty transcript — the [`Run`] before its
//! first step.

use super::error::SetupError;
use super::Run;
use crate::scenario::agent::Agent;
use crate::scenario::load::Loaded;
use crate::scenario::scripted::ScriptedVendor;
use crate::scenario::transcript::Transcript;
use crate::world::{overridden, RunningWorld, WorldSetup};
use protocol::time::parse_instant;
use simulator::ClockMode;
use std::sync::Arc;

impl Run {
    pub(super) async fn start(loaded: &Loaded) -> Result<Run, SetupError> {
        let given = &loaded.scenario.given;
        if let Some(w) = &given.world {
            if w != "default" {
                return Err(SetupError::UnknownWorld(w.clone()));
            }
        }
        let mut setup = WorldSetup::default_world(ClockMode::Manual);
        let scripted = match given.vendor.as_deref() {
            None | Some("console-stub") => None,
            Some("scripted") => Some(Arc::new(ScriptedVendor::default())),
            Some(other) => return Err(SetupError::UnknownVendor(other.to_owned())),
        };
        if let Some(s) = &scripted {
            setup.spi_transport = Some(s.clone());
        }
        if let Some(over) = &given.marketplace {
            let yaml = overridden(simulator::world::DEFAULT_WORLD_YAML, over)?;
            setup.marketplace = simulator::World::from_yaml(&yaml)?;
        }
        if let Some(over) = &given.console {
            let yaml = overridden(console_stub::world::DEFAULT_WORLD, over)?;
            setup.console = console_stub::ConsoleWorld::from_yaml(&yaml)?;
        }
        if let Some(clock) = &given.clock {
            parse_instant(clock).ok_or_else(|| SetupError::Clock(clock.clone()))?;
            setup.marketplace.clock = clock.clone();
        }
        if let Some(seed) = given.seed {
            setup.marketplace.seed = seed;
            setup.console.seed = seed;
        }
        let world = RunningWorld::start(setup).await.map_err(SetupError::World)?;
        let sites = vec![
            (world.marketplace_url.clone(), "marketplace".to_string()),
            (world.console_url.clone(), "console".to_string()),
        ];
        let transcript = Transcript::new(&loaded.scenario.name, sites);
        let agent = Agent::new()?;
        Ok(Run {
            world,
            agent,
            transcript,
            deliveries_seen: 0,
            pushes_seen: 0,
            faults_seen: 0,
            current: None,
            vars: loaded.scenario.vars.clone(),
            answer: None,
            account: None,
            scripted,
        })
    }
}
