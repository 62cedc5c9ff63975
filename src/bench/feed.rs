//! `marketsim bench feed`: what following the billing feed costs the marketplace, and how fast a
//! client reads it back.
//!
//! 1. The usage bench ([`super::usage`]) alone: its wall time.
//! 2. The usage bench again, in a fresh world, while a client follows `FollowBillingFeed` from the
//!    feed's start with the vendor's AccessKey (signed V3, loopback HTTP), reading every event as
//!    it comes: the wall time the follower added, and how long after the clock's last hour it had
//!    read the last entry.
//! 3. In that world, a client reading the month's entries from offset 0 in pages of 10,000
//!    (`ReadBillingFeed`, each signed V3, every page parsed as JSON into each entry's id, type and
//!    amount, the ids checked to rise): bill lines and entries per second.

use super::usage::{self, UsageArgs};
use crate::world::RunningWorld;
use anyhow::Context;
use protocol::openapi::client::Client;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `marketsim bench feed` takes: the usage bench's own arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct FeedArgs {
    #[command(flatten)]
    pub usage: UsageArgs,
}

/// Entries a page asks for.
const PAGE: &str = "10000";

/// What the follower saw.
#[derive(Default)]
struct Followed {
    events: AtomicU64,
    /// The last event's id, -1 before the first.
    last: AtomicI64,
}

pub async fn run(args: FeedArgs) -> anyhow::Result<()> {
    let alone = usage::measure(&args.usage).await?;

    let world = usage::start(&args.usage).await?;
    let result = followed(&world, &args.usage).await;
    world.stop().await;
    let (with, caught_up, followed_events, read) = result?;

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let profile = if cfg!(debug_assertions) {
        "debug build: build with --release for figures worth quoting"
    } else {
        "release build"
    };
    let added = with.elapsed.as_secs_f64() / alone.elapsed.as_secs_f64() - 1.0;
    crate::terminal::say(&[
        format!("marketsim bench feed ({profile}, {cores} cores)"),
        format!(
            "  the usage bench ({} clusters, {} hours, {} records): {:.2} s alone, {:.2} s with a client \
             following the feed — {:+.0}% (goal: under +50%)",
            args.usage.clusters,
            args.usage.hours,
            with.records,
            alone.elapsed.as_secs_f64(),
            with.elapsed.as_secs_f64(),
            added * 100.0
        ),
        format!(
            "  the follower read {followed_events} events, the last {:.2} s after the clock's last hour",
            caught_up.as_secs_f64()
        ),
        format!(
            "  reading the month from offset 0 in pages of {PAGE}: {} entries ({} bill lines) in {:.2} s — \
             {:.0} bill lines/s, {:.0} entries/s (goal: 300000 lines/s)",
            read.entries,
            read.lines,
            read.elapsed.as_secs_f64(),
            super::per_second(read.lines, read.elapsed),
            super::per_second(read.entries, read.elapsed)
        ),
    ]);
    Ok(())
}

/// The usage bench in `world` with a follower; then the feed read in pages.
async fn followed(
    world: &RunningWorld,
    args: &UsageArgs,
) -> anyhow::Result<(usage::Figures, Duration, u64, Read)> {
    let vendor = world
        .sim
        .world()
        .vendors
        .first()
        .context("the world has no vendor")?;
    let client = Client::new(
        &world.marketplace_url,
        &vendor.access_key_id,
        &vendor.access_key_secret,
    )?;
    let seen = Arc::new(Followed::default());
    seen.last.store(-1, Ordering::Relaxed);
    let follower = tokio::spawn(follow(
        client.clone(),
        world.marketplace_url.clone(),
        seen.clone(),
    ));

    let figures = usage::measure_in(world, args).await?;
    let done = Instant::now();
    let (_, end) = world.sim.store().feed_bounds()?;
    // The follower has read everything once it has read the last entry.
    while seen.last.load(Ordering::Relaxed) < end - 1 {
        if follower.is_finished() {
            anyhow::bail!("the follower stopped early");
        }
        if done.elapsed() > Duration::from_secs(120) {
            anyhow::bail!(
                "the follower was still at {} of {} two minutes after the bench",
                seen.last.load(Ordering::Relaxed),
                end - 1
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let caught_up = done.elapsed();
    follower.abort();
    let read = read_pages(&client, &world.marketplace_url).await?;
    Ok((figures, caught_up, seen.events.load(Ordering::Relaxed), read))
}

/// Follows the stream from the start, counting events and keeping the last id.
async fn follow(client: Client, base: String, seen: Arc<Followed>) -> anyhow::Result<()> {
    let signed = client.sign("FollowBillingFeed", "GET", &[], &[]);
    let mut request = reqwest::Client::new().get(format!("{base}{}", signed.uri()));
    for (name, value) in &signed.headers {
        request = request.header(name.as_ref(), value);
    }
    let mut response = request.send().await?;
    anyhow::ensure!(
        response.status() == 200,
        "the stream answered {}",
        response.status()
    );
    let mut rest: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        rest.extend_from_slice(&chunk);
        // Whole lines only; the rest waits for the next chunk.
        let Some(cut) = rest.iter().rposition(|b| *b == b'\n') else {
            continue;
        };
        for line in rest[..cut].split(|b| *b == b'\n') {
            if let Some(id) = line.strip_prefix(b"id: ") {
                let id: i64 = std::str::from_utf8(id)?.parse()?;
                seen.events.fetch_add(1, Ordering::Relaxed);
                seen.last.store(id, Ordering::Relaxed);
            }
        }
        rest.drain(..=cut);
    }
    Ok(())
}

/// What reading the feed in pages took.
struct Read {
    entries: u64,
    lines: u64,
    elapsed: Duration,
}

/// A page as the reading client takes it: each entry's id, type and amount, the rest skipped.
#[derive(serde::Deserialize)]
struct PageRead<'a> {
    #[serde(borrow)]
    entries: Vec<EntryRead<'a>>,
    next_offset: i64,
    end_offset: i64,
}

#[derive(serde::Deserialize)]
struct EntryRead<'a> {
    id: i64,
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    amount: Option<std::borrow::Cow<'a, str>>,
}

/// Reads every page from offset 0, each signed afresh, parsed into [`PageRead`].
async fn read_pages(client: &Client, base: &str) -> anyhow::Result<Read> {
    let http = reqwest::Client::new();
    let started = Instant::now();
    let (mut entries, mut lines) = (0u64, 0u64);
    let mut offset = "0".to_owned();
    let mut last = -1;
    loop {
        let signed = client.sign(
            "ReadBillingFeed",
            "GET",
            &[("offset", &offset), ("limit", PAGE)],
            &[],
        );
        let mut request = http.get(format!("{base}{}", signed.uri()));
        for (name, value) in &signed.headers {
            request = request.header(name.as_ref(), value);
        }
        let body = request.send().await?.error_for_status()?.bytes().await?;
        let page: PageRead<'_> = serde_json::from_slice(&body)?;
        for e in &page.entries {
            anyhow::ensure!(e.id > last, "entry {} after {last}", e.id);
            last = e.id;
            if e.kind == "bill_line" {
                anyhow::ensure!(e.amount.is_some(), "a bill line without an amount");
                lines += 1;
            }
        }
        entries += page.entries.len() as u64;
        if page.next_offset >= page.end_offset {
            break;
        }
        offset = page.next_offset.to_string();
    }
    Ok(Read {
        entries,
        lines,
        elapsed: started.elapsed(),
    })
}
