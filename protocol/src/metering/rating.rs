//! Rating (contract §5.1): what a bill window's usage of one billing item costs. Usage is pushed in
//! each Key's own unit and priced per billing unit — Period in seconds, priced per hour; Storage
//! and NetworkIn/Out in bytes or bits, priced per MB or Mb; KTokens in tokens, priced per thousand;
//! every other Key as pushed. A window's values are summed first, then converted and priced, and the
//! amount is truncated (保留两位小数，超过两位舍弃), never rounded, to the fen: a bill under 0.01 CNY
//! is charged 0. Every step is exact decimal arithmetic; the division comes last, so no conversion
//! loses a digit before the truncation. The marketplace bills by these rules and a vendor counts
//! its customers' money by them, so the two agree to the fen.

use rust_decimal::Decimal;

/// How many pushed units make one billing unit of `key` (1 for a Key priced as pushed).
pub fn units_per_billing_unit(key: &str) -> i64 {
    match key {
        "Period" => 3600,
        "Storage" | "NetworkOut" | "NetworkIn" => 1024 * 1024,
        "KTokens" => 1000,
        _ => 1,
    }
}

/// The most a single bill line may come to (CNY): usage that would cost more is refused when
/// pushed, so every sum of a window stays far inside what a decimal holds.
pub const MAX_LINE_AMOUNT: i64 = 1_000_000_000_000;

/// Why usage cannot be rated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{usage} {key} at {price} CNY per unit comes to more than {MAX_LINE_AMOUNT} CNY")]
pub struct TooLarge {
    pub key: String,
    pub usage: i128,
    pub price: Decimal,
}

/// `usage` (in pushed units) of `key` in billing units: the figure a bill line shows.
pub fn billing_usage(key: &str, usage: i128) -> Option<Decimal> {
    let usage = Decimal::try_from_i128_with_scale(usage, 0).ok()?;
    usage.checked_div(Decimal::from(units_per_billing_unit(key)))
}

/// What `usage` (the sum of a window's values, in pushed units) of `key` costs at `price` CNY per
/// billing unit, truncated to the fen.
pub fn amount(key: &str, usage: i128, price: Decimal) -> Result<Decimal, TooLarge> {
    let too_large = || TooLarge {
        key: key.to_owned(),
        usage,
        price,
    };
    let exact = Decimal::try_from_i128_with_scale(usage, 0)
        .ok()
        .and_then(|u| u.checked_mul(price))
        .and_then(|cost| cost.checked_div(Decimal::from(units_per_billing_unit(key))))
        .ok_or_else(too_large)?;
    if exact > Decimal::from(MAX_LINE_AMOUNT) {
        return Err(too_large());
    }
    Ok(to_fen(exact))
}

/// `amount` truncated toward zero to two decimals.
pub fn to_fen(amount: Decimal) -> Decimal {
    amount.trunc_with_scale(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rstest::rstest;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[rstest]
    // The contract's own examples.
    #[case::period_half_hour("Period", 1800, "1", "0.50")]
    #[case::storage_half_mb("Storage", 524_288, "1", "0.50")]
    #[case::ktokens("KTokens", 1500, "1", "1.50")]
    // One second of a 1.20 CNY/h item is 0.000333… CNY: charged 0.
    #[case::period_one_second("Period", 1, "1.20", "0.00")]
    #[case::period_truncates("Period", 3599, "1", "0.99")]
    #[case::period_three_cu_hours("Period", 3 * 3600, "1.20", "3.60")]
    #[case::period_min("PeriodMin", 7, "0.13", "0.91")]
    #[case::network_out("NetworkOut", 3 * 1024 * 1024 - 1, "0.80", "2.39")]
    #[case::network_in("NetworkIn", 1024 * 1024, "0.80", "0.80")]
    #[case::frequency("Frequency", 9, "0.001", "0.00")]
    #[case::frequency_ten("Frequency", 10, "0.001", "0.01")]
    #[case::character("Character", 12_345, "0.0001", "1.23")]
    #[case::daily_active_user("DailyActiveUser", 3, "0.5", "1.50")]
    #[case::virtual_cpu("VirtualCpu", 4, "0.333", "1.33")]
    #[case::unit("Unit", 2, "9.999", "19.99")]
    #[case::memory("Memory", 16, "0.0625", "1.00")]
    #[case::suit("Suit", 1, "199", "199.00")]
    #[case::storage_gigabyte("StorageGigaByte", 250, "0.0015", "0.37")]
    #[case::nothing("Period", 0, "1.20", "0.00")]
    fn every_key_converts_then_truncates(
        #[case] key: &str,
        #[case] usage: i128,
        #[case] price: &str,
        #[case] expected: &str,
    ) {
        assert!(crate::metering::KEYS.contains(&key));
        assert_eq!(amount(key, usage, d(price)).unwrap(), d(expected));
        assert_eq!(amount(key, usage, d(price)).unwrap().scale(), 2);
    }

    #[test]
    fn every_key_of_the_contract_has_a_conversion_and_shows_its_usage_in_billing_units() {
        for key in crate::metering::KEYS {
            assert!(units_per_billing_unit(key) >= 1);
        }
        assert_eq!(billing_usage("Period", 5400), Some(d("1.5")));
        assert_eq!(billing_usage("Storage", 3 * 1024 * 1024), Some(d("3")));
        assert_eq!(billing_usage("Unit", 7), Some(d("7")));
    }

    #[test]
    fn usage_that_would_cost_more_than_a_line_may_is_refused_not_wrapped() {
        let e = amount("Frequency", i128::from(i64::MAX), d("1")).unwrap_err();
        assert!(e.to_string().contains("more than"), "{e}");
        assert!(amount("Frequency", i128::MAX, d("1")).is_err());
        assert!(amount("Period", i128::from(i64::MAX), d("1000000000")).is_err());
        assert_eq!(
            amount("Frequency", MAX_LINE_AMOUNT.into(), d("1")).unwrap(),
            Decimal::from(MAX_LINE_AMOUNT)
        );
    }

    fn price() -> impl Strategy<Value = Decimal> {
        // Up to 10,000 CNY per unit, with up to six decimals.
        (0i64..10_000_000, 3u32..=6).prop_map(|(m, scale)| Decimal::new(m, scale))
    }

    fn key() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(crate::metering::KEYS)
    }

    proptest! {
        /// Truncation never rounds up, and never takes a whole fen away.
        #[test]
        fn truncation_never_rounds_up(key in key(), usage in 0i64..10_000_000, price in price()) {
            let exact = Decimal::from(usage) * price / Decimal::from(units_per_billing_unit(key));
            let charged = amount(key, usage.into(), price).unwrap();
            prop_assert!(charged <= exact);
            prop_assert!(exact - charged < d("0.01"));
            prop_assert_eq!(charged.scale(), 2);
        }

        /// Summing a window's values before pricing never charges less than pricing each push and
        /// adding the truncated amounts: truncation happens once per line, so no cent is lost to it
        /// more than once.
        #[test]
        fn a_window_is_summed_before_it_is_priced(
            key in key(),
            values in proptest::collection::vec(0i64..1_000_000, 1..20),
            price in price(),
        ) {
            let whole = amount(key, values.iter().map(|v| i128::from(*v)).sum(), price).unwrap();
            let parts: Decimal = values.iter().map(|v| amount(key, (*v).into(), price).unwrap()).sum();
            prop_assert!(whole >= parts);
            prop_assert!(whole - parts < d("0.01") * Decimal::from(values.len() as u64));
        }

        /// A price with more decimals than a fen is still charged exactly: the amount is the
        /// truncation of the exact product, computed without any rounding on the way.
        #[test]
        fn amounts_are_exact(usage in 0i64..1_000_000, cents_per_thousand in 0i64..1_000_000) {
            let price = Decimal::new(cents_per_thousand, 5);
            let charged = amount("Unit", usage.into(), price).unwrap();
            let tenths_of_milli_fen = i128::from(usage) * i128::from(cents_per_thousand);
            prop_assert_eq!(charged, Decimal::from_i128_with_scale(tenths_of_milli_fen / 1000, 2));
        }
    }
}
