//! The marketplace a verify run stands on: a simulator of the vendor's world on the wall clock,
//! its OpenAPI served on a port the vendor can be told, holding a real order for every
//! createInstance the checks send — so a vendor that calls DescribeOrderForIsv or
//! DescribeInstanceForIsv with its AccessKey while it opens an instance finds the order, and
//! metering it pushes lands where the checks can read it. The simulator never calls the vendor
//! itself: its first createInstance is scheduled ten years out and its SPI transport delivers
//! nothing, so every SPI call the vendor sees is one a check sent. Lifecycle orders (renewals,
//! upgrades) are invented ids, not orders in the OpenAPI.

use protocol::time::spi_format;
use rust_decimal::Decimal;
use simulator::delivery::queue::create_instance_message;
use simulator::lifecycle::Choice;
use simulator::spi_client::{CallFuture, CallResult, Reply, SpiTransport};
use simulator::{ClockMode, Options, Simulator, World};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// An order the marketplace holds, as createInstance carries it.
#[derive(Debug, Clone)]
pub struct Order {
    pub order_biz_id: String,
    pub order_id: String,
    /// The term's end, when the SKU has one.
    pub expired_on: Option<String>,
    /// createInstance's parameters, token excluded, as the marketplace would send them.
    pub create_params: Vec<(String, String)>,
}

/// The running marketplace.
pub struct Marketplace {
    sim: Simulator,
    pub url: String,
    server: JoinHandle<()>,
}

impl Drop for Marketplace {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// An SPI transport that reaches no one: the checks make every call themselves.
struct Silent;

impl SpiTransport for Silent {
    fn call<'a>(&'a self, _url: &'a str, _timeout: Duration) -> CallFuture<'a> {
        Box::pin(async {
            CallResult {
                reply: Reply::Unreachable("verify sends the SPI calls itself".into()),
                elapsed: Duration::ZERO,
            }
        })
    }
}

impl Marketplace {
    /// Starts `world`'s marketplace with its OpenAPI on `listener`; `seed` fixes its ids.
    pub async fn start(
        mut world: World,
        listener: tokio::net::TcpListener,
        host: &str,
        serving: serving::Config,
        seed: Option<u64>,
    ) -> Result<Marketplace, String> {
        world.settings.provisioning_delay = Duration::from_secs(10 * 365 * 24 * 3600);
        for buyer in &mut world.buyers {
            // Every order the checks make is paid, whatever the SKU costs.
            buyer.balance = Decimal::from(1_000_000_000);
        }
        if let Some(seed) = seed {
            world.seed = seed;
        }
        let options = Options {
            data_dir: None,
            clock: ClockMode::RealTime { scale: 1.0 },
            deterministic: seed.is_some(),
            spi_transport: Some(Arc::new(Silent)),
        };
        let sim =
            Simulator::open(world, options).map_err(|e| format!("the marketplace did not start: {e:#}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let served = sim.clone();
        let server = tokio::spawn(async move {
            let _ = simulator::serve(listener, served, serving, std::future::pending()).await;
        });
        Ok(Marketplace {
            sim,
            url: format!("http://{host}:{port}"),
            server,
        })
    }

    /// A new paid order of `sku` for the buyer `ali_uid`.
    pub fn order(&self, product_code: &str, sku: &str, ali_uid: &str) -> Result<Order, String> {
        let world = self.sim.world();
        let buyer = world
            .buyers
            .iter()
            .find(|b| b.ali_uid == ali_uid)
            .ok_or_else(|| format!("the world has no buyer with aliUid {ali_uid}"))?;
        let order = self
            .sim
            .open_service(buyer, product_code, sku, &Choice::default())
            .map_err(|e| format!("the marketplace refused the order: {e}"))?;
        let expired_on = order
            .ends_at
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(spi_format);
        Ok(Order {
            order_biz_id: order.instance_id.clone(),
            order_id: order.order_id.clone(),
            expired_on,
            create_params: create_instance_message(&order, 0).params,
        })
    }
}
