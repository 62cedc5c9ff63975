//! What `verify` needs to know about the vendor under test: its SPI URL and key, the product and
//! SKUs its calls name, the buyer they come from, the time budget of each call, and the optional
//! commands around it (a reset run first, a probe that prints the vendor's record of an instance).
//! Defaults come from the world (the default one, or `--world FILE`: the vendor's own product,
//! SKUs and SPI key); a YAML config file (`--config`) sets any of them, its mistakes reported as
//! `file:line:col`; flags win over both.

use serde::Deserialize;
use simulator::world::Charge;
use simulator::World;
use std::path::Path;
use std::time::Duration;

/// Everything a verify run is told.
#[derive(Debug, Clone)]
pub struct Config {
    pub spi_url: String,
    pub spi_key: String,
    pub product_code: String,
    /// The SKU createInstance names.
    pub sku: String,
    /// The SKU upgradeInstance moves to (another of the product's; the same when it has one).
    pub upgrade_sku: String,
    /// The buyer's aliUid createInstance carries.
    pub ali_uid: String,
    /// The longest any one call to the vendor may take, answer read in full.
    pub budget: Duration,
    /// How old the stale 免登 link's `timeStamp` is.
    pub stale_by: Duration,
    /// Hosts other than authUrl's that a 免登 link may redirect to (the vendor's sign-in host):
    /// the chain ends there, recorded but not fetched.
    pub sso_hosts: Vec<String>,
    /// How often createInstance is asked again while the vendor answers `instanceId` `0`.
    pub create_attempts: u32,
    pub create_every: Duration,
    /// Prints the vendor's record of an instance as JSON: the checks of the vendor's state.
    pub probe: Option<Probe>,
    /// A shell command run before the first check (the vendor's state back to empty).
    pub reset: Option<String>,
}

/// How to read the vendor's record of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// A URL with `{instanceId}` in it; asked with GET, the SPI token appended.
    Url(String),
    /// A shell command; the instance id is its `$1` and `$MARKETSIM_INSTANCE_ID`.
    Command(String),
}

/// The config file: every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub spi_url: Option<String>,
    pub spi_key: Option<String>,
    pub product_code: Option<String>,
    pub sku: Option<String>,
    pub upgrade_sku: Option<String>,
    pub ali_uid: Option<String>,
    #[serde(default, with = "optional_duration")]
    pub budget: Option<Duration>,
    #[serde(default, with = "optional_duration")]
    pub stale_by: Option<Duration>,
    #[serde(default)]
    pub sso_hosts: Vec<String>,
    pub create_attempts: Option<u32>,
    #[serde(default, with = "optional_duration")]
    pub create_every: Option<Duration>,
    pub probe: Option<ProbeFile>,
    pub reset: Option<String>,
}

/// `probe:` in the config file: a `url` or a `command`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeFile {
    pub url: Option<String>,
    pub command: Option<String>,
}

impl ProbeFile {
    fn probe(self) -> Result<Probe, String> {
        match (self.url, self.command) {
            (Some(url), None) => Ok(Probe::Url(url)),
            (None, Some(command)) => Ok(Probe::Command(command)),
            _ => Err("probe: name either a url or a command".into()),
        }
    }
}

impl ConfigFile {
    /// Reads `path`; a mistake names the file, line and column.
    pub fn load(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_yaml::from_str::<Option<ConfigFile>>(&text)
            .map(Option::unwrap_or_default)
            .map_err(|e| {
                // The message repeats the location at its end; the prefix says it once.
                let text = e.to_string();
                let text = text.split(" at line ").next().unwrap_or_default();
                match e.location() {
                    Some(at) => format!("{}:{}:{}: {text}", path.display(), at.line(), at.column()),
                    None => format!("{}: {text}", path.display()),
                }
            })
    }
}

impl Config {
    /// The config for `world`'s first product, with what `file` sets over it.
    pub fn new(world: &World, file: ConfigFile) -> Result<Config, String> {
        let product = match &file.product_code {
            Some(code) => world
                .product(code)
                .ok_or_else(|| format!("the world has no product {code}: name it there first"))?,
            None => world.products.first().ok_or("the world has no product")?,
        };
        let vendor = world.vendors.iter().find(|v| v.id == product.vendor);
        let first_sku = product
            .skus
            .iter()
            .find(|s| s.charge == Charge::Subscription)
            .or(product.skus.first())
            .ok_or_else(|| format!("product {} has no SKU", product.code))?;
        let sku = file.sku.clone().unwrap_or_else(|| first_sku.id.clone());
        let upgrade_sku = file.upgrade_sku.clone().unwrap_or_else(|| {
            product
                .upgrade_target(&sku)
                .map_or_else(|| sku.clone(), |s| s.id.clone())
        });
        let config = Config {
            spi_url: file
                .spi_url
                .or_else(|| vendor.map(|v| v.spi_url.clone()))
                .unwrap_or_default(),
            spi_key: file
                .spi_key
                .or_else(|| vendor.map(|v| v.spi_key.clone()))
                .unwrap_or_default(),
            product_code: product.code.clone(),
            sku,
            upgrade_sku,
            ali_uid: file
                .ali_uid
                .or_else(|| world.buyers.first().map(|b| b.ali_uid.clone()))
                .ok_or("the world has no buyer for the orders")?,
            budget: file.budget.unwrap_or(Duration::from_secs(5)),
            stale_by: file.stale_by.unwrap_or(Duration::from_secs(24 * 3600)),
            sso_hosts: file.sso_hosts,
            create_attempts: file.create_attempts.unwrap_or(20),
            create_every: file.create_every.unwrap_or(Duration::from_millis(250)),
            probe: file.probe.map(ProbeFile::probe).transpose()?,
            reset: file.reset,
        };
        config.check(world, product)?;
        Ok(config)
    }

    fn check(&self, world: &World, product: &simulator::world::Product) -> Result<(), String> {
        for sku in [&self.sku, &self.upgrade_sku] {
            if product.sku(sku).is_none() {
                let skus: Vec<&str> = product.skus.iter().map(|s| s.id.as_str()).collect();
                return Err(format!(
                    "product {} has no SKU {sku} (it has {})",
                    product.code,
                    skus.join(", ")
                ));
            }
        }
        if !world.buyers.iter().any(|b| b.ali_uid == self.ali_uid) {
            return Err(format!(
                "ali_uid {} is no buyer of the world (its buyers are in the world file)",
                self.ali_uid
            ));
        }
        let url = url::Url::parse(&self.spi_url)
            .map_err(|e| format!("the SPI URL `{}` is not a URL ({e})", self.spi_url))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("the SPI URL `{}` is not http or https", self.spi_url));
        }
        if self.spi_key.is_empty() {
            return Err("no SPI key: give --spi-key (or spi_key in the config)".into());
        }
        if self.budget.is_zero() || self.create_attempts == 0 {
            return Err("the time budget and create_attempts must be above zero".into());
        }
        Ok(())
    }
}

mod optional_duration {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => protocol::time::parse_duration(&text)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}
