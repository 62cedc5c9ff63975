//! What a SKU sells beside pay-as-you-go: the terms of a subscription (购买时长) with their prices,
//! a trial's length, and the extra billing items (额外计费项) a buyer chooses at purchase. Prices
//! are decimals in CNY, written as strings in the world file (`"299.00"`), never floats.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One term a subscription SKU sells: so many months for a price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub months: u32,
    /// CNY for the whole term, before extra items.
    pub price: Decimal,
}

/// An extra billing item chosen at purchase, a count between `min` and `max`, sent to the vendor
/// as a top-level parameter named `key` (createInstance, upgradeInstance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraItem {
    /// The parameter's name, e.g. `Count`.
    pub key: String,
    pub name: String,
    pub min: u32,
    pub max: u32,
    /// What the 开通 dialog offers first.
    pub default: u32,
    /// CNY per unit per month of the term.
    pub monthly_price: Decimal,
}

/// A pay-as-you-go SKU's unit price for one of its product's metering items (contract §5.1): CNY
/// per billing unit of the item's Key — per hour of `Period`, per MB of `Storage`, per thousand
/// `KTokens`, per unit pushed of the rest. Up to six decimals: tiny prices are how real-time
/// products are priced, and the bill, not the price, is truncated to the fen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanPrice {
    /// The item's `meteringAssit`, one of the product's `metering`.
    pub assit: String,
    pub price: Decimal,
}

/// The most decimals a unit price may carry.
const MAX_UNIT_PRICE_SCALE: u32 = 6;

/// The longest term or trial a world may sell: ten years.
pub const MAX_MONTHS: u32 = 120;

/// A price (CNY) a world may set is below this.
const MAX_PRICE: u64 = 1_000_000_000;

/// The most of one extra item a SKU may sell.
const MAX_COUNT: u32 = 1_000_000;

/// The period name DescribeOrder gives a term of `months`.
pub fn period_type(months: u32) -> &'static str {
    match months {
        1 => "MONTH",
        3 => "SEASON",
        6 => "HALFYEAR",
        12 => "YEAR",
        24 => "TWOYEARS",
        _ => "MONTH",
    }
}

/// 购买时长 as the pages write it: `1个月`, `1年`, `2年`.
pub fn term_words(months: u32) -> String {
    if months % 12 == 0 {
        format!("{}年", months / 12)
    } else {
        format!("{months}个月")
    }
}

impl super::Sku {
    /// What a SKU must say for its kind of charge, in words when it does not.
    pub(super) fn check(&self) -> Result<(), String> {
        use super::Charge;
        // CNY to the fen, below a billion: a term's price, extras and all, stays far inside what a
        // decimal holds.
        let money = |d: &Decimal| !d.is_sign_negative() && d.scale() <= 2 && *d < Decimal::from(MAX_PRICE);
        match self.charge {
            Charge::PayAsYouGo | Charge::Trial if !self.terms.is_empty() => {
                return Err("only a subscription SKU sells terms".into())
            }
            Charge::PayAsYouGo | Charge::Trial if !self.extras.is_empty() => {
                return Err("only a subscription SKU has extra billing items".into())
            }
            Charge::Subscription | Charge::Trial if !self.plan.is_empty() => {
                return Err("only a pay-as-you-go SKU has a price plan".into())
            }
            Charge::Subscription if self.terms.is_empty() => {
                return Err("a subscription SKU sells at least one term".into())
            }
            _ => {}
        }
        match (self.charge, self.trial_days) {
            (Charge::Trial, Some(1..=366)) | (Charge::PayAsYouGo | Charge::Subscription, None) => {}
            (Charge::Trial, _) => return Err("a trial SKU gives trial_days between 1 and 366".into()),
            _ => return Err("only a trial SKU gives trial_days".into()),
        }
        let mut last = 0;
        for t in &self.terms {
            if t.months <= last || t.months > MAX_MONTHS {
                return Err(format!(
                    "terms are in months between 1 and {MAX_MONTHS}, each longer than the one before"
                ));
            }
            if !money(&t.price) {
                return Err(format!(
                    "the price of {} months is not CNY to the fen below {MAX_PRICE}",
                    t.months
                ));
            }
            last = t.months;
        }
        for e in &self.extras {
            // `key` ends the token's string (contract §1.2); the rest are the actions' own.
            let reserved = e.key == "key" || protocol::spi::ACTION_PARAMS.contains(&e.key.as_str());
            if !protocol::spi::is_param_name(&e.key) || reserved {
                return Err(format!("extra item `{}` is not a parameter name", e.key));
            }
            if !(e.min <= e.default && e.default <= e.max && e.max <= MAX_COUNT) {
                return Err(format!("extra item {}: min ≤ default ≤ max ≤ {MAX_COUNT}", e.key));
            }
            if !money(&e.monthly_price) {
                return Err(format!(
                    "extra item {}: the monthly price is not CNY to the fen",
                    e.key
                ));
            }
        }
        for p in &self.plan {
            let unit_price = !p.price.is_sign_negative()
                && p.price.scale() <= MAX_UNIT_PRICE_SCALE
                && p.price < Decimal::from(MAX_PRICE);
            if !unit_price {
                return Err(format!(
                    "the price of {} is not CNY below {MAX_PRICE} with at most {MAX_UNIT_PRICE_SCALE} decimals",
                    p.assit
                ));
            }
        }
        Ok(())
    }

    /// The unit price of the metering item `assit` on this SKU's plan.
    pub fn unit_price(&self, assit: &str) -> Option<Decimal> {
        self.plan.iter().find(|p| p.assit == assit).map(|p| p.price)
    }
}
