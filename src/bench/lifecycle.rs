//! `marketsim bench lifecycle`: how fast a virtual year of subscriptions runs its course — terms
//! renewed automatically month after month, the few left to lapse expired and then released —
//! with every action delivered over loopback HTTP to the console stub.
//!
//! One process holds a whole world on a manual clock ([`RunningWorld`]: the simulator, whose
//! vendor's SPI URL is the console stub's, the console stub, one clock), its
//! `delivery_concurrency` set to `--concurrency`. The bench
//!
//! 1. writes `--instances` OPENED subscriptions of the world's first subscription SKU straight
//!    into the marketplace's store — the purchase order of its shortest term, the instance with
//!    its `expires_at`, the term's end scheduled, and auto-renewal Month × 1 on all but
//!    `--lapsing` of them — and the same instances into the console's store, as createInstance
//!    would have recorded them (opening is not what is measured);
//! 2. times the clock advanced month by month for `--months` months and then through the world's
//!    `release_grace`: at each term's end the marketplace renews (an order, the new term,
//!    renewInstance) or expires (expiredInstance, the release scheduled), and at the grace
//!    period's end releases (releaseInstance), each action delivered to the console stub;
//! 3. checks that every action was answered `ok` at its first attempt, that the counts are what
//!    the calendar makes them, that each instance's orders chain term after term, that the
//!    console holds the expiry the marketplace does, and that the lapsed instances are closed on
//!    both sides.
//!
//! [`measure`] returns the figures as plain data; [`run`] prints them.

use crate::world::{RunningWorld, WorldSetup};
use anyhow::Context;
use console_stub::store::instances::{InstanceStatus, NewInstance};
use protocol::time::{epoch_millis, spi_format, Instant as At};
use simulator::lifecycle::{dates, Choice};
use simulator::store::deliveries::JournalFilter;
use simulator::store::orders::{Instance, Order, Status};
use simulator::store::purchases::AutoRenewal;
use simulator::store::terms::Transition;
use simulator::world::Charge;
use simulator::ClockMode;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What `marketsim bench lifecycle` takes.
#[derive(clap::Args, Debug, Clone)]
pub struct LifecycleArgs {
    /// OPENED subscriptions, each on a one-month term.
    #[arg(long, default_value_t = 1_000)]
    pub instances: usize,
    /// Months the clock is advanced, one at a time, before the grace period.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Of the instances, how many have auto-renewal off: expired at their first term's end and
    /// released after the grace period.
    #[arg(long, default_value_t = 100)]
    pub lapsing: usize,
    /// SPI calls out at once: the world's `delivery_concurrency` (1 to 256).
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
}

/// What a run measured and counted.
#[derive(Debug, Clone)]
pub struct Figures {
    pub instances: usize,
    pub lapsing: usize,
    pub months: u32,
    pub concurrency: usize,
    /// Wall time to write the instances into both stores.
    pub prepared: Duration,
    /// Wall time of the clock advanced through the months and the grace period.
    pub elapsed: Duration,
    /// CPU time the process used meanwhile (every thread), where the system tells.
    pub cpu: Option<Duration>,
    /// Virtual time the run covered.
    pub virtual_span: Duration,
    /// SPI attempts in the journal made during the run.
    pub deliveries: u64,
    /// First attempts answered `ok`, by action.
    pub renewals: u64,
    pub expired: u64,
    pub released: u64,
    /// Renewals each auto-renewing instance gets over the run, as the calendar counts them.
    pub renewals_each: u64,
    /// Orders the marketplace holds for the instances (purchases and renewals).
    pub orders: u64,
}

impl Figures {
    /// Deliveries per second of wall time.
    pub fn per_second(&self) -> f64 {
        super::per_second(self.deliveries, self.elapsed)
    }
}

pub async fn run(args: LifecycleArgs) -> anyhow::Result<()> {
    let figures = measure(&args).await?;
    report(&figures);
    Ok(())
}

/// Prepares the world, advances the clock month by month and through the grace period, and checks
/// what both sides hold.
pub async fn measure(args: &LifecycleArgs) -> anyhow::Result<Figures> {
    if args.instances == 0 || args.months == 0 {
        anyhow::bail!("--instances and --months must be at least 1");
    }
    if args.lapsing > args.instances {
        anyhow::bail!(
            "--lapsing {} is more than the {} instances there are",
            args.lapsing,
            args.instances
        );
    }
    if !(1..=256).contains(&args.concurrency) {
        anyhow::bail!(
            "--concurrency must be between 1 and 256, not {}",
            args.concurrency
        );
    }
    let mut setup = WorldSetup::default_world(ClockMode::Manual);
    setup.marketplace.settings.delivery_concurrency = args.concurrency;
    let world = RunningWorld::start(setup).await?;
    let result = measure_in(&world, args).await;
    world.stop().await;
    result
}

/// An instance as the bench wrote it: the marketplace's id and the console's.
struct Seeded {
    marketplace_id: String,
    console_id: String,
    renews: bool,
}

async fn measure_in(world: &RunningWorld, args: &LifecycleArgs) -> anyhow::Result<Figures> {
    let prepared = Instant::now();
    let seeded = seed(world, args)?;
    let prepared = prepared.elapsed();

    let clock = world.sim.clock().clone();
    let start = clock.now();
    let grace = chrono::TimeDelta::from_std(world.sim.world().settings.release_grace)
        .context("the world's release_grace is out of range")?;
    let last_month = dates::add_months(start, args.months);
    let end = last_month + grace;
    let journal_before = world.sim.store().journal(&JournalFilter::default(), 0, 0)?.1;

    let cpu_before = crate::bench::process_cpu();
    let started = Instant::now();
    for month in 1..=args.months {
        clock.advance_to(dates::add_months(start, month)).await?;
    }
    clock.advance_to(end).await?;
    let elapsed = started.elapsed();
    let cpu = crate::bench::process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));

    let (journal, total) = world
        .sim
        .store()
        .journal(&JournalFilter::default(), journal_before, u64::MAX)?;
    if let Some(d) = journal.iter().find(|d| d.attempt != 1 || d.outcome != "ok") {
        anyhow::bail!(
            "{} to instance {} was not taken at its first attempt: attempt {} was {} ({})",
            d.action,
            d.instance_id,
            d.attempt,
            d.outcome,
            d.body.as_deref().unwrap_or("-")
        );
    }
    let count = |action: &str| journal.iter().filter(|d| d.action == action).count() as u64;
    let (renewals, expired, released) = (
        count("renewInstance"),
        count("expiredInstance"),
        count("releaseInstance"),
    );
    let renewals_each = term_ends(start, end);
    let figures = Figures {
        instances: args.instances,
        lapsing: args.lapsing,
        months: args.months,
        concurrency: args.concurrency,
        prepared,
        elapsed,
        cpu,
        virtual_span: (end - start).to_std().unwrap_or_default(),
        deliveries: total - journal_before,
        renewals,
        expired,
        released,
        renewals_each,
        orders: check_instances(world, &seeded, start, renewals_each)?,
    };
    check_counts(&figures)?;
    Ok(figures)
}

/// The term ends from `start` to `end`, each a month after the one before: the renewals an
/// instance with auto-renewal on gets over that span.
fn term_ends(start: At, end: At) -> u64 {
    let mut ends = 0;
    let mut term_end = dates::add_months(start, 1);
    while term_end <= end {
        ends += 1;
        term_end = dates::add_months(term_end, 1);
    }
    ends
}

/// Writes the instances into both stores: the marketplace's as open subscriptions of the world's
/// first subscription SKU on its shortest term, the console's as createInstance records them.
fn seed(world: &RunningWorld, args: &LifecycleArgs) -> anyhow::Result<Vec<Seeded>> {
    let sim = &world.sim;
    let product = sim
        .world()
        .products
        .first()
        .context("the world sells no product")?;
    let sku = product
        .skus
        .iter()
        .find(|s| s.charge == Charge::Subscription)
        .context("the world's product has no subscription SKU")?;
    let buyer = sim.world().buyers.first().context("the world has no buyer")?;
    let purchase = sim.quote_purchase(buyer, &product.code, &sku.id, &Choice::default())?;
    let ends_at = purchase
        .ends_at
        .context("a subscription's purchase has no term end")?;
    let now = purchase.created_at;

    let console_ids: Vec<String> = {
        let mut db = world.console.lock();
        (0..args.instances).map(|_| db.instance_id()).collect()
    };
    let seeded: Vec<Seeded> = console_ids
        .into_iter()
        .enumerate()
        .map(|(i, console_id)| Seeded {
            marketplace_id: format!("9{i:08}"),
            console_id,
            renews: i >= args.lapsing,
        })
        .collect();
    let renewal = AutoRenewal {
        cycle: "Month".into(),
        duration: 1,
    };
    sim.store().transaction(|tx| {
        for (i, s) in seeded.iter().enumerate() {
            let order = Order {
                order_id: format!("8{i:014}"),
                instance_id: s.marketplace_id.clone(),
                ..purchase.clone()
            };
            tx.insert_order(&order)?;
            tx.insert_instance(&Instance {
                instance_id: s.marketplace_id.clone(),
                order_id: order.order_id.clone(),
                ali_uid: order.ali_uid.clone(),
                product_code: order.product_code.clone(),
                sku_id: order.sku_id.clone(),
                status: Status::Opened,
                vendor_instance_id: Some(s.console_id.clone()),
                app_info: None,
                host_info: None,
                info: None,
                attempts: 1,
                next_attempt_at: None,
                failure: None,
                created_at: now,
                opened_at: Some(now),
                expires_at: Some(ends_at),
                extras: order.extras.clone(),
                expired_at: None,
            })?;
            tx.schedule_transition(&s.marketplace_id, Transition::TermEnd, ends_at)?;
            if s.renews {
                tx.set_auto_renewal(&s.marketplace_id, Some(&renewal), now)?;
            }
        }
        Ok::<_, simulator::store::StoreError>(())
    })?;

    let expired_on = spi_format(at(ends_at));
    let console_now = world.console.now();
    world
        .console
        .lock()
        .write(|tx| {
            for (i, s) in seeded.iter().enumerate() {
                let order_id = format!("8{i:014}");
                let new = NewInstance {
                    order_biz_id: &s.marketplace_id,
                    order_id: &order_id,
                    ali_uid: &buyer.ali_uid,
                    sku_id: &sku.id,
                    expired_on: Some(&expired_on),
                    extras: BTreeMap::new(),
                    params_json: "{}".into(),
                };
                tx.insert_instance(&s.console_id, &new, console_now)?;
            }
            Ok(())
        })
        .context("seeding the console's store")?;
    Ok(seeded)
}

fn at(ms: i64) -> At {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Fails unless each instance ended where its auto-renewal takes it, on both sides: the renewing
/// ones open with `renewals_each` renewal orders chained term after term from `start`, the lapsed
/// ones closed with their purchase alone; the console's expiry the marketplace's. Returns the
/// orders counted.
fn check_instances(
    world: &RunningWorld,
    seeded: &[Seeded],
    start: At,
    renewals_each: u64,
) -> anyhow::Result<u64> {
    let store = world.sim.store();
    let db = world.console.lock();
    let mut orders_counted = 0;
    for s in seeded {
        let id = &s.marketplace_id;
        let instance = store
            .instance(id)?
            .with_context(|| format!("the marketplace lost instance {id}"))?;
        let orders = store.orders_of(id)?;
        orders_counted += orders.len() as u64;
        let renewals = if s.renews { renewals_each } else { 0 };
        anyhow::ensure!(
            orders.len() as u64 == 1 + renewals,
            "instance {id} has {} orders, expected its purchase and {renewals} renewals",
            orders.len()
        );
        let mut term_start = start;
        for (n, order) in orders.iter().enumerate() {
            let kind = if n == 0 { "NEW" } else { "RENEW" };
            let term_end = dates::add_months(term_start, 1);
            let chained = order.order_type == kind
                && order.months == Some(1)
                && order.starts_at == Some(epoch_millis(term_start))
                && order.ends_at == Some(epoch_millis(term_end))
                && !order.is_refunded();
            anyhow::ensure!(
                chained,
                "instance {id}'s order {} ({}, {:?} months from {:?} to {:?}) is not the {kind} term from {} to {}",
                order.order_id,
                order.order_type,
                order.months,
                order.starts_at.map(|t| spi_format(at(t))),
                order.ends_at.map(|t| spi_format(at(t))),
                spi_format(term_start),
                spi_format(term_end)
            );
            term_start = term_end;
        }
        let (expected, console_expected) = if s.renews {
            (Status::Opened, InstanceStatus::Active)
        } else {
            (Status::Closed, InstanceStatus::Released)
        };
        anyhow::ensure!(
            instance.status == expected,
            "instance {id} is {} in the marketplace, expected {}",
            instance.status.code(),
            expected.code()
        );
        anyhow::ensure!(
            instance.expires_at == Some(epoch_millis(term_start)),
            "instance {id} expires at {:?} in the marketplace, expected {}",
            instance.expires_at.map(|t| spi_format(at(t))),
            spi_format(term_start)
        );
        let console = db
            .instance(&s.console_id)?
            .with_context(|| format!("the console lost instance {}", s.console_id))?;
        let expires = spi_format(term_start);
        anyhow::ensure!(
            console.status == console_expected && console.expired_on.as_deref() == Some(expires.as_str()),
            "the console holds instance {} ({id}) {:?}, expiring {:?}; the marketplace {} expiring {expires}",
            s.console_id,
            console.status,
            console.expired_on,
            instance.status.code()
        );
    }
    Ok(orders_counted)
}

/// Fails unless the journal holds exactly the actions the calendar makes: a renewal per term end
/// of each renewing instance, an expiry and a release per lapsing one, nothing else.
fn check_counts(f: &Figures) -> anyhow::Result<()> {
    let renewing = (f.instances - f.lapsing) as u64;
    let lapsing = f.lapsing as u64;
    let renewals = renewing * f.renewals_each;
    let agree = f.renewals == renewals
        && f.expired == lapsing
        && f.released == lapsing
        && f.deliveries == renewals + 2 * lapsing;
    if !agree {
        anyhow::bail!(
            "the counts disagree: expected {renewals} renewals ({renewing} instances × {}), {lapsing} expired \
             and {lapsing} released; the journal holds {} deliveries: {} renewals, {} expired, {} released",
            f.renewals_each,
            f.deliveries,
            f.renewals,
            f.expired,
            f.released
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
    let days = f.virtual_span.as_secs() / 86_400;
    let cpu = f.cpu.map_or_else(
        || "CPU time not known here".into(),
        |c| format!("{:.2} CPU-seconds", c.as_secs_f64()),
    );
    crate::terminal::say(&[
        format!("marketsim bench lifecycle ({profile})"),
        format!(
            "  marketplace and console stub in one process, sharing the machine's {cores} cores; both stores \
             SQLite in memory; every SPI action over loopback HTTP/1.1"
        ),
        format!(
            "  {} OPENED one-month subscriptions ({} with auto-renewal Month × 1, {} without), written in {:.2} s; \
             the manual clock advanced {} months one at a time, then through the release grace ({days} days \
             of virtual time)",
            f.instances,
            f.instances - f.lapsing,
            f.lapsing,
            f.prepared.as_secs_f64(),
            f.months
        ),
        format!(
            "  delivery_concurrency {}: {} deliveries in {:.2} s of wall time, {:.0} deliveries/s, {cpu} \
             (goal: a year of 1000 instances in under 2 s)",
            f.concurrency,
            f.deliveries,
            f.elapsed.as_secs_f64(),
            f.per_second()
        ),
        format!(
            "  check: every action ok at its first attempt; {} renewals = {} × {}, {} expired, {} released; \
             {} orders chained term after term; both sides hold the same expiry, the lapsed closed on both — \
             they match",
            f.renewals,
            f.instances - f.lapsing,
            f.renewals_each,
            f.expired,
            f.released,
            f.orders
        ),
    ]);
}
