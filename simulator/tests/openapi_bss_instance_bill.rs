//! The Billing OpenAPI's instance bills (QueryInstanceBill, DescribeInstanceBill) through the whole
//! app: a month summed per instance, subscription type and line kind, or per billing item, or a day
//! of it — to the fen, paged by number and by token, filtered, another buyer's instance never in
//! the caller's bill, and every bad parameter answered with its code.

mod common;

use common::bss::{billed_world, bss, data, instances, refusal, PRODUCT, VERSION};
use common::openapi::http;
use common::simulator;
use marketsim_simulator::World;
use protocol::openapi::v1;
use serde_json::{json, Value};
use testkit::vendor::Vendor;

/// Each row's instance, kind and amount.
fn rows(items: &Value) -> Vec<(String, String, f64)> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["InstanceID"].as_str().unwrap().to_owned(),
                i["Item"].as_str().unwrap().to_owned(),
                i["PretaxAmount"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn query_instance_bill_sums_the_month_per_instance_and_kind_to_the_fen() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let (payg, subscription) = instances(&sim);
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08")],
        )
        .await,
    );
    assert_eq!(
        (&d["AccountID"], &d["BillingCycle"], &d["TotalCount"]),
        (&json!("1763420985012345"), &json!("2023-08"), &json!(3))
    );
    assert_eq!((&d["PageNum"], &d["PageSize"]), (&json!(1), &json!(20)));
    let items = &d["Items"]["Item"];
    assert_eq!(
        rows(items),
        [
            (subscription.clone(), "SubscriptionOrder".into(), 299.0),
            (subscription.clone(), "Refund".into(), -299.0),
            (payg.clone(), "PayAsYouGoBill".into(), 1.81),
        ]
    );
    let usage = &items[2];
    assert_eq!(usage["SubscriptionType"], "PayAsYouGo");
    assert_eq!(items[0]["SubscriptionType"], "Subscription");
    assert_eq!(
        (&usage["ProductCode"], &usage["PipCode"], &usage["ProductName"]),
        (&json!(PRODUCT), &json!(PRODUCT), &json!("Zilliz Cloud"))
    );
    assert_eq!(usage["OwnerID"], "1763420985012345");
    assert_eq!(
        (
            &usage["PaymentAmount"],
            &usage["CashAmount"],
            &usage["OutstandingAmount"]
        ),
        (&json!(1.81), &json!(1.81), &json!(0.0))
    );
    // One bill window of an hour, the month as a whole: no day, no billing item.
    assert_eq!(
        (&usage["ServicePeriod"], &usage["ServicePeriodUnit"]),
        (&json!("3600"), &json!("秒"))
    );
    assert_eq!(
        (&usage["BillingDate"], &usage["BillingItem"], &usage["Usage"]),
        (&json!(""), &json!(""), &json!(""))
    );
    assert_eq!(items[0]["ServicePeriod"], "");
    // Pages past the end are empty; the count stays.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08"), ("PageSize", "2"), ("PageNum", "2")],
        )
        .await,
    );
    assert_eq!(rows(&d["Items"]["Item"]), [(payg, "PayAsYouGoBill".into(), 1.81)]);
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08"), ("PageNum", "5")],
        )
        .await,
    );
    assert_eq!((&d["TotalCount"], &d["Items"]["Item"]), (&json!(3), &json!([])));
}

#[tokio::test]
async fn per_billing_item_and_per_day_the_rows_carry_usage_and_prices() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[
                ("BillingCycle", "2023-08"),
                ("IsBillingItem", "true"),
                ("SubscriptionType", "PayAsYouGo"),
            ],
        )
        .await,
    );
    let items = d["Items"]["Item"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:?}");
    let fields = |i: &Value, names: &[&str]| -> Vec<Value> { names.iter().map(|n| i[*n].clone()).collect() };
    let names = [
        "BillingItem",
        "Usage",
        "UsageUnit",
        "ListPrice",
        "ListPriceUnit",
        "PretaxAmount",
    ];
    assert_eq!(
        fields(&items[0], &names),
        [
            json!("计算（CU·秒，按小时出账）"),
            json!("1.5"),
            json!("Hour"),
            json!("1.20"),
            json!("CNY/Hour"),
            json!(1.8)
        ]
    );
    assert_eq!(items[1]["PretaxAmount"], 0.01);
    assert_eq!(items[1]["Usage"], "10");
    // The usage began on the 15th, the orders were placed on it: a day of 3 + 1 rows, another day none.
    for (date, count) in [("2023-08-15", 4), ("2023-08-14", 0), ("2023-08-01", 0)] {
        let d = data(
            &bss(
                &sim,
                Some("buyer-1"),
                "QueryInstanceBill",
                &[
                    ("BillingCycle", "2023-08"),
                    ("Granularity", "DAILY"),
                    ("BillingDate", date),
                    ("IsBillingItem", "true"),
                ],
            )
            .await,
        );
        assert_eq!(d["TotalCount"], count, "{date}");
        if count > 0 {
            assert_eq!(d["Items"]["Item"][0]["BillingDate"], date);
        }
    }
    // A day of another month answers the cycle's whole month, as the real API documents.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[
                ("BillingCycle", "2023-08"),
                ("Granularity", "DAILY"),
                ("BillingDate", "2023-07-15"),
            ],
        )
        .await,
    );
    assert_eq!(
        (&d["TotalCount"], &d["Items"]["Item"][0]["BillingDate"]),
        (&json!(3), &json!(""))
    );
    // Zero rows hidden: none here is zero, every row stays.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08"), ("IsHideZeroCharge", "true")],
        )
        .await,
    );
    assert_eq!(d["TotalCount"], 3);
}

#[tokio::test]
async fn describe_instance_bill_reads_by_token_until_the_token_is_empty() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let (payg, subscription) = instances(&sim);
    let mut read = Vec::new();
    let mut token = String::new();
    loop {
        let mut params = vec![("BillingCycle", "2023-08"), ("MaxResults", "2")];
        if !token.is_empty() {
            params.push(("NextToken", token.as_str()));
        }
        let d = data(&bss(&sim, Some("buyer-1"), "DescribeInstanceBill", &params).await);
        assert_eq!((&d["TotalCount"], &d["MaxResults"]), (&json!(3), &json!(2)));
        read.extend(rows(&d["Items"]));
        token = d["NextToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
        assert_eq!(token, "2023-08.2");
    }
    assert_eq!(
        read,
        [
            (subscription.clone(), "SubscriptionOrder".into(), 299.0),
            (subscription, "Refund".into(), -299.0),
            (payg.clone(), "PayAsYouGoBill".into(), 1.81),
        ]
    );
    // One instance, per billing item: the bill account and the item's code beside the row.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "DescribeInstanceBill",
            &[
                ("BillingCycle", "2023-08"),
                ("InstanceID", &payg),
                ("IsBillingItem", "true"),
            ],
        )
        .await,
    );
    let items = d["Items"].as_array().unwrap();
    let codes: Vec<(&str, f64, f64)> = items
        .iter()
        .map(|i| {
            (
                i["BillingItemCode"].as_str().unwrap(),
                i["PretaxAmount"].as_f64().unwrap(),
                i["AfterDiscountAmount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(codes, [("Period", 1.8, 1.8), ("Frequency", 0.01, 0.01)]);
    assert_eq!(
        (
            &items[0]["BillAccountID"],
            &items[0]["BillAccountName"],
            &d["NextToken"]
        ),
        (&json!("1763420985012345"), &json!("示例买家一"), &json!(""))
    );
    // A token past the end reads nothing; another product reads nothing.
    for (name, value) in [("NextToken", "2023-08.9"), ("PipCode", "cmapi00060317")] {
        let d = data(
            &bss(
                &sim,
                Some("buyer-1"),
                "DescribeInstanceBill",
                &[("BillingCycle", "2023-08"), (name, value)],
            )
            .await,
        );
        assert_eq!((&d["Items"], &d["NextToken"]), (&json!([]), &json!("")), "{name}");
    }
}

#[tokio::test]
async fn another_buyers_instance_is_not_in_the_callers_bill() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let (payg, _) = instances(&sim);
    let d = data(
        &bss(
            &sim,
            Some("buyer-2"),
            "DescribeInstanceBill",
            &[("BillingCycle", "2023-08"), ("InstanceID", &payg)],
        )
        .await,
    );
    assert_eq!((&d["TotalCount"], &d["Items"]), (&json!(0), &json!([])));
    let d = data(
        &bss(
            &sim,
            Some("buyer-2"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08")],
        )
        .await,
    );
    assert_eq!(d["TotalCount"], 0);
}

#[tokio::test]
async fn signed_v1_the_instance_bill_reads_the_same() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let request = v1::Request::new("POST", "DescribeInstanceBill")
        .param("Version", VERSION)
        .param("BillingCycle", "2023-08")
        .param("SubscriptionType", "PayAsYouGo");
    let answer = http::v1(&http::app(&sim), request, &http::buyer(&sim, "buyer-1")).await;
    let d = data(&answer);
    assert_eq!(d["Items"][0]["PretaxAmount"], 1.81);
}

#[tokio::test]
async fn bad_parameters_get_their_codes() {
    let sim = simulator(World::default_world());
    let cycle = ("BillingCycle", "2023-08");
    for (action, params, code) in [
        ("QueryInstanceBill", vec![], "MissingBillingCycle"),
        ("DescribeInstanceBill", vec![], "MissingBillingCycle"),
        (
            "QueryInstanceBill",
            vec![("BillingCycle", "2023-09")],
            "InvalidBillingCycle",
        ),
        (
            "DescribeInstanceBill",
            vec![("BillingCycle", "23-08")],
            "InvalidBillingCycle",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("Granularity", "HOURLY")],
            "InvalidGranularity",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("Granularity", "DAILY")],
            "MissingBillingDate",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("Granularity", "DAILY"), ("BillingDate", "2023-08-32")],
            "InvalidBillingDate",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("Granularity", "DAILY"), ("BillingDate", "2023-8-1")],
            "InvalidBillingDate",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("IsBillingItem", "1")],
            "InvalidIsBillingItem",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("PageSize", "301")],
            "InvalidPageSize",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("PageNum", "-1")],
            "InvalidPageNum",
        ),
        (
            "QueryInstanceBill",
            vec![cycle, ("SubscriptionType", "Yearly")],
            "InvalidSubscriptionType",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("MaxResults", "0")],
            "InvalidMaxResults",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("MaxResults", "many")],
            "InvalidMaxResults",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("NextToken", "abc")],
            "InvalidNextToken",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("NextToken", "2023-07.2")],
            "InvalidNextToken",
        ),
        (
            "DescribeInstanceBill",
            vec![cycle, ("IsHideZeroCharge", "maybe")],
            "InvalidIsHideZeroCharge",
        ),
    ] {
        let answer = bss(&sim, Some("buyer-1"), action, &params).await;
        assert_eq!(
            refusal(&answer),
            (400, code.into()),
            "{action} {params:?}: {}",
            answer.body
        );
    }
}
