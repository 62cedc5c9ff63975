//! Bill runs: at each instant a window's bill falls due, the records waiting for it are summed per
//! instance, billing item and bill window — in the order received, so lines come out the same on
//! every run — priced (`protocol::metering::rating`), written as bill lines and drawn from each buyer's
//! balance, in one transaction. A record that is an exact duplicate of one before it in the same
//! line (same window, Key, meteringAssit and SerialNo) is counted on the line and billed as the
//! world's `duplicates` setting says. Then the stops for arrears that fall due run.

use crate::state::Simulator;
use crate::store::bills::{month_of, DueRecord, LineKind, NewLine};
use crate::store::{StoreError, Tx};
use crate::world::Duplicates;
use protocol::metering::rating;
use protocol::time::{epoch_millis, Instant};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// How many due stops for arrears are read at a time.
const BATCH: usize = 256;

/// One line in the making: an instance's usage of one billing item in one bill window.
struct Sum<'a> {
    instance_id: &'a str,
    product_code: &'a str,
    key: &'a str,
    assit: &'a str,
    window: (i64, i64),
    usage: i128,
    records: i64,
    duplicates: i64,
    /// The records summed so far, by (StartTime, EndTime, SerialNo).
    seen: HashSet<(i64, i64, Option<&'a str>)>,
}

impl Simulator {
    /// Makes every bill run due at or before `now`, earliest first, then stops the buyers whose
    /// arrears have lasted long enough.
    pub(crate) fn run_bills_due(&self, now: Instant) {
        let now = epoch_millis(now);
        loop {
            match self.store().next_bill_due() {
                Ok(Some(due)) if due <= now => {
                    if let Err(e) = self.bill_run(due) {
                        tracing::error!("the bill run due at {due}: {e}");
                        return;
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

    /// The bill run of the records waiting for `bill_at`.
    fn bill_run(&self, bill_at: i64) -> Result<(), StoreError> {
        let _one = self.one_term_change();
        let duplicates = self.world().settings.duplicates;
        self.store().transaction(|tx| {
            let records = tx.records_due(bill_at)?;
            let sums = sum(&records, duplicates, |code| {
                self.world().product(code).map(|p| p.billing).unwrap_or_default()
            });
            let mut drawn: Vec<(String, Decimal)> = Vec::new();
            let mut buyers: HashMap<&str, Option<(String, String)>> = HashMap::new();
            for s in &sums {
                let bought = match buyers.get(s.instance_id) {
                    Some(b) => b.clone(),
                    None => {
                        let b = tx.instance(s.instance_id)?.map(|i| (i.ali_uid, i.sku_id));
                        buyers.insert(s.instance_id, b.clone());
                        b
                    }
                };
                let Some((ali_uid, sku_id)) = bought else { continue };
                let amount = self.write_line(tx, s, &ali_uid, &sku_id, bill_at)?;
                match drawn.iter_mut().find(|(who, _)| *who == ali_uid) {
                    Some((_, sum)) => *sum += amount,
                    None => drawn.push((ali_uid, amount)),
                }
            }
            for (ali_uid, amount) in &drawn {
                self.draw(tx, ali_uid, *amount, bill_at)?;
            }
            tx.mark_billed(bill_at)
        })?;
        self.clock().wake();
        Ok(())
    }

    /// Writes the line of `s`, priced on the SKU the instance has now; its amount.
    fn write_line(
        &self,
        tx: &Tx<'_>,
        s: &Sum<'_>,
        ali_uid: &str,
        sku_id: &str,
        billed_at: i64,
    ) -> Result<Decimal, StoreError> {
        let product = self.world().product(s.product_code);
        let item = product
            .and_then(|p| p.metering_item(s.assit))
            .map_or(s.assit, |m| m.name.as_str());
        let price = product
            .and_then(|p| p.sku(sku_id))
            .and_then(|sku| sku.unit_price(s.assit))
            .unwrap_or_default();
        // A record is refused when pushed if it alone would cost more than a line may; a window
        // summing past that is billed at the most a line may come to.
        let amount = rating::amount(s.key, s.usage, price).unwrap_or_else(|e| {
            tracing::error!("instance {}: {e}", s.instance_id);
            Decimal::from(rating::MAX_LINE_AMOUNT)
        });
        tx.insert_bill_line(&NewLine {
            ali_uid,
            month: &month_of(s.window.0 * 1000),
            kind: LineKind::PayAsYouGo,
            product_code: s.product_code,
            instance_id: s.instance_id,
            sku_id,
            order_id: None,
            item,
            metering_key: Some(s.key),
            metering_assit: Some(s.assit),
            window: Some(s.window),
            usage: rating::billing_usage(s.key, s.usage),
            unit_price: Some(price),
            amount,
            records: s.records,
            duplicates: s.duplicates,
            billed_at,
        })?;
        Ok(amount)
    }

    /// Runs each stop for arrears due at or before `now`: the buyer's pay-as-you-go instances stop.
    fn run_arrears_stops_due(&self, now: i64) {
        loop {
            let due = match self.store().due_arrears_stops(now, BATCH) {
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
    for r in records {
        let window = super::windows::window_of(billing(&r.product_code), r.start_time);
        for e in &r.entities {
            let at = *index
                .entry((r.instance_id.as_str(), e.metering_assit.as_ref(), window.0))
                .or_insert_with(|| {
                    sums.push(Sum {
                        instance_id: &r.instance_id,
                        product_code: &r.product_code,
                        key: e.key.as_ref(),
                        assit: e.metering_assit.as_ref(),
                        window,
                        usage: 0,
                        records: 0,
                        duplicates: 0,
                        seen: HashSet::new(),
                    });
                    sums.len() - 1
                });
            let s = &mut sums[at];
            s.records += 1;
            let first = s.seen.insert((r.start_time, r.end_time, e.serial_no.as_deref()));
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
