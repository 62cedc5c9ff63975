//! Usage becomes the buyer's bill: metering pushed through PushMeteringData is billed by the bill
//! run after its window's push deadline — hourly, daily and minute products each at their time —
//! summed per instance, item and window, priced on the SKU's plan and truncated to the fen; exact
//! duplicates counted and billed as the world says; data of an expired instance never billed;
//! orders and refunds as lines of their own; the balance drawn on, arrears stopping pay-as-you-go
//! instances and prolonged arrears releasing them; bill months in Asia/Shanghai.

mod common;

use common::openapi::call;
use common::{simulator, world_with_vendor};
use marketsim_simulator::lifecycle::Choice;
use marketsim_simulator::openapi::{ApiError, Caller};
use marketsim_simulator::store::bills::{BillLine, LineKind};
use marketsim_simulator::store::orders::Extras;
use marketsim_simulator::world::{Billing, Duplicates, World};
use marketsim_simulator::Simulator;
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;
use std::time::Duration;
use testkit::vendor::Vendor;

const PRODUCT: &str = "cmgj00061912";
const BUYER: &str = "1763420985012345";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;
const HOUR: i64 = 3600;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A world as `edit` leaves it with one pay-as-you-go instance of buyer-1's, opened at 10:02.
async fn opened(vendor: &Vendor, edit: impl FnOnce(&mut World)) -> (Simulator, String) {
    let mut world = world_with_vendor(&vendor.spi_url());
    edit(&mut world);
    let sim = simulator(world);
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-payg", &Choice::default())
        .unwrap();
    advance_to(&sim, TEN_AM + 120).await;
    (sim, order.instance_id)
}

async fn vendor() -> Vendor {
    Vendor::taking_everything("zc-1", "http://vendor/sso").await
}

async fn advance_to(sim: &Simulator, t: i64) {
    let now = sim.clock().now().timestamp();
    sim.clock()
        .advance(Duration::from_secs((t - now).try_into().unwrap()))
        .await
        .unwrap();
}

/// Pushes one record of `instance` for `start`–`end` with `entities` (Key, Value, SerialNo).
fn try_push(
    sim: &Simulator,
    instance: &str,
    start: i64,
    end: i64,
    entities: &[(&str, i64, Option<&str>)],
) -> Result<serde_json::Value, ApiError> {
    let entities: Vec<_> = entities
        .iter()
        .map(|(key, value, serial)| {
            let mut e = json!({"Key": key, "Value": value, "meteringAssit": format!("{PRODUCT}-{key}-1")});
            if let Some(s) = serial {
                e["SerialNo"] = json!(s);
            }
            e
        })
        .collect();
    let metering =
        json!([{"InstanceId": instance, "StartTime": start, "EndTime": end, "Entities": entities}]);
    let vendor = Caller::Vendor(sim.world().vendor("zilliz").unwrap());
    call(
        sim,
        &vendor,
        "PushMeteringData",
        &[("Metering", &metering.to_string())],
    )
}

/// [`try_push`], which must be accepted.
fn push(sim: &Simulator, instance: &str, start: i64, end: i64, entities: &[(&str, i64, Option<&str>)]) {
    try_push(sim, instance, start, end, entities).unwrap_or_else(|e| panic!("{entities:?}: {e:?}"));
}

fn lines(sim: &Simulator, month: &str) -> Vec<BillLine> {
    sim.store().bill_lines(BUYER, month).unwrap()
}

/// (item key, amount) of the pay-as-you-go lines of `month`.
fn usage_lines(sim: &Simulator, month: &str) -> Vec<(String, Decimal)> {
    lines(sim, month)
        .into_iter()
        .filter(|l| l.kind == LineKind::PayAsYouGo)
        .map(|l| (l.metering_key.unwrap(), l.amount))
        .collect()
}

#[tokio::test]
async fn an_hours_usage_is_billed_when_its_deadline_passes_priced_on_the_plan_and_drawn_from_the_balance() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    advance_to(&sim, TEN_AM + 1800).await;
    // 10:02–11:00: 1.5 CU·h, 250 GB·h, 10 calls.
    push(
        &sim,
        &id,
        TEN_AM + 120,
        TEN_AM + HOUR,
        &[
            ("Period", 5400, None),
            ("StorageGigaByte", 250, None),
            ("Frequency", 10, None),
        ],
    );
    advance_to(&sim, TEN_AM + HOUR + 1800).await;
    // 11:00–12:00: one second of compute (0.0003 CNY, billed 0.00) and 10 calls (0.01).
    push(
        &sim,
        &id,
        TEN_AM + HOUR,
        TEN_AM + 2 * HOUR,
        &[("Period", 1, None), ("Frequency", 10, None)],
    );
    advance_to(&sim, TEN_AM + 2 * HOUR - 1).await;
    assert_eq!(usage_lines(&sim, "2023-08"), []);
    advance_to(&sim, TEN_AM + 2 * HOUR).await;
    assert_eq!(
        usage_lines(&sim, "2023-08"),
        [
            ("Period".into(), d("1.80")),
            ("StorageGigaByte".into(), d("0.25")),
            ("Frequency".into(), d("0.01")),
        ]
    );
    let line = &lines(&sim, "2023-08")[0];
    assert_eq!(line.window, Some((TEN_AM, TEN_AM + HOUR)));
    assert_eq!((line.usage, line.unit_price), (Some(d("1.5")), Some(d("1.20"))));
    assert_eq!(line.billed_at, (TEN_AM + 2 * HOUR) * 1000);
    assert_eq!(sim.balance(BUYER).unwrap(), d("997.94"));
    // The next hour's data waits for its own run.
    advance_to(&sim, TEN_AM + 3 * HOUR).await;
    assert_eq!(
        usage_lines(&sim, "2023-08")[3..],
        [("Period".into(), d("0.00")), ("Frequency".into(), d("0.01"))]
    );
    assert_eq!(sim.balance(BUYER).unwrap(), d("997.94") - d("0.01"));
}

#[tokio::test]
async fn a_bill_under_a_fen_is_charged_nothing_and_a_window_is_summed_before_it_is_truncated() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    advance_to(&sim, TEN_AM + HOUR + 60).await;
    // Two pushes of 1,799 CU·s each: 0.5997 CNY alone would be 0.59 each, 1.18 together; summed
    // first, 3,598 s is 1.1993 → 1.19.
    push(&sim, &id, TEN_AM + 120, TEN_AM + 1800, &[("Period", 1799, None)]);
    advance_to(&sim, TEN_AM + HOUR + 120).await;
    push(
        &sim,
        &id,
        TEN_AM + 1800,
        TEN_AM + HOUR,
        &[("Period", 1799, None), ("Frequency", 9, None)],
    );
    advance_to(&sim, TEN_AM + 2 * HOUR).await;
    assert_eq!(
        usage_lines(&sim, "2023-08"),
        [("Period".into(), d("1.19")), ("Frequency".into(), d("0.00"))]
    );
}

#[tokio::test]
async fn a_retried_push_is_billed_twice_and_flagged_unless_the_world_bills_duplicates_once() {
    for (rule, expected) in [(Duplicates::Additive, "2.40"), (Duplicates::Once, "1.20")] {
        let vendor = vendor().await;
        let (sim, id) = opened(&vendor, |w| w.settings.duplicates = rule).await;
        advance_to(&sim, TEN_AM + HOUR + 60).await;
        push(
            &sim,
            &id,
            TEN_AM,
            TEN_AM + HOUR,
            &[("Period", 3600, Some("req-1"))],
        );
        advance_to(&sim, TEN_AM + HOUR + 120).await;
        push(
            &sim,
            &id,
            TEN_AM,
            TEN_AM + HOUR,
            &[("Period", 3600, Some("req-1"))],
        );
        advance_to(&sim, TEN_AM + 2 * HOUR).await;
        let line = &lines(&sim, "2023-08")[0];
        assert_eq!((line.records, line.duplicates), (2, 1), "{rule:?}");
        assert_eq!(line.amount, d(expected), "{rule:?}");
    }
}

#[tokio::test]
async fn an_expired_instance_is_billed_for_the_window_it_expired_in_and_never_after() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    // Expired at 10:20: 10:00–11:00 is still billed, 11:00–12:00 is not (contract §3.3.1).
    advance_to(&sim, TEN_AM + 1200).await;
    sim.expire(&id).unwrap();
    advance_to(&sim, TEN_AM + HOUR + 60).await;
    push(&sim, &id, TEN_AM, TEN_AM + HOUR, &[("Period", 3600, None)]);
    advance_to(&sim, TEN_AM + 2 * HOUR + 60).await;
    push(
        &sim,
        &id,
        TEN_AM + HOUR,
        TEN_AM + 2 * HOUR,
        &[("Period", 3600, None)],
    );
    advance_to(&sim, TEN_AM + 4 * HOUR).await;
    assert_eq!(sim.store().metering_of(&id).unwrap().len(), 2);
    assert_eq!(usage_lines(&sim, "2023-08"), [("Period".into(), d("1.20"))]);
    assert_eq!(lines(&sim, "2023-08")[0].window, Some((TEN_AM, TEN_AM + HOUR)));
    assert_eq!(sim.balance(BUYER).unwrap(), d("998.80"));
}

#[tokio::test]
async fn a_daily_product_is_billed_after_0159_the_next_day_and_a_minute_product_each_minute() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |w| w.products[0].billing = Billing::Daily).await;
    // 2023-08-16 00:00 +08:00.
    let midnight = TEN_AM + 14 * HOUR;
    advance_to(&sim, midnight + 600).await;
    push(&sim, &id, TEN_AM, midnight, &[("Period", 36_000, None)]);
    advance_to(&sim, midnight + HOUR + 59 * 60 - 1).await;
    assert_eq!(usage_lines(&sim, "2023-08"), []);
    advance_to(&sim, midnight + HOUR + 59 * 60).await;
    assert_eq!(usage_lines(&sim, "2023-08"), [("Period".into(), d("12.00"))]);
    assert_eq!(
        lines(&sim, "2023-08")[0].window,
        Some((midnight - 24 * HOUR, midnight))
    );

    let vendor = self::vendor().await;
    let (sim, id) = opened(&vendor, |w| w.products[0].billing = Billing::Minute).await;
    push(
        &sim,
        &id,
        TEN_AM + 120,
        TEN_AM + 150,
        &[("Frequency", 1000, None)],
    );
    push(
        &sim,
        &id,
        TEN_AM + 150,
        TEN_AM + 170,
        &[("Frequency", 1000, None)],
    );
    advance_to(&sim, TEN_AM + 179).await;
    assert_eq!(usage_lines(&sim, "2023-08"), []);
    advance_to(&sim, TEN_AM + 180).await;
    assert_eq!(usage_lines(&sim, "2023-08"), [("Frequency".into(), d("2.00"))]);
    // A minute's usage that arrives after its minute was billed is a line of its own.
    push(&sim, &id, TEN_AM + 130, TEN_AM + 140, &[("Frequency", 500, None)]);
    advance_to(&sim, TEN_AM + 181).await;
    assert_eq!(
        usage_lines(&sim, "2023-08"),
        [("Frequency".into(), d("2.00")), ("Frequency".into(), d("0.50"))]
    );
}

#[tokio::test]
async fn an_hour_that_ends_a_shanghai_month_is_billed_in_that_month() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    // 2023-09-01 00:00 +08:00.
    let september = 1_693_497_600;
    advance_to(&sim, september + 60).await;
    push(&sim, &id, september - HOUR, september, &[("Period", 3600, None)]);
    advance_to(&sim, september + HOUR).await;
    assert_eq!(usage_lines(&sim, "2023-08"), [("Period".into(), d("1.20"))]);
    assert_eq!(usage_lines(&sim, "2023-09"), []);
    assert_eq!(
        sim.store()
            .bill_months(BUYER)
            .unwrap()
            .iter()
            .map(|m| m.month.as_str())
            .collect::<Vec<_>>(),
        ["2023-08"]
    );
}

#[tokio::test]
async fn orders_and_refunds_are_lines_of_their_own_paid_when_placed_not_from_the_balance() {
    let vendor = vendor().await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let choice = Choice {
        months: Some(1),
        extras: Extras::new(),
    };
    let order = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-standard", &choice)
        .unwrap();
    advance_to(&sim, TEN_AM + 120).await;
    sim.refund(&order.instance_id).unwrap();
    let made: Vec<_> = lines(&sim, "2023-08")
        .into_iter()
        .map(|l| (l.kind, l.amount, l.order_id.unwrap()))
        .collect();
    assert_eq!(
        made,
        [
            (LineKind::SubscriptionOrder, d("299.00"), order.order_id.clone()),
            (LineKind::Refund, d("-299.00"), order.order_id.clone()),
        ]
    );
    assert_eq!(sim.balance(BUYER).unwrap(), d("1000.00"));
}

#[tokio::test]
async fn arrears_that_last_stop_the_instance_and_prolonged_arrears_release_it() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    sim.charge(BUYER, d("1000.01"), "调账").unwrap();
    advance_to(&sim, TEN_AM + 120 + 24 * HOUR).await;
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status.code(),
        "EXPIRED"
    );
    advance_to(&sim, TEN_AM + 120 + 16 * 24 * HOUR).await;
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status.code(),
        "CLOSED"
    );
    let names: Vec<String> = sim
        .store()
        .deliveries(Some(&id))
        .unwrap()
        .into_iter()
        .map(|d| d.action)
        .collect();
    assert_eq!(names, ["createInstance", "expiredInstance", "releaseInstance"]);
    // A payment after the release opens nothing.
    let paid = sim.top_up(BUYER, d("10.00")).unwrap();
    assert_eq!(
        (paid.balance, paid.in_arrears, paid.messages.len()),
        (d("9.99"), false, 0)
    );
}

#[tokio::test]
async fn usage_that_would_cost_more_than_a_line_may_is_refused_and_bills_nothing() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |_| {}).await;
    advance_to(&sim, TEN_AM + HOUR + 60).await;
    let e = try_push(&sim, &id, TEN_AM, TEN_AM + HOUR, &[("Frequency", i64::MAX, None)]).unwrap_err();
    assert_eq!(e.code(), "Invalid.Parameter.Metering");
    assert!(e.message().contains("more than"), "{}", e.message());
    // A window across two hours is refused too: one record is billed in one window.
    let e = try_push(
        &sim,
        &id,
        TEN_AM + 1800,
        TEN_AM + HOUR + 60,
        &[("Frequency", 1, None)],
    )
    .unwrap_err();
    assert!(e.message().contains("bill window"), "{}", e.message());
    advance_to(&sim, TEN_AM + 3 * HOUR).await;
    assert!(sim.store().metering_of(&id).unwrap().is_empty());
    assert_eq!(sim.store().bill_line_count().unwrap(), 0);
}

#[tokio::test]
async fn a_bill_run_that_cannot_read_its_records_sets_them_aside_and_the_clock_moves_on() {
    let vendor = vendor().await;
    let dir = tempfile::tempdir().unwrap();
    let options = || marketsim_simulator::Options {
        data_dir: Some(dir.path().to_owned()),
        ..Default::default()
    };
    let world = || world_with_vendor(&vendor.spi_url());
    let id = {
        let sim = Simulator::open(world(), options()).unwrap();
        let buyer = sim.world().buyer("buyer-1").unwrap().clone();
        let order = sim
            .open_service(&buyer, PRODUCT, "cmgj00061912-payg", &Choice::default())
            .unwrap();
        advance_to(&sim, TEN_AM + HOUR + 60).await;
        push(
            &sim,
            &order.instance_id,
            TEN_AM,
            TEN_AM + HOUR,
            &[("Period", 3600, None)],
        );
        order.instance_id
    };
    let file = dir.path().join(marketsim_simulator::store::FILE_NAME);
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute("UPDATE metering_records SET entities = 'not json'", [])
        .unwrap();
    drop(conn);

    let sim = Simulator::open(world(), options()).unwrap();
    advance_to(&sim, TEN_AM + 3 * HOUR).await;
    assert_eq!(sim.store().bill_line_count().unwrap(), 0);
    assert_eq!(sim.store().next_bill_due().unwrap(), None);
    assert_eq!(sim.clock().now().timestamp(), TEN_AM + 3 * HOUR);
    let conn = rusqlite::Connection::open(&file).unwrap();
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM metering_records WHERE instance_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1, "the record is kept, unbilled");
}

#[tokio::test]
async fn a_bill_of_nothing_on_an_empty_balance_leaves_it_at_zero_not_minus_zero() {
    let vendor = vendor().await;
    let (sim, id) = opened(&vendor, |w| w.buyers[0].balance = Decimal::ZERO).await;
    advance_to(&sim, TEN_AM + HOUR + 60).await;
    push(&sim, &id, TEN_AM, TEN_AM + HOUR, &[("Period", 1, None)]);
    advance_to(&sim, TEN_AM + 2 * HOUR).await;
    assert_eq!(usage_lines(&sim, "2023-08"), [("Period".into(), d("0.00"))]);
    assert_eq!(sim.balance(BUYER).unwrap().to_string(), "0.00");
    assert!(sim.store().arrears_since(BUYER).unwrap().is_none());
}

#[test]
fn a_world_cannot_start_a_buyer_below_zero() {
    let mut world = World::default_world();
    world.buyers[0].balance = d("-1.00");
    let text = serde_yaml::to_string(&world).unwrap();
    let e = World::from_yaml(&text).unwrap_err().to_string();
    assert!(e.contains("balance -1.00"), "{e}");
}

#[tokio::test]
async fn a_payment_reopens_only_what_the_arrears_stopped() {
    let vendor = vendor().await;
    let (sim, stopped) = opened(&vendor, |_| {}).await;
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let expired = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-payg", &Choice::default())
        .unwrap()
        .instance_id;
    advance_to(&sim, TEN_AM + 240).await;
    sim.expire(&expired).unwrap();
    advance_to(&sim, TEN_AM + 300).await;
    sim.charge(BUYER, d("1000.01"), "调账").unwrap();
    advance_to(&sim, TEN_AM + 300 + 24 * HOUR).await;
    let status = |id: &str| sim.store().instance(id).unwrap().unwrap().status.code();
    assert_eq!((status(&stopped), status(&expired)), ("EXPIRED", "EXPIRED"));
    let paid = sim.top_up(BUYER, d("1.00")).unwrap();
    assert_eq!(paid.messages.len(), 1);
    assert_eq!(paid.messages[0].instance_id, stopped);
    assert_eq!((status(&stopped), status(&expired)), ("OPENED", "EXPIRED"));
}
