//! A small app served over a real loopback socket, and a raw client that can fall silent mid-way,
//! which no HTTP client library does on purpose.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use serving::{AllowedHosts, Config, Limits};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

/// How long a test waits for something the server must do within a fraction of a second: long
/// enough for a loaded machine, and it is only reached when the server fails to do it at all.
pub const GENEROUS: Duration = Duration::from_secs(20);

/// Limits short enough for tests: 300 ms for headers, bodies, stalled writes and shutdown.
pub fn short_limits() -> Limits {
    Limits {
        header_read: Duration::from_millis(300),
        body_read: Duration::from_millis(300),
        write: Duration::from_millis(300),
        max_connections: 64,
        shutdown_grace: Duration::from_millis(300),
    }
}

/// `GET /held` waits: it notifies `started`, then answers once `release` is notified.
#[derive(Clone, Default)]
pub struct Held {
    pub started: Arc<Notify>,
    pub release: Arc<Notify>,
}

/// `GET /` answers `ok`; `POST /echo` answers its body's length; `GET /held` waits (see [`Held`]).
pub fn app(held: Held) -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: Bytes| async move { body.len().to_string() }))
        .route(
            "/held",
            get(|State(held): State<Held>| async move {
                held.started.notify_one();
                held.release.notified().await;
                "done"
            }),
        )
        .with_state(held)
}

/// A server under test: its address, its stop switch and its task.
pub struct Server {
    pub addr: SocketAddr,
    pub held: Held,
    stop: Option<oneshot::Sender<()>>,
    pub task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(limits: Limits, hosts: AllowedHosts) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let held = Held::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let config = Config { hosts, limits };
        let task = tokio::spawn(serving::serve(listener, app(held.clone()), config, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            held,
            stop: Some(stop),
            task,
        }
    }

    /// Begins the shutdown.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// Connects and sends `text` (a whole request or a piece of one).
    pub async fn send(&self, text: &str) -> TcpStream {
        let mut stream = self.connect().await;
        stream.write_all(text.as_bytes()).await.unwrap();
        stream
    }

    /// Connects with a small receive buffer and sends `request` over and over (at most 100,000
    /// times) without ever reading an answer, as a client that stalls mid-pipeline does.
    pub async fn pipeline_without_reading(&self, request: &'static str) -> JoinHandle<()> {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(2048).unwrap();
        let mut stream = socket.connect(self.addr).await.unwrap();
        tokio::spawn(async move {
            for _ in 0..100_000 {
                if stream.write_all(request.as_bytes()).await.is_err() {
                    break;
                }
            }
            // Hold the connection, unread, until the test ends.
            std::future::pending::<()>().await;
        })
    }

    /// `GET path` naming the server `host`, on a connection of its own; the whole answer.
    pub async fn get(&self, host: &str, path: &str) -> String {
        let mut stream = self
            .send(&format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
            ))
            .await;
        until_closed(&mut stream).await.expect("the answer ends")
    }
}

/// Everything the server sends until it closes the connection, or None when it is still open
/// after [`GENEROUS`].
pub async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut seen = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(GENEROUS, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

/// Reads until `ending` has arrived (an answer on a connection kept alive); false when it does not
/// within [`GENEROUS`].
pub async fn read_until(stream: &mut TcpStream, ending: &str) -> bool {
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        while !seen.ends_with(ending.as_bytes()) {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        true
    };
    tokio::time::timeout(GENEROUS, read).await.unwrap_or(false)
}

/// Whether the server has already closed `stream`, asked of the socket without waiting.
pub fn already_closed(stream: TcpStream) -> bool {
    use std::io::Read;
    let mut stream = stream.into_std().unwrap();
    stream.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}
