//! 免费额度 spent before usage is pushed. Each cluster's hour is priced item by item exactly as the
//! marketplace will rate it (`protocol::metering::rating`: converted to the Key's billing unit,
//! times the SKU's unit price, truncated to the fen), and each item's amount is taken from the
//! organisation's remaining credit, compute first, then storage, clusters in the order the hour
//! lists them. What the credit covers is not pushed:
//!
//! - credit left for the whole amount: the item is spent from the credit and pushed as 0 (left out
//!   of the record; a record with nothing left is not pushed). While an organisation has credit,
//!   an item that costs less than a fen is covered too, at no cost to the credit;
//! - credit left for part of it: the credit is spent to zero, and the usage whose cost the credit
//!   did not cover is pushed, converted back to the pushed unit and rounded *down* — so what the
//!   marketplace bills for it, truncated again, is never more than the part not covered; the
//!   organisation is charged never more than the item cost, and less by under a fen and one pushed
//!   unit's price (a second of a CU·hour: nothing that shows at 1.20 an hour);
//! - no credit left, or a SKU without prices: the item is pushed whole.
//!
//! What the organisation owes is then what was pushed, priced as the marketplace prices it (module
//! `charges`), so the console and the marketplace's bill agree to the fen.

use crate::store::usage::{HourRun, UsageHour};
use crate::world::{ConsoleWorld, ItemPrices, Metering};
use protocol::metering::rating;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// What the credit did to one item of one hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    /// What the item's usage costs, truncated to the fen (None: more than a bill line may).
    pub cost: Option<Decimal>,
    /// The credit spent on it.
    pub credit: Decimal,
    /// The value left to push, in the Key's pushed unit.
    pub pushed: i64,
}

/// Covers `value` of `key` at `price` from the credit `left`, spending what it takes.
pub fn cover(key: &str, value: i64, price: Decimal, left: &mut Decimal) -> Covered {
    let whole = |cost| Covered {
        cost,
        credit: Decimal::ZERO,
        pushed: value,
    };
    let Ok(cost) = rating::amount(key, value.into(), price) else {
        return whole(None);
    };
    if *left <= Decimal::ZERO {
        return whole(Some(cost));
    }
    if cost <= *left {
        *left -= cost;
        return Covered {
            cost: Some(cost),
            credit: cost,
            pushed: 0,
        };
    }
    // 0 < left < cost, so the price is above zero.
    let credit = *left;
    *left = Decimal::ZERO;
    let uncovered = cost - credit;
    let units = Decimal::from(rating::units_per_billing_unit(key));
    let pushed = (uncovered * units / price)
        .floor()
        .try_into()
        .map_or(value, |v: i64| v.min(value));
    Covered {
        cost: Some(cost),
        credit,
        pushed,
    }
}

/// Prices `usage` at `prices` in the items `metering` names and spends the credit `left` on it:
/// sets its amount, the credit spent and the values left to push. Without prices, the hour is
/// pushed whole and no credit is spent.
pub fn spend(usage: &mut UsageHour, metering: &Metering, prices: Option<&ItemPrices>, left: &mut Decimal) {
    let Some(prices) = prices else {
        usage.amount = None;
        usage.credit = Decimal::ZERO;
        usage.pushed_compute = usage.compute;
        usage.pushed_storage = usage.storage;
        return;
    };
    let compute = cover(&metering.compute.key, usage.compute, prices.compute, left);
    let storage = cover(&metering.storage.key, usage.storage, prices.storage, left);
    usage.amount = compute.cost.zip(storage.cost).map(|(c, s)| c + s);
    usage.credit = compute.credit + storage.credit;
    usage.pushed_compute = compute.pushed;
    usage.pushed_storage = storage.pushed;
}

/// Spends the credit of each organisation on its clusters' hours in `rows` (accrued from `runs`,
/// which say each cluster's SKU), reading an organisation's credit with `credit_of` the first time
/// it is met. Returns the credit each organisation that spent any has left.
pub fn spend_hour<E>(
    rows: &mut [UsageHour],
    runs: &[HourRun],
    world: &ConsoleWorld,
    metering: &Metering,
    mut credit_of: impl FnMut(&str) -> Result<Decimal, E>,
) -> Result<BTreeMap<String, Decimal>, E> {
    let skus: HashMap<&str, &str> = runs
        .iter()
        .map(|r| (r.cluster_id.as_str(), r.sku_id.as_str()))
        .collect();
    let mut left: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut spent = BTreeMap::new();
    for row in rows {
        let sku = skus.get(row.cluster_id.as_str());
        let credit = match left.get_mut(&row.org_id) {
            Some(credit) => credit,
            None => left.entry(row.org_id.clone()).or_insert(credit_of(&row.org_id)?),
        };
        spend(row, metering, sku.and_then(|s| world.prices(s)), credit);
        if row.credit > Decimal::ZERO {
            spent.insert(row.org_id.clone(), *credit);
        }
    }
    Ok(spent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::accrue;
    use proptest::prelude::*;
    use protocol::time::parse_instant;
    use std::convert::Infallible;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn world() -> ConsoleWorld {
        ConsoleWorld::default_world()
    }

    fn run(cluster: &str, plan: &str, sku: &str, started: &str, ended: Option<&str>) -> HourRun {
        let at = |s: &str| parse_instant(&format!("2023-08-15T{s}+08:00")).unwrap();
        HourRun {
            sku_id: sku.into(),
            cluster_id: cluster.into(),
            org_id: "org-a".into(),
            marketplace_instance: "8000001".into(),
            plan: plan.into(),
            started: at(started),
            ended: ended.map(at),
        }
    }

    /// The hour from 10:00 of `runs`, with `credit` to spend: its rows and what is left.
    fn hour(runs: &[HourRun], credit: &str) -> (Vec<UsageHour>, Option<Decimal>) {
        let world = world();
        let metering = world.metering.clone().unwrap();
        let at = parse_instant("2023-08-15T10:00:00+08:00").unwrap();
        let mut rows = accrue(at, runs, &world);
        let left = spend_hour(&mut rows, runs, &world, &metering, |_| {
            Ok::<_, Infallible>(d(credit))
        })
        .unwrap();
        (rows, left.get("org-a").copied())
    }

    fn spent(row: &UsageHour) -> (Option<Decimal>, Decimal, i64, i64) {
        (row.amount, row.credit, row.pushed_compute, row.pushed_storage)
    }

    #[test]
    fn credit_covers_an_hour_to_the_fen_and_nothing_of_it_is_pushed() {
        // 2 CU for an hour at 1.20: 2.40; 10 GB·h at 0.001: 0.01.
        let (rows, left) = hour(
            &[run("a", "standard-2cu", "cmgj00061912-payg", "10:00:00", None)],
            "5.00",
        );
        assert_eq!(spent(&rows[0]), (Some(d("2.41")), d("2.41"), 0, 0));
        assert!(!rows[0].to_push());
        assert_eq!(left, Some(d("2.59")));
    }

    #[test]
    fn a_partly_covered_hour_pushes_the_usage_the_credit_did_not_cover_rounded_down() {
        // 1 CU for an hour at 1.20 with 0.50 left: 0.70 not covered is 2100 CU·s; the storage
        // (5 GB·h, 0.005, charged 0.00) finds no credit left and goes whole.
        let (rows, left) = hour(
            &[run("a", "standard-1cu", "cmgj00061912-payg", "10:00:00", None)],
            "0.50",
        );
        assert_eq!(spent(&rows[0]), (Some(d("1.20")), d("0.50"), 2100, 5));
        assert_eq!(left, Some(d("0")));
        // 0.33 left of 1.80 (enterprise): 1.47 not covered is 2940 CU·s, billed 1.47.
        let (rows, _) = hour(
            &[run(
                "a",
                "standard-1cu",
                "cmgj00061912-payg-enterprise",
                "10:00:00",
                None,
            )],
            "0.33",
        );
        assert_eq!(spent(&rows[0]), (Some(d("1.80")), d("0.33"), 2940, 5));
        assert_eq!(rating::amount("Period", 2940, d("1.80")).unwrap(), d("1.47"));
    }

    #[test]
    fn rounding_down_never_bills_more_than_the_credit_left_uncovered() {
        // 0.01 left of 1.20 for 3599 s (cost 1.19): 1.18 not covered is 3540 s, billed 1.18.
        let mut left = d("0.01");
        let c = cover("Period", 3599, d("1.20"), &mut left);
        assert_eq!((c.cost, c.credit, c.pushed), (Some(d("1.19")), d("0.01"), 3540));
        // 0.07 left of 0.70 at 0.7 per hour for 3600 s: 0.63 is 3240 s exactly.
        let mut left = d("0.07");
        assert_eq!(cover("Period", 3600, d("0.7"), &mut left).pushed, 3240);
        // At a price whose fen is not a whole number of seconds, the pushed usage costs less.
        let mut left = d("0.05");
        let c = cover("Period", 3600, d("0.77"), &mut left);
        assert!(rating::amount("Period", c.pushed.into(), d("0.77")).unwrap() <= d("0.72"));
    }

    #[test]
    fn credit_exhausted_pushes_every_hour_whole() {
        let runs = [
            run("a", "standard-2cu", "cmgj00061912-payg", "10:00:00", None),
            run("b", "standard-1cu", "cmgj00061912-payg", "10:30:00", None),
        ];
        // 2.41 covers a; b (1800 CU·s, 0.60, and 2 GB·h) finds none left.
        let (rows, left) = hour(&runs, "2.41");
        assert_eq!(spent(&rows[0]), (Some(d("2.41")), d("2.41"), 0, 0));
        assert_eq!(spent(&rows[1]), (Some(d("0.60")), d("0"), 1800, 2));
        assert_eq!(left, Some(d("0")));
        let (rows, left) = hour(&runs, "0");
        assert_eq!(spent(&rows[0]), (Some(d("2.41")), d("0"), 7200, 10));
        assert_eq!(left, None, "nothing spent, nothing to write back");
    }

    #[test]
    fn a_frozen_cluster_accrues_nothing_and_spends_no_credit() {
        // Frozen at 10:00: its run ended, so the hour from 10:00 has no row for it.
        let (rows, left) = hour(
            &[run(
                "a",
                "standard-2cu",
                "cmgj00061912-payg",
                "08:00:00",
                Some("10:00:00"),
            )],
            "5.00",
        );
        assert!(rows.is_empty());
        assert_eq!(left, None);
    }

    fn price() -> impl Strategy<Value = Decimal> {
        (0i64..10_000_000, 3u32..=6).prop_map(|(m, scale)| Decimal::new(m, scale))
    }

    proptest! {
        /// Credit spent and the marketplace's charge for what is pushed never come to more than
        /// the item costs, nor less by a fen and one pushed unit's price or more; credit is only
        /// spent down, never below zero.
        #[test]
        fn credit_and_the_pushed_charge_make_up_the_cost_never_more(
            key in proptest::sample::select(protocol::metering::KEYS),
            value in 0i64..10_000_000,
            price in price(),
            credit_fen in 0i64..100_000,
        ) {
            let before = Decimal::new(credit_fen, 2);
            let mut left = before;
            let c = cover(key, value, price, &mut left);
            let cost = c.cost.unwrap();
            let billed = rating::amount(key, c.pushed.into(), price).unwrap();
            prop_assert!(c.credit >= Decimal::ZERO && left >= Decimal::ZERO);
            prop_assert_eq!(before - left, c.credit);
            prop_assert!(c.pushed <= value);
            prop_assert!(c.credit + billed <= cost);
            let unit = price / Decimal::from(rating::units_per_billing_unit(key));
            prop_assert!(cost - (c.credit + billed) < d("0.01") + unit);
        }
    }

    #[test]
    fn a_sku_without_prices_is_pushed_whole_and_spends_nothing() {
        let (rows, left) = hour(
            &[run("a", "standard-1cu", "cmgj00061912-other", "10:00:00", None)],
            "5.00",
        );
        assert_eq!(spent(&rows[0]), (None, d("0"), 3600, 5));
        assert_eq!(left, None);
    }
}
