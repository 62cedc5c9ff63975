//! The billing feed: every bill line, every metering record accepted and every push refused, as
//! entries at offsets in the order they were made (`store::feed` keeps them, written in the same
//! transaction as what they report). This floor holds the feed's rules, beneath the interfaces
//! that serve it (the OpenAPI's signed `ReadBillingFeed` and `FollowBillingFeed`, the control
//! API's `/__marketsim/feed`): who sees which entries ([`Reader`]), what an offset and a limit may
//! be, a page read from an offset ([`page`]), an entry as JSON ([`entry`]), a live follow from an
//! offset ([`follow`]), the two on the wire ([`wire`]: a JSON page, Server-Sent Events), and the
//! log of refused pushes with its cap ([`refusals`]).

pub mod entry;
pub mod follow;
pub mod refusals;
pub mod wire;

pub use follow::{follow, Followed};

use crate::state::Simulator;
use crate::store::feed::Visible;
use crate::store::StoreError;
use crate::world::{Buyer, Vendor, World};

/// Entries a page holds when the reader does not say.
pub const DEFAULT_LIMIT: usize = 100;
/// The most entries one page holds.
pub const MAX_LIMIT: usize = 10_000;
/// Offsets one store read looks at, at most: a reader who sees few of them holds the store no
/// longer than that takes.
pub const SCAN_PER_READ: i64 = 4_096;
/// Offsets one page looks at, at most, before it answers with what it found: a page may hold
/// fewer entries than asked although more follow; its `next_offset` goes on from there.
pub const SCAN_PER_PAGE: i64 = 262_144;

/// Whose entries a reader sees, owning what it needs (a follow outlives the request).
#[derive(Debug, Clone, PartialEq)]
pub enum Reader {
    /// The control API: every entry.
    All,
    /// A vendor's AccessKey: the lines and records of its products, its refused pushes.
    Vendor { id: String, products: Vec<String> },
    /// A buyer's AccessKey: its lines and the records of its instances.
    Buyer { ali_uid: String },
}

impl Reader {
    pub fn vendor(world: &World, vendor: &Vendor) -> Reader {
        Reader::Vendor {
            id: vendor.id.clone(),
            products: world
                .products
                .iter()
                .filter(|p| p.vendor == vendor.id)
                .map(|p| p.code.clone())
                .collect(),
        }
    }

    pub fn buyer(buyer: &Buyer) -> Reader {
        Reader::Buyer {
            ali_uid: buyer.ali_uid.clone(),
        }
    }

    /// The reader as the store filters, with `products` borrowed from it.
    fn visible<'a>(&'a self, products: &'a [&'a str]) -> Visible<'a> {
        match self {
            Reader::All => Visible::All,
            Reader::Vendor { id, .. } => Visible::Vendor { vendor: id, products },
            Reader::Buyer { ali_uid } => Visible::Buyer { ali_uid },
        }
    }

    fn products(&self) -> Vec<&str> {
        match self {
            Reader::Vendor { products, .. } => products.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// Why the feed cannot be read as asked.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// `offset` (or `Last-Event-ID`) is not a whole number from 0.
    #[error("the offset `{0}` is not a feed offset: a whole number from 0")]
    Offset(String),
    /// `limit` is not a whole number from 1 to [`MAX_LIMIT`].
    #[error("the limit `{0}` is not a whole number from 1 to {MAX_LIMIT}")]
    Limit(String),
    /// The offset is below the feed's origin: its entries went with a reset of the world.
    #[error("the offset {sent} is stale: entries before {origin} went with a reset of the world; read from {origin}")]
    Stale { sent: i64, origin: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl FeedError {
    /// The error code the OpenAPI answers it with.
    pub fn code(&self) -> &'static str {
        match self {
            FeedError::Offset(_) => "InvalidOffset",
            FeedError::Limit(_) => "InvalidLimit",
            FeedError::Stale { .. } => "InvalidOffset.Stale",
            FeedError::Store(_) => "InternalError",
        }
    }
}

/// An offset as sent: a whole number from 0; none is the feed's origin.
pub fn parse_offset(text: Option<&str>) -> Result<Option<i64>, FeedError> {
    match text.map(str::trim) {
        None => Ok(None),
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n >= 0 && t.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
            _ => Err(FeedError::Offset(t.chars().take(64).collect())),
        },
    }
}

/// A page size as sent: 1 to [`MAX_LIMIT`]; none is [`DEFAULT_LIMIT`].
pub fn parse_limit(text: Option<&str>) -> Result<usize, FeedError> {
    match text.map(str::trim) {
        None => Ok(DEFAULT_LIMIT),
        Some(t) => match t.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) && t.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
            _ => Err(FeedError::Limit(t.chars().take(64).collect())),
        },
    }
}

/// Where a page ended: how many entries it wrote, where the next page starts, and where the feed
/// ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// How many entries were written.
    pub count: usize,
    /// The offset to read from next: after the last entry, or after the last offset looked at.
    pub next_offset: i64,
    /// The offset the next entry made will have: a page whose `next_offset` reached it has read
    /// everything there is.
    pub end_offset: i64,
}

/// Writes up to `limit` entries `reader` sees, from `from` (the origin when None), to `out` as
/// JSON objects separated by commas. An offset past the end reads an empty page that starts
/// there again; one below the origin is [`FeedError::Stale`].
pub fn page(
    sim: &Simulator,
    reader: &Reader,
    from: Option<i64>,
    limit: usize,
    out: &mut String,
) -> Result<Page, FeedError> {
    let products = reader.products();
    let who = reader.visible(&products);
    let (origin, end) = sim.store().feed_bounds()?;
    let from = from.unwrap_or(origin);
    if from < origin {
        return Err(FeedError::Stale { sent: from, origin });
    }
    // Most entries are a few hundred bytes: room for the page without growing it as it fills.
    out.reserve(limit.min(end.saturating_sub(from).max(0) as usize) * 512);
    let mut page = Page {
        count: 0,
        next_offset: from,
        end_offset: from,
    };
    let mut writer = entry::Writer::default();
    let mut at = from;
    loop {
        let read = sim
            .store()
            .read_feed(at, who, limit - page.count, SCAN_PER_READ, |offset, item| {
                if page.count > 0 {
                    out.push(',');
                }
                writer.write(out, offset, item);
                page.count += 1;
            })?;
        if read.origin > at {
            return Err(FeedError::Stale {
                sent: at,
                origin: read.origin,
            });
        }
        page.end_offset = read.end;
        page.next_offset = read.next;
        at = read.next;
        if page.count >= limit || at >= read.end || at - from >= SCAN_PER_PAGE {
            return Ok(page);
        }
    }
}
