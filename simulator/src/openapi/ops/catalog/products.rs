//! DescribeProduct, DescribeProducts (open to vendors and buyers) and DescribePrice (buyers).

use super::answers::*;
use super::{filters, fixture, millis, Listing, Module, SkuDetail};
use crate::openapi::answer::json;
use crate::openapi::call::Call;
use crate::openapi::error::{ApiError, ErrorCode};
use crate::openapi::ops::{buyer, PRODUCT_TYPES};
use crate::world::{Charge, Product};
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
            let charge_type = d
                .map(|d| d.charge_type.clone())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| match sku.charge {
                    Charge::PayAsYouGo => "POSTPAY".to_owned(),
                });
            let order_period = d
                .map(|d| d.order_periods.as_slice())
                .unwrap_or_default()
                .iter()
                .map(
                    |p| DescribeProductResponseBodyProductSkusProductSkuOrderPeriodsOrderPeriod {
                        name: &p.name,
                        period_type: &p.period_type,
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

/// A number that may come as a JSON number or a JSON string.
fn number(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

pub(super) fn describe_price(call: &Call<'_>) -> Result<Value, ApiError> {
    let buyer = buyer(call)?;
    let order_type = call.params.required("OrderType")?;
    if !["INSTANCE_BUY", "INSTANCE_RENEW", "INSTANCE_UPGRADE"].contains(&order_type) {
        return Err(ErrorCode::Invalid("OrderType".into()).into());
    }
    let commodity: Value = serde_json::from_str(call.params.required("Commodity")?)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| ErrorCode::Invalid("Commodity".into()))?;
    let text = |key: &str| {
        commodity
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let code = text("productCode").ok_or_else(|| ErrorCode::Invalid("Commodity".into()))?;
    let product = call.sim.world().product(code).ok_or_else(no_result)?;
    let sku = match text("skuCode") {
        None => product.skus.first(),
        // The SDK's own words: `postpay` is the pay-as-you-go SKU, `prepay` the subscription one.
        Some("postpay") => product.skus.iter().find(|k| k.charge == Charge::PayAsYouGo),
        Some("prepay") => product.skus.iter().find(|k| k.charge != Charge::PayAsYouGo),
        Some(s) => product
            .skus
            .iter()
            .find(|k| k.id == s || k.id.strip_prefix(&format!("{code}-")) == Some(s)),
    }
    .ok_or_else(no_result)?;
    let cycle = match text("pricingCycle").map(str::to_ascii_uppercase).as_deref() {
        None => "MONTH".to_owned(),
        Some(c @ ("DAY" | "MONTH" | "YEAR")) => c.to_owned(),
        Some(_) => return Err(ErrorCode::Invalid("Commodity".into()).into()),
    };
    let duration = match commodity.get("duration") {
        None => 1,
        Some(v) => number(v)
            .filter(|d| *d >= 1)
            .ok_or_else(|| ErrorCode::Invalid("Commodity".into()))?,
    };
    if order_type != "INSTANCE_BUY" {
        let id = text("instanceId")
            .or_else(|| text("InstanceId"))
            .ok_or_else(|| ErrorCode::Missing("InstanceId".into()))?;
        match call.sim.store().instance(id)? {
            Some(i) if i.ali_uid == buyer.ali_uid && i.product_code == product.code => {}
            _ => return Err(ErrorCode::NotFound("InstanceId".into()).into()),
        }
    }
    let price = match sku.charge {
        // Pay-as-you-go is billed from metering: nothing is paid up front.
        Charge::PayAsYouGo => 0.0,
    };
    let price = sku_detail(listing(code), &sku.id)
        .and_then(|d| d.prices.get(&cycle.to_ascii_lowercase()))
        .map_or(price, |unit| unit * duration as f64);
    Ok(json(&DescribePriceResponseBody {
        product_code: &product.code,
        original_price: price,
        trade_price: price,
        discount_price: 0.0,
        currency: "CNY",
        cycle,
        duration,
        cuxiao: false,
        info_title: "",
        expression_code: "",
        expression_message: "",
        promotion_rules: DescribePriceResponseBodyPromotionRules { promotion_rule: [] },
        coupons: DescribePriceResponseBodyCoupons { coupon: [] },
    }))
}
