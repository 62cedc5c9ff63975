//! What each order costs, from the world's catalog: a term is its price plus each extra item's
//! count × monthly price × months; a trial and pay-as-you-go cost nothing up front; an upgrade
//! costs the difference of the two monthly rates for the rest of the term, pro rata by the second
//! and counting a month as 30 days, never below zero. Every amount is exact decimal arithmetic,
//! truncated (not rounded) to the fen.

use crate::store::orders::Extras;
use crate::world::{Charge, Sku};
use rust_decimal::{Decimal, RoundingStrategy};

/// Milliseconds in the month an upgrade is prorated by.
const MONTH_MS: i64 = 30 * 24 * 3600 * 1000;

/// `amount` truncated to the fen.
pub fn to_fen(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::ToZero)
}

/// What the extra items cost a month.
fn extras_monthly(sku: &Sku, extras: &Extras) -> Decimal {
    sku.extras
        .iter()
        .map(|item| item.monthly_price * Decimal::from(extras.get(&item.key).copied().unwrap_or(0)))
        .sum()
}

/// A term of `months` of `sku` with `extras`; None when the SKU does not sell it.
pub fn term(sku: &Sku, months: u32, extras: &Extras) -> Option<Decimal> {
    let term = sku.term(months)?;
    Some(to_fen(
        term.price + extras_monthly(sku, extras) * Decimal::from(months),
    ))
}

/// What `sku` with `extras` costs a month: its shortest term's price per month, and the extras.
pub fn monthly_rate(sku: &Sku, extras: &Extras) -> Decimal {
    let base = match (sku.charge, sku.terms.first()) {
        (Charge::Subscription, Some(t)) => t.price / Decimal::from(t.months.max(1)),
        _ => Decimal::ZERO,
    };
    base + extras_monthly(sku, extras)
}

/// Moving from `from` to `to` with `remaining_ms` of the term left.
pub fn upgrade(from: (&Sku, &Extras), to: (&Sku, &Extras), remaining_ms: i64) -> Decimal {
    let difference = monthly_rate(to.0, to.1) - monthly_rate(from.0, from.1);
    if difference <= Decimal::ZERO || remaining_ms <= 0 {
        return Decimal::ZERO;
    }
    to_fen(difference * Decimal::from(remaining_ms) / Decimal::from(MONTH_MS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{ExtraItem, Term};
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn sku(terms: &[(u32, &str)], extra_monthly: Option<&str>) -> Sku {
        Sku {
            id: "cmgj00000001-s".into(),
            name: "s".into(),
            charge: Charge::Subscription,
            terms: terms
                .iter()
                .map(|(months, price)| Term {
                    months: *months,
                    price: dec(price),
                })
                .collect(),
            trial_days: None,
            plan: Vec::new(),
            extras: extra_monthly
                .map(|p| ExtraItem {
                    key: "Count".into(),
                    name: "n".into(),
                    min: 1,
                    max: 10,
                    default: 1,
                    monthly_price: dec(p),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn a_term_is_its_price_and_the_extras_for_each_month() {
        let s = sku(&[(1, "99.90"), (12, "999.00")], Some("10.01"));
        let three = Extras::from([("Count".to_owned(), 3)]);
        assert_eq!(term(&s, 12, &three), Some(dec("1359.36")));
        assert_eq!(term(&s, 1, &Extras::new()), Some(dec("99.90")));
        assert_eq!(term(&s, 6, &three), None);
    }

    #[test]
    fn an_upgrade_is_the_rate_difference_for_the_rest_of_the_term_truncated() {
        let small = sku(&[(1, "100.00")], None);
        let big = sku(&[(3, "600.00")], None);
        let none = Extras::new();
        // 100 a month more for 10 days: 33.333… truncated.
        let ten_days = 10 * 24 * 3600 * 1000;
        assert_eq!(upgrade((&small, &none), (&big, &none), ten_days), dec("33.33"));
        assert_eq!(upgrade((&big, &none), (&small, &none), ten_days), Decimal::ZERO);
        assert_eq!(upgrade((&small, &none), (&big, &none), 0), Decimal::ZERO);
    }

    #[test]
    fn amounts_are_truncated_not_rounded() {
        assert_eq!(to_fen(dec("0.019")), dec("0.01"));
        assert_eq!(to_fen(dec("0.009")), dec("0.00"));
    }
}
