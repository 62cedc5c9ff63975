//! The distribution catalogue: DescribeDistributionProducts' flat results and filters, and
//! DescribeDistributionProductsLink's links.

use super::*;

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
        err(&sim, &b, "DescribeDistributionProducts", &bad).code(),
        "Invalid.Param"
    );
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProducts", &[("PageSize", "10")]).code(),
        "MissingPageNumber"
    );
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProducts", &[("PageNumber", "1")]).code(),
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
        assert_eq!((e.status(), e.code()), (400, "InvalidCodes"), "{codes}");
    }
    assert_eq!(
        err(&sim, &b, "DescribeDistributionProductsLink", &[]).code(),
        "MissingCodes"
    );
}
