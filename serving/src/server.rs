//! The accept loop and each connection, on hyper's HTTP/1 server. Every connection holds a permit
//! of a semaphore of `max_connections`: with none left the loop stops accepting, and new
//! connections wait in the listen queue. hyper's `header_read_timeout` closes a connection that
//! has not sent a whole request head in time — on a kept-alive connection hyper starts that timer
//! when it begins waiting for the next request, so it is the idle timeout too. Each request's body
//! is wrapped in a [`Deadline`], and its Host checked against the [`AllowedHosts`] before the app
//! sees it. A write that makes no progress for `limits.write` (a client that stopped reading)
//! drops the connection; so does a response marked [`DropConnection`]. On shutdown every
//! connection is told to finish gracefully (idle ones close at once, requests in flight are
//! answered); after `shutdown_grace` the rest are dropped.

use crate::body::Deadline;
use crate::hosts::AllowedHosts;
use crate::limits::Limits;
use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

/// Put in a response's extensions, it has the connection closed instead of the response sent:
/// the client's request was taken and its answer lost on the way (an injected fault).
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer is dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// How one server meets the network: which Host names it answers to, and its limits.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub hosts: AllowedHosts,
    pub limits: Limits,
}

/// Where a server is in its life; every connection watches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Serving,
    /// Finish what is in flight, take no new requests.
    Closing,
    /// Drop the connection now.
    Closed,
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes within the grace of
/// `config.limits`. An error accepting a connection never ends the server: it is logged, and the
/// loop pauses for a second when the error is not the client's (out of file descriptors, say).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let Config { hosts, limits } = config;
    let hosts = Arc::new(hosts);
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let max = u32::try_from(max).unwrap_or(u32::MAX);
    let permits = Arc::new(Semaphore::new(max as usize));
    let (phase, watching) = watch::channel(Phase::Serving);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let connection = Connection {
                    http: http.clone(),
                    app: app.clone(),
                    hosts: hosts.clone(),
                    body_read: limits.body_read,
                    write: limits.write,
                    phase: watching.clone(),
                    _permit: permit,
                };
                tokio::spawn(connection.run(stream));
            }
            Err(e) if is_the_clients(&e) => {}
            Err(e) => {
                tracing::warn!("accepting a connection: {e}");
                tokio::select! {
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
    drop(listener);
    let _ = phase.send(Phase::Closing);
    let all_ended = permits.clone().acquire_many_owned(max);
    if tokio::time::timeout(limits.shutdown_grace, all_ended)
        .await
        .is_err()
    {
        let _ = phase.send(Phase::Closed);
        // Each connection drops itself on seeing Closed; this waits for them to have done so.
        let _ = permits.acquire_many(max).await;
    }
    Ok(())
}

/// Resolves once the server is at `phase` or past it (or gone).
async fn reached(watching: &mut watch::Receiver<Phase>, phase: Phase) {
    // The borrow `wait_for` answers with is dropped here, never held across an await.
    let _ = watching.wait_for(|now| *now >= phase).await;
}

/// An error that ends one connection attempt, not the listener.
fn is_the_clients(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// One accepted connection and what it needs; its permit is returned when it ends.
struct Connection {
    http: http1::Builder,
    app: Router,
    hosts: Arc<AllowedHosts>,
    body_read: Duration,
    write: Duration,
    phase: watch::Receiver<Phase>,
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(mut self, stream: TcpStream) {
        let (app, hosts, body_read) = (self.app, self.hosts, self.body_read);
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let refusal = hosts.refusal(&request);
            let app = app.clone();
            async move {
                if let Some(refusal) = refusal {
                    return Ok(refusal);
                }
                let request = request.map(|body| Body::new(Deadline::new(body, body_read)));
                let response = match app.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                if response.extensions().get::<DropConnection>().is_some() {
                    return Err(DropConnection);
                }
                Ok(response)
            }
        });
        let mut stream = TimeoutStream::new(stream);
        stream.set_write_timeout(Some(self.write));
        let stream = TokioIo::new(Box::pin(stream));
        let connection = self.http.serve_connection(stream, service);
        let mut connection = std::pin::pin!(connection);
        let ended = tokio::select! {
            ended = connection.as_mut() => Some(ended),
            () = reached(&mut self.phase, Phase::Closing) => None,
        };
        let ended = match ended {
            Some(ended) => ended,
            None => {
                connection.as_mut().graceful_shutdown();
                tokio::select! {
                    ended = connection.as_mut() => ended,
                    () = reached(&mut self.phase, Phase::Closed) => Ok(()),
                }
            }
        };
        if let Err(e) = ended {
            tracing::debug!("connection ended: {e}");
        }
    }
}
