//! The buyer's pages for terms, clicked as a browser without JavaScript would: 开通 a subscription
//! with a term and extra items chosen (查看价格 first), then 续费, 升级, 自动续费 and 退订 from 详情,
//! each with its price before paying; and what they refuse.

mod common;

use axum::http::StatusCode;
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::store::orders::Status;
use marketsim_simulator::Simulator;
use std::time::Duration;
use testkit::vendor::Vendor;

const PRODUCT: &str = "cmgj00061912";

async fn vendor() -> Vendor {
    Vendor::taking_everything("zc-1", "http://vendor/sso").await
}

/// Opens `sku` for `months` through the 开通 dialog (查看价格, then 开通) and lets it open.
async fn open(client: &mut Client, sku: &str, months: &str) -> String {
    let query = format!("/products/{PRODUCT}/open?sku={PRODUCT}-{sku}&months={months}");
    let dialog = client.browser.open(&query).await;
    assert!(dialog.text().contains("应付金额"), "{}", dialog.body);
    let done = client
        .browser
        .submit(&dialog, &format!("/products/{PRODUCT}/open"), &[("agree", "yes")])
        .await;
    assert!(done.text().contains("开通申请已提交"), "{}", done.body);
    client
        .sim
        .clock()
        .advance(Duration::from_secs(120))
        .await
        .unwrap();
    let instances = client.sim.store().instances_of("1763420985012345").unwrap();
    let i = &instances[0];
    assert_eq!(i.status, Status::Opened);
    i.instance_id.clone()
}

async fn signed_in(vendor: &Vendor) -> (Simulator, Client) {
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let client = Client::signed_in(&sim, "buyer-1").await;
    (sim, client)
}

#[tokio::test]
async fn the_open_dialog_prices_the_term_and_extra_items_before_buying_them() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let dialog = client
        .browser
        .open(&format!(
            "/products/{PRODUCT}/open?sku={PRODUCT}-dedicated&months=3&extra.Count=2"
        ))
        .await;
    // 2849 for three months, and 2 clusters × 200 × 3.
    assert!(dialog.text().contains("应付金额：¥4049.00"), "{}", dialog.body);
    let done = client
        .browser
        .submit(&dialog, &format!("/products/{PRODUCT}/open"), &[("agree", "yes")])
        .await;
    assert!(done.text().contains("开通申请已提交"), "{}", done.body);
    let i = &sim.store().instances_of("1763420985012345").unwrap()[0];
    assert_eq!(i.sku_id, format!("{PRODUCT}-dedicated"));
    assert_eq!(i.extras.get("Count"), Some(&2));
    let too_many = client
        .browser
        .open(&format!(
            "/products/{PRODUCT}/open?sku={PRODUCT}-dedicated&extra.Count=11"
        ))
        .await;
    assert!(
        too_many.text().contains("集群数须在 1 到 10 之间"),
        "{}",
        too_many.body
    );
}

#[tokio::test]
async fn renewing_from_the_detail_page_shows_the_price_first_and_lists_the_order() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;
    let list = client.browser.open("/console/services").await;
    assert!(
        list.links("续费").iter().any(|l| l.ends_with("/renew")),
        "{}",
        list.body
    );

    let renew = client
        .browser
        .open(&format!("/console/services/{id}/renew?months=12"))
        .await;
    assert!(renew.text().contains("应付金额：¥2990.00"), "{}", renew.body);
    assert!(
        renew.text().contains("2024-09-15 10:00:00"),
        "the new end: {}",
        renew.body
    );
    let detail = client
        .browser
        .submit(&renew, &format!("/console/services/{id}/renew"), &[])
        .await;
    assert!(detail.text().contains("续费"), "{}", detail.body);
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().expires_at,
        Some(1726365600000),
        "2024-09-15 10:00 +08:00"
    );
}

#[tokio::test]
async fn auto_renewal_is_switched_on_and_off_on_the_detail_page() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;
    let path = format!("/console/services/{id}/auto-renew");
    let detail = client.browser.open(&format!("/console/services/{id}")).await;
    let on = client.browser.submit(&detail, &path, &[("months", "3")]).await;
    assert!(on.text().contains("已开启，每次续费 3个月"), "{}", on.body);
    let renewal = sim.store().purchase_extras(&id).unwrap().auto_renewal.unwrap();
    assert_eq!((renewal.cycle.as_str(), renewal.duration), ("Month", 3));
    let off = client.browser.submit(&on, &path, &[]).await;
    assert!(off.text().contains("开启自动续费"), "{}", off.body);
    assert!(sim.store().purchase_extras(&id).unwrap().auto_renewal.is_none());
}

#[tokio::test]
async fn an_upgrade_and_a_refund_are_placed_from_their_pages_and_a_late_refund_is_refused() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;
    let upgrade = client
        .browser
        .open(&format!(
            "/console/services/{id}/upgrade?sku={PRODUCT}-dedicated&extra.Count=1"
        ))
        .await;
    assert!(upgrade.text().contains("应付金额：¥"), "{}", upgrade.body);
    client
        .browser
        .submit(&upgrade, &format!("/console/services/{id}/upgrade"), &[])
        .await;
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().sku_id,
        format!("{PRODUCT}-dedicated")
    );

    sim.clock()
        .advance(Duration::from_secs(6 * 24 * 3600))
        .await
        .unwrap();
    let refund = client
        .browser
        .open(&format!("/console/services/{id}/refund"))
        .await;
    let late = client
        .browser
        .post(
            &format!("/console/services/{id}/refund"),
            &[("csrf", &refund.field("csrf"))],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.text().contains("已超过无理由退订期限"), "{}", late.body);
    assert_eq!(sim.store().instance(&id).unwrap().unwrap().status, Status::Opened);
}

#[tokio::test]
async fn a_refund_inside_the_window_releases_the_instance() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;
    let refund = client
        .browser
        .open(&format!("/console/services/{id}/refund"))
        .await;
    assert!(refund.text().contains("退款 ¥299.00"), "{}", refund.body);
    client
        .browser
        .submit(&refund, &format!("/console/services/{id}/refund"), &[])
        .await;
    assert_eq!(sim.store().instance(&id).unwrap().unwrap().status, Status::Closed);
}

#[tokio::test]
async fn orders_without_the_sessions_token_or_for_another_buyers_instance_change_nothing() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;
    let forged = client
        .browser
        .post(&format!("/console/services/{id}/renew"), &[("months", "1")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let mut other = Client::signed_in(&sim, "buyer-2").await;
    let theirs = other.browser.get(&format!("/console/services/{id}/renew")).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.store().orders_of(&id).unwrap().len(), 1);
}

#[tokio::test]
async fn what_a_signed_out_buyer_chose_survives_signing_in() {
    let vendor = vendor().await;
    let (sim, mut client) = signed_in(&vendor).await;
    let id = open(&mut client, "standard", "1").await;

    // The product page's link to a SKU, followed signed out: 登录, then the dialog as chosen.
    let mut browser = Client::new(&sim).browser;
    let chosen = format!("/products/{PRODUCT}/open?sku={PRODUCT}-standard&months=12");
    let signin = browser.open(&chosen).await;
    let buyer = [("login", "buyer-1"), ("password", "buyer-1-pass")];
    let dialog = browser.submit(&signin, "/signin", &buyer).await;
    assert!(dialog.text().contains("开通包年包月服务"), "{}", dialog.body);
    assert!(dialog.text().contains("应付金额：¥2990.00"), "{}", dialog.body);

    // A 续费 priced signed in, opened again after the session is gone.
    let mut browser = Client::new(&sim).browser;
    let signin = browser
        .open(&format!("/console/services/{id}/renew?months=12"))
        .await;
    let renew = browser.submit(&signin, "/signin", &buyer).await;
    assert!(renew.text().contains("应付金额：¥2990.00"), "{}", renew.body);
}
