//! The world a scenario starts from: its `given:` (world, vendor, overrides, clock, seed) turned
//! into a running world, with the buyer's browser and an empty transcript — the [`Run`] before its
//! first step.

use super::error::SetupError;
use super::Run;
use crate::scenario::agent::Agent;
use crate::scenario::load::Loaded;
use crate::scenario::scripted::ScriptedVendor;
use crate::scenario::service::{world_vars, ServiceUnderTest, ANY_VENDOR};
use crate::scenario::transcript::Transcript;
use crate::world::{overridden, RunningWorld, WorldSetup};
use protocol::time::parse_instant;
use simulator::ClockMode;
use std::sync::Arc;

impl Run {
    pub(super) async fn start(
        loaded: &Loaded,
        service: Option<&ServiceUnderTest>,
    ) -> Result<Run, SetupError> {
        let given = &loaded.scenario.given;
        if let Some(w) = &given.world {
            if w != "default" {
                return Err(SetupError::UnknownWorld(w.clone()));
            }
        }
        let mut setup = WorldSetup::default_world(ClockMode::Manual);
        let scripted = match given.vendor.as_deref() {
            None | Some("console-stub") | Some(ANY_VENDOR) => None,
            Some("scripted") => Some(Arc::new(ScriptedVendor::default())),
            Some(other) => return Err(SetupError::UnknownVendor(other.to_owned())),
        };
        if let Some(s) = &scripted {
            setup.spi_transport = Some(s.clone());
        }
        let world_yaml = service
            .and_then(|s| s.world_yaml.as_deref())
            .unwrap_or(simulator::world::DEFAULT_WORLD_YAML);
        if let Some(over) = &given.marketplace {
            let yaml = overridden(world_yaml, over)?;
            setup.marketplace = simulator::World::from_yaml(&yaml)?;
        } else if service.is_some_and(|s| s.world_yaml.is_some()) {
            setup.marketplace = simulator::World::from_yaml(world_yaml)?;
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
        if let Some(service) = service {
            on_the_wall_clock(&mut setup, service, given.clock.is_some())?;
        }
        let mut vars = world_vars(&setup.marketplace);
        vars.extend(loaded.scenario.vars.clone());
        let world = RunningWorld::start(setup).await.map_err(SetupError::World)?;
        // A scenario for any vendor clicks no console page: whichever vendor plays is `vendor:`.
        let any = given.vendor.as_deref() == Some(ANY_VENDOR);
        let console_site = if any && service.is_none() {
            "vendor"
        } else {
            "console"
        };
        let mut sites = vec![
            (world.marketplace_url.clone(), "marketplace".to_string()),
            (world.console_url.clone(), console_site.to_string()),
        ];
        if let Some(spi) = service.and_then(|s| url::Url::parse(&s.vendor.spi_url).ok()) {
            sites.push((spi.origin().ascii_serialization(), "vendor".to_string()));
        }
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
            vars,
            answer: None,
            account: None,
            scripted,
            service: service.is_some(),
        })
    }
}

/// The world set up to meet a vendor's own service: its SPI URL and key, its OpenAPI where the
/// service was told, the clock starting at the wall clock, ids fresh unless a seed is given.
fn on_the_wall_clock(
    setup: &mut WorldSetup,
    service: &ServiceUnderTest,
    clock_given: bool,
) -> Result<(), SetupError> {
    if clock_given {
        return Err(SetupError::ClockForAnyVendor);
    }
    setup.vendor_service = Some(service.vendor.clone());
    setup.marketplace.clock = protocol::time::rfc3339(protocol::clock::wall_now());
    setup.marketplace.seed = service.seed.unwrap_or_else(protocol::ids::fresh_seed);
    setup.deterministic = service.seed.is_some();
    setup.marketplace_port = service.openapi_port;
    setup.marketplace_host = service.host.clone();
    setup.bind = service.bind.clone();
    setup.allow_hosts = service.allow_hosts.clone();
    Ok(())
}
