//! Following the feed live: from an offset, every entry the reader sees, in order, then each new
//! one as its transaction commits. The follow reads the store in short reads of its own
//! ([`super::SCAN_PER_READ`] offsets, at most [`BATCH`] entries), only when its client has taken
//! what it was given: a client that reads slowly holds back its own follow and nothing else, and
//! no writer ever waits for a follower. Once read to the end it waits for the store's tick
//! (`Store::feed_changes`). A reset of the world that leaves its offset behind ends it with
//! [`Followed::Stale`].

use super::{entry, FeedError, Reader, SCAN_PER_READ};
use crate::state::Simulator;
use futures_util::stream::{self, Stream};
use std::collections::VecDeque;

/// Entries a follow reads from the store at a time.
pub const BATCH: usize = 512;

/// What a follow yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Followed {
    /// An entry: its offset (the event's id) and its JSON.
    Entry { offset: i64, json: String },
    /// The follow's offset went with a reset of the world: the last item.
    Stale(String),
    /// The store could not be read: the last item.
    Failed(String),
}

struct Position {
    sim: Simulator,
    reader: Reader,
    at: i64,
    ready: VecDeque<Followed>,
    changes: tokio::sync::watch::Receiver<u64>,
    writer: entry::Writer,
    ended: bool,
}

/// Follows the feed as `reader` sees it from `from`, which the caller has checked is not stale.
pub fn follow(sim: Simulator, reader: Reader, from: i64) -> impl Stream<Item = Followed> + Send + 'static {
    let changes = sim.store().feed_changes();
    let start = Position {
        sim,
        reader,
        at: from,
        ready: VecDeque::new(),
        changes,
        writer: entry::Writer::default(),
        ended: false,
    };
    stream::unfold(start, |mut p| async move {
        loop {
            if let Some(item) = p.ready.pop_front() {
                return Some((item, p));
            }
            if p.ended {
                return None;
            }
            // Marked seen before reading: a commit after the read ticks again.
            p.changes.borrow_and_update();
            let products = p.reader.products();
            let (writer, ready) = (&mut p.writer, &mut p.ready);
            let read = p.sim.store().read_feed(
                p.at,
                p.reader.visible(&products),
                BATCH,
                SCAN_PER_READ,
                |offset, item| {
                    ready.push_back(Followed::Entry {
                        offset,
                        json: writer.json(offset, item),
                    })
                },
            );
            match read {
                Err(e) => {
                    tracing::error!("following the feed: {e}");
                    p.ready.push_back(Followed::Failed(e.to_string()));
                    p.ended = true;
                }
                Ok(read) if read.origin > p.at => {
                    p.ready.clear();
                    let stale = FeedError::Stale {
                        sent: p.at,
                        origin: read.origin,
                    };
                    p.ready.push_back(Followed::Stale(stale.to_string()));
                    p.ended = true;
                }
                Ok(read) => {
                    let caught_up = read.next >= read.end;
                    p.at = read.next;
                    if p.ready.is_empty() {
                        if caught_up {
                            if p.changes.changed().await.is_err() {
                                return None;
                            }
                        } else {
                            // Offsets the reader does not see: go on, letting others have the store.
                            tokio::task::yield_now().await;
                        }
                    }
                }
            }
        }
    })
}
