//! A whole world on one machine: the simulator and the console stub, each on its own listener and
//! host name (so their cookies stay apart, as on the real sites), wired to each other by URL and
//! sharing one clock. The sandbox starts one in real time; the scenario runner starts one per
//! scenario on a manual clock.

use anyhow::Context;
use console_stub::{Console, ConsoleConfig, ConsoleWorld};
use simulator::{ClockMode, Options, Simulator, World};
use std::path::PathBuf;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Where and how to start a world.
#[derive(Clone)]
pub struct WorldSetup {
    pub marketplace: World,
    pub console: ConsoleWorld,
    pub clock: ClockMode,
    /// `marketplace/` and `console/` below it keep the two stores; in memory when None.
    pub data_dir: Option<PathBuf>,
    /// Seed-only session tokens (scenarios), or fresh entropy (anything people reach).
    pub deterministic: bool,
    /// Address both listeners bind.
    pub bind: String,
    pub marketplace_port: u16,
    pub console_port: u16,
    /// Host names in URLs: different names keep the two sites' cookies apart.
    pub marketplace_host: String,
    pub console_host: String,
    /// More Host names both sites answer to, beside these two, `bind`, loopback names and IP
    /// addresses (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Who answers the marketplace's SPI calls: the console stub over HTTP when None, or a
    /// scenario's scripted vendor.
    pub spi_transport: Option<std::sync::Arc<dyn simulator::spi_client::SpiTransport>>,
    /// A vendor's own service the marketplace calls instead of the console stub (which still
    /// runs, unasked).
    pub vendor_service: Option<VendorService>,
}

/// A vendor's own SPI endpoint and the key its tokens are made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorService {
    pub spi_url: String,
    pub spi_key: String,
}

impl WorldSetup {
    /// The default world on free ports of 127.0.0.1, console on `localhost`.
    pub fn default_world(clock: ClockMode) -> WorldSetup {
        WorldSetup {
            marketplace: World::default_world(),
            console: ConsoleWorld::default_world(),
            clock,
            data_dir: None,
            deterministic: matches!(clock, ClockMode::Manual),
            bind: "127.0.0.1".into(),
            marketplace_port: 0,
            console_port: 0,
            marketplace_host: "127.0.0.1".into(),
            console_host: "localhost".into(),
            allow_hosts: Vec::new(),
            spi_transport: None,
            vendor_service: None,
        }
    }
}

/// Refuses a console that does not sell what the marketplace's catalog holds for its vendor: a SKU
/// or a metering item the product lacks, an AccessKey the vendor does not own. Either would make
/// every createInstance, upgrade or usage push of the console fail in ways a run should not have
/// to find out.
fn agree(marketplace: &World, console: &ConsoleWorld) -> anyhow::Result<()> {
    let vendor = &marketplace.vendors[0];
    let Some(product) = marketplace
        .products
        .iter()
        .find(|p| p.code == console.product_code && p.vendor == vendor.id)
    else {
        anyhow::bail!(
            "the console stub sells {}, which the marketplace's catalog lacks for vendor {}",
            console.product_code,
            vendor.id
        );
    };
    if let Some(sku) = console.skus.iter().find(|s| product.sku(&s.id).is_none()) {
        anyhow::bail!(
            "the console stub sells SKU {}, which product {} in the marketplace's catalog lacks",
            sku.id,
            product.code
        );
    }
    if let Some(m) = &console.metering {
        for item in [&m.compute, &m.storage] {
            if !product
                .metering
                .iter()
                .any(|d| d.key == item.key && d.assit == item.assit)
            {
                anyhow::bail!(
                    "the console stub pushes {} as {}, which product {} in the marketplace's catalog does not declare",
                    item.key,
                    item.assit,
                    product.code
                );
            }
        }
    }
    if let Some(id) = &console.access_key_id {
        if *id != vendor.access_key_id
            || console.access_key_secret.as_ref() != Some(&vendor.access_key_secret)
        {
            anyhow::bail!(
                "the console stub's AccessKey {id} is not vendor {}'s ({}): its usage pushes would be refused",
                vendor.id,
                vendor.access_key_id
            );
        }
    }
    Ok(())
}

/// A started world: both services serving until [`RunningWorld::stop`].
pub struct RunningWorld {
    pub sim: Simulator,
    pub console: Console,
    pub marketplace_url: String,
    pub console_url: String,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<std::io::Result<()>>>,
}

impl RunningWorld {
    /// Binds both listeners, points the marketplace's vendor at the console's SPI and the console
    /// at the marketplace, opens both stores on one clock, and serves.
    pub async fn start(setup: WorldSetup) -> anyhow::Result<RunningWorld> {
        let WorldSetup {
            mut marketplace,
            console,
            clock,
            data_dir,
            deterministic,
            bind,
            spi_transport,
            allow_hosts,
            vendor_service,
            ..
        } = setup;
        if marketplace.vendors.is_empty() {
            anyhow::bail!("the marketplace world has no vendor for the console stub to play");
        }
        let vendor = &mut marketplace.vendors[0];
        if vendor_service.is_none() && vendor.spi_key != console.spi_key {
            anyhow::bail!(
                "the marketplace's SPI key for {} ({}) differs from the console stub's ({}): tokens would never match",
                vendor.name,
                vendor.spi_key,
                console.spi_key
            );
        }
        if vendor_service.is_none() {
            agree(&marketplace, &console)?;
        }
        let vendor = &mut marketplace.vendors[0];
        let sim_listener = tokio::net::TcpListener::bind((bind.as_str(), setup.marketplace_port))
            .await
            .with_context(|| {
                format!(
                    "cannot listen on {bind}:{} for the marketplace",
                    setup.marketplace_port
                )
            })?;
        let console_listener = tokio::net::TcpListener::bind((bind.as_str(), setup.console_port))
            .await
            .with_context(|| format!("cannot listen on {bind}:{} for the console", setup.console_port))?;
        let marketplace_url = format!(
            "http://{}:{}",
            setup.marketplace_host,
            sim_listener.local_addr()?.port()
        );
        let console_url = format!(
            "http://{}:{}",
            setup.console_host,
            console_listener.local_addr()?.port()
        );

        let console_config = ConsoleConfig {
            deterministic,
            ..ConsoleConfig::for_world(&console, &console_url, &marketplace_url)
        };
        match &vendor_service {
            Some(service) => {
                vendor.spi_url = service.spi_url.clone();
                vendor.spi_key = service.spi_key.clone();
            }
            None => vendor.spi_url = format!("{}/aliyun/spi", console_url),
        }
        let options = Options {
            data_dir: data_dir.as_ref().map(|d| d.join("marketplace")),
            clock,
            deterministic,
            spi_transport,
        };
        let console_dir = data_dir.as_ref().map(|d| d.join("console"));
        // Whatever refuses the console refuses it before the marketplace's store is opened, and
        // so before anything in the data directory is written.
        console.validate()?;
        if let Some(dir) = &console_dir {
            console_stub::store::check(dir)?;
        }
        let sim = Simulator::open(marketplace, options)?;
        let console = Console::open(
            console,
            console_config,
            sim.clock().clone(),
            console_dir.as_deref(),
        )?;

        // Both sites answer to every name the world was started with: all of them are the user's.
        let names = [&setup.marketplace_host, &setup.console_host, &bind];
        let config = serving::Config {
            hosts: serving::AllowedHosts::new(names.into_iter().chain(&allow_hosts)),
            limits: serving::Limits::default(),
        };
        let (stop, stopped) = watch::channel(false);
        let until_stopped = move || {
            let mut stopped = stopped.clone();
            async move {
                let _ = stopped.wait_for(|s| *s).await;
            }
        };
        let servers = vec![
            tokio::spawn(simulator::serve(
                sim_listener,
                sim.clone(),
                config.clone(),
                until_stopped(),
            )),
            tokio::spawn(console_stub::serve(
                console_listener,
                console.clone(),
                config,
                until_stopped(),
            )),
        ];
        Ok(RunningWorld {
            sim,
            console,
            marketplace_url,
            console_url,
            stop,
            servers,
        })
    }

    /// Stops both servers and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for server in self.servers {
            if let Ok(Err(e)) = server.await {
                tracing::warn!("a server stopped with an error: {e}");
            }
        }
    }
}

/// The banner lines for the OpenAPI: its endpoint and every AccessKey pair that may call it.
pub fn openapi_lines(world: &World, base: &str) -> Vec<String> {
    let endpoint = base.trim_start_matches("http://");
    let mut lines = vec![format!(
        "  OpenAPI         {base}/   (SDK: endpoint='{endpoint}', protocol='HTTP')"
    )];
    for v in &world.vendors {
        lines.push(format!(
            "  AccessKey       {} / {}   (vendor {})",
            v.access_key_id, v.access_key_secret, v.name
        ));
    }
    for b in &world.buyers {
        lines.push(format!(
            "  AccessKey       {} / {}   (buyer {})",
            b.access_key_id, b.access_key_secret, b.login
        ));
    }
    lines
}

/// `over` merged into `base`: mappings key by key, anything else replaced (scenario overrides of a
/// world file).
pub fn merge_yaml(base: &mut serde_yaml::Value, over: &serde_yaml::Value) {
    match (base, over) {
        (serde_yaml::Value::Mapping(base), serde_yaml::Value::Mapping(over)) => {
            for (key, value) in over {
                match base.get_mut(key) {
                    Some(existing) => merge_yaml(existing, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (base, over) => *base = over.clone(),
    }
}

/// A world file's YAML with `over` merged in.
pub fn overridden(default_yaml: &str, over: &serde_yaml::Value) -> Result<String, serde_yaml::Error> {
    let mut base: serde_yaml::Value = serde_yaml::from_str(default_yaml)?;
    merge_yaml(&mut base, over);
    serde_yaml::to_string(&base)
}

/// The world in `file` (a vendor's own), or the default one: what `serve` and `verify` start from.
pub fn load_world(file: Option<&PathBuf>) -> anyhow::Result<World> {
    match file {
        None => Ok(World::default_world()),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            World::from_yaml(&text).with_context(|| format!("{} is not a usable world", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::agree;
    use console_stub::ConsoleWorld;
    use simulator::World;

    fn refusal(change: impl FnOnce(&mut World, &mut ConsoleWorld)) -> String {
        let (mut marketplace, mut console) = (World::default_world(), ConsoleWorld::default_world());
        change(&mut marketplace, &mut console);
        agree(&marketplace, &console).map_or_else(|e| e.to_string(), |()| "agreed".into())
    }

    #[test]
    fn the_default_worlds_agree() {
        assert_eq!(refusal(|_, _| {}), "agreed");
    }

    #[test]
    fn a_console_selling_what_the_catalog_lacks_is_refused() {
        let sku = refusal(|m, _| m.products[0].skus.truncate(1));
        assert!(sku.contains("SKU cmgj00061912-payg-enterprise"), "{sku}");
        let item = refusal(|m, _| m.products[0].metering.clear());
        assert!(item.contains("pushes Period as cmgj00061912-Period-1"), "{item}");
        let product = refusal(|_, c| c.product_code = "cmgj00000001".into());
        assert!(product.contains("sells cmgj00000001"), "{product}");
    }

    #[test]
    fn a_console_with_another_accesskey_is_refused() {
        let key = refusal(|_, c| c.access_key_secret = Some("another secret".into()));
        assert!(key.contains("is not vendor zilliz's"), "{key}");
        assert_eq!(
            refusal(|_, c| {
                c.access_key_id = None;
                c.access_key_secret = None;
            }),
            "agreed"
        );
    }
}
