//! The buyer's pages through the app, as a browser without JavaScript would use them.

mod common;

use axum::http::StatusCode;
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::store::orders::Status;
use std::time::Duration;
use testkit::Vendor;

const PRODUCT: &str = "/products/cmgj00061912";

async fn vendor_answering(auth_url: &str) -> Vendor {
    Vendor::answering("zc-42", auth_url).await
}

#[tokio::test]
async fn signed_out_立即开通_leads_to_sign_in_and_back() {
    let sim = Client::new(&simulator(world_with_vendor("http://127.0.0.1:9/"))).sim;
    let mut client = Client::new(&sim);
    let product = client.browser.get(PRODUCT).await;
    assert_eq!(product.status, StatusCode::OK);
    let open = product.links("立即开通");
    assert_eq!(open, ["/products/cmgj00061912/open"]);
    let to_sign_in = client.browser.get(&open[0]).await;
    assert_eq!(to_sign_in.status, StatusCode::SEE_OTHER);
    let sign_in_url = to_sign_in.location.unwrap();
    assert_eq!(sign_in_url, "/signin?return=%2Fproducts%2Fcmgj00061912%2Fopen");
    let form = client.browser.get(&sign_in_url).await;
    assert_eq!(
        form.find_field("return").as_deref(),
        Some("/products/cmgj00061912/open")
    );
    let back = client
        .browser
        .post(
            "/signin",
            &[
                ("csrf", &form.find_field("csrf").unwrap()),
                ("login", "buyer-1"),
                ("password", "buyer-1-pass"),
                ("return", &form.find_field("return").unwrap()),
            ],
        )
        .await;
    assert_eq!(back.location.as_deref(), Some("/products/cmgj00061912/open"));
    let cookie = back.set_cookie[0].clone();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Domain"));
    let dialog = client.browser.get("/products/cmgj00061912/open").await;
    assert!(
        dialog.text().contains("开通按量服务")
            && dialog.text().contains("同意商品在线协议及云市场平台服务协议")
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_a_foreign_return_path_is_not_followed() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut client = Client::new(&sim);
    let wrong = client.sign_in("buyer-1", "nope", "/console/bills").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.text().contains("账号名或密码错误"));
    assert_eq!(wrong.find_field("return").as_deref(), Some("/console/bills"));
    let ok = client.sign_in("buyer-1", "buyer-1-pass", "//evil.example/").await;
    assert_eq!(ok.location.as_deref(), Some("/console/services"));
}

#[tokio::test]
async fn 开通_without_the_tick_is_refused_by_the_server_and_creates_nothing() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let dialog = buyer.browser.get("/products/cmgj00061912/open").await;
    let csrf = dialog.find_field("csrf").unwrap();
    let refused = buyer
        .browser
        .post(
            "/products/cmgj00061912/open",
            &[("csrf", &csrf), ("sku", "cmgj00061912-payg")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("请先阅读并勾选"));
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
}

#[tokio::test]
async fn a_form_without_the_csrf_token_or_with_a_forged_sku_changes_nothing() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let no_csrf = buyer
        .browser
        .post("/products/cmgj00061912/open", &[("agree", "yes")])
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let csrf = buyer
        .browser
        .get("/products/cmgj00061912/open")
        .await
        .find_field("csrf")
        .unwrap();
    let forged = buyer
        .browser
        .post(
            "/products/cmgj00061912/open",
            &[("csrf", &csrf), ("agree", "yes"), ("sku", "cmgj00061912-gold")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(sim.store().instances_of("1763420985012345").unwrap().is_empty());
}

#[tokio::test]
async fn after_开通_the_notice_leads_to_the_list_which_refreshes_while_opening() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let csrf = buyer
        .browser
        .get("/products/cmgj00061912/open")
        .await
        .find_field("csrf")
        .unwrap();
    let done = buyer
        .browser
        .post(
            "/products/cmgj00061912/open",
            &[("csrf", &csrf), ("agree", "yes"), ("sku", "cmgj00061912-payg")],
        )
        .await;
    let notice = buyer.browser.get(&done.location.unwrap()).await;
    assert!(notice.text().contains("开通申请已提交，约需要1 - 5分钟完成开通"));
    assert_eq!(notice.links("确定"), ["/console/services"]);
    let list = buyer.browser.get("/console/services").await;
    let text = list.text();
    assert!(text.contains("已购买服务列表") && text.contains("Zilliz Cloud") && text.contains("开通中"));
    assert!(text.contains("下次尝试：2023-08-15 10:02:00"), "{text}");
    assert!(list.body.contains(r#"http-equiv="refresh""#));
    assert!(
        list.links("免登").is_empty(),
        "no 免登 before the instance is open"
    );
}

#[tokio::test]
async fn 免登_sends_the_browser_to_the_auth_url_with_a_fresh_verify_token() {
    let vendor = vendor_answering("http://localhost:8081/aliyun/sso?tenant=z").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let id = buyer.open_service().await;
    sim.clock().advance(Duration::from_secs(180)).await.unwrap();
    let list = buyer.browser.get("/console/services").await;
    assert!(list.text().contains("已开通"));
    assert!(!list.body.contains(r#"http-equiv="refresh""#));
    let sso = list.links("免登");
    assert_eq!(sso, [format!("/console/services/{id}/sso")]);
    let notice = buyer.browser.get(&sso[0]).await;
    assert!(notice.text().contains("提示") && notice.body.contains(r#"role="dialog""#));
    let csrf = notice.find_field("csrf").unwrap();
    let go = buyer.browser.post(&sso[0], &[("csrf", &csrf)]).await;
    assert_eq!(go.status, StatusCode::SEE_OTHER);
    let location = go.location.unwrap();
    let (base, query) = location
        .split_once("?tenant=z&")
        .expect("appended with & to the existing query");
    assert_eq!(base, "http://localhost:8081/aliyun/sso");
    let params = protocol::spi::decode_query(query);
    assert_eq!(params[0], ("action".into(), "verify".into()));
    assert_eq!(
        params[1],
        ("instanceId".into(), "zc-42".into()),
        "the vendor's id, not orderBizId"
    );
    assert_eq!(params[2], ("timeStamp".into(), "2023-08-15 10:03:00".into()));
    let mut signed = params.clone();
    signed.push(("tenant".into(), "z".into()));
    assert!(protocol::spi::verify(&signed, "zilliz-spi-key-8c1f2b7e").is_ok());
}

#[tokio::test]
async fn details_show_what_the_vendor_returned_and_every_attempt() {
    let vendor = vendor_answering("http://v/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let id = buyer.open_service().await;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let detail = buyer.browser.get(&format!("/console/services/{id}")).await.text();
    for expected in [
        "详情",
        "zc-42",
        "应用信息",
        "http://v/sso",
        "主机&备案信息",
        "备注",
        "服务商已接收",
        &id,
    ] {
        assert!(detail.contains(expected), "{expected} missing from {detail}");
    }
    let guide = buyer.browser.get(&format!("/console/services/{id}/guide")).await;
    assert!(guide.text().contains("使用指南") && guide.text().contains("免登"));
}

#[tokio::test]
async fn another_buyers_instance_and_order_read_as_not_found() {
    let vendor = vendor_answering("http://v/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let mut owner = Client::signed_in(&sim, "buyer-1").await;
    let id = owner.open_service().await;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let order = sim.store().instance(&id).unwrap().unwrap().order_id;
    let mut other = Client::signed_in(&sim, "buyer-2").await;
    for path in [
        format!("/console/services/{id}"),
        format!("/console/services/{id}/sso"),
        format!("/console/services/{id}/guide"),
        format!("/orders/{order}/submitted"),
        "/console/services/99999999".to_string(),
    ] {
        assert_eq!(
            other.browser.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let csrf = other
        .browser
        .get("/products/cmgj00061912/open")
        .await
        .find_field("csrf")
        .unwrap();
    let stolen = other
        .browser
        .post(&format!("/console/services/{id}/sso"), &[("csrf", &csrf)])
        .await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    assert!(other
        .browser
        .get("/console/services")
        .await
        .text()
        .contains("您还没有购买服务"));
}

#[tokio::test]
async fn 免登_is_refused_while_opening() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let id = buyer.open_service().await;
    let refused = buyer.browser.get(&format!("/console/services/{id}/sso")).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("开通完成后才能免登"));
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status,
        Status::Opening
    );
}

#[tokio::test]
async fn the_bill_page_asks_to_sign_in_and_says_when_a_month_has_no_bill() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut client = Client::new(&sim);
    let ask = client.browser.get("/console/bills").await;
    assert_eq!(
        ask.location.as_deref(),
        Some("/signin?return=%2Fconsole%2Fbills%3Fmonth%3D2023-08")
    );
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let bill = buyer.browser.get("/console/bills").await.text();
    assert!(
        bill.contains("2023年8月") && bill.contains("¥0.00") && bill.contains("本账期暂无云市场账单"),
        "{bill}"
    );
    assert_eq!(
        buyer.browser.get("/console/bills?month=2023-13").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn unknown_pages_and_products_are_not_found_and_signing_out_forgets_the_session() {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    assert_eq!(
        buyer.browser.get("/products/cmgj99999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        buyer.browser.get("/products").await.links("Zilliz Cloud"),
        ["/products/cmgj00061912"]
    );
    assert_eq!(
        buyer.browser.get("/").await.location.as_deref(),
        Some("/products")
    );
    let old_cookie = buyer.browser.cookie.clone();
    let page = buyer.browser.get("/products").await;
    let csrf = page.form_field("/signout", "csrf");
    buyer.browser.post("/signout", &[("csrf", &csrf)]).await;
    buyer.browser.cookie = old_cookie;
    assert_eq!(
        buyer.browser.get("/console/services").await.status,
        StatusCode::SEE_OTHER
    );
}
