//! The buyers' bills (账单): metering records waiting for their bill run, and the bill lines runs,
//! orders, refunds and adjustments make. Amounts are CNY as decimal text, read back as
//! [`Decimal`]; months are Asia/Shanghai `yyyy-MM` ([`month_of`]). Balances and arrears are
//! [`super::balances`]'.

use super::metering::EntityRow;
use super::{Store, StoreError, Tx};
use rusqlite::params;
use rust_decimal::Decimal;
use std::str::FromStr;

/// What a bill line charges for (the bill item types of Alibaba Cloud's bills).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Pay-as-you-go usage of one billing item in one bill window: drawn from the balance.
    PayAsYouGo,
    /// A subscription order (purchase, renewal, upgrade): paid when it was placed.
    SubscriptionOrder,
    /// A refunded order, a negative amount: paid back the way it was paid.
    Refund,
    /// A charge the marketplace made by hand (the control API): drawn from the balance.
    Adjustment,
}

impl LineKind {
    /// The bill item type, as Alibaba Cloud's bills name it.
    pub fn code(self) -> &'static str {
        match self {
            LineKind::PayAsYouGo => "PayAsYouGoBill",
            LineKind::SubscriptionOrder => "SubscriptionOrder",
            LineKind::Refund => "Refund",
            LineKind::Adjustment => "Adjustment",
        }
    }

    fn from_code(code: &str) -> LineKind {
        match code {
            "SubscriptionOrder" => LineKind::SubscriptionOrder,
            "Refund" => LineKind::Refund,
            "Adjustment" => LineKind::Adjustment,
            _ => LineKind::PayAsYouGo,
        }
    }
}

/// One line of a buyer's bill.
#[derive(Debug, Clone, PartialEq)]
pub struct BillLine {
    pub id: i64,
    pub ali_uid: String,
    /// The Asia/Shanghai month it is billed in, `yyyy-MM`.
    pub month: String,
    pub kind: LineKind,
    pub product_code: String,
    pub instance_id: String,
    pub sku_id: String,
    /// The order it bills (orders and refunds).
    pub order_id: Option<String>,
    /// What the bill calls it: the metering item's name, or the order's.
    pub item: String,
    pub metering_key: Option<String>,
    pub metering_assit: Option<String>,
    /// The bill window, Unix seconds (pay-as-you-go lines).
    pub window: Option<(i64, i64)>,
    /// Usage in the item's billing unit.
    pub usage: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Decimal,
    /// How many pushed records were summed into it.
    pub records: i64,
    /// How many of those were exact duplicates of another (same window, Key, meteringAssit and
    /// SerialNo).
    pub duplicates: i64,
    /// When it was made (epoch ms).
    pub billed_at: i64,
}

/// A month of a buyer's bill, summed.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthTotal {
    pub month: String,
    pub lines: i64,
    pub total: Decimal,
}

/// A metering record whose bill run is due.
#[derive(Debug, Clone, PartialEq)]
pub struct DueRecord {
    pub instance_id: String,
    /// Whose the instance is, and the SKU it is on now.
    pub ali_uid: String,
    pub sku_id: String,
    pub product_code: String,
    pub start_time: i64,
    pub end_time: i64,
    pub entities: Vec<EntityRow<'static>>,
    pub received_at: i64,
}

/// The Asia/Shanghai month (`yyyy-MM`) of the instant `ms` (epoch ms): bill months are its.
pub fn month_of(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    protocol::time::local(t).format("%Y-%m").to_string()
}

/// A decimal read back from its text.
pub(super) fn decimal(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Decimal> {
    let text: String = r.get(i)?;
    Decimal::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn optional_decimal(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<Decimal>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(_) => decimal(r, i).map(Some),
    }
}

fn line_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BillLine> {
    let window = match (r.get::<_, Option<i64>>(11)?, r.get::<_, Option<i64>>(12)?) {
        (Some(start), Some(end)) => Some((start, end)),
        _ => None,
    };
    Ok(BillLine {
        id: r.get(0)?,
        ali_uid: r.get(1)?,
        month: r.get(2)?,
        kind: LineKind::from_code(&r.get::<_, String>(3)?),
        product_code: r.get(4)?,
        instance_id: r.get(5)?,
        sku_id: r.get(6)?,
        order_id: r.get(7)?,
        item: r.get(8)?,
        metering_key: r.get(9)?,
        metering_assit: r.get(10)?,
        window,
        usage: optional_decimal(r, 13)?,
        unit_price: optional_decimal(r, 14)?,
        amount: decimal(r, 15)?,
        records: r.get(16)?,
        duplicates: r.get(17)?,
        billed_at: r.get(18)?,
    })
}

/// Bill lines one INSERT writes when a run has that many.
const LINES_PER_INSERT: usize = 32;

/// The columns a new line fills, in [`bind_line`]'s order.
const LINE_COLUMNS_WRITTEN: usize = 18;

/// `INSERT INTO bill_lines … VALUES (…), …` for `rows` lines; built once for each size used.
fn insert_lines_sql(rows: usize) -> &'static str {
    static ONE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static MANY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let build = || {
        let values: Vec<String> = (0..rows)
            .map(|row| {
                let params: Vec<String> = (1..=LINE_COLUMNS_WRITTEN)
                    .map(|c| format!("?{}", row * LINE_COLUMNS_WRITTEN + c))
                    .collect();
                format!("({})", params.join(", "))
            })
            .collect();
        format!(
            "INSERT INTO bill_lines (ali_uid, month, kind, product_code, instance_id, sku_id, order_id, item, \
             metering_key, metering_assit, window_start, window_end, usage, unit_price, amount, records, \
             duplicates, billed_at) VALUES {}",
            values.join(", ")
        )
    };
    match rows {
        1 => ONE.get_or_init(build),
        LINES_PER_INSERT => MANY.get_or_init(build),
        _ => unreachable!("bill lines are written one or LINES_PER_INSERT at a time"),
    }
}

/// Binds `l` to the parameters after `offset` of an [`insert_lines_sql`] statement.
fn bind_line(
    stmt: &mut rusqlite::CachedStatement<'_>,
    offset: usize,
    l: &NewLine<'_>,
) -> rusqlite::Result<()> {
    let text = |d: Option<Decimal>| d.map(|d| d.to_string());
    let at = |c: usize| offset + c;
    stmt.raw_bind_parameter(at(1), l.ali_uid)?;
    stmt.raw_bind_parameter(at(2), l.month)?;
    stmt.raw_bind_parameter(at(3), l.kind.code())?;
    stmt.raw_bind_parameter(at(4), l.product_code)?;
    stmt.raw_bind_parameter(at(5), l.instance_id)?;
    stmt.raw_bind_parameter(at(6), l.sku_id)?;
    stmt.raw_bind_parameter(at(7), l.order_id)?;
    stmt.raw_bind_parameter(at(8), l.item)?;
    stmt.raw_bind_parameter(at(9), l.metering_key)?;
    stmt.raw_bind_parameter(at(10), l.metering_assit)?;
    stmt.raw_bind_parameter(at(11), l.window.map(|w| w.0))?;
    stmt.raw_bind_parameter(at(12), l.window.map(|w| w.1))?;
    stmt.raw_bind_parameter(at(13), text(l.usage))?;
    stmt.raw_bind_parameter(at(14), text(l.unit_price))?;
    stmt.raw_bind_parameter(at(15), l.amount.to_string())?;
    stmt.raw_bind_parameter(at(16), l.records)?;
    stmt.raw_bind_parameter(at(17), l.duplicates)?;
    stmt.raw_bind_parameter(at(18), l.billed_at)
}

pub(super) const LINE_COLUMNS: &str =
    "id, ali_uid, month, kind, product_code, instance_id, sku_id, order_id, item, \
     metering_key, metering_assit, window_start, window_end, usage, unit_price, amount, records, duplicates, \
     billed_at";

impl Store {
    /// When the earliest bill run is due (epoch ms), if any record waits for one.
    pub fn next_bill_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT min(bill_at) FROM metering_records WHERE bill_at IS NOT NULL")?
            .query_row([], |r| r.get(0))?)
    }

    /// A buyer's bill lines of `month`, in the order they were made.
    pub fn bill_lines(&self, ali_uid: &str, month: &str) -> Result<Vec<BillLine>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {LINE_COLUMNS} FROM bill_lines WHERE ali_uid = ?1 AND month = ?2 ORDER BY id"
        ))?;
        let lines = stmt
            .query_map([ali_uid, month], line_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(lines)
    }

    /// A buyer's bill lines of one kind in every month, in the order they were made.
    pub fn bill_lines_of_kind(&self, ali_uid: &str, kind: LineKind) -> Result<Vec<BillLine>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {LINE_COLUMNS} FROM bill_lines WHERE ali_uid = ?1 AND kind = ?2 ORDER BY id"
        ))?;
        let lines = stmt
            .query_map([ali_uid, kind.code()], line_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(lines)
    }

    /// Every line of every buyer from `after` (a line id) on, at most `limit`, in the order made.
    pub fn all_bill_lines(&self, after: i64, limit: usize) -> Result<Vec<BillLine>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {LINE_COLUMNS} FROM bill_lines WHERE id > ?1 ORDER BY id LIMIT ?2"
        ))?;
        let lines = stmt
            .query_map(params![after, limit as i64], line_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(lines)
    }

    /// The months a buyer has bill lines in, latest first, each summed.
    pub fn bill_months(&self, ali_uid: &str) -> Result<Vec<MonthTotal>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT month, amount FROM bill_lines WHERE ali_uid = ?1 ORDER BY month DESC, id",
        )?;
        let mut rows = stmt.query([ali_uid])?;
        let mut months: Vec<MonthTotal> = Vec::new();
        while let Some(r) = rows.next()? {
            let month: String = r.get(0)?;
            let amount = decimal(r, 1)?;
            match months.last_mut() {
                Some(m) if m.month == month => {
                    m.lines += 1;
                    m.total += amount;
                }
                _ => months.push(MonthTotal {
                    month,
                    lines: 1,
                    total: amount,
                }),
            }
        }
        Ok(months)
    }

    /// How many bill lines every buyer has together.
    pub fn bill_line_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM bill_lines", [], |r| r.get(0))?)
    }
}

/// A bill line to write ([`BillLine`] without its id).
#[derive(Debug, Clone)]
pub struct NewLine<'a> {
    pub ali_uid: &'a str,
    pub month: &'a str,
    pub kind: LineKind,
    pub product_code: &'a str,
    pub instance_id: &'a str,
    pub sku_id: &'a str,
    pub order_id: Option<&'a str>,
    pub item: &'a str,
    pub metering_key: Option<&'a str>,
    pub metering_assit: Option<&'a str>,
    pub window: Option<(i64, i64)>,
    pub usage: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub amount: Decimal,
    pub records: i64,
    pub duplicates: i64,
    pub billed_at: i64,
}

impl Tx<'_> {
    /// The records waiting for the bill run due at `bill_at`, in the order received, each with
    /// its instance's buyer and SKU.
    pub fn records_due(&self, bill_at: i64) -> Result<Vec<DueRecord>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT m.instance_id, m.product_code, m.start_time, m.end_time, m.entities, m.received_at,
                    i.ali_uid, i.sku_id
             FROM metering_records m JOIN instances i ON i.instance_id = m.instance_id
             WHERE m.bill_at = ?1 ORDER BY m.id",
        )?;
        let rows = stmt.query_map([bill_at], |r| {
            let entities: String = r.get(4)?;
            let entities: Vec<EntityRow<'_>> = serde_json::from_str(&entities).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
            })?;
            Ok(DueRecord {
                instance_id: r.get(0)?,
                product_code: r.get(1)?,
                start_time: r.get(2)?,
                end_time: r.get(3)?,
                entities: entities.into_iter().map(EntityRow::into_owned).collect(),
                received_at: r.get(5)?,
                ali_uid: r.get(6)?,
                sku_id: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks the records of the bill run due at `bill_at` billed.
    pub fn mark_billed(&self, bill_at: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE metering_records SET bill_at = NULL WHERE bill_at = ?1",
            [bill_at],
        )?;
        Ok(())
    }

    pub fn insert_bill_line(&self, l: &NewLine<'_>) -> Result<(), StoreError> {
        self.insert_bill_lines(std::slice::from_ref(l))
    }

    /// Writes `lines`, in their order: [`LINES_PER_INSERT`] to a statement while there are that
    /// many (a bill run writes thousands at once), the rest one by one; they are the billing
    /// feed's next entries.
    pub fn insert_bill_lines(&self, lines: &[NewLine<'_>]) -> Result<(), StoreError> {
        let after = self.last_rowid(super::feed::Source::BillLine)?;
        let mut chunks = lines.chunks_exact(LINES_PER_INSERT);
        if lines.len() >= LINES_PER_INSERT {
            let mut insert = self.tx.prepare_cached(insert_lines_sql(LINES_PER_INSERT))?;
            for chunk in &mut chunks {
                for (row, line) in chunk.iter().enumerate() {
                    bind_line(&mut insert, row * LINE_COLUMNS_WRITTEN, line)?;
                }
                insert.raw_execute()?;
            }
        }
        let mut insert = self.tx.prepare_cached(insert_lines_sql(1))?;
        for line in chunks.remainder() {
            bind_line(&mut insert, 0, line)?;
            insert.raw_execute()?;
        }
        self.feed_rows(super::feed::Source::BillLine, after, lines.len())
    }

    /// The line of a paid order (a subscription's purchase, renewal or upgrade): nothing for a free
    /// one (a trial, a pay-as-you-go purchase).
    pub(super) fn insert_order_line(&self, o: &super::orders::Order) -> Result<(), StoreError> {
        if o.price.is_zero() {
            return Ok(());
        }
        self.insert_bill_line(&NewLine {
            ali_uid: &o.ali_uid,
            month: &month_of(o.created_at),
            kind: LineKind::SubscriptionOrder,
            product_code: &o.product_code,
            instance_id: &o.instance_id,
            sku_id: &o.sku_id,
            order_id: Some(&o.order_id),
            item: &o.order_type,
            metering_key: None,
            metering_assit: None,
            window: None,
            usage: None,
            unit_price: None,
            amount: o.price,
            records: 0,
            duplicates: 0,
            billed_at: o.created_at,
        })
    }

    /// The negative line of a refunded order, in the month of the refund (`at`, epoch ms).
    pub(super) fn insert_refund_line(&self, o: &super::orders::Order, at: i64) -> Result<(), StoreError> {
        if o.price.is_zero() {
            return Ok(());
        }
        self.insert_bill_line(&NewLine {
            ali_uid: &o.ali_uid,
            month: &month_of(at),
            kind: LineKind::Refund,
            product_code: &o.product_code,
            instance_id: &o.instance_id,
            sku_id: &o.sku_id,
            order_id: Some(&o.order_id),
            item: &o.order_type,
            metering_key: None,
            metering_assit: None,
            window: None,
            usage: None,
            unit_price: None,
            amount: -o.price,
            records: 0,
            duplicates: 0,
            billed_at: at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_written_in_batches_and_one_by_one_read_back_in_order_with_every_field() {
        let store = Store::in_memory().unwrap();
        let instances: Vec<String> = (0..(2 * LINES_PER_INSERT + 5))
            .map(|i| format!("i-{i}"))
            .collect();
        let lines: Vec<NewLine<'_>> = instances
            .iter()
            .enumerate()
            .map(|(n, id)| NewLine {
                ali_uid: "1763420985012345",
                month: "2023-08",
                kind: LineKind::PayAsYouGo,
                product_code: "cmgj00061912",
                instance_id: id,
                sku_id: "cmgj00061912-payg",
                order_id: (n % 2 == 0).then_some("o-1"),
                item: "计算",
                metering_key: Some("Period"),
                metering_assit: Some("cmgj00061912-Period-1"),
                window: Some((n as i64 * 3600, n as i64 * 3600 + 3600)),
                usage: Some(Decimal::new(15, 1)),
                unit_price: Some(Decimal::new(120, 2)),
                amount: Decimal::new(n as i64, 2),
                records: n as i64,
                duplicates: 1,
                billed_at: 7,
            })
            .collect();
        store.transaction(|tx| tx.insert_bill_lines(&lines)).unwrap();
        let read = store.bill_lines("1763420985012345", "2023-08").unwrap();
        assert_eq!(read.len(), lines.len());
        for (n, (line, written)) in read.iter().zip(&lines).enumerate() {
            assert_eq!(line.instance_id, written.instance_id);
            assert_eq!(line.order_id.as_deref(), written.order_id);
            assert_eq!(line.window, written.window);
            assert_eq!((line.usage, line.unit_price), (written.usage, written.unit_price));
            assert_eq!(
                (line.amount, line.records, line.duplicates),
                (Decimal::new(n as i64, 2), n as i64, 1)
            );
            assert_eq!(
                (line.kind, line.item.as_str(), line.billed_at),
                (LineKind::PayAsYouGo, "计算", 7)
            );
        }
    }
}
