//! What a month's usage the marketplace accepted costs: each instance's hour of each item priced
//! as the marketplace's bill line of it is — the clusters' pushed values summed, converted, priced
//! at the SKU the instance is on and truncated to the fen (`protocol::metering::rating`) — so the
//! console's 应付总额 and the marketplace's bill agree to the fen. An hour of a SKU without prices
//! counts nothing.

use crate::store::usage::PushedHour;
use crate::world::{ConsoleWorld, Metering};
use protocol::metering::rating;
use rust_decimal::Decimal;

/// The month's charges, per item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Charges {
    pub compute: Decimal,
    pub storage: Decimal,
}

impl Charges {
    pub fn total(&self) -> Decimal {
        self.compute + self.storage
    }
}

/// What `hours` (an organisation's pushed usage, per instance and hour) cost.
pub fn charges(hours: &[PushedHour], world: &ConsoleWorld, metering: &Metering) -> Charges {
    let mut charges = Charges::default();
    for h in hours {
        let Some(prices) = world.prices(&h.sku_id) else {
            continue;
        };
        let line = |key: &str, value: i64, price| {
            // A line that would cost more than a line may is billed at that most.
            rating::amount(key, value.into(), price).unwrap_or(Decimal::from(rating::MAX_LINE_AMOUNT))
        };
        charges.compute += line(&metering.compute.key, h.compute, prices.compute);
        charges.storage += line(&metering.storage.key, h.storage, prices.storage);
    }
    charges
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::time::parse_instant;

    fn pushed(instance: &str, sku: &str, compute: i64, storage: i64) -> PushedHour {
        PushedHour {
            marketplace_instance: instance.into(),
            sku_id: sku.into(),
            hour: parse_instant("2023-08-15T10:00:00+08:00").unwrap(),
            compute,
            storage,
        }
    }

    #[test]
    fn each_instances_hour_is_priced_as_one_line_of_each_item_truncated_to_the_fen() {
        let world = ConsoleWorld::default_world();
        let metering = world.metering.clone().unwrap();
        let hours = [
            // Two clusters' 6960 + 1800 CU·s summed: 8760 s at 1.20 is 2.92; 11 GB·h is 0.011.
            pushed("8000001", "cmgj00061912-payg", 8760, 11),
            // 2100 CU·s at 1.80 is 1.05; 5 GB·h is 0.005, charged 0.
            pushed("8000002", "cmgj00061912-payg-enterprise", 2100, 5),
            pushed("8000003", "cmgj00061912-unpriced", 3600, 5),
        ];
        let c = charges(&hours, &world, &metering);
        assert_eq!(c.compute, "3.97".parse().unwrap());
        assert_eq!(c.storage, "0.01".parse().unwrap());
        assert_eq!(c.total(), "3.98".parse().unwrap());
    }
}
