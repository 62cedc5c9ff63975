//! The Billing OpenAPI's QueryOrders through the whole app: the buyer's orders — a pay-as-you-go
//! purchase, a subscription and its refund, an order of its own, a renewal and an upgrade — in a
//! range of creation times (the last hour when none is given), oldest first, to the fen, paged and
//! filtered, another buyer's never listed, and every bad parameter answered with its code.

mod common;

use common::bss::{advance_to, billed_world, bss, data, instances, refusal, PRODUCT, TEN_AM, VERSION};
use common::openapi::http;
use common::{simulator, world_with_vendor};
use marketsim_simulator::lifecycle::Choice;
use marketsim_simulator::store::orders::Extras;
use marketsim_simulator::World;
use protocol::openapi::v1;
use serde_json::{json, Value};
use testkit::vendor::Vendor;

/// The range every order of [`billed_world`] was placed in: 10:00 to 11:00 Asia/Shanghai.
const MORNING: [(&str, &str); 2] = [
    ("CreateTimeStart", "2023-08-15T02:00:00Z"),
    ("CreateTimeEnd", "2023-08-15T03:00:00Z"),
];

fn orders(d: &Value) -> Vec<(String, String, String)> {
    d["OrderList"]["Order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["OrderType"].as_str().unwrap().to_owned(),
                o["SubscriptionType"].as_str().unwrap().to_owned(),
                o["PretaxAmount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn query(sim: &marketsim_simulator::Simulator, login: &str, extra: &[(&str, &str)]) -> Value {
    let params: Vec<(&str, &str)> = MORNING.iter().chain(extra).copied().collect();
    data(&bss(sim, Some(login), "QueryOrders", &params).await)
}

#[tokio::test]
async fn query_orders_lists_purchases_and_refunds_oldest_first_to_the_fen() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    let (payg, subscription) = instances(&sim);
    let d = query(&sim, "buyer-1", &[]).await;
    assert_eq!(
        (&d["TotalCount"], &d["PageNum"], &d["PageSize"]),
        (&json!(3), &json!(1), &json!(20))
    );
    let to = |t: &str, s: &str, a: &str| (t.to_owned(), s.to_owned(), a.to_owned());
    assert_eq!(
        orders(&d),
        [
            to("New", "PayAsYouGo", "0.00"),
            to("New", "Subscription", "299.00"),
            to("Refund", "Subscription", "-299.00"),
        ]
    );
    let list = &d["OrderList"]["Order"];
    let store = sim.store();
    let bought = store
        .order(&store.instance(&subscription).unwrap().unwrap().order_id)
        .unwrap()
        .unwrap();
    assert_eq!(list[1]["OrderId"], json!(bought.order_id));
    assert_eq!(list[2]["RelatedOrderId"], json!(bought.order_id));
    assert_eq!(list[1]["RelatedOrderId"], "");
    let first = store.instance(&payg).unwrap().unwrap().order_id;
    assert_eq!(list[0]["OrderId"], json!(first));
    assert_eq!(
        (
            &list[1]["CreateTime"],
            &list[1]["PaymentTime"],
            &list[2]["CreateTime"]
        ),
        (
            &json!("2023-08-15T02:00:00Z"),
            &json!("2023-08-15T02:00:00Z"),
            &json!("2023-08-15T02:30:00Z")
        )
    );
    assert_eq!(
        (
            &list[1]["PaymentStatus"],
            &list[1]["Currency"],
            &list[1]["ProductCode"]
        ),
        (&json!("Paid"), &json!("CNY"), &json!(PRODUCT))
    );
    assert_eq!(
        (
            &list[1]["PretaxGrossAmount"],
            &list[1]["AfterTaxAmount"],
            &list[1]["Tax"]
        ),
        (&json!("299.00"), &json!("299.00"), &json!("0.00"))
    );
    // The refund is the refund line of the bill, by its RecordID.
    let bill = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryBill",
            &[("BillingCycle", "2023-08"), ("Type", "Refund")],
        )
        .await,
    );
    assert_eq!(list[2]["OrderId"], bill["Items"]["Item"][0]["RecordID"]);
}

#[tokio::test]
async fn without_a_range_the_last_hour_is_listed() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    // The clock stands at 12:00: nothing was ordered since 11:00.
    let d = data(&bss(&sim, Some("buyer-1"), "QueryOrders", &[]).await);
    assert_eq!(
        (&d["TotalCount"], &d["OrderList"]["Order"]),
        (&json!(0), &json!([]))
    );
    // The hour before 10:30 (UTC 02:30) holds both purchases and the refund made at 10:30.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryOrders",
            &[("CreateTimeEnd", "2023-08-15T02:30:00Z")],
        )
        .await,
    );
    assert_eq!(d["TotalCount"], 3);
    // From a start on, up to now.
    let d = data(
        &bss(
            &sim,
            Some("buyer-1"),
            "QueryOrders",
            &[("CreateTimeStart", "2023-08-15T02:15:00Z")],
        )
        .await,
    );
    assert_eq!(orders(&d).len(), 1);
}

#[tokio::test]
async fn query_orders_filters_and_pages_and_another_buyer_sees_none() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = billed_world(&vendor).await;
    for (name, value, count) in [
        ("OrderType", "New", 2),
        ("OrderType", "Refund", 1),
        ("OrderType", "Renew", 0),
        ("SubscriptionType", "PayAsYouGo", 1),
        ("SubscriptionType", "Subscription", 2),
        ("PaymentStatus", "Paid", 3),
        ("PaymentStatus", "Unpaid", 0),
        ("ProductCode", PRODUCT, 3),
        ("ProductCode", "cmapi00060317", 0),
    ] {
        let d = query(&sim, "buyer-1", &[(name, value)]).await;
        assert_eq!(d["TotalCount"], count, "{name}={value}");
        assert_eq!(orders(&d).len(), count, "{name}={value}");
    }
    let d = query(&sim, "buyer-1", &[("PageSize", "2"), ("PageNum", "2")]).await;
    assert_eq!(
        orders(&d),
        [("Refund".into(), "Subscription".into(), "-299.00".into())]
    );
    let d = query(&sim, "buyer-1", &[("PageNum", "3"), ("PageSize", "2")]).await;
    assert_eq!(
        (&d["TotalCount"], &d["OrderList"]["Order"]),
        (&json!(3), &json!([]))
    );
    let d = query(&sim, "buyer-2", &[]).await;
    assert_eq!(d["TotalCount"], 0);
    // Signed V1, the same list.
    let request = MORNING.iter().fold(
        v1::Request::new("POST", "QueryOrders").param("Version", VERSION),
        |r, (name, value)| r.param(name, value),
    );
    let answer = http::v1(&http::app(&sim), request, &http::buyer(&sim, "buyer-1")).await;
    assert_eq!(data(&answer)["TotalCount"], 3);
}

#[tokio::test]
async fn bad_parameters_get_their_codes() {
    let sim = simulator(World::default_world());
    for (params, code) in [
        (vec![("CreateTimeStart", "yesterday")], "InvalidCreateTimeStart"),
        (
            vec![("CreateTimeEnd", "2023-08-15 10:00:00")],
            "InvalidCreateTimeEnd",
        ),
        (vec![("OrderType", "Purchase")], "InvalidOrderType"),
        (vec![("PaymentStatus", "Done")], "InvalidPaymentStatus"),
        (vec![("SubscriptionType", "Monthly")], "InvalidSubscriptionType"),
        (vec![("PageNum", "0")], "InvalidPageNum"),
        (vec![("PageSize", "1000")], "InvalidPageSize"),
    ] {
        let answer = bss(&sim, Some("buyer-1"), "QueryOrders", &params).await;
        assert_eq!(
            refusal(&answer),
            (400, code.into()),
            "{params:?}: {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn renewals_and_upgrades_are_listed_by_their_types_and_billed_on_their_instance() {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyer("buyer-2").unwrap().clone();
    let choice = Choice {
        months: Some(1),
        extras: Extras::new(),
    };
    let bought = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-standard", &choice)
        .unwrap();
    advance_to(&sim, TEN_AM + 300).await;
    let renewal = sim.renew(&bought.instance_id, 1, |_, _| Ok(())).unwrap();
    let upgrade = sim
        .upgrade(
            &bought.instance_id,
            "cmgj00061912-dedicated",
            &Extras::from([("Count".to_owned(), 2)]),
            |_, _| Ok(()),
        )
        .unwrap();
    let d = query(&sim, "buyer-2", &[]).await;
    let fen = |price: rust_decimal::Decimal| format!("{price:.2}");
    assert_eq!(
        orders(&d),
        [
            ("New".into(), "Subscription".into(), "299.00".into()),
            ("Renew".into(), "Subscription".into(), fen(renewal.price)),
            ("Upgrade".into(), "Subscription".into(), fen(upgrade.price)),
        ]
    );
    assert_eq!(d["OrderList"]["Order"][2]["CreateTime"], "2023-08-15T02:05:00Z");
    // One instance, one row of orders: the three prices summed.
    let bill = data(
        &bss(
            &sim,
            Some("buyer-2"),
            "QueryInstanceBill",
            &[("BillingCycle", "2023-08")],
        )
        .await,
    );
    let total = rust_decimal::Decimal::from(299) + renewal.price + upgrade.price;
    assert_eq!(bill["TotalCount"], 1);
    assert_eq!(bill["Items"]["Item"][0]["InstanceID"], json!(bought.instance_id));
    assert_eq!(
        format!(
            "{:.2}",
            bill["Items"]["Item"][0]["PretaxAmount"].as_f64().unwrap()
        ),
        fen(total)
    );
}
