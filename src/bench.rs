//! `marketsim bench <scenario>`: runs one scenario file many times through the same code a user's
//! `marketsim run` takes (fresh world, real sockets, the browser agent) and prints wall-time
//! percentiles. Build with `--release` for figures worth quoting.

use crate::scenario::runner::run_file;
use std::path::PathBuf;
use std::time::Duration;

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
    crate::cli::say(&[format!(
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
