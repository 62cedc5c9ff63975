//! The Billing OpenAPI (BssOpenApi 2017-12-14) through the whole app, signed V3 and V1 with the
//! version the official SDK sends: a buyer's balance and a month of bill lines — an hour of metered
//! usage, a subscription and its refund — read back to the fen, summed per product and line kind,
//! paged and filtered; and every refusal (a vendor's key, a bad or future billing cycle, bad paging
//! or filters) answered with the gateway's error shape.

mod common;

use common::bss::{billed_world, bss, data, refusal, PRODUCT, VERSION};
use common::openapi::http;
use common::simulator;
use marketsim_simulator::World;
use protocol::openapi::v1;
use serde_json::json;
use testkit::vendor::Vendor;

#[tokio::test]
async fn query_account_balance_answers_the_buyers_balance_after_its_bills() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let d = data(&bss(&sim, Some("buyer-1"), "QueryAccountBalance", &[]).await);
    assert_eq!(
        d,
        json!({"AvailableAmount": "998.19", "AvailableCashAmount": "998.19", "CreditAmount": "0.00",
               "MybankCreditAmount": "0.00", "Currency": "CNY"})
    );
    let d = data(&bss(&sim, Some("buyer-2"), "QueryAccountBalance", &[]).await);
    assert_eq!(d["AvailableAmount"], "100.00");
}

#[tokio::test]
async fn query_account_balance_signed_v1_reaches_the_billing_api_by_its_version() {
    let sim = simulator(World::default_world());
    let request = v1::Request::new("POST", "QueryAccountBalance").param("Version", VERSION);
    let answer = http::v1(&http::app(&sim), request, &http::buyer(&sim, "buyer-1")).await;
    assert_eq!(data(&answer)["AvailableCashAmount"], "1000.00");
    // The same action under the Market OpenAPI's version is no operation of its.
    let request = v1::Request::new("POST", "QueryAccountBalance");
    let answer = http::v1(&http::app(&sim), request, &http::buyer(&sim, "buyer-1")).await;
    assert_eq!(refusal(&answer), (404, "InvalidApi.NotFound".into()));
}

#[tokio::test]
async fn a_vendors_key_gets_the_permission_error_of_a_buyer_only_operation() {
    let sim = simulator(World::default_world());
    for (action, params) in [
        ("QueryAccountBalance", vec![]),
        ("QueryBillOverview", vec![("BillingCycle", "2023-08")]),
        ("QueryBill", vec![("BillingCycle", "2023-08")]),
        ("QueryInstanceBill", vec![("BillingCycle", "2023-08")]),
        ("DescribeInstanceBill", vec![("BillingCycle", "2023-08")]),
        ("QueryOrders", vec![]),
    ] {
        let answer = bss(&sim, None, action, &params).await;
        assert_eq!(refusal(&answer), (403, "Forbidden.RAM".into()), "{action}");
    }
}

#[tokio::test]
async fn query_bill_overview_sums_the_month_per_product_subscription_type_and_kind() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryBillOverview",
            &[("BillingCycle", "2023-08")],
        )
        .await,
    );
    assert_eq!(d["BillingCycle"], "2023-08");
    assert_eq!(d["AccountID"], "1763420985012345");
    let items = d["Items"]["Item"].as_array().unwrap();
    let sums: Vec<(&str, &str, &str, f64)> = items
        .iter()
        .map(|i| {
            (
                i["ProductCode"].as_str().unwrap(),
                i["SubscriptionType"].as_str().unwrap(),
                i["Item"].as_str().unwrap(),
                i["PretaxAmount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sums,
        [
            (PRODUCT, "PayAsYouGo", "PayAsYouGoBill", 1.81),
            (PRODUCT, "Subscription", "Refund", -299.0),
            (PRODUCT, "Subscription", "SubscriptionOrder", 299.0),
        ]
    );
    assert_eq!(items[0]["ProductName"], "Zilliz Cloud");
    assert_eq!(items[0]["PaymentAmount"], 1.81);
    assert_eq!(items[0]["OutstandingAmount"], 0.0);
    assert_eq!(items[0]["Currency"], "CNY");
    // Narrowed to one subscription type; another product's or month's bill is empty.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryBillOverview",
            &[("BillingCycle", "2023-08"), ("SubscriptionType", "PayAsYouGo")],
        )
        .await,
    );
    assert_eq!(d["Items"]["Item"].as_array().unwrap().len(), 1);
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryBillOverview",
            &[("BillingCycle", "2023-08"), ("ProductCode", "cmapi00060317")],
        )
        .await,
    );
    assert_eq!(d["Items"]["Item"], json!([]));
    let d = data(
        &bss(
            &sim,
            Some("buyer-2"),
            "QueryBillOverview",
            &[("BillingCycle", "2023-07")],
        )
        .await,
    );
    assert_eq!(d["Items"]["Item"], json!([]));
}

#[tokio::test]
async fn query_bill_answers_each_line_with_its_amounts_in_the_order_made() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let d = data(&bss(&sim, Some("buyer-1"), "QueryBill", &[("BillingCycle", "2023-08")]).await);
    assert_eq!(
        (
            d["TotalCount"].clone(),
            d["PageNum"].clone(),
            d["PageSize"].clone()
        ),
        (json!(4), json!(1), json!(20))
    );
    let items = d["Items"]["Item"].as_array().unwrap();
    let kinds: Vec<(&str, f64)> = items
        .iter()
        .map(|i| (i["Item"].as_str().unwrap(), i["PretaxAmount"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("SubscriptionOrder", 299.0),
            ("Refund", -299.0),
            ("PayAsYouGoBill", 1.80),
            ("PayAsYouGoBill", 0.01),
        ]
    );
    let usage = &items[2];
    assert_eq!(usage["SubscriptionType"], "PayAsYouGo");
    assert_eq!(usage["ProductCode"], PRODUCT);
    assert_eq!(usage["ProductName"], "Zilliz Cloud");
    assert_eq!(usage["UsageStartTime"], "2023-08-15 10:00:00");
    assert_eq!(usage["UsageEndTime"], "2023-08-15 11:00:00");
    assert_eq!(usage["PaymentTime"], "2023-08-15 12:00:00");
    assert_eq!(usage["CashAmount"], 1.8);
    assert_eq!(usage["Status"], "PayOFF");
    assert_eq!(items[0]["SubscriptionType"], "Subscription");
    assert!(!items[0]["SubOrderId"].as_str().unwrap().is_empty());
    let records: Vec<&str> = items.iter().map(|i| i["RecordID"].as_str().unwrap()).collect();
    let mut unique = records.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{records:?}");
}

#[tokio::test]
async fn query_bill_pages_and_filters_and_a_page_past_the_end_is_empty() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let page = |num: &'static str| {
        let sim = sim.clone();
        async move {
            data(
                &bss(
                    &sim,
                    Some("buyer-1"),
                    "QueryBill",
                    &[("BillingCycle", "2023-08"), ("PageSize", "3"), ("PageNum", num)],
                )
                .await,
            )
        }
    };
    let second = page("2").await;
    assert_eq!(second["TotalCount"], 4);
    assert_eq!(second["Items"]["Item"].as_array().unwrap().len(), 1);
    assert_eq!(second["Items"]["Item"][0]["PretaxAmount"], 0.01);
    let past = page("9").await;
    assert_eq!(
        (past["TotalCount"].clone(), past["Items"]["Item"].clone()),
        (json!(4), json!([]))
    );
    for (filter, value, count) in [
        ("Type", "Refund", 1),
        ("Type", "PayAsYouGoBill", 2),
        ("SubscriptionType", "Subscription", 2),
        ("ProductCode", "cmapi00060317", 0),
        ("IsHideZeroCharge", "true", 4),
    ] {
        let d = data(
            &bss(
                &sim,
                Some("buyer-1"),
                "QueryBill",
                &[("BillingCycle", "2023-08"), (filter, value)],
            )
            .await,
        );
        assert_eq!(d["TotalCount"], count, "{filter}={value}");
    }
}

#[tokio::test]
async fn bad_parameters_get_their_codes_and_change_nothing() {
    let sim = simulator(World::default_world());
    for (action, params, code) in [
        ("QueryBill", vec![], "MissingBillingCycle"),
        ("QueryBillOverview", vec![], "MissingBillingCycle"),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-8")],
            "InvalidBillingCycle",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "August")],
            "InvalidBillingCycle",
        ),
        (
            "QueryBillOverview",
            vec![("BillingCycle", "2023-13")],
            "InvalidBillingCycle",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-09")],
            "InvalidBillingCycle",
        ),
        (
            "QueryBillOverview",
            vec![("BillingCycle", "2099-01")],
            "InvalidBillingCycle",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("PageSize", "301")],
            "InvalidPageSize",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("PageSize", "0")],
            "InvalidPageSize",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("PageSize", "ten")],
            "InvalidPageSize",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("PageNum", "0")],
            "InvalidPageNum",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("Type", "Bill")],
            "InvalidType",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("SubscriptionType", "Monthly")],
            "InvalidSubscriptionType",
        ),
        (
            "QueryBill",
            vec![("BillingCycle", "2023-08"), ("IsHideZeroCharge", "yes")],
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
        assert!(answer.json()["RequestId"].is_string());
    }
    let answer = bss(&sim, Some("buyer-1"), "QueryBill", &[("BillingCycle", "2023-09")]).await;
    assert!(
        answer
            .message()
            .contains("2023-09 is after the current billing cycle 2023-08"),
        "{}",
        answer.message()
    );
    let answer = bss(
        &sim,
        Some("buyer-1"),
        "DescribeSplitItemBill",
        &[("BillingCycle", "2023-08")],
    )
    .await;
    assert_eq!(refusal(&answer), (404, "InvalidApi.NotFound".into()));
    assert_eq!(sim.balance("1763420985012345").unwrap().to_string(), "1000.00");
}

#[tokio::test]
async fn a_fault_is_armed_for_a_billing_operation_by_its_name() {
    let sim = simulator(World::default_world());
    let (status, armed) = common::control(
        &sim,
        "POST",
        "/__marketsim/faults",
        r#"{"openapi": "throttle", "operation": "QueryBill", "count": 1}"#,
    )
    .await;
    assert_eq!(status.as_u16(), 201, "{armed}");
    let answer = bss(&sim, Some("buyer-1"), "QueryBill", &[("BillingCycle", "2023-08")]).await;
    assert_eq!(answer.code(), "Service.Flow.Control", "{}", answer.body);
    let answer = bss(&sim, Some("buyer-1"), "QueryBill", &[("BillingCycle", "2023-08")]).await;
    assert_eq!(data(&answer)["TotalCount"], 0);
}
