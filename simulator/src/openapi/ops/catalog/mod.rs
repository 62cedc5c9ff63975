//! The catalog family: products (DescribeProduct, DescribeProducts, DescribePrice), the distribution
//! catalogue (DescribeDistributionProducts, DescribeDistributionProductsLink) and the vendor's invoice
//! requests (DescribeInvoiceForIsv, ModifyInvoiceForIsv).
//!
//! The world's products are the catalog; `fixtures/openapi/catalog.yaml` adds what the world file does
//! not say (listing, shop, modules, the distribution catalogue); prices and terms are the world's. The invoice requests
//! (`fixtures/openapi/invoices.yaml`) live in the store (`store::invoices`) because
//! ModifyInvoiceForIsv changes them; `seed` puts them there. [`answers`] holds the SDK's models the
//! operations answer with.

mod answers;
mod distribution;
mod invoices;
mod products;

use crate::openapi::call::{Call, Operation};
use crate::openapi::error::ApiError;
use protocol::time::{epoch_millis, spi_parse};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub const OPS: &[(&str, Operation)] = &[
    ("DescribeProduct", Operation(products::describe_product)),
    ("DescribeProducts", Operation(products::describe_products)),
    ("DescribePrice", Operation(products::describe_price)),
    (
        "DescribeDistributionProducts",
        Operation(distribution::describe_distribution_products),
    ),
    (
        "DescribeDistributionProductsLink",
        Operation(distribution::describe_distribution_products_link),
    ),
    (
        "DescribeInvoiceForIsv",
        Operation(invoices::describe_invoice_for_isv),
    ),
    ("ModifyInvoiceForIsv", Operation(invoices::modify_invoice_for_isv)),
];

const FIXTURE: &str = include_str!("../../../../../fixtures/openapi/catalog.yaml");

fn fixture() -> &'static Fixture {
    static PARSED: OnceLock<Fixture> = OnceLock::new();
    PARSED.get_or_init(|| serde_yaml::from_str(FIXTURE).expect("fixtures/openapi/catalog.yaml is valid"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    products: Vec<Listing>,
    distribution: Vec<DistributionProduct>,
}

/// What the catalog says about a world product beyond its name, type and SKUs.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Listing {
    code: String,
    short_description: String,
    description: String,
    pic_url: String,
    category_id: i64,
    score: f64,
    use_count: i64,
    status: String,
    audit_status: String,
    audit_time: String,
    created: String,
    modified: String,
    supplier_pk: i64,
    delivery_way: String,
    delivery_date: String,
    warranty_date: String,
    operation_system: String,
    tags: String,
    price_info: String,
    suggested_price: String,
    shop: Shop,
    extras: Vec<Extra>,
    skus: Vec<SkuDetail>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Shop {
    id: i64,
    name: String,
    emails: String,
    telephones: Vec<String>,
    wangwangs: Vec<WangWang>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WangWang {
    user_name: String,
    remark: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extra {
    key: String,
    label: String,
    order: i64,
    #[serde(rename = "type")]
    kind: String,
    values: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct SkuDetail {
    code: String,
    modules: Vec<Module>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Module {
    id: String,
    code: String,
    name: String,
    properties: Vec<Property>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Property {
    key: String,
    name: String,
    show_type: String,
    display_unit: String,
    values: Vec<PropertyValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PropertyValue {
    value: String,
    display_name: String,
    #[serde(rename = "type")]
    kind: String,
    min: String,
    max: String,
    step: String,
    remark: String,
}

/// A product of the distribution (分销) catalogue.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DistributionProduct {
    code: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    short_description: String,
    image_url: String,
    first_category_name: String,
    second_category_name: String,
    supplier_name: String,
    supplier_uid: String,
    price: String,
    score: String,
    submission_radio: String,
    trade_count: String,
    user_comment_count: String,
    category_id: i64,
}

/// A fixture date (`yyyy-MM-dd HH:mm:ss`, Asia/Shanghai) in epoch milliseconds; 0 when empty.
fn millis(date: &str) -> i64 {
    if date.is_empty() {
        return 0;
    }
    epoch_millis(spi_parse(date).unwrap_or_else(|| panic!("fixture date `{date}` is yyyy-MM-dd HH:mm:ss")))
}

/// `Filter.N.Key` / `Filter.N.Value` pairs in the order of N; a key without a value is refused.
fn filters(call: &Call<'_>, invalid: fn() -> ApiError) -> Result<Vec<(String, String)>, ApiError> {
    let mut by_n: BTreeMap<u32, (Option<String>, Option<String>)> = BTreeMap::new();
    for (name, value) in call.params.pairs() {
        let Some(rest) = name.strip_prefix("Filter.") else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            return Err(invalid());
        };
        let n: u32 = n.parse().map_err(|_| invalid())?;
        let slot = by_n.entry(n).or_default();
        match field {
            "Key" => slot.0 = Some(value.to_owned()),
            "Value" => slot.1 = Some(value.to_owned()),
            _ => return Err(invalid()),
        }
    }
    by_n.into_values()
        .map(|pair| match pair {
            (Some(k), Some(v)) if !k.is_empty() => Ok((k, v)),
            _ => Err(invalid()),
        })
        .collect()
}
