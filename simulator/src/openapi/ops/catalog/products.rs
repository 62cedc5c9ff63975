//! DescribeProduct, DescribeProducts (open to vendors and buyers) and DescribePrice (buyers).

use super::answers::*;
use super::{filters, fixture, millis, Listing, Module, SkuDetail};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::commodity::{
    invalid, lifecycle_error, purchase_error, sku_of, Commodity, OrderType,
};
use crate::openapi::ops::{buyer, PRODUCT_TYPES};
use crate::world::{period_type, term_words, Charge, Product};
use rust_decimal::prelude::ToPrimitive;
use serde_json::Value;

fn listing(code: &str) -> Option<&'static Listing> {
    fixture().products.iter().find(|l| l.code == code)
}

fn sku_detail<'a>(listing: Option<&'a Listing>, sku: &str) -> Option<&'a SkuDetail> {
    listing.and_then(|l| l.skus.iter().find(|s| s.code == sku))
}

pub(super) fn describe_product(call: &Call<'_>) -> Result<Value, ApiError> {
    let code = call.params.required("Code")?;
    call.params.bool("QueryDraft")?;
    let product = call
        .sim
        .world()
        .product(code)
        .ok_or_else(|| ErrorCode::NotFound("Code".into()))?;
    let empty = Listing::default();
    let found = listing(code);
    let l = found.unwrap_or(&empty);
    let vendor_name = call
        .sim
        .world()
        .vendor(&product.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    let product_sku = product
        .skus
        .iter()
        .map(|sku| {
            let d = sku_detail(found, &sku.id);
            let charge_type = match sku.charge {
                Charge::PayAsYouGo => "POSTPAY".to_owned(),
                Charge::Subscription | Charge::Trial => "PREPAY".to_owned(),
            };
            let order_period = sku
                .terms
                .iter()
                .map(
                    |t| DescribeProductResponseBodyProductSkusProductSkuOrderPeriodsOrderPeriod {
                        name: term_words(t.months),
                        period_type: period_type(t.months),
                    },
                )
                .collect();
            let module = d
                .map(|d| d.modules.as_slice())
                .unwrap_or_default()
                .iter()
                .map(module)
                .collect();
            DescribeProductResponseBodyProductSkusProductSku {
                code: &sku.id,
                name: &sku.name,
                charge_type,
                constraints: "",
                hidden: false,
                order_periods: DescribeProductResponseBodyProductSkusProductSkuOrderPeriods { order_period },
                modules: DescribeProductResponseBodyProductSkusProductSkuModules { module },
            }
        })
        .collect();
    let product_extra = l
        .extras
        .iter()
        .map(|e| DescribeProductResponseBodyProductExtrasProductExtra {
            key: &e.key,
            label: &e.label,
            order: e.order,
            kind: &e.kind,
            values: &e.values,
        })
        .collect();
    let wang_wang = l
        .shop
        .wangwangs
        .iter()
        .map(|w| DescribeProductResponseBodyShopInfoWangWangsWangWang {
            user_name: &w.user_name,
            remark: &w.remark,
        })
        .collect();
    let shop_name = if l.shop.name.is_empty() {
        vendor_name
    } else {
        l.shop.name.clone()
    };
    Ok(json(&DescribeProductResponseBody {
        code: &product.code,
        name: &product.name,
        kind: &product.product_type,
        short_description: if l.short_description.is_empty() {
            &product.summary
        } else {
            &l.short_description
        },
        description: &l.description,
        pic_url: &l.pic_url,
        front_category_id: l.category_id,
        score: l.score,
        use_count: l.use_count,
        status: if l.status.is_empty() {
            "ONLINE"
        } else {
            l.status.as_str()
        },
        audit_status: if l.audit_status.is_empty() {
            "AUDIT_PASS"
        } else {
            l.audit_status.as_str()
        },
        audit_fail_msg: "",
        audit_time: millis(&l.audit_time),
        gmt_created: millis(&l.created),
        gmt_modified: millis(&l.modified),
        supplier_pk: l.supplier_pk,
        shop_info: DescribeProductResponseBodyShopInfo {
            id: l.shop.id,
            name: shop_name,
            emails: &l.shop.emails,
            telephones: DescribeProductResponseBodyShopInfoTelephones {
                telephone: &l.shop.telephones,
            },
            wang_wangs: DescribeProductResponseBodyShopInfoWangWangs { wang_wang },
        },
        product_extras: DescribeProductResponseBodyProductExtras { product_extra },
        product_skus: DescribeProductResponseBodyProductSkus { product_sku },
    }))
}

/// A module of a SKU as the catalog fixture lists it.
fn module(m: &Module) -> DescribeProductResponseBodyProductSkusProductSkuModulesModule<'_> {
    let property = m
        .properties
        .iter()
        .map(|p| DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesProperty {
            key: &p.key,
            name: &p.name,
            show_type: &p.show_type,
            display_unit: &p.display_unit,
            property_values: DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValues {
                property_value: p
                    .values
                    .iter()
                    .map(|v| {
                        DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValuesPropertyValue {
                            value: &v.value,
                            display_name: &v.display_name,
                            kind: &v.kind,
                            min: &v.min,
                            max: &v.max,
                            step: &v.step,
                            remark: &v.remark,
                        }
                    })
                    .collect(),
            },
        })
        .collect();
    DescribeProductResponseBodyProductSkusProductSkuModulesModule {
        id: &m.id,
        code: &m.code,
        name: &m.name,
        properties: DescribeProductResponseBodyProductSkusProductSkuModulesModuleProperties { property },
    }
}

fn invalid_param() -> ApiError {
    ErrorCode::InvalidFilter.into()
}

fn product_item<'a>(
    call: &Call<'_>,
    p: &'a Product,
    l: &'a Listing,
) -> DescribeProductsResponseBodyProductItemsProductItem<'a> {
    let supplier = call
        .sim
        .world()
        .vendor(&p.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_default();
    DescribeProductsResponseBodyProductItemsProductItem {
        code: &p.code,
        name: &p.name,
        category_id: l.category_id,
        short_description: if l.short_description.is_empty() {
            &p.summary
        } else {
            &l.short_description
        },
        image_url: &l.pic_url,
        supplier_id: l.supplier_pk,
        supplier_name: supplier,
        score: format!("{:.1}", l.score),
        price_info: &l.price_info,
        suggested_price: &l.suggested_price,
        tags: &l.tags,
        target_url: format!(
            "https://market.aliyun.com/products/{}/{}.html",
            l.category_id, p.code
        ),
        delivery_date: &l.delivery_date,
        delivery_way: &l.delivery_way,
        warranty_date: &l.warranty_date,
        operation_system: &l.operation_system,
    }
}

pub(super) fn describe_products(call: &Call<'_>) -> Result<Value, ApiError> {
    let (page, per_page) = call.params.paging("PageNumber", "PageSize", false, 100)?;
    let term = call.params.get("SearchTerm").map(str::to_lowercase);
    let mut sort: Option<String> = None;
    let mut category: Option<i64> = None;
    let mut product_type: Option<String> = None;
    let mut supplier: Option<i64> = None;
    for (key, value) in filters(call, invalid_param)? {
        match key.as_str() {
            "sort" => match value.as_str() {
                "user_count-desc" | "created_on-desc" | "price-desc" | "score-desc" => sort = Some(value),
                _ => return Err(ErrorCode::InvalidSort.into()),
            },
            "categoryId" => category = Some(value.trim().parse().map_err(|_| ErrorCode::InvalidCategoryId)?),
            "productType" if PRODUCT_TYPES.contains(&value.as_str()) => product_type = Some(value),
            "aliyunUid" => supplier = Some(value.trim().parse().map_err(|_| invalid_param())?),
            _ => return Err(invalid_param()),
        }
    }
    let empty = Listing::default();
    let mut found: Vec<(&Product, &Listing)> = call
        .sim
        .world()
        .products
        .iter()
        .map(|p| (p, listing(&p.code).unwrap_or(&empty)))
        .filter(|(p, l)| {
            term.as_deref().is_none_or(|t| {
                [&p.code, &p.name, &p.summary, &l.short_description, &l.tags]
                    .iter()
                    .any(|field| field.to_lowercase().contains(t))
            })
        })
        .filter(|(_, l)| category.is_none_or(|c| l.category_id == c))
        .filter(|(p, _)| product_type.as_deref().is_none_or(|t| p.product_type == t))
        .filter(|(_, l)| supplier.is_none_or(|s| l.supplier_pk == s))
        .collect();
    match sort.as_deref() {
        Some("user_count-desc") => found.sort_by_key(|(_, l)| std::cmp::Reverse(l.use_count)),
        Some("created_on-desc") => found.sort_by_key(|(_, l)| std::cmp::Reverse(millis(&l.created))),
        Some("price-desc") => found.sort_by(|(_, a), (_, b)| {
            let price = |l: &Listing| l.suggested_price.parse::<f64>().unwrap_or(0.0);
            price(b).total_cmp(&price(a))
        }),
        Some("score-desc") => found.sort_by(|(_, a), (_, b)| b.score.total_cmp(&a.score)),
        _ => {}
    }
    let total = found.len();
    let product_item = found
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|(p, l)| product_item(call, p, l))
        .collect();
    Ok(json(&DescribeProductsResponseBody {
        page_number: page,
        page_size: per_page,
        total_count: total,
        product_items: DescribeProductsResponseBodyProductItems { product_item },
    }))
}

fn no_result() -> ApiError {
    ErrorCode::ReturnNull.into()
}

/// DescribePrice (buyer): what CreateOrder would charge for the same `OrderType` and `Commodity`
/// ([`crate::openapi::ops::commodity`]), from the world's catalog; the same refusals, except that
/// an unknown product or SKU is `ReturnNull`.
pub(super) fn describe_price(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let order_type = OrderType::of(call)?;
    let commodity = Commodity::of(call)?;
    let (product, order) = match order_type {
        OrderType::Buy => {
            let code = commodity
                .product_code
                .as_deref()
                .ok_or_else(|| invalid("productCode is missing"))?;
            let product = call.sim.world().product(code).ok_or_else(no_result)?;
            let sku = match commodity.sku_code.as_deref() {
                None => product.skus.first().map(|s| s.id.as_str()),
                Some(c) => sku_of(product, c),
            }
            .ok_or_else(no_result)?;
            let choice = commodity.choice(product, sku)?;
            let order = call
                .sim
                .quote_purchase(buyer, code, sku, &choice)
                .map_err(purchase_error)?;
            (product, order)
        }
        OrderType::Renew | OrderType::Upgrade => {
            let instance = commodity.instance(call, buyer)?;
            let id = instance.instance_id.as_str();
            let product = call
                .sim
                .world()
                .product(&instance.product_code)
                .ok_or_else(no_result)?;
            let order = if order_type == OrderType::Renew {
                call.sim
                    .quote_renewal(id, commodity.renewal_months(call, &instance)?)
            } else {
                let code = commodity.sku_code.as_deref().unwrap_or(&instance.sku_id);
                call.sim
                    .quote_upgrade(id, sku_of(product, code).unwrap_or(code), &commodity.extras)
            }
            .map_err(lifecycle_error)?;
            (product, order)
        }
    };
    let price = order.price.to_f64().unwrap_or_default();
    let (cycle, duration) = match order.months {
        Some(m) if m % 12 == 0 && commodity.cycle == "Year" => ("YEAR".to_owned(), m / 12),
        Some(m) => ("MONTH".to_owned(), m),
        None => (commodity.cycle.to_ascii_uppercase(), commodity.duration),
    };
    Ok(json(&DescribePriceResponseBody {
        product_code: &product.code,
        original_price: price,
        trade_price: price,
        discount_price: 0.0,
        currency: "CNY",
        cycle,
        duration: i64::from(duration),
        cuxiao: false,
        info_title: "",
        expression_code: "",
        expression_message: "",
        promotion_rules: DescribePriceResponseBodyPromotionRules { promotion_rule: [] },
        coupons: DescribePriceResponseBodyCoupons { coupon: [] },
    }))
}
