//! How long a connection may idle or trickle, how many may be open, and how long a shutdown waits:
//! the numbers in one place, with the defaults the README documents.

use std::time::Duration;

/// What a server allows its clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// From the moment the server waits for a request — on a new connection, or on a kept-alive
    /// one after its last answer — to the end of that request's headers. Past it the connection is
    /// closed, so this is the keep-alive idle timeout too (hyper's `header_read_timeout`).
    pub header_read: Duration,
    /// From the end of a request's headers to the end of its body; a body still arriving then is
    /// refused with 400 and the connection closed.
    pub body_read: Duration,
    /// How long writing an answer may make no progress (a client that stops reading, with a
    /// pipeline of requests queued behind it); past it the connection is dropped.
    pub write: Duration,
    /// Connections open at once. Over it the server stops accepting, and new connections wait in
    /// the listen queue until one ends.
    pub max_connections: usize,
    /// After shutdown begins: idle connections close at once, requests in flight get this long to
    /// finish, then whatever is still open is dropped.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    /// 10 s for headers (and idling), 30 s for a body, 30 s of a stalled write, 512 connections,
    /// 3 s to shut down. 512 is
    /// far more than browsers, SDKs and the bench open; where the process may open fewer files,
    /// an accept that fails for want of one is retried after a pause, never the end of the server.
    fn default() -> Limits {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            write: Duration::from_secs(30),
            max_connections: 512,
            shutdown_grace: Duration::from_secs(3),
        }
    }
}
