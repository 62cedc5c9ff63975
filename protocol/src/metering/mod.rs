//! The vocabulary of pay-as-you-go metering (contract §5.1, §3.3.1) that the marketplace and a
//! vendor share: the metering Keys there are, and the shape of a `meteringAssit`, the billing-item
//! id `<productCode>-<Key>-<n>` the product's publishing declares — and [`rating`], what usage of
//! a Key costs, which the marketplace bills by and a vendor counts its customers' money by.

pub mod rating;

/// The metering keys of contract §5.1.
pub const KEYS: &[&str] = &[
    "Frequency",
    "Period",
    "PeriodMin",
    "Storage",
    "NetworkOut",
    "NetworkIn",
    "Character",
    "DailyActiveUser",
    "VirtualCpu",
    "Unit",
    "Memory",
    "KTokens",
    "Suit",
    "StorageGigaByte",
];

/// Whether `assit` is `<product>-<key>-<n>`.
pub fn assit_matches(assit: &str, product: &str, key: &str) -> bool {
    assit
        .strip_prefix(product)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_prefix(key))
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::assit_matches;

    #[test]
    fn metering_assit_names_product_key_and_a_number() {
        let product = "cmapi00060317";
        assert!(assit_matches("cmapi00060317-PeriodMin-4", product, "PeriodMin"));
        assert!(!assit_matches("cmapi00060317-PeriodMin-", product, "PeriodMin"));
        assert!(!assit_matches("cmapi00060317-Period-4", product, "PeriodMin"));
        assert!(!assit_matches("cmapi00060318-PeriodMin-4", product, "PeriodMin"));
    }
}
