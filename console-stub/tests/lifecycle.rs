//! The lifecycle actions and orderPay through the SPI endpoint: each answers success saying what it
//! did; a duplicate (or a server replaying a captured call) and anything after the release answer
//! success saying nothing was done; an instance never opened is a 404; missing or unreadable
//! parameters, a SKU not sold, a forged token and a call a web page sent are refused.

mod common;

use axum::http::StatusCode;
use common::*;
use protocol::spi::{is_success_answer, signed_query};
use rstest::rstest;
use serde_json::Value;

/// The SPI action `action` for `instance`, with good values for what it needs.
fn call<'a>(action: &'a str, instance: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut params = vec![("action", action), ("instanceId", instance)];
    params.extend(match action {
        "renewInstance" => vec![
            ("orderId", "208000000000002"),
            ("expiredOn", "2024-08-15 10:00:00"),
        ],
        "upgradeInstance" => vec![
            ("orderId", "208000000000003"),
            ("skuId", "cmgj00061912-payg-enterprise"),
        ],
        "refundRenewInstance" => vec![("expiredOn", "2023-09-15 10:00:00")],
        "releaseInstance" => vec![("isRefund", "false"), ("orderId", "208000000000001")],
        _ => vec![],
    });
    params
}

/// orderPay for the marketplace's `order_biz_id`.
fn order_pay<'a>(order_biz_id: &'a str, request_id: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("action", "orderPay"),
        ("requestId", request_id),
        ("aliUid", "1763420985012345"),
        ("orderBizId", order_biz_id),
        ("orderId", "208000000000001"),
        ("productCode", PRODUCT),
        ("skuId", "cmgj00061912-payg"),
    ]
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

fn assert_done((status, body): &(StatusCode, Value)) {
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert!(is_success_answer(body), "{body}");
    assert_eq!(body["success"], true);
    assert!(
        !message(body).is_empty() && !message(body).starts_with("nothing done"),
        "{body}"
    );
}

fn assert_nothing_done((status, body): &(StatusCode, Value), why: &str) {
    assert_eq!(*status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    assert!(message(body).starts_with("nothing done"), "{body}");
    assert!(message(body).contains(why), "{body}");
}

fn assert_refused((status, body): &(StatusCode, Value), expected: StatusCode, code: &str) {
    assert_eq!((*status, body["code"].as_str()), (expected, Some(code)), "{body}");
    assert_eq!(body["success"], false);
    assert!(!is_success_answer(body));
}

#[rstest]
#[case::expired("expiredInstance")]
#[case::renew("renewInstance")]
#[case::upgrade("upgradeInstance")]
#[case::refund_renew("refundRenewInstance")]
#[case::release("releaseInstance")]
#[tokio::test]
async fn each_action_answers_success_and_says_what_it_did(#[case] action: &str) {
    let c = console();
    let (instance, _) = c.bound("38492017").await;
    assert_done(&c.spi(&call(action, &instance)).await);
}

#[rstest]
#[case::expired("expiredInstance", "frozen already")]
#[case::renew("renewInstance", "renewed to 2024-08-15 10:00:00 already")]
#[case::upgrade("upgradeInstance", "on cmgj00061912-payg-enterprise")]
#[case::refund_renew("refundRenewInstance", "the expiry is 2023-09-15 10:00:00 already")]
#[case::release("releaseInstance", "released already")]
#[tokio::test]
async fn a_call_replayed_or_delivered_twice_answers_success_and_does_nothing_more(
    #[case] action: &str,
    #[case] why: &str,
) {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    // The very same signed URL twice, as the marketplace's duplicate or a server's replay sends it.
    let uri = format!("/aliyun/spi?{}", signed_query(&call(action, &instance), SPI_KEY));
    let mut server = c.browser();
    let read = |page: Page| (page.status, serde_json::from_str::<Value>(&page.body).unwrap());
    assert_done(&read(server.get(&uri).await));
    let after_first = zilliz_pages(&mut admin).await;
    assert_nothing_done(&read(server.get(&uri).await), why);
    assert_eq!(zilliz_pages(&mut admin).await, after_first);
}

#[rstest]
#[case::expired("expiredInstance")]
#[case::renew("renewInstance")]
#[case::upgrade("upgradeInstance")]
#[case::refund_renew("refundRenewInstance")]
#[case::release("releaseInstance")]
#[tokio::test]
async fn after_the_release_every_action_answers_success_and_resurrects_nothing(#[case] action: &str) {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    assert_done(&c.spi(&call("releaseInstance", &instance)).await);
    let released = zilliz_pages(&mut admin).await;
    let late = c.spi(&call(action, &instance)).await;
    assert_nothing_done(&late, "released");
    assert_eq!(zilliz_pages(&mut admin).await, released);
}

#[rstest]
#[case::expired("expiredInstance")]
#[case::renew("renewInstance")]
#[case::upgrade("upgradeInstance")]
#[case::refund_renew("refundRenewInstance")]
#[case::release("releaseInstance")]
#[tokio::test]
async fn an_action_for_an_instance_the_console_never_opened_is_a_404(#[case] action: &str) {
    let c = console();
    let (_, mut admin) = c.bound_with_clusters("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let answer = c.spi(&call(action, "zc-neveropened0000000")).await;
    assert_refused(&answer, StatusCode::NOT_FOUND, "InstanceNotFound");
    assert!(message(&answer.1).contains("zc-neveropened0000000"));
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[rstest]
#[case::expired("expiredInstance", "instanceId")]
#[case::renew_instance("renewInstance", "instanceId")]
#[case::renew_expiry("renewInstance", "expiredOn")]
#[case::upgrade_sku("upgradeInstance", "skuId")]
#[case::refund_renew_expiry("refundRenewInstance", "expiredOn")]
#[case::release_refund("releaseInstance", "isRefund")]
#[tokio::test]
async fn a_call_without_a_parameter_the_action_needs_is_refused(#[case] action: &str, #[case] missing: &str) {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let params: Vec<_> = call(action, &instance)
        .into_iter()
        .filter(|(k, _)| *k != missing)
        .collect();
    let answer = c.spi(&params).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "MissingParameter");
    assert!(message(&answer.1).contains(missing), "{}", answer.1);
    // Nothing was done: the pages read as before, and the action, sent whole, finds its work.
    assert_eq!(zilliz_pages(&mut admin).await, before);
    assert_done(&c.spi(&call(action, &instance)).await);
}

#[rstest]
#[case::renew_date("renewInstance", "expiredOn", "next year")]
#[case::refund_date("refundRenewInstance", "expiredOn", "2023-13-40 10:00:00")]
#[case::release_flag("releaseInstance", "isRefund", "yes")]
#[tokio::test]
async fn a_parameter_that_does_not_read_as_what_it_must_be_is_refused(
    #[case] action: &str,
    #[case] name: &str,
    #[case] value: &str,
) {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let params: Vec<_> = call(action, &instance)
        .into_iter()
        .map(|(k, v)| if k == name { (k, value) } else { (k, v) })
        .collect();
    let answer = c.spi(&params).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "InvalidParameter");
    assert!(message(&answer.1).contains(name), "{}", answer.1);
    assert_eq!(zilliz_pages(&mut admin).await, before);
    assert_done(&c.spi(&call(action, &instance)).await);
}

#[tokio::test]
async fn an_extra_billing_item_sent_twice_is_refused() {
    let c = console();
    let (instance, mut admin) = c.bound("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let mut params = call("upgradeInstance", &instance);
    params.extend([("Count", "2"), ("Count", "3")]);
    let answer = c.spi(&params).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "InvalidParameter");
    assert!(message(&answer.1).contains("Count"));
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[tokio::test]
async fn a_sku_the_console_does_not_sell_is_refused_by_upgrade_and_by_create_instance() {
    let c = console();
    let (instance, mut admin) = c.bound("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let mut upgrade = call("upgradeInstance", &instance);
    upgrade[3].1 = "cmgj00061912-gold";
    let answer = c.spi(&upgrade).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "InvalidSkuId");
    assert!(message(&answer.1).contains("cmgj00061912-gold"));
    assert_eq!(zilliz_pages(&mut admin).await, before);

    let mut create = create_params("38492018");
    create[5].1 = "cmgj00061912-gold";
    let answer = c.spi(&create).await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "InvalidSkuId");
    // Nothing was created: the next instance gets the id a console that never saw the refused
    // calls gives it (ids are seeded).
    let fresh = console();
    fresh.bound("38492017").await;
    assert_eq!(
        c.create_instance("38492018").await,
        fresh.create_instance("38492018").await
    );
}

#[rstest]
#[case::expired("expiredInstance")]
#[case::renew("renewInstance")]
#[case::upgrade("upgradeInstance")]
#[case::refund_renew("refundRenewInstance")]
#[case::release("releaseInstance")]
#[case::order_pay("orderPay")]
#[tokio::test]
async fn a_forged_call_and_a_call_a_web_page_sent_are_refused_and_change_nothing(#[case] action: &str) {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let params = match action {
        "orderPay" => order_pay("38492017", "r-1"),
        _ => call(action, &instance),
    };
    let forged = c.spi_with_key(&params, "not-the-key").await;
    assert_refused(&forged, StatusCode::FORBIDDEN, "InvalidToken");

    let uri = format!("/aliyun/spi?{}", signed_query(&params, SPI_KEY));
    let request = axum::http::Request::builder()
        .uri(&uri)
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::empty())
        .unwrap();
    let answer = testkit::send(&c.app, request).await;
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_refused(&(answer.status, body), StatusCode::FORBIDDEN, "CrossSiteRequest");

    assert_eq!(zilliz_pages(&mut admin).await, before);
    assert_done(&c.spi(&params).await);
}

#[tokio::test]
async fn order_pay_is_recorded_once_per_request_id_for_an_instance_of_this_product() {
    let c = console();
    let (_, mut admin) = c.bound("38492017").await;
    assert_done(&c.spi(&order_pay("38492017", "r-1")).await);
    let settings = admin.open(&format!("/orgs/{ZILLIZ}/settings")).await;
    assert!(
        settings.text().contains("已收到 1 笔支付通知。"),
        "{}",
        settings.text()
    );
    let once = zilliz_pages(&mut admin).await;
    assert_nothing_done(&c.spi(&order_pay("38492017", "r-1")).await, "r-1");
    assert_eq!(zilliz_pages(&mut admin).await, once);
    assert_done(&c.spi(&order_pay("38492017", "r-2")).await);
    let settings = admin.open(&format!("/orgs/{ZILLIZ}/settings")).await;
    assert_eq!(
        settings.table_rows("table.payments"),
        [
            ["2023-08-15 10:00:00", "208000000000001", "r-1"],
            ["2023-08-15 10:00:00", "208000000000001", "r-2"]
        ]
    );
    let twice = zilliz_pages(&mut admin).await;

    let answer = c.spi(&order_pay("99999999", "r-3")).await;
    assert_refused(&answer, StatusCode::NOT_FOUND, "InstanceNotFound");

    let mut other = order_pay("38492017", "r-4");
    other[5].1 = "cmgj00099999";
    assert_refused(
        &c.spi(&other).await,
        StatusCode::BAD_REQUEST,
        "InvalidProductCode",
    );

    let without: Vec<_> = order_pay("38492017", "r-5")
        .into_iter()
        .filter(|(k, _)| *k != "requestId")
        .collect();
    assert_refused(
        &c.spi(&without).await,
        StatusCode::BAD_REQUEST,
        "MissingParameter",
    );
    assert_eq!(zilliz_pages(&mut admin).await, twice);
}

#[tokio::test]
async fn order_pay_after_the_release_is_still_recorded_once() {
    let c = console();
    let (instance, _) = c.bound("38492017").await;
    assert_done(&c.spi(&call("releaseInstance", &instance)).await);
    assert_done(&c.spi(&order_pay("38492017", "r-1")).await);
    assert_nothing_done(&c.spi(&order_pay("38492017", "r-1")).await, "r-1");
}
