//! `marketsim bench`: timing, with `--release` for figures worth quoting.
//!
//! - `marketsim bench scenario <file>` ([`run`]): runs one scenario file many times through the same
//!   code a user's `marketsim run` takes (fresh world, real sockets, the browser agent) and prints
//!   wall-time percentiles.
//! - `marketsim bench openapi` ([`openapi`]): signed PushMeteringData requests over loopback against
//!   an in-process world, beside the same server's health check.
//! - `marketsim bench delivery` ([`delivery`]): the SPI delivery engine through orderPay's whole
//!   retry schedule, every call answered 500 by a vendor over loopback.
//! - `marketsim bench usage` ([`usage`]): a month of the console stub's hourly usage reporting
//!   through the signed OpenAPI of a simulator, the clock advanced hour by hour.
//! - `marketsim bench feed` ([`feed`]): the usage bench alone, then with a client following the
//!   billing feed's stream, then the month read back from offset 0 in pages.
//! - `marketsim bench lifecycle` ([`lifecycle`]): a virtual year of subscriptions renewing
//!   themselves month by month, a few expiring and released, every action delivered over loopback
//!   to the console stub.

pub mod delivery;
pub mod feed;
pub mod lifecycle;
pub mod openapi;
pub mod usage;

use crate::scenario::runner::run_file;
use std::path::PathBuf;
use std::time::Duration;

/// Times `file` over `runs` runs after one warm-up run.
pub async fn run(file: PathBuf, runs: usize) -> anyhow::Result<()> {
    let runs = runs.max(1);
    let warmup = run_file(&file).await;
    if let Some(d) = warmup.failure {
        anyhow::bail!("the scenario fails, nothing to measure: {d}");
    }
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let result = run_file(&file).await;
        if let Some(d) = result.failure {
            anyhow::bail!("the scenario failed during the benchmark: {d}");
        }
        times.push(result.elapsed);
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let profile = if cfg!(debug_assertions) {
        "debug build"
    } else {
        "release build"
    };
    crate::terminal::say(&[format!(
        "{}: {runs} runs ({profile}, {} cores): min {}  p50 {}  p90 {}  max {}",
        file.display(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        ms(times[0]),
        ms(pct(0.5)),
        ms(pct(0.9)),
        ms(times[times.len() - 1]),
    )]);
    Ok(())
}

/// `marketsim bench …`: what to time.
#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// Time one scenario file over many runs (wall time per run: min, p50, p90, max).
    Scenario {
        file: PathBuf,
        #[arg(long, default_value_t = 50)]
        runs: usize,
    },
    /// Signed PushMeteringData over loopback from many connections, beside the health check.
    Openapi(openapi::OpenapiArgs),
    /// orderPay to many instances, every attempt answered 500, the clock run to the end of the
    /// retry schedule: deliveries per second of wall time.
    Delivery(delivery::DeliveryArgs),
    /// A month of hourly usage of many running clusters, reckoned and pushed by the console stub
    /// to the simulator's OpenAPI as the clock is advanced hour by hour: records per second.
    Usage(usage::UsageArgs),
    /// The usage bench alone, then with a client following the billing feed's stream over
    /// loopback (the time it adds), then the month's entries read from offset 0 in pages
    /// (lines per second).
    Feed(feed::FeedArgs),
    /// A virtual year of one-month subscriptions renewed automatically, a tenth expired and
    /// released, every SPI action delivered to the console stub: deliveries per second.
    Lifecycle(lifecycle::LifecycleArgs),
}

/// Runs the benchmark `command` names.
pub async fn dispatch(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Scenario { file, runs } => run(file, runs).await,
        BenchCommand::Openapi(args) => openapi::run(args).await,
        BenchCommand::Delivery(args) => delivery::run(args).await,
        BenchCommand::Usage(args) => usage::run(args).await,
        BenchCommand::Feed(args) => feed::run(args).await,
        BenchCommand::Lifecycle(args) => lifecycle::run(args).await,
    }
}

/// `count` things over `elapsed`, per second (a zero time counts as the smallest there is).
pub(crate) fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
}

/// CPU time this process has used (user and system, every thread), from `/proc/self/stat` on
/// Linux; None elsewhere.
pub(crate) fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in parentheses: state is the first,
    // utime the 12th and stime the 13th, in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}
