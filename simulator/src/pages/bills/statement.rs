//! A month of the buyer's bill as the buyer reads it: the store's lines grouped per instance and
//! SKU, in the order they were made, each line's cells already in the buyer's words — the page and
//! the CSV export both show these, so they cannot disagree — and per instance a subtotal for each
//! billing item and bill type, which keeps a month of hourly lines readable.

use crate::pages::services::order_words;
use crate::state::Simulator;
use crate::store::bills::{BillLine, LineKind};
use crate::store::StoreError;
use chrono::DateTime;
use protocol::time::local;
use rust_decimal::Decimal;

/// A month of one buyer's bill.
pub(super) struct Statement {
    pub month: String,
    pub total: Decimal,
    pub groups: Vec<Group>,
}

/// The lines of one instance on one SKU (or the account's own adjustments).
pub(super) struct Group {
    /// Empty for the marketplace's adjustments, which bill no instance.
    pub instance_id: String,
    pub product_code: String,
    pub product_name: String,
    pub sku_id: String,
    pub sku_name: String,
    pub subtotals: Vec<Subtotal>,
    pub rows: Vec<Row>,
}

/// One billing item of one bill type, summed over the month.
pub(super) struct Subtotal {
    pub item: String,
    pub kind: &'static str,
    pub lines: usize,
    /// Usage in billing units; None when no line of it has usage (orders, adjustments).
    pub usage: Option<Decimal>,
    pub amount: Decimal,
    pub duplicates: i64,
}

/// One bill line, in the buyer's words.
pub(super) struct Row {
    /// 计费项: the metering item's name, or the order's type.
    pub item: String,
    /// 账单类型.
    pub kind: &'static str,
    pub order_id: Option<String>,
    /// 计费时段, Asia/Shanghai: `2023-08-15 08:00–09:00`.
    pub window: Option<String>,
    /// 用量 in billing units.
    pub usage: Option<String>,
    /// 单价, CNY per billing unit, as the price plan writes it.
    pub unit_price: Option<String>,
    /// 金额, CNY to the fen (negative for refunds).
    pub amount: Decimal,
    pub records: i64,
    pub duplicates: i64,
}

/// The bill type in the buyer's words.
pub(super) fn kind_words(kind: LineKind) -> &'static str {
    match kind {
        LineKind::PayAsYouGo => "按量付费",
        LineKind::SubscriptionOrder => "包年包月订单",
        LineKind::Refund => "退款",
        LineKind::Adjustment => "调账",
    }
}

/// A bill window (Unix seconds) in Asia/Shanghai: `2023-08-15 08:00–09:00`, the end's date written
/// out too when it is another day's.
pub(super) fn window_words((start, end): (i64, i64)) -> String {
    let at = |s: i64| local(DateTime::from_timestamp(s, 0).unwrap_or_default());
    let (start, end) = (at(start), at(end));
    if start.date_naive() == end.date_naive() {
        format!("{}–{}", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
    } else {
        format!(
            "{}–{}",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        )
    }
}

/// `2023-08` as the buyer reads it: `2023年8月`.
pub(super) fn month_words(month: &str) -> String {
    match month.split_once('-') {
        Some((year, mon)) => format!("{year}年{}月", mon.trim_start_matches('0')),
        None => month.to_owned(),
    }
}

/// An amount as the CSV writes it: CNY to the fen, no sign of currency.
pub(super) fn fen(amount: Decimal) -> String {
    format!("{amount:.2}")
}

impl Statement {
    /// The buyer's bill of `month` (`yyyy-MM`, already checked).
    pub fn read(sim: &Simulator, ali_uid: &str, month: &str) -> Result<Statement, StoreError> {
        let lines = sim.store().bill_lines(ali_uid, month)?;
        let total = lines.iter().map(|l| l.amount).sum();
        let mut groups: Vec<Group> = Vec::new();
        for line in &lines {
            let at = groups
                .iter()
                .position(|g| g.instance_id == line.instance_id && g.sku_id == line.sku_id);
            let group = match at {
                Some(i) => &mut groups[i],
                None => {
                    groups.push(Group::of(sim, line));
                    groups.last_mut().expect("just pushed")
                }
            };
            group.add(line);
        }
        Ok(Statement {
            month: month.to_owned(),
            total,
            groups,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub fn lines(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }
}

impl Group {
    fn of(sim: &Simulator, line: &BillLine) -> Group {
        let product = sim.world().product(&line.product_code);
        let sku = product.and_then(|p| p.sku(&line.sku_id));
        Group {
            instance_id: line.instance_id.clone(),
            product_code: line.product_code.clone(),
            product_name: product.map_or_else(|| line.product_code.clone(), |p| p.name.clone()),
            sku_id: line.sku_id.clone(),
            sku_name: sku.map_or_else(|| line.sku_id.clone(), |s| s.name.clone()),
            subtotals: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn add(&mut self, line: &BillLine) {
        let row = Row::of(line);
        match self
            .subtotals
            .iter_mut()
            .find(|s| s.item == row.item && s.kind == row.kind)
        {
            Some(s) => {
                s.lines += 1;
                s.usage = match (s.usage, line.usage) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                s.amount += line.amount;
                s.duplicates += line.duplicates;
            }
            None => self.subtotals.push(Subtotal {
                item: row.item.clone(),
                kind: row.kind,
                lines: 1,
                usage: line.usage,
                amount: line.amount,
                duplicates: line.duplicates,
            }),
        }
        self.rows.push(row);
    }
}

impl Row {
    fn of(line: &BillLine) -> Row {
        let item = match line.kind {
            LineKind::SubscriptionOrder | LineKind::Refund => order_words(&line.item).to_owned(),
            LineKind::PayAsYouGo | LineKind::Adjustment => line.item.clone(),
        };
        Row {
            item,
            kind: kind_words(line.kind),
            order_id: line.order_id.clone(),
            window: line.window.map(window_words),
            usage: line.usage.map(|u| u.normalize().to_string()),
            unit_price: line.unit_price.map(|p| p.to_string()),
            amount: line.amount,
            records: line.records,
            duplicates: line.duplicates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-08-15 08:00:00 +08:00.
    const EIGHT_AM: i64 = 1_692_057_600;

    #[test]
    fn a_window_is_written_in_shanghai_time_with_the_end_date_only_when_it_differs() {
        assert_eq!(
            window_words((EIGHT_AM, EIGHT_AM + 3600)),
            "2023-08-15 08:00–09:00"
        );
        assert_eq!(
            window_words((EIGHT_AM - 8 * 3600, EIGHT_AM + 16 * 3600)),
            "2023-08-15 00:00–2023-08-16 00:00"
        );
    }

    #[test]
    fn a_month_is_written_without_a_leading_zero() {
        assert_eq!(month_words("2023-08"), "2023年8月");
        assert_eq!(month_words("2023-12"), "2023年12月");
    }
}
