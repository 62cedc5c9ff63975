//! 生产消息, the vendor's seller page, through the app as a browser without JavaScript would use
//! it: the vendor signs in with its sandbox account, finds an orderPay that gave up, reads its
//! attempts and sends it again — once more, or with its try counter reset — and sees nothing of
//! another vendor's, while a buyer's session does not open the page at all.

mod common;

use axum::http::StatusCode;
use common::{simulator, world_with_vendor, Client, Page};
use marketsim_simulator::store::messages::MessageState;
use marketsim_simulator::world::Vendor as WorldVendor;
use marketsim_simulator::{Simulator, World};
use std::time::Duration;
use testkit::Vendor;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

/// A seeded open instance of the world's product (the vendor zilliz's).
const INSTANCE: &str = "15511111";
const LIST: &str = "/seller/messages";
const SELLER: &str = "zilliz-seller";

/// A vendor whose SPI answers every call with `status`.
async fn vendor_answering(status: u16) -> Vendor {
    let vendor = Vendor::start().await;
    let body = r#"{"success":true}"#;
    vendor
        .mount(Mock::given(method("GET")).respond_with(ResponseTemplate::new(status).set_body_string(body)))
        .await;
    vendor
}

/// The default world plus a second vendor, acme, who sells nothing of the world's.
fn world_with_two_vendors(vendor: &Vendor) -> World {
    let mut world = world_with_vendor(&vendor.spi_url());
    world.vendors.push(WorldVendor {
        id: "acme".into(),
        name: "Acme".into(),
        login: "acme-seller".into(),
        password: "acme-seller-pass".into(),
        spi_url: "http://127.0.0.1:9/spi".into(),
        spi_key: "acme-key".into(),
        access_key_id: "LTAI5tAcmeVendor00001".into(),
        access_key_secret: "AcmeSecret".into(),
    });
    world
}

/// An orderPay to [`INSTANCE`] that ran through its whole schedule (8 h 38 m) and gave up.
async fn gave_up_order_pay(sim: &Simulator) -> i64 {
    let message = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().advance(Duration::from_secs(10 * 3600)).await.unwrap();
    let message = sim.store().message(message.id).unwrap().unwrap();
    assert_eq!((message.state, message.attempts), (MessageState::Failed, 12));
    message.id
}

/// The rows of the page's tables (header rows left out), each cell's text.
fn rows(page: &Page) -> Vec<Vec<String>> {
    page.table_rows("table")
}

#[tokio::test]
async fn a_vendor_signs_in_with_its_sandbox_account_and_lands_on_生产消息() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut client = Client::new(&sim);
    let form = client.browser.get("/signin").await;
    assert!(form.text().contains("服务商沙箱账号"), "{}", form.body);
    assert!(form.text().contains("zilliz-seller zilliz-seller-pass Zilliz"));
    let signed_in = client.sign_in(SELLER, "zilliz-seller-pass", "/").await;
    assert_eq!(signed_in.location.as_deref(), Some(LIST));
    let page = client.browser.open(LIST).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.links("生产消息"), [LIST]);
    assert!(page.text().contains("服务商 Zilliz (zilliz-seller)"));
    assert!(page.text().contains("没有符合条件的消息。"));
}

#[tokio::test]
async fn a_wrong_vendor_password_is_refused() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut client = Client::new(&sim);
    let refused = client.sign_in(SELLER, "buyer-1-pass", LIST).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(client.browser.get(LIST).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_order_pay_that_gave_up_is_listed_with_its_attempts() {
    let vendor = vendor_answering(500).await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = gave_up_order_pay(&sim).await;
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let list = client.browser.open(LIST).await;
    assert_eq!(
        rows(&list),
        [[
            id.to_string(),
            "orderPay".into(),
            INSTANCE.into(),
            "2023-08-15 10:00:00".into(),
            "12".into(),
            "生产失败".into(),
            "调用记录".into(),
        ]]
    );
    let detail = client.browser.open(&list.link("调用记录")).await;
    assert_eq!(detail.status, StatusCode::OK);
    let attempts: Vec<Vec<String>> = rows(&detail).into_iter().filter(|r| r.len() == 8).collect();
    assert_eq!(attempts.len(), 12);
    assert_eq!(
        attempts[0][..4],
        ["1", "2023-08-15 10:00:00", "500", "服务商返回错误状态码"]
    );
    assert_eq!(attempts[0][6], "2023-08-15 10:01:00", "the next attempt");
    assert_eq!(attempts[11][..2], ["12", "2023-08-15 18:38:00"]);
    assert_eq!(attempts[11][6], "—", "gave up");
    assert_eq!(attempts[0][7], r#"{"success":true}"#, "the vendor's answer");
    assert!(detail.text().contains("生产失败"));
}

#[tokio::test]
async fn 重新发送_sends_a_message_that_gave_up_once_more() {
    let vendor = vendor_answering(500).await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = gave_up_order_pay(&sim).await;
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let detail = client.browser.open(&format!("{LIST}/{id}")).await;
    let action = format!("{LIST}/{id}/resend");
    let after = client.browser.submit(&detail, &action, &[]).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert!(after.text().contains("重试中"), "{}", after.text());
    let m = sim.store().message(id).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (MessageState::Pending, 12), "tries kept");
    sim.clock().run_due_now().await;
    let m = sim.store().message(id).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (MessageState::Failed, 13), "one more try");
    assert_eq!(vendor.calls().await.len(), 13);
}

#[tokio::test]
async fn 重置生产次数_counts_the_tries_from_zero_and_runs_the_schedule_again() {
    let vendor = vendor_answering(500).await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = gave_up_order_pay(&sim).await;
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let detail = client.browser.open(&format!("{LIST}/{id}")).await;
    let after = client
        .browser
        .submit(&detail, &format!("{LIST}/{id}/reset"), &[])
        .await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert!(after.text().contains("等待发送"), "{}", after.text());
    sim.clock().run_due_now().await;
    let m = sim.store().message(id).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (MessageState::Pending, 1));
    let list = client.browser.open(LIST).await;
    assert_eq!(rows(&list)[0][4], "1");
    assert_eq!(rows(&list)[0][5], "重试中 下次尝试：2023-08-15 20:01:00");
}

#[tokio::test]
async fn a_message_that_did_not_give_up_is_not_sent_again() {
    let vendor = vendor_answering(200).await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let delivered = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().run_due_now().await;
    let pending = sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let detail = client.browser.open(&format!("{LIST}/{}", delivered.id)).await;
    assert!(detail.text().contains("只有生产失败的消息可以重新发送。"));
    let forms = detail.attrs("form", "action");
    assert!(
        !forms
            .iter()
            .any(|a| a.ends_with("/resend") || a.ends_with("/reset")),
        "{forms:?}"
    );
    let csrf = detail.field("csrf");
    for (id, words) in [(delivered.id, "已送达"), (pending.id, "仍在投递中")] {
        let refused = client
            .browser
            .post(&format!("{LIST}/{id}/resend"), &[("csrf", &csrf)])
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT);
        assert!(refused.text().contains(words), "{}", refused.text());
    }
}

#[tokio::test]
async fn a_form_without_the_sessions_csrf_token_is_refused() {
    let vendor = vendor_answering(500).await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = gave_up_order_pay(&sim).await;
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    for fields in [&[][..], &[("csrf", "forged")][..]] {
        for verb in ["resend", "reset"] {
            let refused = client.browser.post(&format!("{LIST}/{id}/{verb}"), fields).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{verb} {fields:?}");
        }
    }
    assert_eq!(
        sim.store().message(id).unwrap().unwrap().state,
        MessageState::Failed
    );
}

#[tokio::test]
async fn another_vendors_message_is_not_found() {
    let vendor = vendor_answering(500).await;
    let sim = simulator(world_with_two_vendors(&vendor));
    let id = gave_up_order_pay(&sim).await;
    let mut acme = Client::signed_in_vendor(&sim, "acme-seller").await;
    let list = acme.browser.open(LIST).await;
    assert!(rows(&list).is_empty(), "{}", list.body);
    assert_eq!(
        acme.browser.get(&format!("{LIST}/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = list.field("csrf");
    for verb in ["resend", "reset"] {
        let refused = acme
            .browser
            .post(&format!("{LIST}/{id}/{verb}"), &[("csrf", &csrf)])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{verb}");
    }
    assert_eq!(
        acme.browser.get(&format!("{LIST}/x")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sim.store().message(id).unwrap().unwrap().state,
        MessageState::Failed
    );
}

#[tokio::test]
async fn a_buyer_does_not_open_生产消息_and_a_vendor_no_buyer_page() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let refused = buyer.browser.get(LIST).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert_eq!(
        refused.location.as_deref(),
        Some("/signin?return=%2Fseller%2Fmessages")
    );
    assert_eq!(
        buyer.browser.get(&format!("{LIST}/1")).await.status,
        StatusCode::SEE_OTHER
    );
    let mut seller = Client::signed_in_vendor(&sim, SELLER).await;
    for page in ["/console/services", "/console/bills"] {
        let refused = seller.browser.get(page).await;
        assert_eq!(refused.status, StatusCode::SEE_OTHER, "{page}");
        assert!(refused.location.unwrap().starts_with("/signin"), "{page}");
    }
}

#[tokio::test]
async fn a_vendor_signs_out() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let page = client.browser.open(LIST).await;
    let out = client.browser.submit(&page, "/signout", &[]).await;
    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(client.browser.get(LIST).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_list_is_filtered_by_instance_action_and_state_and_paged_newest_first() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    for _ in 0..21 {
        sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    }
    sim.deliver("15512222", "orderPay", &[]).unwrap();
    sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    let mut client = Client::signed_in_vendor(&sim, SELLER).await;
    let first = client.browser.open(LIST).await;
    let ids: Vec<i64> = rows(&first).iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    assert!(first.text().contains("共 23 条，第 1 / 2 页"));
    let second = client.browser.open(&first.link("下一页")).await;
    assert_eq!(rows(&second).len(), 3);
    assert_eq!(second.links("上一页").len(), 1);

    let renewals = client
        .browser
        .open(&format!("{LIST}?instance=&action=renewInstance&state="))
        .await;
    let actions: Vec<String> = rows(&renewals).iter().map(|r| r[1].clone()).collect();
    assert_eq!(actions, ["renewInstance"]);
    let of_instance = client.browser.open(&format!("{LIST}?instance=15512222")).await;
    assert_eq!(rows(&of_instance).len(), 1);
    let failed = client.browser.open(&format!("{LIST}?state=failed")).await;
    assert!(rows(&failed).is_empty());
    let pending = client
        .browser
        .open(&format!("{LIST}?state=pending&action=orderPay&page=2"))
        .await;
    assert_eq!(rows(&pending).len(), 2);
    assert!(pending.text().contains("共 22 条，第 2 / 2 页"));
    for bad in ["state=lost", "action=verify", "page=0", "page=x"] {
        let refused = client.browser.get(&format!("{LIST}?{bad}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}
