//! The catalog family's answers as the SDK models name them: DescribeProduct (with its shop, extras
//! and SKUs down to each module's property values), DescribeProducts, DescribePrice, the
//! distribution catalogue and the vendor's invoice requests. [`super::products`],
//! [`super::distribution`] and [`super::invoices`] fill them in.

use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBody<'a> {
    pub code: &'a str,
    pub name: &'a str,
    #[serde(rename = "Type")]
    pub kind: &'a str,
    pub short_description: &'a str,
    pub description: &'a str,
    pub pic_url: &'a str,
    pub front_category_id: i64,
    pub score: f64,
    pub use_count: i64,
    pub status: &'a str,
    pub audit_status: &'a str,
    pub audit_fail_msg: &'a str,
    pub audit_time: i64,
    pub gmt_created: i64,
    pub gmt_modified: i64,
    pub supplier_pk: i64,
    pub shop_info: DescribeProductResponseBodyShopInfo<'a>,
    pub product_extras: DescribeProductResponseBodyProductExtras<'a>,
    pub product_skus: DescribeProductResponseBodyProductSkus<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyShopInfo<'a> {
    pub id: i64,
    pub name: String,
    pub emails: &'a str,
    pub telephones: DescribeProductResponseBodyShopInfoTelephones<'a>,
    pub wang_wangs: DescribeProductResponseBodyShopInfoWangWangs<'a>,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyShopInfoTelephones<'a> {
    #[serde(rename = "Telephone")]
    pub telephone: &'a [String],
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyShopInfoWangWangs<'a> {
    #[serde(rename = "WangWang")]
    pub wang_wang: Vec<DescribeProductResponseBodyShopInfoWangWangsWangWang<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyShopInfoWangWangsWangWang<'a> {
    pub user_name: &'a str,
    pub remark: &'a str,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductExtras<'a> {
    #[serde(rename = "ProductExtra")]
    pub product_extra: Vec<DescribeProductResponseBodyProductExtrasProductExtra<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductExtrasProductExtra<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub order: i64,
    #[serde(rename = "Type")]
    pub kind: &'a str,
    pub values: &'a str,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductSkus<'a> {
    #[serde(rename = "ProductSku")]
    pub product_sku: Vec<DescribeProductResponseBodyProductSkusProductSku<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductSkusProductSku<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub charge_type: String,
    pub constraints: &'a str,
    pub hidden: bool,
    pub order_periods: DescribeProductResponseBodyProductSkusProductSkuOrderPeriods,
    pub modules: DescribeProductResponseBodyProductSkusProductSkuModules<'a>,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductSkusProductSkuOrderPeriods {
    #[serde(rename = "OrderPeriod")]
    pub order_period: Vec<DescribeProductResponseBodyProductSkusProductSkuOrderPeriodsOrderPeriod>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductSkusProductSkuOrderPeriodsOrderPeriod {
    pub name: String,
    pub period_type: &'static str,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductSkusProductSkuModules<'a> {
    #[serde(rename = "Module")]
    pub module: Vec<DescribeProductResponseBodyProductSkusProductSkuModulesModule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductSkusProductSkuModulesModule<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub properties: DescribeProductResponseBodyProductSkusProductSkuModulesModuleProperties<'a>,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductSkusProductSkuModulesModuleProperties<'a> {
    #[serde(rename = "Property")]
    pub property: Vec<DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesProperty<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesProperty<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub show_type: &'a str,
    pub display_unit: &'a str,
    pub property_values:
        DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValues<'a>,
}

#[derive(Serialize)]
pub struct DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValues<'a> {
    #[serde(rename = "PropertyValue")]
    pub property_value:
        Vec<DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValuesPropertyValue<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductResponseBodyProductSkusProductSkuModulesModulePropertiesPropertyPropertyValuesPropertyValue<
    'a,
> {
    pub value: &'a str,
    pub display_name: &'a str,
    #[serde(rename = "Type")]
    pub kind: &'a str,
    pub min: &'a str,
    pub max: &'a str,
    pub step: &'a str,
    pub remark: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductsResponseBody<'a> {
    pub page_number: i64,
    pub page_size: i64,
    pub total_count: usize,
    pub product_items: DescribeProductsResponseBodyProductItems<'a>,
}

#[derive(Serialize)]
pub struct DescribeProductsResponseBodyProductItems<'a> {
    #[serde(rename = "ProductItem")]
    pub product_item: Vec<DescribeProductsResponseBodyProductItemsProductItem<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductsResponseBodyProductItemsProductItem<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub category_id: i64,
    pub short_description: &'a str,
    pub image_url: &'a str,
    pub supplier_id: i64,
    pub supplier_name: String,
    /// One decimal, as text.
    pub score: String,
    pub price_info: &'a str,
    pub suggested_price: &'a str,
    pub tags: &'a str,
    pub target_url: String,
    pub delivery_date: &'a str,
    pub delivery_way: &'a str,
    pub warranty_date: &'a str,
    pub operation_system: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePriceResponseBody<'a> {
    pub product_code: &'a str,
    pub original_price: f64,
    pub trade_price: f64,
    pub discount_price: f64,
    pub currency: &'a str,
    pub cycle: String,
    pub duration: i64,
    pub cuxiao: bool,
    pub info_title: &'a str,
    pub expression_code: &'a str,
    pub expression_message: &'a str,
    pub promotion_rules: DescribePriceResponseBodyPromotionRules,
    pub coupons: DescribePriceResponseBodyCoupons,
}

/// No promotion applies: the list is always empty.
#[derive(Serialize)]
pub struct DescribePriceResponseBodyPromotionRules {
    #[serde(rename = "PromotionRule")]
    pub promotion_rule: [(); 0],
}

/// No coupon applies: the list is always empty.
#[derive(Serialize)]
pub struct DescribePriceResponseBodyCoupons {
    #[serde(rename = "Coupon")]
    pub coupon: [(); 0],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDistributionProductsResponseBody<'a> {
    pub page_number: i64,
    pub page_size: i64,
    pub total_count: usize,
    pub results: Vec<DescribeDistributionProductsResponseBodyResults<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDistributionProductsResponseBodyResults<'a> {
    pub code: &'a str,
    pub name: &'a str,
    #[serde(rename = "Type")]
    pub kind: &'a str,
    pub short_description: &'a str,
    pub image_url: &'a str,
    pub first_category_name: &'a str,
    pub second_category_name: &'a str,
    pub supplier_name: &'a str,
    #[serde(rename = "SupplierUId")]
    pub supplier_uid: &'a str,
    pub price: &'a str,
    pub score: &'a str,
    pub submission_radio: &'a str,
    pub trade_count: &'a str,
    pub user_comment_count: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDistributionProductsLinkResponseBody<'a> {
    pub success: bool,
    pub total_count: usize,
    pub result: Vec<DescribeDistributionProductsLinkResponseBodyResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDistributionProductsLinkResponseBodyResult<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// DescribeInvoiceForIsv: counts and pages as strings, as the model has them.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInvoiceForIsvResponseBody {
    pub success: bool,
    pub code: &'static str,
    pub count: String,
    pub page_number: String,
    pub page_size: String,
    pub result: Vec<DescribeInvoiceForIsvResponseBodyResult>,
    /// Echoed when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInvoiceForIsvResponseBodyResult {
    pub id: String,
    pub invoice_id: String,
    pub aliyun_pk: String,
    pub status: String,
    #[serde(rename = "Type")]
    pub kind: String,
    pub material_type: String,
    pub title: String,
    pub price: String,
    pub create_time_str: String,
    pub modified_time: String,
    pub modified_time_str: String,
    pub user_notice: String,
    pub check_notice: String,
    pub receipt_user_info_dto: DescribeInvoiceForIsvResponseBodyResultReceiptUserInfoDto,
    pub user_address_dto: DescribeInvoiceForIsvResponseBodyResultUserAddressDto,
    pub evaluate_list: Vec<DescribeInvoiceForIsvResponseBodyResultEvaluateList>,
    /// The issued invoices: none is kept.
    pub invoice_list: [(); 0],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInvoiceForIsvResponseBodyResultReceiptUserInfoDto {
    pub tax_number: String,
    pub bank_name: String,
    pub bank_account: String,
    pub reg_address: String,
    pub reg_phone: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInvoiceForIsvResponseBodyResultUserAddressDto {
    pub addressee: String,
    pub aliyun_pk: String,
    pub biz_type: &'static str,
    pub delivery_address: String,
    pub emails: String,
    pub phone: String,
    pub postal_code: String,
}

/// An order the request invoices.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInvoiceForIsvResponseBodyResultEvaluateList {
    pub id: String,
    pub out_biz_id: String,
    pub amount: String,
    pub order_type: String,
    pub biz_time_str: String,
    pub product_code: String,
    pub product_name: String,
    pub real_aliyun_pk: String,
    pub real_aliyun_id: &'static str,
    pub agent: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyInvoiceForIsvResponseBody {
    pub code: &'static str,
    pub http_status_code: i64,
    pub message: &'static str,
    pub result: bool,
}
