//! A request body that must arrive whole by a deadline. A client that sends its headers and then
//! trickles the body a byte at a time would otherwise hold its connection (and the handler reading
//! it) as long as it likes. The timer is made only when the body is not already there, so a body
//! that came with its headers costs no timer.

use axum::body::Bytes;
use axum::BoxError;
use http_body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// `inner`, cut off with an error once `limit` has passed since it was wrapped.
pub struct Deadline<B> {
    inner: B,
    limit: Duration,
    deadline: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl<B> Deadline<B> {
    /// `inner` must be whole within `limit` from now.
    pub fn new(inner: B, limit: Duration) -> Deadline<B> {
        Deadline {
            inner,
            limit,
            deadline: Instant::now() + limit,
            timer: None,
        }
    }
}

/// The error a body past its deadline ends with.
#[derive(Debug)]
pub struct TooSlow(Duration);

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the request body did not arrive within {:?}", self.0)
    }
}

impl std::error::Error for TooSlow {}

impl<B> Body for Deadline<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(TooSlow(this.limit).into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
