//! `marketsim bench openapi`: how many PushMeteringData requests the marketplace stores per second.
//!
//! One process holds everything: a world (the simulator on a listener of 127.0.0.1:0, the console
//! stub as the vendor, one clock) and the load generator, all on the same async runtime, so the
//! load generator shares the machine's cores with the server. The bench
//!
//! 1. opens `--instances` pay-as-you-go instances of the vendor's product through 开通
//!    ([`simulator::Simulator::open_service`]) and waits until the createInstance SPI has reached the
//!    console stub and every instance is OPENED;
//! 2. pushes from `--connections` keep-alive HTTP/1.1 connections (hyper's own client, so the
//!    load generator takes as little of the shared cores as it can), each request a one-record
//!    `Metering` for the next instance in round robin, freshly V3-signed (`ACS3-HMAC-SHA256`) with its
//!    own nonce as the SDK signs it ([`protocol::openapi::client::Client::sign`]); only answers with
//!    `Success: true` count, and afterwards the store must hold exactly that many new records;
//! 3. loads `GET /__marketsim/health` (unsigned, no work) the same way;
//! 4. repeats 2 and 3 for `--rounds`, each time over new connections. A run's rate swings with how
//!    the runtime happens to place the connections on its workers (and with the machine's
//!    neighbours), so the ratio of the two rates is taken round by round, each push round against
//!    the health round right after it, and their median reported.
//!
//! The 60-second rule stays on. The marketplace's clock runs `--speed` times as fast as the wall
//! clock, so with enough instances every instance's previous push is more than 60 virtual seconds
//! old when its turn comes again; the figures say how far apart two pushes of one instance were.
//! Each record's window is the last whole ten minutes of the marketplace's time, so none is late.
//!
//! Rooms: this file prepares the world and the instances, runs the rounds and checks the store;
//! `requests` makes each request (a freshly signed push, a health check) and judges its answer;
//! `load` drives the keep-alive connections through one measured window; `report` prints the
//! figures.

mod load;
mod report;
mod requests;

use crate::world::{RunningWorld, WorldSetup};
use anyhow::Context;
use hyper::header::HeaderValue;
use load::{load, Measured};
use protocol::openapi::client::Client as SigningClient;
use report::{report, Results};
use requests::{health_answer, health_request, push_answer, PushTarget};
use simulator::store::orders::Status;
use simulator::{ClockMode, Simulator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `marketsim bench openapi` takes.
#[derive(clap::Args, Debug)]
pub struct OpenapiArgs {
    /// Concurrent keep-alive connections, for each endpoint in turn.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Rounds of the two measurements, one endpoint after the other in each round.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// How long each endpoint is measured in each round.
    #[arg(long, default_value = "2s", value_parser = protocol::time::parse_duration)]
    pub duration: Duration,
    /// Load before each measurement that is not counted in the rate (its pushes are stored and checked).
    #[arg(long, default_value = "0.5s", value_parser = protocol::time::parse_duration)]
    pub warmup: Duration,
    /// OPENED instances the pushes go to in round robin.
    #[arg(long, default_value_t = 2000)]
    pub instances: usize,
    /// The marketplace's clock runs this many times as fast as the wall clock.
    #[arg(long, default_value_t = 36_000.0)]
    pub speed: f64,
    /// Keep the world in this directory (default: in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

pub async fn run(args: OpenapiArgs) -> anyhow::Result<()> {
    if args.connections == 0 || args.instances == 0 || args.rounds == 0 {
        anyhow::bail!("--connections, --instances and --rounds must be at least 1");
    }
    if !(args.speed.is_finite() && args.speed > 0.0) {
        anyhow::bail!("--speed must be a positive number, not {}", args.speed);
    }
    let mut setup = WorldSetup::default_world(ClockMode::RealTime { scale: args.speed });
    setup.deterministic = false;
    setup.data_dir = args.data_dir.clone();
    let world = RunningWorld::start(setup).await?;
    let result = measure(&world, &args).await;
    world.stop().await;
    result
}

async fn measure(world: &RunningWorld, args: &OpenapiArgs) -> anyhow::Result<()> {
    let sim = &world.sim;
    let vendor = sim.world().vendors[0].clone();
    let product = sim
        .world()
        .products
        .iter()
        .find(|p| p.vendor == vendor.id)
        .context("the world's vendor sells no product")?
        .clone();
    let sku = product.skus.first().context("the product has no SKU")?.id.clone();
    let buyer = sim
        .world()
        .buyers
        .first()
        .context("the world has no buyer")?
        .clone();

    let prepared = Instant::now();
    let mut instances = Vec::with_capacity(args.instances);
    for _ in 0..args.instances {
        instances.push(
            sim.open_service(&buyer, &product.code, &sku, &Default::default())?
                .instance_id,
        );
    }
    wait_until_opened(sim, &instances).await?;
    let prepared = prepared.elapsed();

    let stored_before = sim.store().metering_count()?;
    let pushes = Arc::new(PushTarget {
        sim: sim.clone(),
        signer: SigningClient::new(
            &world.marketplace_url,
            &vendor.access_key_id,
            &vendor.access_key_secret,
        )?,
        product: product.code.clone(),
        instances,
        next: AtomicU64::new(0),
    });
    let addr = server_addr(&world.marketplace_url).await?;
    let host = HeaderValue::from_str(addr_host(&world.marketplace_url)?)?;
    let (mut push_rounds, mut health_rounds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..args.rounds {
        let push_round = load(
            args,
            addr,
            {
                let pushes = pushes.clone();
                move || pushes.request()
            },
            push_answer,
        )
        .await?;
        let host = host.clone();
        let health_round = load(args, addr, move || health_request(&host), health_answer).await?;
        if health_round.rate() > 0.0 {
            ratios.push(push_round.rate() / health_round.rate());
        }
        push_rounds.push(push_round);
        health_rounds.push(health_round);
    }
    let stored = sim.store().metering_count()? - stored_before;
    let results = Results {
        pushes: Measured::combine(push_rounds),
        health: Measured::combine(health_rounds),
        ratios,
        stored,
    };
    report(args, &results, prepared, pushes.instances.len());
    let push_result = &results.pushes;
    if stored != push_result.ok_total {
        anyhow::bail!(
            "{} pushes were answered Success:true but the store holds {stored} new records",
            push_result.ok_total
        );
    }
    if push_result.ok == 0 {
        anyhow::bail!(
            "no push succeeded: {}",
            push_result.first_failure.as_deref().unwrap_or("no answer")
        );
    }
    Ok(())
}

/// The socket address of the `http://host:port` server at `url`.
async fn server_addr(url: &str) -> anyhow::Result<SocketAddr> {
    let authority = addr_host(url)?;
    tokio::net::lookup_host(authority)
        .await?
        .next()
        .with_context(|| format!("{authority} resolves to no address"))
}

/// The `host:port` of `url`.
fn addr_host(url: &str) -> anyhow::Result<&str> {
    url.strip_prefix("http://")
        .map(|rest| rest.trim_end_matches('/'))
        .with_context(|| format!("{url} is not an http:// URL"))
}

/// Waits (up to a minute of wall time) until every instance is OPENED.
async fn wait_until_opened(sim: &Simulator, instances: &[String]) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut waiting: Vec<&String> = instances.iter().collect();
    loop {
        let mut still = Vec::new();
        for id in waiting {
            let instance = sim.store().instance(id)?.context("an opened instance vanished")?;
            match instance.status {
                Status::Opened => {}
                Status::OpenFailed => anyhow::bail!(
                    "instance {id} failed to open: {}",
                    instance.failure.unwrap_or_default()
                ),
                _ => still.push(id),
            }
        }
        if still.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "{} of {} instances were not OPENED after a minute",
                still.len(),
                instances.len()
            );
        }
        waiting = still;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
