//! How one console is run: where it and the marketplace are reachable, the SPI key it shares with
//! the marketplace, the few knobs of the 免登 hand-off, and how long a usage push may take. The world (who exists) lives in
//! [`crate::world`], the one module beneath this one; this is everything about *running* it, read
//! by the state handle and the interfaces.

use crate::world::ConsoleWorld;
use std::time::Duration;

/// The settings of one running console.
#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// This console's own base URL, e.g. `http://localhost:8081`. `authUrl` is
    /// `{public_url}/aliyun/sso` and `frontEndUrl` is `{public_url}/`.
    pub public_url: String,
    /// The marketplace's base URL, e.g. `http://127.0.0.1:8080`: the product page and the buyer's
    /// bill page (查看阿里云账单) are linked there, and usage is pushed to its OpenAPI.
    pub marketplace_url: String,
    /// The SPI key shared with the marketplace (the token of every SPI call is computed with it).
    pub spi_key: String,
    /// The product this console sells; `createInstance` for any other product is refused.
    pub product_code: String,
    /// How far a `verify` link's `timeStamp` may lie from the console's now, either side, and still
    /// be accepted. Default [`ConsoleConfig::DEFAULT_VERIFY_WINDOW`] (10 minutes): long enough for
    /// the buyer to read the marketplace's 提示 dialog and click again, short enough that a link
    /// found in a browser history later is stale.
    pub verify_window: Duration,
    /// How long the wizard remembers which instance is being bound after a good `verify` link.
    /// Default [`ConsoleConfig::DEFAULT_HANDOFF_TTL`] (1 hour): time to register and create an
    /// organisation on the way.
    pub handoff_ttl: Duration,
    /// How long a PushMeteringData request may take before it counts as timed out and is tried
    /// again (a real duration, not the world's clock). Default
    /// [`ConsoleConfig::DEFAULT_METERING_TIMEOUT`] (10 seconds, the SDKs' read timeout).
    pub metering_timeout: Duration,
    /// Session cookies and CSRF tokens come from the world's seeded generator alone, so two runs
    /// of the same requests give byte-identical pages. For scenarios and tests only: the tokens are
    /// then guessable from the seed. Default `false` (fresh entropy mixed in).
    pub deterministic: bool,
}

impl ConsoleConfig {
    /// The default freshness window of a `verify` link: 10 minutes.
    pub const DEFAULT_VERIFY_WINDOW: Duration = Duration::from_secs(10 * 60);
    /// The default lifetime of a wizard hand-off: 1 hour.
    pub const DEFAULT_HANDOFF_TTL: Duration = Duration::from_secs(60 * 60);
    /// The default time a usage push may take: 10 seconds.
    pub const DEFAULT_METERING_TIMEOUT: Duration = protocol::openapi::client::READ_TIMEOUT;

    /// A configuration with the documented defaults.
    pub fn new(
        public_url: impl Into<String>,
        marketplace_url: impl Into<String>,
        spi_key: impl Into<String>,
        product_code: impl Into<String>,
    ) -> Self {
        ConsoleConfig {
            public_url: trim_slash(public_url.into()),
            marketplace_url: trim_slash(marketplace_url.into()),
            spi_key: spi_key.into(),
            product_code: product_code.into(),
            verify_window: Self::DEFAULT_VERIFY_WINDOW,
            handoff_ttl: Self::DEFAULT_HANDOFF_TTL,
            metering_timeout: Self::DEFAULT_METERING_TIMEOUT,
            deterministic: false,
        }
    }

    /// A configuration taking the SPI key and product code from `world`.
    pub fn for_world(
        world: &ConsoleWorld,
        public_url: impl Into<String>,
        marketplace_url: impl Into<String>,
    ) -> Self {
        Self::new(
            public_url,
            marketplace_url,
            world.spi_key.clone(),
            world.product_code.clone(),
        )
    }

    /// The 免登 entry the marketplace sends buyers to (`appInfo.authUrl`).
    pub fn auth_url(&self) -> String {
        format!("{}/aliyun/sso", trim_slash(self.public_url.clone()))
    }

    /// The console's front page (`appInfo.frontEndUrl`).
    pub fn front_end_url(&self) -> String {
        format!("{}/", trim_slash(self.public_url.clone()))
    }

    /// The marketplace's page of this product: the entry to 开通 before an organisation is bound.
    pub fn product_page_url(&self) -> String {
        format!(
            "{}/products/{}",
            trim_slash(self.marketplace_url.clone()),
            self.product_code
        )
    }

    /// The buyer's bill page in the marketplace console (查看阿里云账单).
    pub fn marketplace_bills_url(&self) -> String {
        format!("{}/console/bills", trim_slash(self.marketplace_url.clone()))
    }
}

fn trim_slash(mut url: String) -> String {
    while url.ends_with('/') {
        url.pop();
    }
    url
}
