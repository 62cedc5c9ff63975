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

use crate::world::{RunningWorld, WorldSetup};
use anyhow::Context;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use protocol::openapi::client::Client as SigningClient;
use simulator::openapi::ops::metering::push;
use simulator::store::orders::Status;
use simulator::{ClockMode, Simulator};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// How one endpoint did over the measured window.
struct Measured {
    /// Answers that count (`Success: true`, or the health check's `ok`) within the window.
    ok: u64,
    /// Other answers and transport errors within the window.
    failed: u64,
    /// Answers that count, warm-up included.
    ok_total: u64,
    /// Latency of every request answered within the window, microseconds, sorted.
    latencies: Vec<u32>,
    /// The first failure, for the report.
    first_failure: Option<String>,
    window: Duration,
    /// CPU time the whole process (server and load generator) used in the window, where the system
    /// tells it.
    cpu: Option<Duration>,
}

impl Measured {
    /// The rounds of one endpoint as one measurement.
    fn combine(rounds: Vec<Measured>) -> Measured {
        let mut all = Measured {
            ok: 0,
            failed: 0,
            ok_total: 0,
            latencies: Vec::new(),
            first_failure: None,
            window: Duration::ZERO,
            cpu: Some(Duration::ZERO),
        };
        for round in rounds {
            all.ok += round.ok;
            all.failed += round.failed;
            all.ok_total += round.ok_total;
            all.latencies.extend(round.latencies);
            all.first_failure = all.first_failure.or(round.first_failure);
            all.window += round.window;
            all.cpu = all.cpu.zip(round.cpu).map(|(a, b)| a + b);
        }
        all.latencies.sort_unstable();
        all
    }

    fn rate(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    /// CPU time per counted answer, server and load generator together.
    fn cpu_per_request(&self) -> Option<Duration> {
        let cpu = self.cpu?;
        (self.ok > 0).then(|| cpu / u32::try_from(self.ok).unwrap_or(u32::MAX))
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        Duration::from_micros(u64::from(self.latencies[i]))
    }
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    ok_total: u64,
    latencies: Vec<u32>,
    first_failure: Option<String>,
}

/// What a request's answer was.
enum Outcome {
    Counted,
    Failed(String),
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
        instances.push(sim.open_service(&buyer, &product.code, &sku)?.instance_id);
    }
    wait_until_opened(sim, &instances).await?;
    let prepared = prepared.elapsed();

    let stored_before = push::stored_count(sim)?;
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
    let stored = push::stored_count(sim)? - stored_before;
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

/// Where pushes go and what they say.
struct PushTarget {
    sim: Simulator,
    signer: SigningClient,
    product: String,
    instances: Vec<String>,
    next: AtomicU64,
}

impl PushTarget {
    /// One freshly signed push of the next instance's last whole ten minutes.
    fn request(&self) -> Result<HttpRequest, String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let instance = &self.instances[(n % self.instances.len() as u64) as usize];
        let now = self.sim.clock().now().timestamp();
        let end = now - now.rem_euclid(600);
        // The JSON the SDK would send for one record: built directly (the ids are digits and the
        // product code letters and digits, nothing to escape), not through a serializer.
        let metering = format!(
            r#"[{{"InstanceId":"{instance}","StartTime":{},"EndTime":{end},"Entities":[{{"Key":"Frequency","Value":1,"meteringAssit":"{}-Frequency-1"}}]}}]"#,
            end - 600,
            self.product
        );
        let signed = self
            .signer
            .sign("PushMeteringData", "POST", &[("Metering", &metering)], &[]);
        let mut request = hyper::Request::builder()
            .method(hyper::Method::POST)
            .uri(signed.uri());
        let headers = request
            .headers_mut()
            .ok_or("the push request could not be built")?;
        headers.reserve(signed.headers.len());
        for (name, value) in signed.headers {
            let Ok(value) = HeaderValue::try_from(value) else {
                return Err(format!("the signed {name} header is not a header value"));
            };
            match known_header(&name) {
                Some(name) => headers.append(name, value),
                None => match HeaderName::try_from(name.as_ref()) {
                    Ok(name) => headers.append(name, value),
                    Err(e) => return Err(e.to_string()),
                },
            };
        }
        request
            .body(Full::new(Bytes::from(signed.body)))
            .map_err(|e| e.to_string())
    }
}

/// The part of PushMeteringData's answer the bench reads.
#[derive(serde::Deserialize)]
struct PushAnswer {
    #[serde(rename = "Success")]
    success: Option<bool>,
}

/// Counts an answer of PushMeteringData when it says `Success: true`.
fn push_answer(status: StatusCode, body: &[u8]) -> Outcome {
    let answer = serde_json::from_slice::<PushAnswer>(body).ok();
    if answer.and_then(|a| a.success) == Some(true) {
        Outcome::Counted
    } else {
        Outcome::Failed(format!("{status}: {}", String::from_utf8_lossy(body)))
    }
}

/// The name of a header the signer sets, without parsing it again.
fn known_header(name: &str) -> Option<HeaderName> {
    use hyper::header;
    Some(match name {
        "host" => header::HOST,
        "accept" => header::ACCEPT,
        "authorization" => header::AUTHORIZATION,
        "content-type" => header::CONTENT_TYPE,
        "user-agent" => header::USER_AGENT,
        "x-acs-action" => HeaderName::from_static("x-acs-action"),
        "x-acs-version" => HeaderName::from_static("x-acs-version"),
        "x-acs-date" => HeaderName::from_static("x-acs-date"),
        "x-acs-signature-nonce" => HeaderName::from_static("x-acs-signature-nonce"),
        "x-acs-content-sha256" => HeaderName::from_static("x-acs-content-sha256"),
        _ => return None,
    })
}

/// An unsigned `GET /__marketsim/health` to `host`.
fn health_request(host: &HeaderValue) -> Result<HttpRequest, String> {
    hyper::Request::builder()
        .method(hyper::Method::GET)
        .uri("/__marketsim/health")
        .header(hyper::header::HOST, host.clone())
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())
}

/// Counts a health answer of `200 ok`.
fn health_answer(status: StatusCode, body: &[u8]) -> Outcome {
    if status.is_success() && body == b"ok" {
        Outcome::Counted
    } else {
        Outcome::Failed(format!("{status}: {}", String::from_utf8_lossy(body)))
    }
}

type HttpRequest = hyper::Request<Full<Bytes>>;

/// One keep-alive HTTP/1.1 connection to the server, opened again after a transport error.
struct Connection {
    addr: SocketAddr,
    sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("transport: {e}"))?;
        stream.set_nodelay(true).map_err(|e| format!("transport: {e}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("transport: {e}"))?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Sends `request` and reads the whole answer; a transport error drops the connection.
    async fn send(&mut self, request: HttpRequest) -> Result<(StatusCode, Bytes), String> {
        let result = self.exchange(request).await;
        if result.is_err() {
            self.sender = None;
        }
        result
    }

    async fn exchange(&mut self, request: HttpRequest) -> Result<(StatusCode, Bytes), String> {
        let sender = match &mut self.sender {
            Some(sender) if !sender.is_closed() => sender,
            _ => self.sender.insert(Self::open(self.addr).await?),
        };
        sender.ready().await.map_err(|e| format!("transport: {e}"))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| format!("transport: {e}"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("transport: {e}"))?
            .to_bytes();
        Ok((status, body))
    }
}

/// Runs requests made by `make` and judged by `judge` in a loop on each of `--connections`
/// keep-alive connections to `addr` for the warm-up and the measured window.
async fn load<M, J>(args: &OpenapiArgs, addr: SocketAddr, make: M, judge: J) -> anyhow::Result<Measured>
where
    M: Fn() -> Result<HttpRequest, String> + Clone + Send + 'static,
    J: Fn(StatusCode, &[u8]) -> Outcome + Copy + Send + 'static,
{
    let start = Instant::now();
    let measure_from = start + args.warmup;
    let until = measure_from + args.duration;
    let mut workers = Vec::with_capacity(args.connections);
    for _ in 0..args.connections {
        let make = make.clone();
        let mut connection = Connection {
            addr,
            sender: Some(Connection::open(addr).await.map_err(anyhow::Error::msg)?),
        };
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::default();
            loop {
                let sent = Instant::now();
                if sent >= until {
                    break;
                }
                let outcome = match make() {
                    Ok(request) => match connection.send(request).await {
                        Ok((status, body)) => judge(status, &body),
                        Err(why) => Outcome::Failed(why),
                    },
                    Err(why) => Outcome::Failed(why),
                };
                let answered = Instant::now();
                let counted = sent >= measure_from && answered <= until;
                match outcome {
                    Outcome::Counted => {
                        tally.ok_total += 1;
                        if counted {
                            tally.ok += 1;
                        }
                    }
                    Outcome::Failed(why) => {
                        if counted {
                            tally.failed += 1;
                        }
                        tally.first_failure.get_or_insert(why);
                    }
                }
                if counted {
                    let micros = answered.duration_since(sent).as_micros();
                    tally.latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
                }
            }
            tally
        }));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu_before = process_cpu();
    tokio::time::sleep_until(until.into()).await;
    let cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let mut all = Tally::default();
    // No timer per request: a connection still waiting long after the window is a hung server.
    let give_up = tokio::time::Instant::from_std(until + Duration::from_secs(30));
    for worker in workers {
        let t = match tokio::time::timeout_at(give_up, worker).await {
            Ok(joined) => joined.context("a load connection panicked")?,
            Err(_) => anyhow::bail!("a request had no answer 30 s after the measured window ended"),
        };
        all.ok += t.ok;
        all.failed += t.failed;
        all.ok_total += t.ok_total;
        all.latencies.extend(t.latencies);
        if all.first_failure.is_none() {
            all.first_failure = t.first_failure;
        }
    }
    all.latencies.sort_unstable();
    Ok(Measured {
        ok: all.ok,
        failed: all.failed,
        ok_total: all.ok_total,
        latencies: all.latencies,
        first_failure: all.first_failure,
        window: args.duration,
        cpu,
    })
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

/// CPU time this process has used (user and system, every thread), from `/proc/self/stat` on
/// Linux; None elsewhere.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) in parentheses: state is the first,
    // utime the 12th and stime the 13th, in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// What the rounds measured, together.
struct Results {
    pushes: Measured,
    health: Measured,
    /// Each round's push rate over the health rate right after it.
    ratios: Vec<f64>,
    /// Records the store gained.
    stored: u64,
}

fn report(args: &OpenapiArgs, results: &Results, prepared: Duration, instances: usize) {
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
