//! `marketsim bench usage`: how fast the console stub reports a month of hourly usage to a real
//! simulator.
//!
//! One process holds a whole world on a manual clock ([`RunningWorld`]: the simulator serving its
//! OpenAPI on 127.0.0.1:0, the console stub pointed at it, one clock). The bench
//!
//! 1. writes `--instances` OPENED instances of the vendor's product straight into the
//!    marketplace's store, the same instances into the console's (as createInstance would), and
//!    `--clusters` running clusters spread over them in round robin, each on the next of the
//!    world's plans (opening and creating are not what is measured);
//! 2. times the clock advanced hour by hour for `--hours` hours: at each hour the console reckons
//!    the hour just ended and pushes it — one record per cluster, whole instances packed into
//!    requests of at most 100 records — through the real signed OpenAPI (V3, the world's vendor
//!    AccessKey, loopback HTTP), and the marketplace checks and stores every request;
//! 3. checks that every request was pushed at its first attempt, that the console's usage is
//!    one record per cluster and hour, and that the marketplace stored exactly those records —
//!    two entities each — with the same totals per metering item.
//!
//! [`measure`] returns the figures as plain data; [`run`] prints them.

use crate::world::{RunningWorld, WorldSetup};
use anyhow::Context;
use console_stub::store::clusters::{Cluster, ClusterStatus};
use console_stub::store::instances::NewInstance;
use console_stub::store::usage::RequestStatus;
use simulator::state::BillRunTimes;
use simulator::ClockMode;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// The bench buyer's balance (CNY): more than a month of 100 8-CU clusters costs.
const BENCH_BALANCE: i64 = 100_000_000;

/// What `marketsim bench usage` takes.
#[derive(clap::Args, Debug, Clone)]
pub struct UsageArgs {
    /// Running clusters, each reporting one record an hour.
    #[arg(long, default_value_t = 1_000)]
    pub clusters: usize,
    /// Marketplace instances the clusters are spread over (at most 100 clusters each).
    #[arg(long, default_value_t = 1_000)]
    pub instances: usize,
    /// Hours the clock is advanced, one at a time (720: a 30-day month).
    #[arg(long, default_value_t = 720)]
    pub hours: usize,
}

/// What a run measured and counted.
#[derive(Debug, Clone)]
pub struct Figures {
    pub clusters: usize,
    pub instances: usize,
    pub hours: usize,
    /// Wall time to write the instances and clusters.
    pub prepared: Duration,
    /// Wall time of the clock advanced hour by hour.
    pub elapsed: Duration,
    /// PushMeteringData requests made.
    pub requests: u64,
    /// Attempts made (one per request, when every first attempt is pushed).
    pub attempts: u64,
    /// Records the console reported (cluster-hours).
    pub records: u64,
    /// Metering entities the marketplace stored.
    pub stored: u64,
    /// Compute and storage the console pushed, summed.
    pub compute: i64,
    pub storage: i64,
    /// The same, summed from what the marketplace stored.
    pub stored_compute: i64,
    pub stored_storage: i64,
    /// What the marketplace's bill runs cost and made while the clock moved.
    pub bills: BillRunTimes,
}

impl Figures {
    /// Records reported per second of wall time.
    pub fn per_second(&self) -> f64 {
        super::per_second(self.records, self.elapsed)
    }
}

pub async fn run(args: UsageArgs) -> anyhow::Result<()> {
    let figures = measure(&args).await?;
    report(&figures);
    Ok(())
}

/// Prepares the world, advances the clock hour by hour and checks what both sides hold.
pub async fn measure(args: &UsageArgs) -> anyhow::Result<Figures> {
    let world = start(args).await?;
    let result = measure_in(&world, args).await;
    world.stop().await;
    result
}

/// The bench's world, started: the default world on a manual clock, its buyer rich enough.
pub(crate) async fn start(args: &UsageArgs) -> anyhow::Result<RunningWorld> {
    if args.clusters == 0 || args.instances == 0 || args.hours == 0 {
        anyhow::bail!("--clusters, --instances and --hours must be at least 1");
    }
    if args.clusters > args.instances * 100 {
        anyhow::bail!(
            "{} clusters over {} instances is more than 100 an instance: one hour of an instance must fit one request",
            args.clusters,
            args.instances
        );
    }
    let mut setup = WorldSetup::default_world(ClockMode::Manual);
    // Enough balance for the month's bills: arrears would stop the instances mid-bench.
    let buyer = setup
        .marketplace
        .buyers
        .first_mut()
        .context("the world has no buyer")?;
    buyer.balance = rust_decimal::Decimal::from(BENCH_BALANCE);
    RunningWorld::start(setup).await
}

/// Prepares `world` ([`start`]ed), advances the clock hour by hour and checks what both sides hold.
pub(crate) async fn measure_in(world: &RunningWorld, args: &UsageArgs) -> anyhow::Result<Figures> {
    let prepared = Instant::now();
    let marketplace_ids = super::delivery::open_instances(&world.sim, args.instances)?;
    seed_console(world, &marketplace_ids, args.clusters)?;
    let prepared = prepared.elapsed();

    let clock = world.sim.clock().clone();
    let stored_before = world.sim.store().metering_count()?;
    let started = Instant::now();
    for _ in 0..args.hours {
        clock.advance(Duration::from_secs(3600)).await?;
    }
    let elapsed = started.elapsed();

    let pushes = world.console.usage_pushes_after(0)?;
    let requests: BTreeSet<i64> = pushes.iter().map(|p| p.request_id).collect();
    if let Some(p) = pushes.iter().find(|p| p.status != RequestStatus::Pushed) {
        anyhow::bail!(
            "request {} was not pushed at once: attempt {} got {} ({})",
            p.request_id,
            p.attempt,
            p.answer,
            p.code.as_deref().unwrap_or("-")
        );
    }
    let start = world.sim.world().start();
    let end = clock.now();
    let org = bench_org(world)?;
    let totals = world.console.lock().usage_totals(&org, start, end)?;
    let records = world.console.lock().usage_lines(&org, 0, 0)?.1;
    let (mut stored_compute, mut stored_storage) = (0i64, 0i64);
    for id in &marketplace_ids {
        for m in world.sim.store().metering_of(id)? {
            match m.key.as_str() {
                "Period" => stored_compute += m.value,
                "StorageGigaByte" => stored_storage += m.value,
                other => anyhow::bail!("the marketplace stored a {other} record"),
            }
        }
    }
    let figures = Figures {
        clusters: args.clusters,
        instances: args.instances,
        hours: args.hours,
        prepared,
        elapsed,
        requests: requests.len() as u64,
        attempts: pushes.len() as u64,
        records,
        stored: world.sim.store().metering_count()? - stored_before,
        compute: totals.pushed_compute,
        storage: totals.pushed_storage,
        stored_compute,
        stored_storage,
        bills: world.sim.bill_run_times(),
    };
    check(&figures, totals.unpushed_hours)?;
    Ok(figures)
}

/// The organisation the clusters belong to: the console world's first.
fn bench_org(world: &RunningWorld) -> anyhow::Result<String> {
    let org = world.console.world().orgs.first();
    Ok(org.context("the console's world has no organisation")?.id.clone())
}

/// The marketplace's instances, recorded in the console as createInstance would, and `clusters`
/// running clusters over them, created at the clock's now, in the world's first organisation.
fn seed_console(world: &RunningWorld, marketplace_ids: &[String], clusters: usize) -> anyhow::Result<()> {
    let console = &world.console;
    let org = bench_org(world)?;
    let plans = &console.world().plans;
    anyhow::ensure!(!plans.is_empty(), "the console's world has no cluster plan");
    let now = console.now();
    let mut db = console.lock();
    let ids: Vec<String> = marketplace_ids.iter().map(|_| db.instance_id()).collect();
    let cluster_ids: Vec<String> = (0..clusters).map(|_| db.cluster_id()).collect();
    db.write(|tx| {
        for (id, order_biz_id) in ids.iter().zip(marketplace_ids) {
            let new = NewInstance {
                order_biz_id,
                order_id: order_biz_id,
                ali_uid: "bench",
                sku_id: "bench",
                expired_on: None,
                extras: Default::default(),
                params_json: "{}".into(),
            };
            tx.insert_instance(id, &new, now)?;
        }
        for (i, cluster_id) in cluster_ids.iter().enumerate() {
            tx.insert_cluster(&Cluster {
                id: cluster_id.clone(),
                org_id: org.clone(),
                instance_id: ids[i % ids.len()].clone(),
                name: format!("bench-{i}"),
                plan: plans[i % plans.len()].id.clone(),
                status: ClusterStatus::Running,
                created_at: now,
                created_by: None,
                deleted_at: None,
            })?;
        }
        Ok(())
    })
    .context("seeding the console's store")?;
    Ok(())
}

/// Fails unless every request was pushed at its first attempt and both sides hold the same usage:
/// a record per cluster and hour, two entities per record, the same totals.
fn check(f: &Figures, unpushed: i64) -> anyhow::Result<()> {
    let records = (f.clusters * f.hours) as u64;
    let agree = f.records == records
        && unpushed == 0
        && f.attempts == f.requests
        && f.stored == 2 * records
        && f.compute == f.stored_compute
        && f.storage == f.stored_storage;
    if !agree {
        anyhow::bail!(
            "the counts disagree: expected {records} records ({} clusters × {} hours); the console holds {} \
             ({unpushed} not pushed) in {} requests over {} attempts; the marketplace stored {} entities \
             (expected {}); compute {} pushed, {} stored; storage {} pushed, {} stored",
            f.clusters,
            f.hours,
            f.records,
            f.requests,
            f.attempts,
            f.stored,
            2 * records,
            f.compute,
            f.stored_compute,
            f.storage,
            f.stored_storage
        );
    }
    Ok(())
}

fn report(f: &Figures) {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let profile = if cfg!(debug_assertions) {
        "debug build: build with --release for figures worth quoting"
    } else {
        "release build"
    };
    let b = &f.bills;
    let bill_runs = b.reading + b.rating + b.writing;
    crate::terminal::say(&[
        format!("marketsim bench usage ({profile})"),
        format!(
            "  console stub and marketplace in one process, sharing the machine's {cores} cores; both stores \
             SQLite in memory; signed PushMeteringData over loopback HTTP/1.1"
        ),
        format!(
            "  {} running clusters over {} OPENED instances, written in {:.2} s; the manual clock advanced \
             {} hours, one at a time",
            f.clusters,
            f.instances,
            f.prepared.as_secs_f64(),
            f.hours
        ),
        format!(
            "  {} records in {} requests in {:.2} s of wall time, {:.0} records/s (goal: a month of 1000 \
             clusters, 720000 records, in under 5 s)",
            f.records,
            f.requests,
            f.elapsed.as_secs_f64(),
            f.per_second()
        ),
        format!(
            "  of which the marketplace's {} bill runs (each hour's window, two hours on): {:.2} s — reading \
             {} records {:.2} s, rating {:.2} s, writing {} bill lines and balances {:.2} s; the rest is the \
             console reckoning, signing and pushing, and the marketplace checking and storing",
            b.runs,
            bill_runs.as_secs_f64(),
            b.records,
            b.reading.as_secs_f64(),
            b.rating.as_secs_f64(),
            b.lines,
            b.writing.as_secs_f64()
        ),
        format!(
            "  check: every request pushed at its first attempt; {} records = {} clusters × {} hours; the \
             marketplace stored {} entities; compute {} = {}, storage {} = {} — they match",
            f.records,
            f.clusters,
            f.hours,
            f.stored,
            f.compute,
            f.stored_compute,
            f.storage,
            f.stored_storage
        ),
    ]);
}
