//! The buyer's bill pages (费用与成本 → 账单详情): a month with an order line and usage lines the
//! bill runs made from pushed metering, its figures on the page to the fen, a refund netting its
//! order out, the CSV export with the same figures, 充值 and its refusals, the 欠费 banner and a
//! payment that opens a stopped instance again, and who may see any of it.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::openapi::{call, vendor};
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::lifecycle::Choice;
use marketsim_simulator::store::orders::Status;
use marketsim_simulator::{router, Simulator};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::time::Duration;
use testkit::Vendor;

const PRODUCT: &str = "cmgj00061912";
const BUYER: &str = "1763420985012345";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;
const HOUR: i64 = 3600;
const PERIOD: &str = "计算（CU·秒，按小时出账）";
const CALLS: &str = "API 调用（次）";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A world whose vendor answers every SPI call, buyer-1 signed in to the marketplace.
async fn signed_in() -> (Vendor, Simulator, Client) {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let client = Client::signed_in(&sim, "buyer-1").await;
    (vendor, sim, client)
}

fn entity(key: &str, value: i64, serial: Option<&str>) -> Value {
    let mut e =
        json!({"Key": key, "Value": value.to_string(), "meteringAssit": format!("{PRODUCT}-{key}-1")});
    if let Some(s) = serial {
        e["SerialNo"] = s.into();
    }
    e
}

fn record(instance: &str, start: i64, end: i64, entities: Vec<Value>) -> Value {
    json!({"InstanceId": instance, "StartTime": start.to_string(), "EndTime": end.to_string(), "Entities": entities})
}

/// Pushes `records` as the vendor, through the OpenAPI.
fn push(sim: &Simulator, records: Vec<Value>) {
    let metering = Value::Array(records).to_string();
    call(sim, &vendor(sim), "PushMeteringData", &[("Metering", &metering)])
        .unwrap_or_else(|e| panic!("PushMeteringData: {e:?}"));
}

async fn advance(sim: &Simulator, seconds: u64) {
    sim.clock().advance(Duration::from_secs(seconds)).await.unwrap();
}

/// August 2023 of buyer-1: a 1-month subscription order (¥299.00) and a pay-as-you-go instance
/// whose usage of 09:00–10:00 and 10:00–11:00 the bill runs have billed:
///
/// - 09:00–10:00 compute, 1800 + 1800 CU·s = 1 CU·h at ¥1.20 → ¥1.20
/// - 09:00–10:00 API calls, 96 pushed twice with one SerialNo = 192 at ¥0.001 → ¥0.19 (truncated),
///   one duplicate
/// - 10:00–11:00 compute, 5400 CU·s = 1.5 CU·h → ¥1.80
///
/// 应付金额 ¥302.19; the balance (¥1000.00) paid the usage: ¥996.81. Returns the pay-as-you-go
/// instance's id and the subscription order's; the clock is at 12:03.
async fn billed(sim: &Simulator) -> (String, String) {
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let payg = sim
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-payg"), &Choice::default())
        .unwrap()
        .instance_id;
    let monthly = Choice {
        months: Some(1),
        ..Choice::default()
    };
    let order = sim
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-standard"), &monthly)
        .unwrap()
        .order_id;
    advance(sim, 120).await;
    let nine = TEN_AM - HOUR;
    let half_past = nine + HOUR / 2;
    push(
        sim,
        vec![
            record(
                &payg,
                nine,
                half_past,
                vec![entity("Period", 1800, None), entity("Frequency", 96, Some("s-1"))],
            ),
            record(&payg, half_past, TEN_AM, vec![entity("Period", 1800, None)]),
            record(&payg, nine, half_past, vec![entity("Frequency", 96, Some("s-1"))]),
        ],
    );
    advance(sim, HOUR as u64).await;
    push(
        sim,
        vec![record(
            &payg,
            TEN_AM,
            TEN_AM + HOUR,
            vec![entity("Period", 5400, None)],
        )],
    );
    advance(sim, HOUR as u64 + 60).await;
    (payg, order)
}

fn balance(sim: &Simulator) -> Decimal {
    sim.balance(BUYER).unwrap()
}

/// The CSV export of `month` as the signed-in browser downloads it: status, Content-Type,
/// Content-Disposition and body.
async fn download(client: &Client, month: &str) -> (StatusCode, String, String, String) {
    let mut request = Request::builder().uri(format!("/console/bills.csv?month={month}"));
    if let Some(cookie) = &client.browser.cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let answer = testkit::send(&router(client.sim.clone()), request.body(Body::empty()).unwrap()).await;
    let head = |name| answer.header(name).unwrap_or_default().to_owned();
    (
        answer.status,
        head("content-type"),
        head("content-disposition"),
        answer.body.clone(),
    )
}

#[tokio::test]
async fn the_bill_shows_the_months_order_and_usage_to_the_fen() {
    let (_vendor, sim, mut client) = signed_in().await;
    let (payg, order) = billed(&sim).await;
    let bill = client.browser.get("/console/bills?month=2023-08").await;
    assert_eq!(bill.status, StatusCode::OK, "{}", bill.body);
    assert_eq!(bill.texts("#bill-total"), ["¥302.19"]);
    assert_eq!(bill.texts("#balance"), ["¥996.81"]);
    assert_eq!(balance(&sim), d("996.81"));
    assert_eq!(bill.texts("#bill-months li"), ["2023年8月 ¥302.19 · 4 条"]);
    assert!(bill.texts("#arrears").is_empty(), "no arrears banner");
    assert_eq!(
        bill.table_rows(&format!("#instance-{payg} table.subtotals")),
        [
            vec![PERIOD, "按量付费", "2", "2.5", "¥3.00", ""],
            vec![CALLS, "按量付费", "1", "192", "¥0.19", "重复推送 1 条"],
        ]
    );
    assert_eq!(
        bill.table_rows(&format!("#instance-{payg} table.lines")),
        [
            vec![
                PERIOD,
                "按量付费",
                "2023-08-15 09:00–10:00",
                "1",
                "¥1.20",
                "¥1.20",
                ""
            ],
            vec![
                CALLS,
                "按量付费",
                "2023-08-15 09:00–10:00",
                "192",
                "¥0.001",
                "¥0.19",
                "重复推送 1 条"
            ],
            vec![
                PERIOD,
                "按量付费",
                "2023-08-15 10:00–11:00",
                "1.5",
                "¥1.20",
                "¥1.80",
                ""
            ],
        ]
    );
    let sections = bill.texts("section.bill-instance h3");
    assert_eq!(sections.len(), 2, "{sections:?}");
    let orders: Vec<Vec<String>> = bill
        .table_rows("section.bill-instance table.lines")
        .into_iter()
        .filter(|r| r[1] == "包年包月订单")
        .collect();
    let note = format!("订单 {order}");
    assert_eq!(
        orders,
        [vec!["新购", "包年包月订单", "—", "—", "—", "¥299.00", &note]]
    );
    assert!(bill.text().contains("Zilliz Cloud"), "the product is named");
    assert_eq!(bill.link("导出账单（CSV）"), "/console/bills.csv?month=2023-08");
}

#[tokio::test]
async fn a_refund_is_a_negative_line_that_nets_the_order_out() {
    let (_vendor, sim, mut client) = signed_in().await;
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let monthly = Choice {
        months: Some(1),
        ..Choice::default()
    };
    let id = sim
        .open_service(&buyer, PRODUCT, &format!("{PRODUCT}-standard"), &monthly)
        .unwrap()
        .instance_id;
    advance(&sim, 120).await;
    sim.refund(&id).unwrap();
    let bill = client.browser.get("/console/bills?month=2023-08").await;
    assert_eq!(bill.texts("#bill-total"), ["¥0.00"]);
    assert_eq!(
        bill.table_rows(&format!("#instance-{id} table.subtotals")),
        [
            vec!["新购", "包年包月订单", "1", "—", "¥299.00", ""],
            vec!["新购", "退款", "1", "—", "¥-299.00", ""],
        ]
    );
    let (_, _, _, csv) = download(&client, "2023-08").await;
    let amounts: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap()[12].to_owned())
        .collect();
    assert_eq!(amounts, ["299.00", "-299.00"]);
}

#[tokio::test]
async fn the_csv_export_has_the_pages_figures_one_row_per_line() {
    let (_vendor, sim, mut client) = signed_in().await;
    billed(&sim).await;
    let page = client.browser.get("/console/bills?month=2023-08").await;
    let (status, content_type, disposition, body) = download(&client, "2023-08").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(disposition, "attachment; filename=\"bill-2023-08.csv\"");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "账期(month)");
    assert_eq!(header[12], "金额(amount)");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let or_dash = |s: &str| {
        if s.is_empty() {
            "—".to_owned()
        } else {
            s.to_owned()
        }
    };
    // What the page's detailed lines would read, built from each CSV row.
    let as_page: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let order = (!r[8].is_empty()).then(|| format!("订单 {}", &r[8]));
            let duplicates = (&r[14] != "0").then(|| format!("重复推送 {} 条", &r[14]));
            let note = [order, duplicates]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let unit = if r[11].is_empty() {
                "—".into()
            } else {
                format!("¥{}", &r[11])
            };
            vec![
                r[6].to_owned(),
                r[7].to_owned(),
                or_dash(&r[9]),
                or_dash(&r[10]),
                unit,
                format!("¥{}", &r[12]),
                note,
            ]
        })
        .collect();
    assert_eq!(as_page, page.table_rows("section.bill-instance table.lines"));
    let total: Decimal = rows.iter().map(|r| d(&r[12])).sum();
    assert_eq!(format!("¥{total}"), page.texts("#bill-total")[0]);
    assert!(rows.iter().all(|r| &r[0] == "2023-08"));
}

#[tokio::test]
async fn a_month_without_lines_has_no_csv_and_a_malformed_month_is_refused() {
    let (_vendor, sim, mut client) = signed_in().await;
    billed(&sim).await;
    let (status, _, _, body) = download(&client, "2023-07").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("2023年7月 没有云市场账单"), "{body}");
    let empty = client.browser.get("/console/bills?month=2023-07").await;
    assert_eq!(empty.texts("#bill-total"), ["¥0.00"]);
    assert!(empty.text().contains("本账期暂无云市场账单"), "{}", empty.body);
    assert_eq!(empty.links("2023年8月"), ["/console/bills?month=2023-08"]);
    for month in ["2023-13", "23-08", "2023-8", "august", "2023-08-01"] {
        let page = client.browser.get(&format!("/console/bills?month={month}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{month}");
        let words = format!("账期 “{month}” 无效，应写作 2023-08。");
        assert!(page.text().contains(&words), "{}", page.body);
        let (status, _, _, body) = download(&client, month).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{month}");
        assert!(body.contains(&words), "{body}");
    }
}

#[tokio::test]
async fn a_payment_adds_to_the_balance_and_returns_to_the_bill() {
    let (_vendor, sim, mut client) = signed_in().await;
    billed(&sim).await;
    let bill = client.browser.get("/console/bills?month=2023-08").await;
    let paid = client
        .browser
        .post(
            "/console/bills/top-up",
            &[
                ("csrf", &bill.form_field("/console/bills/top-up", "csrf")),
                ("month", &bill.form_field("/console/bills/top-up", "month")),
                ("amount", "100.50"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    assert_eq!(paid.location.as_deref(), Some("/console/bills?month=2023-08"));
    assert_eq!(balance(&sim), d("1097.31"));
    let after = client.browser.follow(paid).await;
    assert_eq!(after.texts("#balance"), ["¥1097.31"]);
    assert_eq!(
        after.texts("#bill-total"),
        ["¥302.19"],
        "a payment is no bill line"
    );
}

#[tokio::test]
async fn a_refused_payment_says_why_in_words_and_changes_nothing() {
    let (_vendor, sim, mut client) = signed_in().await;
    let bill = client.browser.get("/console/bills").await;
    let before = balance(&sim);
    for (amount, words) in [
        ("-1.00", "充值金额须大于 0 元。"),
        ("0", "充值金额须大于 0 元。"),
        ("0.001", "充值金额最多精确到分（两位小数）。"),
        ("100000000.01", "单笔充值不能超过 ¥100000000.00。"),
        ("lots", "充值金额“lots”不是有效的数字。"),
        ("", "请输入充值金额。"),
    ] {
        let refused = client
            .browser
            .submit(&bill, "/console/bills/top-up", &[("amount", amount)])
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{amount}");
        assert_eq!(refused.texts("#top-up-error"), [words], "{amount}");
        assert_eq!(refused.find_field("amount").as_deref(), Some(amount));
        assert_eq!(balance(&sim), before, "{amount} changed the balance");
    }
    let bad_month = client
        .browser
        .submit(
            &bill,
            "/console/bills/top-up",
            &[("month", "2023-13"), ("amount", "1.00")],
        )
        .await;
    assert_eq!(bad_month.status, StatusCode::BAD_REQUEST);
    assert_eq!(balance(&sim), before);
}

#[tokio::test]
async fn a_payment_without_the_sessions_token_is_refused_and_changes_nothing() {
    let (_vendor, sim, mut client) = signed_in().await;
    let before = balance(&sim);
    for fields in [
        vec![("amount", "10.00"), ("month", "2023-08")],
        vec![("csrf", "forged"), ("amount", "10.00"), ("month", "2023-08")],
    ] {
        let refused = client.browser.post("/console/bills/top-up", &fields).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{fields:?}");
    }
    assert_eq!(balance(&sim), before);
}

#[tokio::test]
async fn arrears_are_shown_and_a_payment_that_clears_them_opens_the_stopped_instance_again() {
    let (vendor, sim, mut client) = signed_in().await;
    let (payg, _) = billed(&sim).await;
    sim.charge(BUYER, d("1000.00"), "人工调账").unwrap();
    let owing = client.browser.get("/console/bills?month=2023-08").await;
    assert_eq!(owing.texts("#balance"), ["¥-3.19"]);
    let banner = owing.texts("#arrears").join("");
    assert!(
        banner.contains("已欠费") && banner.contains("1天") && banner.contains("2023-08-16 12:03"),
        "{banner}"
    );
    assert!(
        owing.text().contains("账户调账"),
        "the adjustment is a line of its own"
    );
    advance(&sim, 86_400).await;
    assert_eq!(
        sim.store().instance(&payg).unwrap().unwrap().status,
        Status::Expired
    );
    let stopped = client.browser.get("/console/bills?month=2023-08").await;
    assert!(
        stopped.texts("#arrears").join("").contains("已于"),
        "{}",
        stopped.body
    );
    let paid = client
        .browser
        .submit(&stopped, "/console/bills/top-up", &[("amount", "3.19")])
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.body);
    assert!(paid.texts("#arrears").is_empty(), "the banner is gone");
    assert_eq!(paid.texts("#balance"), ["¥0.00"]);
    assert_eq!(
        sim.store().instance(&payg).unwrap().unwrap().status,
        Status::Opened
    );
    let renewed = vendor.calls().await.into_iter().any(|call| {
        call.iter().any(|(k, v)| k == "action" && v == "renewInstance")
            && call.iter().any(|(k, v)| k == "instanceId" && v == "zc-1")
    });
    assert!(renewed, "renewInstance was sent with the payment");
}

#[tokio::test]
async fn a_signed_out_browser_is_sent_to_sign_in_and_back() {
    let (_vendor, sim, _) = signed_in().await;
    let mut client = Client::new(&sim);
    let page = client.browser.get("/console/bills?month=2023-08").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location.as_deref(),
        Some("/signin?return=%2Fconsole%2Fbills%3Fmonth%3D2023-08")
    );
    let (status, ..) = download(&client, "2023-08").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let before = balance(&sim);
    let pay = client
        .browser
        .post(
            "/console/bills/top-up",
            &[("amount", "10.00"), ("month", "2023-08")],
        )
        .await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER);
    assert!(pay.location.unwrap().starts_with("/signin?return="));
    assert_eq!(balance(&sim), before);
}
