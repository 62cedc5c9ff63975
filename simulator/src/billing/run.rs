//! Bill runs: at each instant a window's bill falls due, the records waiting for it are summed per
//! instance, billing item and bill window — in the order received, so lines come out the same on
//! every run — priced (`protocol::metering::rating`), written as bill lines and drawn from each buyer's
//! balance, in one transaction. A record that is an exact duplicate of one before it in the same
//! line (same window, Key, meteringAssit and SerialNo) is counted on the line and billed as the
//! world's `duplicates` setting says. Then the stops for arrears that fall due run.

use crate::state::{BillRunTimes, Simulator};
use crate::store::balances::ARREARS_STOP;
use crate::store::bills::{month_of, DueRecord, LineKind, NewLine};
use crate::store::StoreError;
use crate::world::Duplicates;
use protocol::metering::rating;
use protocol::time::epoch_millis;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::time::Instant as WallClock;

/// How many due stops for arrears are read at a time.
const BATCH: usize = 256;

/// A line rated: its sum, priced.
struct Rated<'a> {
    sum: &'a Sum<'a>,
    /// The bill month of the line's window.
    month: &'a str,
    item: &'a str,
    price: Decimal,
    amount: Decimal,
}

impl Rated<'_> {
    fn line(&self, billed_at: i64) -> NewLine<'_> {
        let s = self.sum;
        NewLine {
            ali_uid: s.ali_uid,
            month: self.month,
            kind: LineKind::PayAsYouGo,
            product_code: s.product_code,
            instance_id: s.instance_id,
            sku_id: s.sku_id,
            order_id: None,
            item: self.item,
            metering_key: Some(s.key),
            metering_assit: Some(s.assit),
            window: Some(s.window),
            usage: rating::billing_usage(s.key, s.usage),
            unit_price: Some(self.price),
            amount: self.amount,
            records: s.records,
            duplicates: s.duplicates,
            billed_at,
        }
    }
}

/// One line in the making: an instance's usage of one billing item in one bill window.
struct Sum<'a> {
    instance_id: &'a str,
    ali_uid: &'a str,
    sku_id: &'a str,
    product_code: &'a str,
    key: &'a str,
    assit: &'a str,
    window: (i64, i64),
    usage: i128,
    records: i64,
    duplicates: i64,
}

impl Simulator {
    /// Makes every bill run due at or before `now`, earliest first, then stops the buyers whose
    /// arrears have lasted long enough.
    pub(crate) fn run_bills_due(&self, now: protocol::time::Instant) {
        let now = epoch_millis(now);
        loop {
            match self.store().next_bill_due() {
                Ok(Some(due)) if due <= now => {
                    if let Err(e) = self.bill_run(due, now) {
                        // Left waiting, the run would be due again at once, forever: its records
                        // are kept, unbilled, and the clock moves on.
                        tracing::error!("the bill run due at {due}: {e}; its records are left unbilled");
                        if let Err(e) = self.store().transaction(|tx| tx.mark_billed(due)) {
                            tracing::error!("setting the bill run due at {due} aside: {e}");
                            return;
                        }
                    }
                }
                Ok(_) => break,
                Err(e) => {
                    tracing::error!("reading due bill runs: {e}");
                    return;
                }
            }
        }
        self.run_arrears_stops_due(now);
    }

    /// The bill run of the records waiting for `bill_at`, made at `now` (epoch ms; later than
    /// `bill_at` when the clock jumped past it): read, rated, then written, in one transaction.
    /// Lines are made, and drawn from balances, at `now`.
    fn bill_run(&self, bill_at: i64, now: i64) -> Result<(), StoreError> {
        let _one = self.one_term_change();
        let duplicates = self.world().settings.duplicates;
        let mut times = BillRunTimes::default();
        self.store().transaction(|tx| {
            let started = WallClock::now();
            let records = tx.records_due(bill_at)?;
            times.reading = started.elapsed();

            let started = WallClock::now();
            let sums = sum(&records, duplicates, |code| {
                self.world().product(code).map(|p| p.billing).unwrap_or_default()
            });
            let mut months: HashMap<i64, String> = HashMap::new();
            for s in &sums {
                months
                    .entry(s.window.0)
                    .or_insert_with(|| month_of(s.window.0 * 1000));
            }
            let rated: Vec<Rated<'_>> = sums
                .iter()
                .filter_map(|s| Some(self.rate(s, months.get(&s.window.0)?)))
                .collect();
            times.rating = started.elapsed();

            let started = WallClock::now();
            let lines: Vec<NewLine<'_>> = rated.iter().map(|r| r.line(now)).collect();
            tx.insert_bill_lines(&lines)?;
            let mut drawn: Vec<(&str, Decimal)> = Vec::new();
            for r in &rated {
                match drawn.iter_mut().find(|(who, _)| *who == r.sum.ali_uid) {
                    Some((_, sum)) => *sum += r.amount,
                    None => drawn.push((r.sum.ali_uid, r.amount)),
                }
            }
            for (ali_uid, amount) in &drawn {
                self.draw(tx, ali_uid, *amount, now)?;
            }
            tx.mark_billed(bill_at)?;
            times.writing = started.elapsed();
            times.records = records.len() as u64;
            times.lines = rated.len() as u64;
            Ok::<_, StoreError>(())
        })?;
        let mut total = self.shared.bill_runs.lock().unwrap_or_else(|p| p.into_inner());
        total.runs += 1;
        total.records += times.records;
        total.lines += times.lines;
        total.reading += times.reading;
        total.rating += times.rating;
        total.writing += times.writing;
        drop(total);
        self.clock().wake();
        Ok(())
    }

    /// `s` priced on the SKU the instance is on now.
    fn rate<'a>(&'a self, s: &'a Sum<'a>, month: &'a str) -> Rated<'a> {
        let product = self.world().product(s.product_code);
        let item = product
            .and_then(|p| p.metering_item(s.assit))
            .map_or(s.assit, |m| m.name.as_str());
        let price = product
            .and_then(|p| p.sku(s.sku_id))
            .and_then(|sku| sku.unit_price(s.assit))
            .unwrap_or_default();
        // A record is refused when pushed if it alone would cost more than a line may; a window
        // summing past that is billed at the most a line may come to.
        let amount = rating::amount(s.key, s.usage, price).unwrap_or_else(|e| {
            tracing::error!("instance {}: {e}", s.instance_id);
            Decimal::from(rating::MAX_LINE_AMOUNT)
        });
        Rated {
            sum: s,
            month,
            item,
            price,
            amount,
        }
    }

    /// Runs each stop for arrears due at or before `now`: the buyer's pay-as-you-go instances stop.
    fn run_arrears_stops_due(&self, now: i64) {
        loop {
            let due = match self.store().due_jobs(&[ARREARS_STOP], now, BATCH) {
                Ok(due) if !due.is_empty() => due,
                Ok(_) => return,
                Err(e) => {
                    tracing::error!("reading due stops for arrears: {e}");
                    return;
                }
            };
            for job in due {
                let _one = self.one_term_change();
                if let Err(e) = self.stop_for_arrears(&job.subject, job.id) {
                    tracing::error!("stopping buyer {} for arrears: {e}; dropped", job.subject);
                    if let Err(e) = self.store().transaction(|tx| tx.finish_job(job.id)) {
                        tracing::error!("dropping job {}: {e}", job.id);
                        return;
                    }
                }
            }
        }
    }
}

/// `records` summed into lines, in the order their first record was received.
fn sum(
    records: &[DueRecord],
    duplicates: Duplicates,
    billing: impl Fn(&str) -> crate::world::Billing,
) -> Vec<Sum<'_>> {
    let mut sums: Vec<Sum<'_>> = Vec::new();
    let mut index: HashMap<(&str, &str, i64), usize> = HashMap::new();
    // The records summed so far: their line, StartTime, EndTime and SerialNo.
    let mut seen: HashSet<(usize, i64, i64, Option<&str>)> = HashSet::new();
    for r in records {
        let window = super::windows::window_of(billing(&r.product_code), r.start_time);
        for e in &r.entities {
            let at = *index
                .entry((r.instance_id.as_str(), e.metering_assit.as_ref(), window.0))
                .or_insert_with(|| {
                    sums.push(Sum {
                        instance_id: &r.instance_id,
                        ali_uid: &r.ali_uid,
                        sku_id: &r.sku_id,
                        product_code: &r.product_code,
                        key: e.key.as_ref(),
                        assit: e.metering_assit.as_ref(),
                        window,
                        usage: 0,
                        records: 0,
                        duplicates: 0,
                    });
                    sums.len() - 1
                });
            let s = &mut sums[at];
            s.records += 1;
            let first = seen.insert((at, r.start_time, r.end_time, e.serial_no.as_deref()));
            if !first {
                s.duplicates += 1;
            }
            if first || duplicates == Duplicates::Additive {
                s.usage += i128::from(e.value);
            }
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::metering::EntityRow;
    use crate::world::Billing;
    use proptest::prelude::*;

    /// 2023-08-15 08:00:00 +08:00.
    const EIGHT_AM: i64 = 1_692_057_600;

    fn record(instance: &str, start: i64, value: i64, serial: Option<&str>) -> DueRecord {
        DueRecord {
            instance_id: instance.into(),
            ali_uid: "1763420985012345".into(),
            sku_id: "cmgj00000001-payg".into(),
            product_code: "cmgj00000001".into(),
            start_time: start,
            end_time: start + 600,
            entities: vec![EntityRow {
                key: "Period".into(),
                value,
                metering_assit: "cmgj00000001-Period-1".into(),
                serial_no: serial.map(|s| s.to_owned().into()),
            }],
            received_at: 0,
        }
    }

    #[test]
    fn lines_are_per_instance_item_and_window_in_the_order_first_received() {
        let records = [
            record("b", EIGHT_AM, 5, None),
            record("a", EIGHT_AM + 600, 7, None),
            record("b", EIGHT_AM + 1200, 1, None),
            record("b", EIGHT_AM + 3600, 2, None),
        ];
        let sums = sum(&records, Duplicates::Additive, |_| Billing::Hourly);
        let lines: Vec<_> = sums
            .iter()
            .map(|s| (s.instance_id, s.window.0 - EIGHT_AM, s.usage, s.records))
            .collect();
        assert_eq!(lines, [("b", 0, 6, 2), ("a", 0, 7, 1), ("b", 3600, 2, 1)]);
    }

    #[test]
    fn a_retry_with_the_same_window_and_serial_is_a_duplicate_another_serial_is_not() {
        let records = [
            record("a", EIGHT_AM, 5, Some("s-1")),
            record("a", EIGHT_AM, 5, Some("s-1")),
            record("a", EIGHT_AM, 5, Some("s-2")),
            record("a", EIGHT_AM, 5, None),
        ];
        let additive = sum(&records, Duplicates::Additive, |_| Billing::Hourly);
        assert_eq!((additive[0].usage, additive[0].duplicates), (20, 1));
        let once = sum(&records, Duplicates::Once, |_| Billing::Hourly);
        assert_eq!((once[0].usage, once[0].duplicates), (15, 1));
    }

    proptest! {
        /// Whatever is pushed, additive billing sums every value and `once` sums each distinct
        /// record's first value; both count the same duplicates, and no line loses a unit.
        #[test]
        fn duplicates_are_billed_exactly_as_the_rule_says(
            pushes in proptest::collection::vec((0usize..3, 0i64..4, 0i64..1000, proptest::option::of(0u8..3)), 1..60),
        ) {
            let instances = ["a", "b", "c"];
            let serials = ["s-0", "s-1", "s-2"];
            let records: Vec<DueRecord> = pushes
                .iter()
                .map(|(i, slot, value, serial)| {
                    record(instances[*i], EIGHT_AM + slot * 600, *value, serial.map(|s| serials[s as usize]))
                })
                .collect();
            let additive = sum(&records, Duplicates::Additive, |_| Billing::Hourly);
            let once = sum(&records, Duplicates::Once, |_| Billing::Hourly);
            let total: i128 = pushes.iter().map(|p| i128::from(p.2)).sum();
            prop_assert_eq!(additive.iter().map(|s| s.usage).sum::<i128>(), total);
            let mut first = std::collections::HashMap::new();
            for (i, slot, value, serial) in &pushes {
                first.entry((*i, *slot, *serial)).or_insert(i128::from(*value));
            }
            prop_assert_eq!(once.iter().map(|s| s.usage).sum::<i128>(), first.values().sum::<i128>());
            let duplicates = (pushes.len() - first.len()) as i64;
            prop_assert_eq!(additive.iter().map(|s| s.duplicates).sum::<i64>(), duplicates);
            prop_assert_eq!(once.iter().map(|s| s.duplicates).sum::<i64>(), duplicates);
            prop_assert_eq!(additive.iter().map(|s| s.records).sum::<i64>(), pushes.len() as i64);
        }
    }
}
