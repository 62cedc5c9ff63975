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

/// Why the extra items chosen do not fit the SKU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtrasError {
    #[error("SKU {sku} has no extra item {key}")]
    Unknown { sku: String, key: String },
    #[error("{name} ({key}) is between {min} and {max}")]
    OutOfRange {
        name: String,
        key: String,
        min: u32,
        max: u32,
    },
}

impl ExtrasError {
    /// The refusal in the buyer's words.
    pub fn words(&self) -> String {
        match self {
            ExtrasError::Unknown { key, .. } => format!("该规格没有额外计费项 {key}"),
            ExtrasError::OutOfRange { name, min, max, .. } => format!("{name}须在 {min} 到 {max} 之间"),
        }
    }
}

/// The extra items `chosen` for `sku`, each item's default filled in; refused when it names an
/// item the SKU lacks or a count outside the item's range.
pub fn extras_for(sku: &Sku, chosen: &Extras) -> Result<Extras, ExtrasError> {
    if let Some(key) = chosen.keys().find(|k| !sku.extras.iter().any(|e| &e.key == *k)) {
        return Err(ExtrasError::Unknown {
            sku: sku.id.clone(),
            key: key.clone(),
        });
    }
    let mut extras = Extras::new();
    for item in &sku.extras {
        let count = chosen.get(&item.key).copied().unwrap_or(item.default);
        if !(item.min..=item.max).contains(&count) {
            return Err(ExtrasError::OutOfRange {
                name: item.name.clone(),
                key: item.key.clone(),
                min: item.min,
                max: item.max,
            });
        }
        extras.insert(item.key.clone(), count);
    }
    Ok(extras)
}
