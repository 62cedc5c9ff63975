//! What a buyer chooses beside the SKU: a subscription's term and the extra billing items, each
//! item's count checked against the range the catalog gives it.

use crate::store::orders::Extras;
use crate::world::Sku;

/// A subscription's term (购买时长, in months; the SKU's shortest when None) and the extra billing
/// items (each item's default when not given).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choice {
    pub months: Option<u32>,
    pub extras: Extras,
}

/// The extra items `chosen` for `sku`, each item's default filled in; refused, in words, when it
/// names an item the SKU lacks or a count outside the item's range.
pub fn extras_for(sku: &Sku, chosen: &Extras) -> Result<Extras, String> {
    if let Some(key) = chosen.keys().find(|k| !sku.extras.iter().any(|e| &e.key == *k)) {
        return Err(format!("SKU {} has no extra item {key}", sku.id));
    }
    let mut extras = Extras::new();
    for item in &sku.extras {
        let count = chosen.get(&item.key).copied().unwrap_or(item.default);
        if !(item.min..=item.max).contains(&count) {
            return Err(format!(
                "{} ({}) is between {} and {}",
                item.name, item.key, item.min, item.max
            ));
        }
        extras.insert(item.key.clone(), count);
    }
    Ok(extras)
}
