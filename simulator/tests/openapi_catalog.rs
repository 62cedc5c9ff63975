//! The catalog over the operation table: products, prices, the distribution catalogue and the
//! vendor's invoice requests, with their filters, refusals and the state ModifyInvoiceForIsv changes.

mod common;

use common::openapi::*;

/// The default world plus a SERVICE product of a second vendor that the catalog fixture says nothing about.
fn world_with_a_second_product() -> Simulator {
    let mut world = marketsim_simulator::World::default_world();
    let Caller::Vendor(acme) = other_vendor() else {
        unreachable!()
    };
    world.vendors.push(acme.clone());
    let mut p = world.products[0].clone();
    p.code = "cmgj00099999".into();
    p.name = "Acme Migration".into();
    p.vendor = "acme".into();
    p.product_type = "SERVICE".into();
    p.summary = "数据迁移服务".into();
    p.skus[0].id = "cmgj00099999-payg".into();
    world.products.push(p);
    Simulator::open(world, marketsim_simulator::Options::default()).unwrap()
}

fn codes(v: &Value, list: &str, item: &str) -> Vec<String> {
    let items = if item.is_empty() { &v[list] } else { &v[list][item] };
    items
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {v}"))
        .iter()
        .map(|p| p["Code"].as_str().unwrap().to_owned())
        .collect()
}

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
    assert_eq!((e.status, e.code.as_str()), (404, "InvalidCode.NotFound"));
    assert_eq!(
        err(&sim, &vendor(&sim), "DescribeProduct", &[]).code,
        "MissingCode"
    );
    let e = err(
        &sim,
        &vendor(&sim),
        "DescribeProduct",
        &[("Code", "cmgj00061912"), ("QueryDraft", "maybe")],
    );
    assert_eq!(e.code, "InvalidQueryDraft");
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
        .code
    };
    assert_eq!(filter("sort", "name-asc"), "Invalid.Sort");
    assert_eq!(filter("categoryId", "databases"), "Invalid.CategoryId");
    assert_eq!(filter("productType", "CAR"), "Invalid.Param");
    assert_eq!(filter("colour", "blue"), "Invalid.Param");
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("Filter.1.Key", "sort")]).code,
        "Invalid.Param"
    );
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("PageSize", "0")]).code,
        "InvalidPageSize"
    );
    assert_eq!(
        err(&sim, &v, "DescribeProducts", &[("PageNumber", "x")]).code,
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
    assert_eq!((e.status, e.code.as_str()), (403, "Forbidden.RAM"));
    assert_eq!(buy("{not json").code, "InvalidCommodity");
    assert_eq!(buy(r#"{"skuCode":"postpay"}"#).code, "InvalidCommodity");
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","pricingCycle":"Week"}"#).code,
        "InvalidCommodity"
    );
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","duration":0}"#).code,
        "InvalidCommodity"
    );
    assert_eq!(buy(r#"{"productCode":"cmgj00000000"}"#).code, "ReturnNull");
    assert_eq!(
        buy(r#"{"productCode":"cmgj00061912","skuCode":"prepay"}"#).code,
        "ReturnNull"
    );
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_SWAP"), ("Commodity", good)],
    );
    assert_eq!(e.code, "InvalidOrderType");
    assert_eq!(
        err(&sim, &b, "DescribePrice", &[("Commodity", good)]).code,
        "MissingOrderType"
    );
    assert_eq!(
        err(&sim, &b, "DescribePrice", &[("OrderType", "INSTANCE_BUY")]).code,
        "MissingCommodity"
    );
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_RENEW"), ("Commodity", good)],
    );
    assert_eq!(e.code, "MissingInstanceId");
    let renew = r#"{"productCode":"cmgj00061912","instanceId":"404"}"#;
    let e = err(
        &sim,
        &b,
        "DescribePrice",
        &[("OrderType", "INSTANCE_RENEW"), ("Commodity", renew)],
    );
    assert_eq!(e.code, "InvalidInstanceId.NotFound");
}

#[test]
fn describe_distribution_products_answers_flat_results_and_filters() {
    let sim = Simulator::for_tests();
    let b = buyer(&sim, "buyer-1");
    let v = ok(
        &sim,
        &b,
        "DescribeDistributionProducts",
        &[("PageNumber", "1"), ("PageSize", "10")],
    );
    assert_eq!(
        (
            v["PageNumber"].as_i64(),
            v["PageSize"].as_i64(),
            v["TotalCount"].as_i64()
        ),
        (Some(1), Some(10), Some(1))
    );
    let r = &v["Results"][0];
    assert_eq!(r["Code"], "cmgj00061912");
    assert_eq!(r["Type"], "APP");
    assert_eq!(r["SupplierName"], "Zilliz");
    assert_eq!(r["SupplierUId"], "1288760000000001");
    assert_eq!(r["Price"], "0.00");
    assert_eq!(r["TradeCount"], "128");
    assert_eq!(r["FirstCategoryName"], "软件市场");
    let listed = |key: &str, value: &str| {
        let params = [
            ("PageNumber", "1"),
            ("PageSize", "10"),
            ("Filter.1.Key", key),
            ("Filter.1.Value", value),
        ];
        ok(&sim, &vendor(&sim), "DescribeDistributionProducts", &params)["TotalCount"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(listed("code", "cmgj00061912"), 1);
    assert_eq!(listed("code", "cmgj0006191"), 0);
    assert_eq!(listed("name", "zilliz"), 1);
    assert_eq!(listed("supplierName", "Acme"), 0);
    let bad = [
        ("PageNumber", "1"),
        ("PageSize", "10"),
        ("Filter.1.Key", "price"),
        ("Filter.1.Value", "0"),
    ];
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProducts", &bad).code,
        "Invalid.Param"
    );
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProducts", &[("PageSize", "10")]).code,
        "MissingPageNumber"
    );
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProducts", &[("PageNumber", "1")]).code,
        "MissingPageSize"
    );
}

#[test]
fn describe_distribution_products_link_links_the_codes_it_knows() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "DescribeDistributionProductsLink",
        &[("Codes", r#"["cmgj00061912","cmgj00000000"]"#)],
    );
    assert_eq!(v["Success"], true);
    assert_eq!(v["TotalCount"], 1);
    assert_eq!(v["Result"][0]["Code"], "cmgj00061912");
    assert_eq!(v["Result"][0]["Name"], "Zilliz Cloud");
    assert_eq!(
        v["Result"][0]["Url"],
        "https://market.aliyun.com/products/56024006/cmgj00061912.html?userCode=zilliz"
    );
    let b = buyer(&sim, "buyer-1");
    let too_many = serde_json::to_string(&vec!["cmgj00061912"; 51]).unwrap();
    for codes in ["cmgj00061912", "[]", too_many.as_str(), "[1,2]"] {
        let e = err(&sim, &b, "DescribeDistributionProductsLink", &[("Codes", codes)]);
        assert_eq!((e.status, e.code.as_str()), (400, "InvalidCodes"), "{codes}");
    }
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProductsLink", &[]).code,
        "MissingCodes"
    );
}

fn invoices(sim: &Simulator, caller: &Caller<'_>, params: &[(&str, &str)]) -> Vec<Value> {
    ok(sim, caller, "DescribeInvoiceForIsv", params)["Result"]
        .as_array()
        .unwrap()
        .clone()
}

fn ids(list: &[Value]) -> Vec<&str> {
    list.iter().map(|i| i["Id"].as_str().unwrap()).collect()
}

#[test]
fn describe_invoice_for_isv_answers_the_models_fields_newest_first() {
    let sim = Simulator::for_tests();
    let v = ok(&sim, &vendor(&sim), "DescribeInvoiceForIsv", &[]);
    assert_eq!(v["Success"], true);
    assert_eq!(v["Code"], "200");
    assert_eq!(
        (
            v["Count"].as_str(),
            v["PageNumber"].as_str(),
            v["PageSize"].as_str()
        ),
        (Some("3"), Some("1"), Some("10"))
    );
    let list = v["Result"].as_array().unwrap();
    assert_eq!(ids(list), ["500003", "500001", "500002"]);
    let i = &list[1];
    assert_eq!(i["InvoiceId"], "880000001");
    assert_eq!(i["AliyunPk"], "1763420985012345");
    assert_eq!(
        (
            i["Status"].as_str(),
            i["Type"].as_str(),
            i["MaterialType"].as_str()
        ),
        (Some("0"), Some("2"), Some("1"))
    );
    assert_eq!(i["Price"], "1280.00");
    assert_eq!(i["CreateTimeStr"], "2023-08-12 10:00:00");
    assert!(i["ModifiedTime"].as_str().unwrap().parse::<i64>().is_ok());
    assert_eq!(i["ReceiptUserInfoDto"]["TaxNumber"], "91330100MA2XXXXXX1");
    assert_eq!(i["UserAddressDto"]["Addressee"], "张三");
    let order = &i["EvaluateList"][0];
    assert_eq!(order["OutBizId"], "210061001001");
    assert_eq!(order["ProductName"], "Zilliz Cloud");
    assert_eq!(order["Agent"], false);
    assert_eq!(i["InvoiceList"], serde_json::json!([]));
}

#[test]
fn describe_invoice_for_isv_filters_and_pages() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500003", "500001"]);
    assert_eq!(ids(&invoices(&sim, &v, &[("Type", "3")])), ["500002"]);
    assert_eq!(
        ids(&invoices(&sim, &v, &[("UserId", "1598302174658821")])),
        ["500003", "500002"]
    );
    assert_eq!(ids(&invoices(&sim, &v, &[("InvoiceId", "500001")])), ["500001"]);
    let window = [("CreateTimeStart", "2023-08-12"), ("CreateTimeEnd", "2023-08-12")];
    assert_eq!(ids(&invoices(&sim, &v, &window)), ["500001"]);
    assert_eq!(
        ids(&invoices(&sim, &v, &[("PageIndex", "2"), ("PageSize", "2")])),
        ["500002"]
    );
    for (name, value, code) in [
        ("PageSize", "51", "InvalidPageSize"),
        ("PageIndex", "0", "InvalidPageIndex"),
        ("CreateTimeStart", "12 Aug", "InvalidCreateTimeStart"),
        ("Status", "done", "InvalidStatus"),
    ] {
        assert_eq!(
            err(&sim, &v, "DescribeInvoiceForIsv", &[(name, value)]).code,
            code
        );
    }
}

#[test]
fn invoices_are_the_vendors_own_and_buyers_may_not_ask() {
    let sim = Simulator::for_tests();
    assert_eq!(invoices(&sim, &other_vendor(), &[]), Vec::<Value>::new());
    let e = err(&sim, &buyer(&sim, "buyer-1"), "DescribeInvoiceForIsv", &[]);
    assert_eq!((e.status, e.code.as_str()), (403, "Forbidden.RAM"));
    let e = err(
        &sim,
        &buyer(&sim, "buyer-1"),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "500001")],
    );
    assert_eq!(e.code, "Forbidden.RAM");
    let theirs = err(
        &sim,
        &other_vendor(),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "500001")],
    );
    let unknown = err(
        &sim,
        &vendor(&sim),
        "ModifyInvoiceForIsv",
        &[("OperateType", "0"), ("InvoiceId", "9")],
    );
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (404, "InvalidInvoiceId.NotFound")
    );
    assert_eq!(theirs, unknown);
    assert_eq!(
        invoices(&sim, &vendor(&sim), &[("InvoiceId", "500001")])[0]["Status"],
        "0"
    );
}

#[test]
fn issuing_an_invoice_shows_in_a_later_describe() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    let params = [
        ("OperateType", "0"),
        ("InvoiceId", "500001"),
        ("Type", "3"),
        ("Number", "24330000000000000001"),
        ("ElectronUrl", "https://invoice.example/1.pdf"),
        ("CheckNotice", "已开具电子发票"),
    ];
    let answer = ok(&sim, &v, "ModifyInvoiceForIsv", &params);
    assert_eq!(
        answer,
        serde_json::json!({"Code": "200", "HttpStatusCode": 200, "Message": "success", "Result": true})
    );
    let i = &invoices(&sim, &v, &[("InvoiceId", "500001")])[0];
    assert_eq!((i["Status"].as_str(), i["Type"].as_str()), (Some("1"), Some("3")));
    assert_eq!(i["CheckNotice"], "已开具电子发票");
    assert_eq!(i["ModifiedTimeStr"], "2023-08-15 10:00:00");
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500003"]);
    let e = err(
        &sim,
        &v,
        "ModifyInvoiceForIsv",
        &[("OperateType", "1"), ("InvoiceId", "500001")],
    );
    assert_eq!((e.status, e.code.as_str()), (400, "Invalid.InvoiceStatus"));
}

#[test]
fn rejecting_an_invoice_leaves_it_neither_pending_nor_issued() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    ok(
        &sim,
        &v,
        "ModifyInvoiceForIsv",
        &[
            ("OperateType", "1"),
            ("InvoiceId", "500003"),
            ("CheckNotice", "抬头有误"),
        ],
    );
    let i = &invoices(&sim, &v, &[("InvoiceId", "500003")])[0];
    assert_eq!(i["Status"], "2");
    assert_eq!(i["CheckNotice"], "抬头有误");
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "2")])), ["500003"]);
    assert_eq!(ids(&invoices(&sim, &v, &[("Status", "0")])), ["500001"]);
}

#[test]
fn modify_invoice_for_isv_refuses_bad_parameters() {
    let sim = Simulator::for_tests();
    let v = vendor(&sim);
    for (params, code) in [
        (vec![("InvoiceId", "500001")], "MissingOperateType"),
        (
            vec![("OperateType", "2"), ("InvoiceId", "500001")],
            "InvalidOperateType",
        ),
        (vec![("OperateType", "0")], "MissingInvoiceId"),
        (
            vec![("OperateType", "0"), ("InvoiceId", "500001"), ("Type", "1")],
            "InvalidType",
        ),
    ] {
        assert_eq!(err(&sim, &v, "ModifyInvoiceForIsv", &params).code, code);
    }
    assert_eq!(invoices(&sim, &v, &[("InvoiceId", "500001")])[0]["Status"], "0");
}

#[tokio::test]
async fn signed_catalog_reads_answer_over_post_and_get() {
    use protocol::openapi::v3::Request;
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let product = Request::new("POST", http::HOST, "DescribeProduct").query("Code", "cmgj00061912");
    let (status, body) = http::v3(&app, product, &http::buyer(&sim, "buyer-1"))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ProductSkus"]["ProductSku"][0]["Code"], "cmgj00061912-payg");
    assert!(body["RequestId"].is_string());
    let distribution = Request::new("GET", http::HOST, "DescribeDistributionProducts")
        .query("PageNumber", "1")
        .query("PageSize", "10")
        .query("Filter.1.Key", "supplierName")
        .query("Filter.1.Value", "Zilliz");
    let (status, body) = http::v3(&app, distribution, &http::vendor(&sim))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["TotalCount"], 1);
    let modify = Request::new("POST", http::HOST, "ModifyInvoiceForIsv")
        .query("OperateType", "0")
        .query("InvoiceId", "500001");
    let (status, body) = http::v3(&app, modify, &http::buyer(&sim, "buyer-1"))
        .await
        .status_and_json();
    assert_eq!((status, body["Code"].as_str()), (403, Some("Forbidden.RAM")));
}
