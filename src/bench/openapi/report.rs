//! The figures of a run, as lines for the terminal: each endpoint's rate, latency and CPU, the
//! store check, and the round-by-round ratio of pushes to health checks against the floor.

use super::load::Measured;
use super::OpenapiArgs;
use std::time::Duration;

/// What the rounds measured, together.
pub(super) struct Results {
    pub(super) pushes: Measured,
    pub(super) health: Measured,
    /// Each round's push rate over the health rate right after it.
    pub(super) ratios: Vec<f64>,
    /// Records the store gained.
    pub(super) stored: u64,
}

/// The middle value (the mean of the two middle ones for an even count); 0 for none.
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

pub(super) fn report(args: &OpenapiArgs, results: &Results, prepared: Duration, instances: usize) {
    let Results {
        pushes,
        health,
        ratios,
        stored,
    } = results;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let profile = if cfg!(debug_assertions) {
        "debug build: build with --release for figures worth quoting"
    } else {
        "release build"
    };
    let store = match &args.data_dir {
        Some(dir) => format!("SQLite in {} (WAL)", dir.display()),
        None => "SQLite in memory".to_owned(),
    };
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    // Two pushes of one instance are `instances` requests apart.
    let gap_virtual = if pushes.rate() > 0.0 {
        instances as f64 / pushes.rate() * args.speed
    } else {
        f64::INFINITY
    };
    let line = |name: &str, m: &Measured, unit: &str| {
        let cpu = match (m.cpu, m.cpu_per_request()) {
            (Some(total), Some(each)) => format!(
                "; CPU {:.0} µs per request, {:.0}% of {cores} cores",
                each.as_secs_f64() * 1e6,
                total.as_secs_f64() / m.window.as_secs_f64() / cores as f64 * 100.0
            ),
            _ => String::new(),
        };
        format!(
            "  {name:<26} {:>9.0} {unit}/s   p50 {}   p99 {}   ({} counted, {} failed{cpu})",
            m.rate(),
            ms(m.percentile(0.5)),
            ms(m.percentile(0.99)),
            m.ok,
            m.failed,
        )
    };
    let mut lines = vec![
        format!("marketsim bench openapi ({profile})"),
        format!(
            "  server and load generator in one process, sharing the machine's {cores} cores; \
             {} keep-alive HTTP/1.1 connections (hyper's client) over loopback, opened afresh for each measurement; \
             {} rounds of pushes then health checks, each measured {:.1} s after {:.1} s of warm-up",
            args.connections,
            args.rounds,
            args.duration.as_secs_f64(),
            args.warmup.as_secs_f64()
        ),
        format!("  store: {store}"),
        format!(
            "  60-second rule: on — {instances} OPENED instances (opened through the console stub's SPI in {:.1} s), \
             pushed in round robin on a marketplace clock running {}× wall time: \
             two pushes of one instance ~{:.0} virtual s apart",
            prepared.as_secs_f64(),
            args.speed,
            gap_virtual
        ),
        "  every push: one record, V3-signed (ACS3-HMAC-SHA256) per request with a fresh nonce; \
         counted only when answered Success:true"
            .to_owned(),
        line("PushMeteringData", pushes, "stored pushes"),
        line("GET /__marketsim/health", health, "requests"),
        format!(
            "  store check: {} pushes answered Success:true (warm-up included), {stored} new records stored{}",
            pushes.ok_total,
            if *stored == pushes.ok_total { " — they match" } else { " — MISMATCH" },
        ),
        format!(
            "  pushes vs health, round by round: {}; median {:.0}% (floor: ≥ 15000 stored pushes/s and ≥ 25%)",
            ratios
                .iter()
                .map(|r| format!("{:.0}%", r * 100.0))
                .collect::<Vec<_>>()
                .join(", "),
            median(ratios) * 100.0
        ),
    ];
    for (name, m) in [("PushMeteringData", pushes), ("health", health)] {
        if let Some(why) = &m.first_failure {
            let why: String = why.chars().take(300).collect();
            lines.push(format!("  first {name} failure: {why}"));
        }
    }
    crate::terminal::say(&lines);
}
