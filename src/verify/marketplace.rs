//! The marketplace a verify run stands on: a simulator of the vendor's world on the wall clock,
//! its OpenAPI served on a port the vendor can be told, holding a real order for every
//! createInstance the checks send — so a vendor that calls DescribeOrderForIsv or
//! DescribeInstanceForIsv with its AccessKey while it opens an instance finds the order, and
//! metering it pushes lands where the checks can read it. The simulator never calls the vendor
//! itself, so every SPI call the vendor sees is one a check sent: its own calls go to [`Echo`],
//! which answers a createInstance with what the vendor answered the check that opened the order
//! (not ready until then), so the instance is 已开通 with the vendor's instance id as soon as the
//! vendor gave one, as the real marketplace would have it. Renewals and upgrades are real orders
//! too ([`Marketplace::renew`], [`Marketplace::upgrade`]) where the SKU allows them; where it does
//! not (a pay-as-you-go SKU has no term to renew), the checks invent the ids.

use protocol::time::spi_format;
use rust_decimal::Decimal;
use simulator::delivery::queue::create_instance_message;
use simulator::lifecycle::Choice;
use simulator::spi_client::{CallFuture, CallResult, Reply, SpiTransport};
use simulator::{ClockMode, Options, Simulator, World};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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
    echo: Arc<Echo>,
    pub url: String,
    server: JoinHandle<()>,
}

impl Drop for Marketplace {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The marketplace's own SPI calls, answered in process: a createInstance with the vendor's
/// answer to the check that opened the order once there is one (`instanceId` `0` until then), any
/// other action with success. The vendor never sees them.
#[derive(Default)]
struct Echo {
    /// The vendor's ready createInstance answer, by orderBizId.
    answers: Mutex<HashMap<String, String>>,
}

impl SpiTransport for Echo {
    fn call<'a>(&'a self, url: &'a str, _timeout: Duration) -> CallFuture<'a> {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        let params = protocol::spi::decode_query(query);
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let body = match param("action") {
            Some("createInstance") => param("orderBizId")
                .and_then(|id| {
                    self.answers
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get(id)
                        .cloned()
                })
                .unwrap_or_else(|| r#"{"instanceId":"0"}"#.into()),
            _ => r#"{"success":true}"#.into(),
        };
        Box::pin(async move {
            CallResult {
                reply: Reply::Answered { status: 200, body },
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
        // The marketplace asks Echo for createInstance at once and every 200 ms after, so an
        // order opens as soon as the vendor answered the check that made it.
        world.settings.provisioning_delay = Duration::ZERO;
        world.settings.spi_retry_interval = Duration::from_millis(20);
        world.settings.spi_max_retries = 100_000;
        for buyer in &mut world.buyers {
            // Every order the checks make is paid, whatever the SKU costs.
            buyer.balance = Decimal::from(1_000_000_000);
        }
        if let Some(seed) = seed {
            world.seed = seed;
        }
        let echo = Arc::new(Echo::default());
        let options = Options {
            data_dir: None,
            clock: ClockMode::RealTime { scale: 1.0 },
            deterministic: seed.is_some(),
            spi_transport: Some(echo.clone()),
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
            echo,
            url: format!("http://{host}:{port}"),
            server,
        })
    }

    /// Records the vendor's ready answer (`body`) to createInstance for `order_biz_id`: the
    /// marketplace's own createInstance gets it next time it asks.
    pub fn answered(&self, order_biz_id: &str, body: &str) {
        self.echo
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(order_biz_id.to_owned(), body.to_owned());
    }

    /// A paid renewal of `order_biz_id` for the SKU's shortest term: its order id and the new
    /// expiry; None when the SKU sells no term (or the instance did not open).
    pub async fn renew(&self, order_biz_id: &str) -> Option<(String, String)> {
        self.opened(order_biz_id).await?;
        let order = self.sim.store().instance(order_biz_id).ok()??;
        let months = self
            .sim
            .world()
            .product(&order.product_code)?
            .sku(&order.sku_id)?
            .terms
            .first()?
            .months;
        let renewal = self.sim.renew(order_biz_id, months, |_, _| Ok(())).ok()?;
        let ends = chrono::DateTime::from_timestamp_millis(renewal.ends_at?)?;
        Some((renewal.order_id, spi_format(ends)))
    }

    /// A paid upgrade of `order_biz_id` to `sku`: its order id; None when the marketplace would
    /// not sell it (or the instance did not open).
    pub async fn upgrade(&self, order_biz_id: &str, sku: &str) -> Option<String> {
        self.opened(order_biz_id).await?;
        let order = self
            .sim
            .upgrade(order_biz_id, sku, &Default::default(), |_, _| Ok(()))
            .ok()?;
        Some(order.order_id)
    }

    /// Waits (at most two seconds) until the marketplace has `order_biz_id` open: its own
    /// createInstance asks every 20 ms.
    async fn opened(&self, order_biz_id: &str) -> Option<()> {
        for _ in 0..100 {
            if self.status(order_biz_id).as_deref() == Some("OPENED") {
                return Some(());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// The marketplace's status of the instance `order_biz_id` (OPENING, OPENED, …).
    pub fn status(&self, order_biz_id: &str) -> Option<String> {
        let instance = self.sim.store().instance(order_biz_id).ok()??;
        Some(instance.status.code().to_owned())
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
