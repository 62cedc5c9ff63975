//! The billing feed's entries: every bill line, every metering record accepted and every push
//! refused, each at an offset, in the order made. Lines and records stay where they are
//! (`bill_lines`, `metering_records`); a row of `feed_segments` gives a run of offsets to a run of
//! consecutive rowids of one table — a bill run's lines, a push's records, written in the same
//! transaction as they are — so the feed costs one row per write. Refused pushes have a table of
//! their own, `feed_refusals`, each row under its offset.
//!
//! Offsets count on across a reset of the world (`meta`'s `feed_origin` is where the reset found
//! the feed ending), so an offset below the origin is known for one read before the reset.
//! Readers learn of new entries from [`Store::feed_changes`], which ticks after every commit that
//! wrote one.

use super::bills::LINE_COLUMNS;
use super::{Store, StoreError, Tx};
use rusqlite::{params, Connection, OptionalExtension};

/// Which table a segment's entries are rows of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    BillLine = 0,
    Metering = 1,
    Refusal = 2,
}

/// Whose entries a reader sees.
#[derive(Debug, Clone, Copy)]
pub enum Visible<'a> {
    /// Every entry (the control API).
    All,
    /// A vendor's: the lines and records of `products`, the pushes it had refused.
    Vendor {
        vendor: &'a str,
        products: &'a [&'a str],
    },
    /// A buyer's: its lines and the records of its instances.
    Buyer { ali_uid: &'a str },
}

/// A bill line as the feed reads it: its columns as stored, borrowed from the row (decimals as
/// their text, times epoch ms or Unix seconds as stored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineRow<'r> {
    pub ali_uid: &'r str,
    pub month: &'r str,
    /// The bill item type (`PayAsYouGoBill`, …).
    pub kind: &'r str,
    pub product_code: &'r str,
    pub instance_id: &'r str,
    pub sku_id: &'r str,
    pub order_id: Option<&'r str>,
    pub item: &'r str,
    pub metering_key: Option<&'r str>,
    pub metering_assit: Option<&'r str>,
    /// The bill window, Unix seconds.
    pub window: Option<(i64, i64)>,
    pub usage: Option<&'r str>,
    pub unit_price: Option<&'r str>,
    pub amount: &'r str,
    pub records: i64,
    pub duplicates: i64,
    /// Epoch ms.
    pub billed_at: i64,
}

/// A metering record as the feed reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordRow<'r> {
    pub instance_id: &'r str,
    /// The instance's buyer.
    pub ali_uid: Option<&'r str>,
    pub product_code: &'r str,
    /// Unix seconds.
    pub start_time: i64,
    pub end_time: i64,
    /// The entities as stored: a JSON array with the request's field names.
    pub entities_json: &'r str,
    /// When it was received (epoch ms).
    pub received_at: i64,
    /// False for usage of an expired instance that is kept but never billed.
    pub billable: bool,
}

/// A refused push as the feed shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub vendor: String,
    pub code: String,
    pub message: String,
    /// How many records the `Metering` text held, when it could be read.
    pub records: Option<i64>,
    /// The instances its records named, when it could be read.
    pub instances: Vec<String>,
    /// The `Metering` text as sent, or its start when it was long.
    pub metering: String,
    /// Whether `metering` is only the start of what was sent.
    pub truncated: bool,
    /// When it was refused (epoch ms).
    pub at: i64,
}

/// A refused push as the feed reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefusalRow<'r> {
    pub vendor: &'r str,
    pub code: &'r str,
    pub message: &'r str,
    pub records: Option<i64>,
    /// The instances as stored: a JSON array of strings.
    pub instances_json: &'r str,
    pub metering: &'r str,
    pub truncated: bool,
    pub at: i64,
}

/// What an entry reports, borrowed from the row it was read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'r> {
    Line(LineRow<'r>),
    Metering(RecordRow<'r>),
    Refusal(RefusalRow<'r>),
}

/// Where one read ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Read {
    /// How many entries the reader was given.
    pub entries: usize,
    /// Where the next read goes on: after the last entry given, or after the last offset looked
    /// at.
    pub next: i64,
    /// The first offset the world's feed holds (entries below it went with a reset).
    pub origin: i64,
    /// The offset the next entry made will have.
    pub end: i64,
}

/// The offset the next entry made will have.
pub(super) fn end(conn: &Connection) -> rusqlite::Result<i64> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT start + count FROM feed_segments ORDER BY start DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match last {
        Some(end) => Ok(end),
        None => origin(conn),
    }
}

fn origin(conn: &Connection) -> rusqlite::Result<i64> {
    let text: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'feed_origin'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| t.parse().ok()).unwrap_or(0))
}

pub(super) fn set_origin(conn: &Connection, origin: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('feed_origin', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [origin.to_string()],
    )?;
    Ok(())
}

impl Tx<'_> {
    /// The largest rowid of `table` (0 when empty): rows inserted next, in one transaction, take
    /// the rowids after it.
    pub(super) fn last_rowid(&self, table: Source) -> rusqlite::Result<i64> {
        let sql = match table {
            Source::BillLine => "SELECT coalesce(max(id), 0) FROM bill_lines",
            Source::Metering => "SELECT coalesce(max(id), 0) FROM metering_records",
            Source::Refusal => "SELECT coalesce(max(id), 0) FROM feed_refusals",
        };
        self.query_row(sql, [], |r| r.get(0))
    }

    /// Makes the `count` rows of `source` inserted after rowid `after` feed entries, at the feed's
    /// end. Their rowids must be consecutive: checked against the last one inserted.
    pub(super) fn feed_rows(&self, source: Source, after: i64, count: usize) -> Result<(), StoreError> {
        if count == 0 {
            return Ok(());
        }
        let count = count as i64;
        if self.tx.last_insert_rowid() != after + count {
            return Err(StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(
                format!("the feed's rows of table {source:?} are not consecutive").into(),
            )));
        }
        let start = end(&self.tx)?;
        self.execute(
            "INSERT INTO feed_segments (start, source, first_row, count) VALUES (?1, ?2, ?3, ?4)",
            params![start, source as i64, after + 1, count],
        )?;
        self.fed.set(true);
        Ok(())
    }

    /// Writes a refused push at the feed's end, then forgets the vendor's refusals older than its
    /// latest `keep` (their offsets are never used again).
    pub fn log_refusal(&self, r: &Refusal, keep: usize) -> Result<(), StoreError> {
        let offset = end(&self.tx)?;
        let instances = serde_json::to_string(&r.instances)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        self.execute(
            "INSERT INTO feed_refusals (id, vendor, code, message, records, instances, metering, truncated, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                offset,
                r.vendor,
                r.code,
                r.message,
                r.records,
                instances,
                r.metering,
                r.truncated,
                r.at
            ],
        )?;
        self.execute(
            "INSERT INTO feed_segments (start, source, first_row, count) VALUES (?1, ?2, ?1, 1)",
            params![offset, Source::Refusal as i64],
        )?;
        let oldest_kept: Option<i64> = self
            .query_row(
                "SELECT id FROM feed_refusals WHERE vendor = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2",
                params![r.vendor, keep.saturating_sub(1) as i64],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(oldest) = oldest_kept {
            self.execute(
                "DELETE FROM feed_segments WHERE start IN
                     (SELECT id FROM feed_refusals WHERE vendor = ?1 AND id < ?2)",
                params![r.vendor, oldest],
            )?;
            self.execute(
                "DELETE FROM feed_refusals WHERE vendor = ?1 AND id < ?2",
                params![r.vendor, oldest],
            )?;
        }
        self.fed.set(true);
        Ok(())
    }
}

impl Store {
    /// Tick after every commit that wrote feed entries (and after a reset): a follower waits on it
    /// once it has read to the end.
    pub fn feed_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.feed.subscribe()
    }

    /// The first offset the feed holds and the offset of the next entry.
    pub fn feed_bounds(&self) -> Result<(i64, i64), StoreError> {
        let conn = self.conn();
        Ok((origin(&conn)?, end(&conn)?))
    }

    /// Hands `each` up to `limit` entries `who` sees, from offset `from` on, in order, looking at
    /// no more than `scan` offsets (a reader who sees few entries cannot hold the store for long).
    /// Nothing is read from an offset below the origin.
    pub fn read_feed(
        &self,
        from: i64,
        who: Visible<'_>,
        limit: usize,
        scan: i64,
        mut each: impl FnMut(i64, Item<'_>),
    ) -> Result<Read, StoreError> {
        let conn = self.conn();
        let (origin, end) = (origin(&conn)?, end(&conn)?);
        let mut read = Read {
            entries: 0,
            next: from,
            origin,
            end,
        };
        if from < origin || from >= end || limit == 0 {
            return Ok(read);
        }
        let stop = end.min(from.saturating_add(scan.max(1)));
        let mut segments = conn.prepare_cached(
            "SELECT start, source, first_row, count FROM feed_segments
             WHERE start >= (SELECT coalesce(max(start), ?1) FROM feed_segments WHERE start <= ?1)
               AND start < ?2
             ORDER BY start",
        )?;
        let segments: Vec<(i64, i64, i64, i64)> = segments
            .query_map(params![from, stop], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        for (start, source, first_row, count) in segments {
            let lo = from.max(start);
            let hi = stop.min(start + count);
            if lo >= hi {
                continue;
            }
            let rows = Rows {
                first: first_row + (lo - start),
                last: first_row + (hi - start) - 1,
                room: limit - read.entries,
            };
            let mut last = None;
            let mut give = |row: i64, item: Item<'_>| {
                let offset = row - first_row + start;
                last = Some(offset);
                each(offset, item);
            };
            let given = match source {
                0 => read_lines(&conn, rows, who, &mut give)?,
                1 => read_records(&conn, rows, who, &mut give)?,
                _ => read_refusals(&conn, rows, who, &mut give)?,
            };
            read.entries += given;
            if read.entries == limit {
                read.next = last.map_or(hi, |offset| offset + 1);
                return Ok(read);
            }
        }
        read.next = stop;
        Ok(read)
    }
}

/// The rowids a segment's read covers, and how many entries it may give.
#[derive(Clone, Copy)]
struct Rows {
    first: i64,
    last: i64,
    room: usize,
}

/// The buyer and the vendor's products a filtered query binds: NULL for a reader who sees all of
/// that kind.
fn filters(who: Visible<'_>) -> Result<(Option<&str>, Option<String>), StoreError> {
    Ok(match who {
        Visible::All => (None, None),
        Visible::Buyer { ali_uid } => (Some(ali_uid), None),
        Visible::Vendor { products, .. } => (
            None,
            Some(
                serde_json::to_string(products)
                    .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            ),
        ),
    })
}

fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(Into::into)
}

fn optional_text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(Into::into)
}

fn read_lines(
    conn: &Connection,
    rows: Rows,
    who: Visible<'_>,
    give: &mut dyn FnMut(i64, Item<'_>),
) -> Result<usize, StoreError> {
    let (buyer, products) = filters(who)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {LINE_COLUMNS} FROM bill_lines WHERE id BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR ali_uid = ?3)
           AND (?4 IS NULL OR product_code IN (SELECT value FROM json_each(?4)))
         ORDER BY id LIMIT ?5"
    ))?;
    let mut found = stmt.query(params![rows.first, rows.last, buyer, products, rows.room as i64])?;
    let mut given = 0;
    while let Some(r) = found.next()? {
        let window = match (r.get::<_, Option<i64>>(11)?, r.get::<_, Option<i64>>(12)?) {
            (Some(start), Some(end)) => Some((start, end)),
            _ => None,
        };
        let line = LineRow {
            ali_uid: text(r, 1)?,
            month: text(r, 2)?,
            kind: text(r, 3)?,
            product_code: text(r, 4)?,
            instance_id: text(r, 5)?,
            sku_id: text(r, 6)?,
            order_id: optional_text(r, 7)?,
            item: text(r, 8)?,
            metering_key: optional_text(r, 9)?,
            metering_assit: optional_text(r, 10)?,
            window,
            usage: optional_text(r, 13)?,
            unit_price: optional_text(r, 14)?,
            amount: text(r, 15)?,
            records: r.get(16)?,
            duplicates: r.get(17)?,
            billed_at: r.get(18)?,
        };
        give(r.get(0)?, Item::Line(line));
        given += 1;
    }
    Ok(given)
}

fn read_records(
    conn: &Connection,
    rows: Rows,
    who: Visible<'_>,
    give: &mut dyn FnMut(i64, Item<'_>),
) -> Result<usize, StoreError> {
    let (buyer, products) = filters(who)?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.instance_id, i.ali_uid, m.product_code, m.start_time, m.end_time, m.entities,
                m.received_at, m.billable
         FROM metering_records m LEFT JOIN instances i ON i.instance_id = m.instance_id
         WHERE m.id BETWEEN ?1 AND ?2
           AND (?3 IS NULL OR i.ali_uid = ?3)
           AND (?4 IS NULL OR m.product_code IN (SELECT value FROM json_each(?4)))
         ORDER BY m.id LIMIT ?5",
    )?;
    let mut found = stmt.query(params![rows.first, rows.last, buyer, products, rows.room as i64])?;
    let mut given = 0;
    while let Some(r) = found.next()? {
        let record = RecordRow {
            instance_id: text(r, 1)?,
            ali_uid: optional_text(r, 2)?,
            product_code: text(r, 3)?,
            start_time: r.get(4)?,
            end_time: r.get(5)?,
            entities_json: text(r, 6)?,
            received_at: r.get(7)?,
            billable: r.get(8)?,
        };
        give(r.get(0)?, Item::Metering(record));
        given += 1;
    }
    Ok(given)
}

fn read_refusals(
    conn: &Connection,
    rows: Rows,
    who: Visible<'_>,
    give: &mut dyn FnMut(i64, Item<'_>),
) -> Result<usize, StoreError> {
    let vendor = match who {
        Visible::All => None,
        Visible::Vendor { vendor, .. } => Some(vendor),
        // A refused push changed nothing of any buyer's.
        Visible::Buyer { .. } => return Ok(0),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, vendor, code, message, records, instances, metering, truncated, at
         FROM feed_refusals WHERE id BETWEEN ?1 AND ?2 AND (?3 IS NULL OR vendor = ?3)
         ORDER BY id LIMIT ?4",
    )?;
    let mut found = stmt.query(params![rows.first, rows.last, vendor, rows.room as i64])?;
    let mut given = 0;
    while let Some(r) = found.next()? {
        let refusal = RefusalRow {
            vendor: text(r, 1)?,
            code: text(r, 2)?,
            message: text(r, 3)?,
            records: r.get(4)?,
            instances_json: text(r, 5)?,
            metering: text(r, 6)?,
            truncated: r.get(7)?,
            at: r.get(8)?,
        };
        give(r.get(0)?, Item::Refusal(refusal));
        given += 1;
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(vendor: &str, n: i64) -> Refusal {
        Refusal {
            vendor: vendor.into(),
            code: "Invalid.Parameter.Metering".into(),
            message: format!("push {n}"),
            records: None,
            instances: Vec::new(),
            metering: "[".into(),
            truncated: false,
            at: n,
        }
    }

    /// Every entry `who` sees from `from`: (offset, "vendor message") of each, and the read.
    fn read(
        store: &Store,
        from: i64,
        who: Visible<'_>,
        limit: usize,
        scan: i64,
    ) -> (Vec<(i64, String)>, Read) {
        let mut seen = Vec::new();
        let read = store
            .read_feed(from, who, limit, scan, |offset, item| match item {
                Item::Refusal(r) => seen.push((offset, format!("{} {}", r.vendor, r.message))),
                other => panic!("{other:?}"),
            })
            .unwrap();
        (seen, read)
    }

    fn messages(seen: &[(i64, String)]) -> Vec<&str> {
        seen.iter().map(|(_, m)| m.as_str()).collect()
    }

    #[test]
    fn a_vendors_oldest_refusals_beyond_the_cap_are_forgotten_and_their_offsets_never_reused() {
        let store = Store::in_memory().unwrap();
        for n in 0..5 {
            let vendor = if n == 1 { "other" } else { "zilliz" };
            store
                .transaction(|tx| tx.log_refusal(&refusal(vendor, n), 3))
                .unwrap();
        }
        let (seen, r) = read(&store, 0, Visible::All, 100, 100);
        assert_eq!(
            messages(&seen),
            ["other push 1", "zilliz push 2", "zilliz push 3", "zilliz push 4"]
        );
        let offsets: Vec<i64> = seen.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [1, 2, 3, 4], "push 0's offset stays a gap");
        assert_eq!((r.entries, r.next, r.end), (4, 5, 5));
        store
            .transaction(|tx| tx.log_refusal(&refusal("zilliz", 5), 3))
            .unwrap();
        let (seen, _) = read(&store, 0, Visible::All, 100, 100);
        assert_eq!(seen.last().map(|(o, _)| *o), Some(5));
        let vendor = Visible::Vendor {
            vendor: "other",
            products: &[],
        };
        let (seen, _) = read(&store, 0, vendor, 100, 100);
        assert_eq!(messages(&seen), ["other push 1"]);
    }

    #[test]
    fn a_read_looks_at_no_more_offsets_than_it_may_and_says_where_to_go_on() {
        let store = Store::in_memory().unwrap();
        for n in 0..10 {
            store
                .transaction(|tx| tx.log_refusal(&refusal("zilliz", n), 100))
                .unwrap();
        }
        let buyer = Visible::Buyer { ali_uid: "1" };
        let (_, r) = read(&store, 2, buyer, 100, 4);
        assert_eq!((r.entries, r.next, r.end), (0, 6, 10));
        let (_, r) = read(&store, 2, Visible::All, 3, 100);
        assert_eq!((r.entries, r.next), (3, 5));
        let (_, r) = read(&store, 12, Visible::All, 3, 100);
        assert_eq!((r.entries, r.next), (0, 12), "past the end stays put");
    }

    #[test]
    fn a_reset_keeps_counting_offsets_from_where_the_feed_ended() {
        let store = Store::in_memory().unwrap();
        for n in 0..3 {
            store
                .transaction(|tx| tx.log_refusal(&refusal("zilliz", n), 100))
                .unwrap();
        }
        let mut changes = store.feed_changes();
        changes.borrow_and_update();
        store.clear().unwrap();
        assert!(changes.has_changed().unwrap(), "followers are told");
        assert_eq!(store.feed_bounds().unwrap(), (3, 3));
        store
            .transaction(|tx| tx.log_refusal(&refusal("zilliz", 9), 100))
            .unwrap();
        let (seen, r) = read(&store, 3, Visible::All, 100, 100);
        assert_eq!(seen.first().map(|(o, _)| *o), Some(3));
        assert_eq!(r.origin, 3);
    }
}
