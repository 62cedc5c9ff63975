//! One measured window of one endpoint: `--connections` keep-alive HTTP/1.1 connections, each
//! sending requests in a loop through the warm-up and the window, tallied into a [`Measured`].

use super::requests::{HttpRequest, Outcome};
use super::OpenapiArgs;
use anyhow::Context;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How one endpoint did over the measured window.
pub(super) struct Measured {
    /// Answers that count (`Success: true`, or the health check's `ok`) within the window.
    pub(super) ok: u64,
    /// Other answers and transport errors within the window.
    pub(super) failed: u64,
    /// Answers that count, warm-up included.
    pub(super) ok_total: u64,
    /// Latency of every request answered within the window, microseconds, sorted.
    pub(super) latencies: Vec<u32>,
    /// The first failure, for the report.
    pub(super) first_failure: Option<String>,
    pub(super) window: Duration,
    /// CPU time the whole process (server and load generator) used in the window, where the system
    /// tells it.
    pub(super) cpu: Option<Duration>,
}

impl Measured {
    /// The rounds of one endpoint as one measurement.
    pub(super) fn combine(rounds: Vec<Measured>) -> Measured {
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

    pub(super) fn rate(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    /// CPU time per counted answer, server and load generator together.
    pub(super) fn cpu_per_request(&self) -> Option<Duration> {
        let cpu = self.cpu?;
        (self.ok > 0).then(|| cpu / u32::try_from(self.ok).unwrap_or(u32::MAX))
    }

    pub(super) fn percentile(&self, p: f64) -> Duration {
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
pub(super) async fn load<M, J>(
    args: &OpenapiArgs,
    addr: SocketAddr,
    make: M,
    judge: J,
) -> anyhow::Result<Measured>
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
    let cpu_before = crate::bench::process_cpu();
    tokio::time::sleep_until(until.into()).await;
    let cpu = crate::bench::process_cpu()
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
