//! DescribeProduct, DescribeProducts and DescribePrice: the models' nested lists, a world product
//! the catalog fixture does not describe, filters, search, sorting and paging, and every refusal.

use super::*;

#[test]
fn describe_product_answers_the_models_nested_lists_for_vendors_and_buyers() {
    let sim = Simulator::for_tests();
    for caller in [vendor(&sim), buyer(&sim, "buyer-2")] {
        let v = ok(
            &sim,
            &caller,
            "DescribeProduct",
            &[("Code", "cmgj00061912"), ("QueryDraft", "false")],
        );
        assert_eq!(v["Code"], "cmgj00061912");
        assert_eq!(v["Name"], "Zilliz Cloud");
        assert_eq!(v["Type"], "APP");
        assert_eq!(v["FrontCategoryId"], 56024006);
        assert_eq!(v["Score"], 4.8);
        assert_eq!(v["UseCount"], 128);
        assert_eq!(v["SupplierPk"], 1288760000000001_i64);
        assert!(v["GmtCreated"].is_i64() && v["GmtModified"].is_i64() && v["AuditTime"].is_i64());
        assert_eq!(v["ShopInfo"]["Name"], "Zilliz");
        assert_eq!(v["ShopInfo"]["Id"], 3200001);
        assert_eq!(v["ShopInfo"]["Telephones"]["Telephone"][0], "400-000-0000");
        assert_eq!(
            v["ShopInfo"]["WangWangs"]["WangWang"][0]["UserName"],
            "zilliz-support"
        );
        assert_eq!(v["ProductExtras"]["ProductExtra"][0]["Key"], "deliveryWay");
        assert_eq!(v["ProductExtras"]["ProductExtra"][0]["Order"], 1);
        let sku = &v["ProductSkus"]["ProductSku"][0];
        assert_eq!(sku["Code"], "cmgj00061912-payg");
        assert_eq!(sku["Name"], "按量付费");
        assert_eq!(sku["ChargeType"], "POSTPAY");
        assert_eq!(sku["Hidden"], false);
        assert_eq!(sku["OrderPeriods"]["OrderPeriod"], serde_json::json!([]));
        let module = &sku["Modules"]["Module"][0];
        assert_eq!(module["Code"], "package_version");
        let property = &module["Properties"]["Property"][0];
        assert_eq!(property["Key"], "package_version");
        assert_eq!(
            property["PropertyValues"]["PropertyValue"][0]["Value"],
            "yuncode5591200001"
        );
    }
}

#[test]
fn a_world_product_the_catalog_fixture_does_not_describe_is_listed_from_the_world() {
    let sim = world_with_a_second_product();
    let v = ok(
        &sim,
        &vendor(&sim),
        "DescribeProduct",
        &[("Code", "cmgj00099999")],
    );
    assert_eq!(v["Name"], "Acme Migration");
    assert_eq!(v["Type"], "SERVICE");
    assert_eq!(v["ShortDescription"], "数据迁移服务");
    assert_eq!(v["ShopInfo"]["Name"], "Acme");
    assert_eq!(v["ProductSkus"]["ProductSku"][0]["Code"], "cmgj00099999-payg");
    assert_eq!(v["ProductSkus"]["ProductSku"][0]["ChargeType"], "POSTPAY");
}

#[test]
fn describe_product_refuses_unknown_codes_and_bad_parameters() {
    let sim = Simulator::for_tests();
    let e = err(
        &sim,
        &vendor(&sim),
        "DescribeProduct",
        &[("Code", "cmgj00000000")],
    );
    assert_eq!((e.status(), e.code()), (404, "InvalidCode.NotFound"));
    assert_eq!(
        err(&sim, &vendor(&sim), "DescribeProduct", &[]).code(),
        "MissingCode"
    );
    let e = err(
        &sim,
        &vendor(&sim),
        "DescribeProduct",
        &[("Code", "cmgj00061912"), ("QueryDraft", "maybe")],
    );
    assert_eq!(e.code(), "InvalidQueryDraft");
}

#[test]
fn describe_products_lists_the_world_in_a_product_item_wrapper() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &buyer(&sim, "buyer-1"), "DescribeProducts", &[]);
    assert_eq!(
        (
            v["PageNumber"].as_i64(),
            v["PageSize"].as_i64(),
            v["TotalCount"].as_i64()
        ),
        (Some(1), Some(10), Some(1))
    );
    let item = &v["ProductItems"]["ProductItem"][0];
    assert_eq!(item["Code"], "cmgj00061912");
    assert_eq!(item["CategoryId"], 56024006);
    assert_eq!(item["SupplierId"], 1288760000000001_i64);
    assert_eq!(item["SupplierName"], "Zilliz");
    assert_eq!(item["Score"], "4.8");
    assert_eq!(item["DeliveryWay"], "SaaS");
    assert_eq!(
        item["TargetUrl"],
        "https://market.aliyun.com/products/56024006/cmgj00061912.html"
    );
}

#[test]
fn describe_products_filters_searches_sorts_and_pages() {
    let sim = world_with_a_second_product();
    let v = vendor(&sim);
    let listed = |params: &[(&str, &str)]| {
        codes(
            &ok(&sim, &v, "DescribeProducts", params),
            "ProductItems",
            "ProductItem",
        )
    };
    assert_eq!(listed(&[]), ["cmgj00061912", "cmgj00099999"]);
    assert_eq!(listed(&[("SearchTerm", "MILVUS")]), ["cmgj00061912"]);
    assert_eq!(listed(&[("SearchTerm", "迁移")]), ["cmgj00099999"]);
    assert_eq!(
        listed(&[("Filter.1.Key", "productType"), ("Filter.1.Value", "SERVICE")]),
        ["cmgj00099999"]
    );
    assert_eq!(
        listed(&[("Filter.1.Key", "categoryId"), ("Filter.1.Value", "56024006")]),
        ["cmgj00061912"]
    );
    assert_eq!(
        listed(&[
            ("Filter.1.Key", "aliyunUid"),
            ("Filter.1.Value", "1288760000000001")
        ]),
        ["cmgj00061912"]
    );
    assert_eq!(
        listed(&[("Filter.1.Key", "sort"), ("Filter.1.Value", "score-desc")]),
        ["cmgj00061912", "cmgj00099999"]
    );
    let page2 = ok(
        &sim,
        &v,
        "DescribeProducts",
        &[("PageNumber", "2"), ("PageSize", "1")],
    );
    assert_eq!(codes(&page2, "ProductItems", "ProductItem"), ["cmgj00099999"]);
    assert_eq!(page2["TotalCount"], 2);
}

#[test]
fn describe_products_refuses_bad_filters_with_the_documented_codes() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    let filter = |key: &str, value: &str| {
        err(
            &sim,
            &v,
            "DescribeProducts",
            &[("Filter.1.Key", key), ("Filter.1.Value", value)],
        )
        .code()
        .to_owned()
    };
    assert_eq!(filter("sort", "name-asc"), "Invalid.Sort");
    assert_eq!(filter("categoryId", "databases"), "Invalid.CategoryId");
    assert_eq!(filter("productType", "CAR"), "Invalid.Param");
    assert_eq!(filter("colour", "blue"), "Invalid.Param");
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("Filter.1.Key", "sort")]).code(),
        "Invalid.Param"
    );
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("PageSize", "0")]).code(),
        "InvalidPageSize"
    );
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("PageNumber", "x")]).code(),
        "InvalidPageNumber"
    );
}

#[test]
fn describe_price_of_pay_as_you_go_is_zero_in_the_models_fields() {
    let sim = Simulator::for_tests();
    let commodity = r#"{"productCode":"cmgj00061912","skuCode":"postpay","duration":"3","pricingCycle":"Month","components":{"package_version":"yuncode5591200001"}}"#;
    let v = ok(
        &sim,
        &buyer(&sim, "buyer-1"),
        "DescribePrice",
        &[("OrderType", "INSTANCE_BUY"), ("Commodity", commodity)],
    );
    assert_eq!(v["ProductCode"], "cmgj00061912");
    for field in ["OriginalPrice", "TradePrice", "DiscountPrice"] {
        assert!(v[field].is_f64() && v[field] == 0.0, "{field}: {v}");
    }
    assert_eq!(v["Currency"], "CNY");
    assert_eq!(v["Cycle"], "MONTH");
    assert_eq!(v["Duration"], 3);
    assert_eq!(v["Cuxiao"], false);
    assert_eq!(v["PromotionRules"]["PromotionRule"], serde_json::json!([]));
    assert_eq!(v["Coupons"]["Coupon"], serde_json::json!([]));
    let full_sku = r#"{"productCode":"cmgj00061912","skuCode":"cmgj00061912-payg"}"#;
    let v = ok(
        &sim,
        &buyer(&sim, "buyer-1"),
        "DescribePrice",
        &[("OrderType", "INSTANCE_BUY"), ("Commodity", full_sku)],
    );
    assert_eq!(
        (v["Cycle"].as_str(), v["Duration"].as_i64()),
        (Some("MONTH"), Some(1))
    );
}

#[test]
fn describe_price_is_for_buyers_and_refuses_what_it_cannot_price() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let buy = |commodity: &str| {
        err(
            &sim,
            &b,
            "DescribePrice",
            &[("OrderType", "INSTANCE_BUY"), ("Commodity", commodity)],
        )
    };
    let good = r#"{"productCode":"cmgj00061912","skuCode":"postpay"}"#;
    let e = err(
        &sim,
        &vendor(&sim),
        "DescribePrice",
        &[("OrderType", "INSTANCE_BUY"), ("Commodity", good)],
    );
    assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"));
    assert_eq!(buy("{not json").code(), "InvalidCommodity");
    assert_eq!(buy(r#"{"skuCode":"postpay"}"#).code(), "InvalidCommodity");
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","pricingCycle":"Week"}"#).code(),
        "InvalidCommodity"
    );
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","duration":0}"#).code(),
        "InvalidCommodity"
    );
    assert_eq!(buy(r#"{"productCode":"cmgj00000000"}"#).code(), "ReturnNull");
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","skuCode":"gold"}"#).code(),
        "ReturnNull"
    );
    // A term the SKU does not sell, and days for a subscription.
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","skuCode":"standard","duration":2}"#).code(),
        "InvalidCommodity"
    );
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","skuCode":"prepay","pricingCycle":"Day"}"#).code(),
        "InvalidCommodity"
    );
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_SWAP"), ("Commodity", good)],
    );
    assert_eq!(e.code(), "InvalidOrderType");
    assert_eq!(
        err(&sim, &b, "DescribePrice", &[("Commodity", good)]).code(),
        "MissingOrderType"
    );
    assert_eq!(
        err(&sim, &b, "DescribePrice", &[("OrderType", "INSTANCE_BUY")]).code(),
        "MissingCommodity"
    );
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_RENEW"), ("Commodity", good)],
    );
    assert_eq!(e.code(), "MissingInstanceId");
    let renew = r#"{"productCode":"cmgj00061912","instanceId":"404"}"#;
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_RENEW"), ("Commodity", renew)],
    );
    assert_eq!(e.code(), "InvalidInstanceId.NotFound");
}

#[test]
fn describe_price_quotes_a_term_with_its_extra_items_from_the_worlds_catalog() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let price = |commodity: &str| {
        let v = ok(
            &sim,
            &b,
            "DescribePrice",
            &[("OrderType", "INSTANCE_BUY"), ("Commodity", commodity)],
        );
        (
            v["TradePrice"].as_f64().unwrap(),
            v["Cycle"].as_str().unwrap().to_owned(),
            v["Duration"].as_i64().unwrap(),
        )
    };
    assert_eq!(
        price(r#"{"productCode":"cmgj00061912","skuCode":"standard","duration":1,"pricingCycle":"Year"}"#),
        (2990.0, "YEAR".to_owned(), 1)
    );
    assert_eq!(
        price(r#"{"productCode":"cmgj00061912","skuCode":"standard","duration":3,"pricingCycle":"Month"}"#),
        (849.0, "MONTH".to_owned(), 3)
    );
    // 999 for the month, and two more clusters than none at 200 a month each: 3 × 200.
    assert_eq!(
        price(
            r#"{"productCode":"cmgj00061912","skuCode":"dedicated","components":{"package_version":"x","Count":3}}"#
        ),
        (1599.0, "MONTH".to_owned(), 1)
    );
    assert_eq!(
        price(r#"{"productCode":"cmgj00061912","skuCode":"trial"}"#),
        (0.0, "MONTH".to_owned(), 1)
    );
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[
            ("OrderType", "INSTANCE_BUY"),
            (
                "Commodity",
                r#"{"productCode":"cmgj00061912","skuCode":"dedicated","components":{"Count":11}}"#,
            ),
        ],
    );
    assert_eq!(e.code(), "InvalidCommodity");
}
