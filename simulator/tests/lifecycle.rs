//! Life after 开通 against a wiremock vendor that answers every action: a term's end with and
//! without auto-renewal, the grace period, renewals, upgrades, refunds, trials and orderPay, each
//! at its exact virtual time and with the parameters the contract gives.

mod common;

use common::{simulator, world_with_vendor};
use marketsim_simulator::lifecycle::Choice;
use marketsim_simulator::store::orders::{Extras, Status};
use marketsim_simulator::store::purchases::AutoRenewal;
use marketsim_simulator::Simulator;
use protocol::time::spi_format;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::time::Duration;
use testkit::vendor::Vendor;

const DAY: u64 = 24 * 3600;

/// A vendor that opens every instance and takes every other action.
async fn vendor() -> Vendor {
    Vendor::taking_everything("zc-1", "http://vendor/sso").await
}

/// Buys `sku` for buyer-1 as `choice` says and lets createInstance open it: (sim, instance).
async fn bought(vendor: &Vendor, sku: &str, choice: Choice) -> (Simulator, String) {
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", &format!("cmgj00061912-{sku}"), &choice)
        .unwrap();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    assert_eq!(
        sim.store().instance(&order.instance_id).unwrap().unwrap().status,
        Status::Opened
    );
    (sim, order.instance_id)
}

fn months(n: u32) -> Choice {
    Choice {
        months: Some(n),
        extras: Extras::new(),
    }
}

/// A call to the vendor: virtual time of the attempt, action, parameters.
type Call = (String, String, Vec<(String, String)>);

/// The vendor's calls after createInstance.
fn actions(sim: &Simulator, instance: &str) -> Vec<Call> {
    sim.store()
        .deliveries(Some(instance))
        .unwrap()
        .into_iter()
        .filter(|d| d.action != "createInstance")
        .map(|d| {
            let at = chrono::DateTime::from_timestamp_millis(d.at).unwrap();
            (spi_format(at), d.action, d.params)
        })
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[tokio::test]
async fn a_term_ending_unrenewed_expires_at_its_end_and_is_released_a_grace_period_later() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    let create = &vendor.calls().await[0];
    assert_eq!(param(create, "expiredOn"), Some("2023-09-15 10:00:00"));
    assert_eq!(param(create, "trial"), Some("false"));

    sim.clock().advance(Duration::from_secs(31 * DAY)).await.unwrap();
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status,
        Status::Expired
    );
    sim.clock().advance(Duration::from_secs(15 * DAY)).await.unwrap();
    assert_eq!(sim.store().instance(&id).unwrap().unwrap().status, Status::Closed);
    let done = actions(&sim, &id);
    let when: Vec<(&str, &str)> = done.iter().map(|(t, a, _)| (t.as_str(), a.as_str())).collect();
    assert_eq!(
        when,
        [
            ("2023-09-15 10:00:00", "expiredInstance"),
            ("2023-09-30 10:00:00", "releaseInstance")
        ]
    );
    assert_eq!(param(&done[1].2, "isRefund"), Some("false"));
}

#[tokio::test]
async fn auto_renewal_renews_at_the_terms_end_with_an_order_of_its_own() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    let renewal = AutoRenewal {
        cycle: "Month".into(),
        duration: 3,
    };
    sim.store().set_auto_renewal(&id, Some(&renewal), 0).unwrap();
    sim.clock()
        .advance(Duration::from_secs(31 * DAY + 92 * DAY))
        .await
        .unwrap();
    let done = actions(&sim, &id);
    let renewals: Vec<(&str, Option<&str>)> = done
        .iter()
        .map(|(t, a, p)| {
            assert_eq!(a, "renewInstance");
            (t.as_str(), param(p, "expiredOn"))
        })
        .collect();
    assert_eq!(
        renewals,
        [
            ("2023-09-15 10:00:00", Some("2023-12-15 10:00:00")),
            ("2023-12-15 10:00:00", Some("2024-03-15 10:00:00"))
        ]
    );
    let orders = sim.store().orders_of(&id).unwrap();
    assert_eq!(orders.len(), 3);
    assert_eq!(orders[1].order_type, "RENEW");
    assert_eq!(orders[1].price, dec("849.00"));
    assert_eq!(param(&done[0].2, "orderId"), Some(orders[1].order_id.as_str()));
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::Opened);
}

#[tokio::test]
async fn renewing_an_expired_instance_opens_it_again_from_now_and_cancels_its_release() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    sim.clock().advance(Duration::from_secs(40 * DAY)).await.unwrap();
    let order = sim.renew(&id, 12, |_, _| Ok(())).unwrap();
    assert_eq!(order.price, dec("2990.00"));
    sim.clock().advance(Duration::from_secs(30 * DAY)).await.unwrap();
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::Opened);
    let done = actions(&sim, &id);
    let names: Vec<&str> = done.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(names, ["expiredInstance", "renewInstance"]);
    assert_eq!(param(&done[1].2, "expiredOn"), Some("2024-09-24 10:02:00"));
}

#[tokio::test]
async fn a_refund_inside_the_window_releases_with_is_refund_and_after_it_is_refused() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    let (sim2, id2) = bought(&vendor, "standard", months(1)).await;

    sim.clock().advance(Duration::from_secs(4 * DAY)).await.unwrap();
    let refunded = sim.refund(&id).unwrap();
    assert_eq!(refunded.order_status, "REFUND");
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let done = actions(&sim, &id);
    assert_eq!(done[0].1, "releaseInstance");
    assert_eq!(param(&done[0].2, "isRefund"), Some("true"));
    assert_eq!(param(&done[0].2, "orderId"), Some(refunded.order_id.as_str()));
    assert!(sim
        .store()
        .orders_of(&id)
        .unwrap()
        .iter()
        .all(|o| o.is_refunded()));
    assert!(sim.refund(&id).is_err(), "released once");

    sim2.clock().advance(Duration::from_secs(5 * DAY)).await.unwrap();
    let late = sim2.refund(&id2).unwrap_err().to_string();
    assert!(late.contains("refund window closed"), "{late}");
    assert_eq!(
        sim2.store().instance(&id2).unwrap().unwrap().status,
        Status::Opened
    );
}

#[tokio::test]
async fn refunding_a_renewal_not_yet_in_force_rolls_the_expiry_back() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    sim.renew(&id, 3, |_, _| Ok(())).unwrap();
    sim.refund_renewal(&id).unwrap();
    assert!(sim.refund_renewal(&id).is_err(), "nothing left to refund");
    sim.clock().advance(Duration::from_secs(31 * DAY)).await.unwrap();
    let done = actions(&sim, &id);
    let seen: Vec<(&str, Option<&str>)> = done
        .iter()
        .map(|(_, a, p)| (a.as_str(), param(p, "expiredOn")))
        .collect();
    assert_eq!(
        seen,
        [
            ("renewInstance", Some("2023-12-15 10:00:00")),
            ("refundRenewInstance", Some("2023-09-15 10:00:00")),
            ("expiredInstance", None)
        ]
    );
}

#[tokio::test]
async fn an_upgrade_carries_the_target_sku_and_extra_items_priced_for_the_rest_of_the_term() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    // 2023-08-15 10:02 → 2023-09-15 10:00: 30 days 23 h 58 min left.
    let order = sim
        .upgrade(
            &id,
            "cmgj00061912-dedicated",
            &Extras::from([("Count".to_owned(), 2)]),
            |_, _| Ok(()),
        )
        .unwrap();
    // (999 + 2 × 200 − 299) a month for 44,638 of a month's 43,200 minutes: 1136.611…, truncated.
    assert_eq!(order.price, dec("1136.61"));
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let done = actions(&sim, &id);
    assert_eq!(done[0].1, "upgradeInstance");
    assert_eq!(param(&done[0].2, "skuId"), Some("cmgj00061912-dedicated"));
    assert_eq!(param(&done[0].2, "Count"), Some("2"));
    assert_eq!(param(&done[0].2, "orderId"), Some(order.order_id.as_str()));
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.sku_id, "cmgj00061912-dedicated");
    let same = sim.upgrade(
        &id,
        "cmgj00061912-dedicated",
        &Extras::from([("Count".to_owned(), 2)]),
        |_, _| Ok(()),
    );
    assert!(same.is_err(), "nothing would change");
    assert!(sim
        .upgrade(&id, "cmgj00061912-payg", &Extras::new(), |_, _| Ok(()))
        .is_err());
}

#[tokio::test]
async fn a_trial_opens_with_trial_true_ends_after_its_days_and_is_not_renewed() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "trial", Choice::default()).await;
    let create = &vendor.calls().await[0];
    assert_eq!(param(create, "trial"), Some("true"));
    assert_eq!(param(create, "expiredOn"), Some("2023-08-29 10:00:00"));
    assert!(sim.renew(&id, 1, |_, _| Ok(())).is_err());
    sim.clock().advance(Duration::from_secs(14 * DAY)).await.unwrap();
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status,
        Status::Expired
    );
}

#[tokio::test]
async fn order_pay_follows_each_paid_order_when_the_product_asks_for_it() {
    let vendor = vendor().await;
    let mut world = world_with_vendor(&vendor.spi_url());
    world.products[0].order_pay = true;
    let sim = simulator(world);
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", "cmgj00061912-standard", &months(1))
        .unwrap();
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let renewal = sim.renew(&order.instance_id, 1, |_, _| Ok(())).unwrap();
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let done = actions(&sim, &order.instance_id);
    let seen: Vec<(&str, Option<&str>)> = done
        .iter()
        .map(|(_, a, p)| (a.as_str(), param(p, "orderId")))
        .collect();
    assert_eq!(
        seen,
        [
            ("orderPay", Some(order.order_id.as_str())),
            ("renewInstance", Some(renewal.order_id.as_str())),
            ("orderPay", Some(renewal.order_id.as_str()))
        ]
    );
}

#[tokio::test]
async fn the_control_expire_is_the_terms_end_and_its_release_follows_the_grace_period() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "payg", Choice::default()).await;
    sim.expire(&id).unwrap();
    sim.clock().advance(Duration::from_secs(15 * DAY)).await.unwrap();
    let done = actions(&sim, &id);
    let when: Vec<(&str, &str)> = done.iter().map(|(t, a, _)| (t.as_str(), a.as_str())).collect();
    assert_eq!(
        when,
        [
            ("2023-08-15 10:02:00", "expiredInstance"),
            ("2023-08-30 10:02:00", "releaseInstance")
        ]
    );
}

#[tokio::test]
async fn what_the_state_machine_does_not_allow_is_refused_and_changes_nothing() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    let orders = || sim.store().orders_of(&id).unwrap().len();
    let other_product = sim.upgrade(&id, "cmgj00099999-standard", &Extras::new(), |_, _| Ok(()));
    assert!(other_product
        .unwrap_err()
        .to_string()
        .contains("not a SKU of cmgj00061912"));
    let not_sold = sim.renew(&id, 2, |_, _| Ok(())).unwrap_err();
    assert!(
        not_sold.to_string().contains("does not sell a term of 2 months"),
        "{not_sold}"
    );
    assert_eq!(orders(), 1);

    sim.release(&id).unwrap();
    assert!(sim.release(&id).is_err(), "released twice");
    let renewed = sim.renew(&id, 1, |_, _| Ok(())).unwrap_err().to_string();
    assert!(renewed.contains("CLOSED"), "{renewed}");
    assert!(sim.refund(&id).is_err());
    assert!(sim.refund_renewal(&id).is_err());
    assert_eq!(orders(), 1);
    sim.clock().advance(Duration::from_secs(60 * DAY)).await.unwrap();
    let done = actions(&sim, &id);
    let names: Vec<&str> = done.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        ["releaseInstance"],
        "nothing after the release: no term end, no second release"
    );
}

#[tokio::test]
async fn two_renewals_at_once_each_extend_the_term_the_other_left() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    let both: Vec<_> = (0..2)
        .map(|_| {
            let (sim, id) = (sim.clone(), id.clone());
            std::thread::spawn(move || sim.renew(&id, 1, |_, _| Ok(())).unwrap())
        })
        .collect();
    let mut starts: Vec<i64> = both
        .into_iter()
        .map(|t| t.join().unwrap().starts_at.unwrap())
        .collect();
    starts.sort();
    let ends = |ms: i64| spi_format(chrono::DateTime::from_timestamp_millis(ms).unwrap());
    assert_eq!(
        starts.iter().map(|s| ends(*s)).collect::<Vec<_>>(),
        ["2023-09-15 10:00:00", "2023-10-15 10:00:00"]
    );
    let end = sim.store().instance(&id).unwrap().unwrap().expires_at.unwrap();
    assert_eq!(ends(end), "2023-11-15 10:00:00");
}

#[tokio::test]
async fn a_term_that_runs_out_while_the_instance_is_still_opening_ends_when_it_opens() {
    let vendor = Vendor::start().await;
    // createInstance answers "not ready" until the 45th day, then opens; other actions are taken.
    vendor
        .mount(
            testkit::vendor::create_instance()
                .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(r#"{"instanceId":"0"}"#))
                .up_to_n_times(45),
        )
        .await;
    vendor
        .mount(
            testkit::vendor::create_instance().respond_with(testkit::vendor::ready("zc-1", "http://v/sso")),
        )
        .await;
    vendor
        .mount(testkit::vendor::any_action().respond_with(testkit::vendor::success()))
        .await;
    let mut world = world_with_vendor(&vendor.spi_url());
    world.settings.spi_retry_interval = Duration::from_secs(DAY);
    let sim = simulator(world);
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", "cmgj00061912-standard", &months(1))
        .unwrap();
    sim.clock().advance(Duration::from_secs(50 * DAY)).await.unwrap();
    let done = actions(&sim, &order.instance_id);
    let when: Vec<(&str, &str)> = done.iter().map(|(t, a, _)| (t.as_str(), a.as_str())).collect();
    // Opened on the 46th attempt, 45 days after the first: past the term's end, so expired at once.
    assert_eq!(when, [("2023-09-29 10:02:00", "expiredInstance")]);
}

#[tokio::test]
async fn a_buyer_in_arrears_buys_no_pay_as_you_go_and_is_stopped_until_the_debt_is_paid() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "payg", Choice::default()).await;
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let over = sim.balance(&buyer.ali_uid).unwrap() + Decimal::new(1, 2);
    let charged = sim.charge(&buyer.ali_uid, over, "调账").unwrap();
    assert_eq!(charged.balance, Decimal::new(-1, 2));
    assert!(charged.in_arrears);
    let refused = sim.open_service(&buyer, "cmgj00061912", "cmgj00061912-payg", &Choice::default());
    assert!(refused.unwrap_err().to_string().contains("arrears"));
    // A subscription is paid up front, so it can still be bought.
    sim.open_service(&buyer, "cmgj00061912", "cmgj00061912-standard", &months(1))
        .unwrap();
    // The world's arrears_grace (a day) later, the pay-as-you-go instance stops.
    sim.clock().advance(Duration::from_secs(DAY)).await.unwrap();
    let paid = sim.top_up(&buyer.ali_uid, Decimal::new(1, 2)).unwrap();
    assert_eq!((paid.balance, paid.in_arrears), (Decimal::ZERO, false));
    sim.open_service(&buyer, "cmgj00061912", "cmgj00061912-payg", &Choice::default())
        .unwrap();
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let names: Vec<String> = actions(&sim, &id).into_iter().map(|(_, a, _)| a).collect();
    assert_eq!(names, ["expiredInstance", "renewInstance"]);
}

#[tokio::test]
async fn expiring_an_instance_early_ends_its_term_so_a_renewal_counts_from_then() {
    let vendor = vendor().await;
    let (sim, id) = bought(&vendor, "standard", months(1)).await;
    sim.expire(&id).unwrap();
    let end = sim.store().instance(&id).unwrap().unwrap().expires_at.unwrap();
    assert_eq!(
        spi_format(chrono::DateTime::from_timestamp_millis(end).unwrap()),
        "2023-08-15 10:02:00"
    );
}

#[tokio::test]
async fn auto_renewal_renews_for_the_skus_shortest_term_when_it_no_longer_sells_the_one_chosen() {
    let vendor = vendor().await;
    let mut world = world_with_vendor(&vendor.spi_url());
    let dedicated = world.products[0]
        .skus
        .iter_mut()
        .find(|s| s.id == "cmgj00061912-dedicated")
        .unwrap();
    dedicated.terms.retain(|t| t.months == 12);
    let sim = simulator(world);
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, "cmgj00061912", "cmgj00061912-standard", &months(1))
        .unwrap();
    let id = order.instance_id;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let monthly = AutoRenewal {
        cycle: "Month".into(),
        duration: 1,
    };
    sim.store().set_auto_renewal(&id, Some(&monthly), 0).unwrap();
    sim.upgrade(&id, "cmgj00061912-dedicated", &Extras::new(), |_, _| Ok(()))
        .unwrap();
    sim.clock().advance(Duration::from_secs(31 * DAY)).await.unwrap();
    let renewals: Vec<Option<String>> = actions(&sim, &id)
        .iter()
        .filter(|(_, a, _)| a == "renewInstance")
        .map(|(_, _, p)| param(p, "expiredOn").map(str::to_owned))
        .collect();
    assert_eq!(renewals, [Some("2024-09-15 10:00:00".to_owned())]);
}
