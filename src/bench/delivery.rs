//! `marketsim bench delivery`: how fast the SPI delivery engine works through orderPay's whole
//! retry schedule.
//!
//! One process holds everything: a vendor on 127.0.0.1:0 that answers every call `500` over
//! keep-alive HTTP/1.1 (hyper's server) and counts the calls, and a world on a manual clock whose
//! vendor's SPI URL is that server and whose `delivery_concurrency` is `--concurrency`. The bench
//!
//! 1. writes `--instances` OPENED instances of the world's product straight into the store (one
//!    transaction, no SPI: opening is not what is measured);
//! 2. queues one orderPay for each ([`simulator::Simulator::deliver`]);
//! 3. times the clock run to the end of the schedule: every message tried 12 times (the first
//!    attempt, then after 1m 1m 1m 5m 10m 10m 10m 1h 1h 2h 4h) and given up;
//! 4. checks that the journal, the vendor's count and the store agree: 12 attempts a message, each
//!    judged `http_error`, every message failed and waiting in DescribeFailedNotifications.
//!
//! [`measure`] returns the figures as plain data; [`run`] prints them.

use anyhow::Context;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use simulator::store::deliveries::JournalFilter;
use simulator::store::messages::{MessageFilter, MessageState};
use simulator::store::orders::{Instance, Order, Status};
use simulator::{Options, Simulator, World};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Attempts an orderPay gets before it gives up: the first and 11 retries.
const ORDER_PAY_ATTEMPTS: u64 = 12;

/// What `marketsim bench delivery` takes.
#[derive(clap::Args, Debug, Clone)]
pub struct DeliveryArgs {
    /// OPENED instances, each delivered one orderPay that fails every attempt.
    #[arg(long, default_value_t = 10_000)]
    pub instances: usize,
    /// SPI calls out at once: the world's `delivery_concurrency` (1 to 256).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

/// What a run measured and counted.
#[derive(Debug, Clone)]
pub struct Figures {
    pub instances: usize,
    pub concurrency: usize,
    /// Wall time to write the instances and queue their orderPay.
    pub prepared: Duration,
    /// Wall time of the clock's run to the end of the schedule.
    pub elapsed: Duration,
    /// Virtual time the run covered.
    pub virtual_span: Duration,
    /// orderPay attempts in the journal.
    pub deliveries: u64,
    /// Of those, the ones judged `http_error`.
    pub http_errors: u64,
    /// Calls the vendor received.
    pub vendor_calls: u64,
    /// orderPay messages that gave up.
    pub gave_up: u64,
    /// Failed notifications the run added.
    pub failed_notifications: u64,
}

impl Figures {
    pub fn per_second(&self) -> f64 {
        super::per_second(self.deliveries, self.elapsed)
    }
}

pub async fn run(args: DeliveryArgs) -> anyhow::Result<()> {
    let figures = measure(&args).await?;
    report(&figures);
    Ok(())
}

/// Prepares the world, runs the clock to the end of the schedule and checks what it did.
pub async fn measure(args: &DeliveryArgs) -> anyhow::Result<Figures> {
    if args.instances == 0 {
        anyhow::bail!("--instances must be at least 1");
    }
    if !(1..=256).contains(&args.concurrency) {
        anyhow::bail!(
            "--concurrency must be between 1 and 256, not {}",
            args.concurrency
        );
    }
    let vendor = FailingVendor::start().await?;
    let mut world = World::default_world();
    world.vendors[0].spi_url = format!("http://{}/aliyun/spi", vendor.addr);
    world.settings.delivery_concurrency = args.concurrency;
    let sim = Simulator::open(world, Options::default())?;

    let prepared = Instant::now();
    let instances = open_instances(&sim, args.instances)?;
    let journal_before = order_pay_attempts(&sim, None)?;
    let notifications_before = sim.store().failed_notifications()?.len();
    for instance in &instances {
        sim.deliver(instance, "orderPay", &[])?;
    }
    let prepared = prepared.elapsed();

    let virtual_start = sim.clock().now();
    let started = Instant::now();
    let virtual_end = sim.clock().run_until_idle(Duration::from_secs(24 * 3600)).await;
    let elapsed = started.elapsed();
    let pending = sim.store().pending_jobs()?;
    if pending > 0 {
        anyhow::bail!("{pending} deliveries were still scheduled a virtual day later");
    }

    let gave_up = MessageFilter {
        action: Some("orderPay".into()),
        state: Some(MessageState::Failed),
        ..MessageFilter::default()
    };
    let figures = Figures {
        instances: instances.len(),
        concurrency: args.concurrency,
        prepared,
        elapsed,
        virtual_span: (virtual_end - virtual_start).to_std().unwrap_or_default(),
        deliveries: order_pay_attempts(&sim, None)? - journal_before,
        http_errors: order_pay_attempts(&sim, Some("http_error"))?,
        vendor_calls: vendor.calls.load(Ordering::Relaxed),
        gave_up: sim.store().messages(&gave_up, 0, 0)?.1,
        failed_notifications: (sim.store().failed_notifications()?.len() - notifications_before) as u64,
    };
    check(&figures)?;
    Ok(figures)
}

/// Fails unless every message was tried 12 times, every call reached the vendor and was judged a
/// failure, and every message gave up into DescribeFailedNotifications.
fn check(f: &Figures) -> anyhow::Result<()> {
    let n = f.instances as u64;
    let expected = n * ORDER_PAY_ATTEMPTS;
    let agree = f.deliveries == expected
        && f.http_errors == expected
        && f.vendor_calls == expected
        && f.gave_up == n
        && f.failed_notifications == n;
    if !agree {
        anyhow::bail!(
            "the counts disagree: expected {expected} deliveries ({n} instances × {ORDER_PAY_ATTEMPTS}), \
             the journal holds {} ({} judged http_error), the vendor received {}; \
             expected {n} messages to give up, {} did and {} failed notifications were added",
            f.deliveries,
            f.http_errors,
            f.vendor_calls,
            f.gave_up,
            f.failed_notifications
        );
    }
    Ok(())
}

/// orderPay attempts in the journal, only those judged `outcome` when given.
fn order_pay_attempts(sim: &Simulator, outcome: Option<&str>) -> anyhow::Result<u64> {
    let filter = JournalFilter {
        action: Some("orderPay".into()),
        outcome: outcome.map(str::to_owned),
        ..JournalFilter::default()
    };
    Ok(sim.store().journal(&filter, 0, 0)?.1)
}

/// Writes `count` OPENED instances of the world's first product, bought by its first buyer, in one
/// transaction. Returns their ids.
pub(super) fn open_instances(sim: &Simulator, count: usize) -> anyhow::Result<Vec<String>> {
    let world = sim.world();
    let product = world.products.first().context("the world sells no product")?;
    let sku = product.skus.first().context("the product has no SKU")?;
    let buyer = world.buyers.first().context("the world has no buyer")?;
    let now = protocol::time::epoch_millis(sim.clock().now());
    let ids: Vec<String> = (0..count).map(|i| format!("9{i:08}")).collect();
    sim.store().transaction(|tx| {
        for (i, instance_id) in ids.iter().enumerate() {
            let order_id = format!("8{i:014}");
            tx.insert_order(&Order {
                order_id: order_id.clone(),
                ali_uid: buyer.ali_uid.clone(),
                product_code: product.code.clone(),
                sku_id: sku.id.clone(),
                order_type: "NEW".into(),
                pay_status: "PAID".into(),
                instance_id: instance_id.clone(),
                created_at: now,
                order_status: "NORMAL".into(),
                ..Order::default()
            })?;
            tx.insert_instance(&Instance {
                instance_id: instance_id.clone(),
                order_id,
                ali_uid: buyer.ali_uid.clone(),
                product_code: product.code.clone(),
                sku_id: sku.id.clone(),
                status: Status::Opened,
                vendor_instance_id: Some(format!("bench-{i}")),
                app_info: None,
                host_info: None,
                info: None,
                attempts: 1,
                next_attempt_at: None,
                failure: None,
                created_at: now,
                opened_at: Some(now),
                expires_at: None,
                extras: Default::default(),
                expired_at: None,
            })?;
        }
        Ok::<_, simulator::store::StoreError>(())
    })?;
    Ok(ids)
}

/// A vendor whose service is down: every call is answered `500`, and counted.
struct FailingVendor {
    addr: SocketAddr,
    calls: Arc<AtomicU64>,
    accepting: tokio::task::JoinHandle<()>,
}

impl FailingVendor {
    async fn start() -> anyhow::Result<FailingVendor> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let calls = Arc::new(AtomicU64::new(0));
        let counted = calls.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let counted = counted.clone();
                tokio::spawn(async move {
                    let answer = hyper::service::service_fn(move |_request| {
                        counted.fetch_add(1, Ordering::Relaxed);
                        async {
                            let mut response =
                                hyper::Response::new(Full::new(Bytes::from_static(b"service unavailable")));
                            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), answer)
                        .await;
                });
            }
        });
        Ok(FailingVendor {
            addr,
            calls,
            accepting,
        })
    }
}

impl Drop for FailingVendor {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

fn report(f: &Figures) {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let profile = if cfg!(debug_assertions) {
        "debug build: build with --release for figures worth quoting"
    } else {
        "release build"
    };
    let minutes = f.virtual_span.as_secs() / 60;
    crate::terminal::say(&[
        format!("marketsim bench delivery ({profile})"),
        format!(
            "  engine and vendor in one process, sharing the machine's {cores} cores; store: SQLite in memory; \
             the vendor answers every call 500 over keep-alive HTTP/1.1 on loopback"
        ),
        format!(
            "  {} OPENED instances, one orderPay each, written and queued in {:.2} s; \
             the manual clock run to the end of the schedule ({} h {} m of virtual time)",
            f.instances,
            f.prepared.as_secs_f64(),
            minutes / 60,
            minutes % 60
        ),
        format!(
            "  delivery_concurrency {}: {} deliveries in {:.2} s of wall time, {:.0} deliveries/s \
             (goal: 120000 in under 10 s)",
            f.concurrency,
            f.deliveries,
            f.elapsed.as_secs_f64(),
            f.per_second()
        ),
        format!(
            "  check: {} journal rows ({} judged http_error) = {} calls the vendor received = {} × {ORDER_PAY_ATTEMPTS}; \
             {} messages gave up, {} failed notifications added — they match",
            f.deliveries, f.http_errors, f.vendor_calls, f.instances, f.gave_up, f.failed_notifications
        ),
    ]);
}
