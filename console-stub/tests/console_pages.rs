//! The console behind the navigation: 账单概览's figures and payment channel, the seed's
//! navigation, direct sign-in, cookies, and byte-identical replays.

mod common;

use axum::http::StatusCode;
use common::*;
use protocol::time::parse_instant;

#[tokio::test]
async fn 账单概览_before_binding_shows_the_seed_figures_and_an_entry_to_the_marketplace() {
    let c = console();
    let mut admin = c.browser();
    sign_in(&mut admin, ADMIN).await;
    let page = admin.open(&format!("/orgs/{ZILLIZ}/billing")).await;
    assert_eq!(page.texts("nav.tabs a"), ["账单概览", "用量明细", "历史账单"]);
    assert_eq!(
        page.texts("section.card h2"),
        ["当月账单", "云市场扣费渠道", "免费额度"]
    );
    assert_eq!(
        page.texts("section.card table th"),
        ["应付总额", "账单周期", "下个账单日"]
    );
    assert_eq!(
        page.texts("section.card table td"),
        ["¥0.00", "2023年8月1日 - 2023年9月1日", "2023年9月1日"]
    );
    assert!(page.text().contains("免费额度 剩余 ¥0.00 本月已抵扣 ¥0.00"));
    assert_eq!(
        page.link("前往阿里云云市场"),
        "http://127.0.0.1:8080/products/cmgj00061912"
    );
    assert!(!page.text().contains("查看阿里云账单"));
    let current = admin.open(&page.link("查看当月账单")).await;
    assert_eq!(current.status, StatusCode::OK);
    assert!(current.text().contains("应付总额 ¥0.00"));
    let history = admin.open(&page.link("历史账单")).await;
    assert!(history.text().contains("暂无历史账单"));
}

#[tokio::test]
async fn the_billing_period_follows_the_clock_in_shanghai_across_a_year_end() {
    let c = console();
    let mut admin = c.browser();
    sign_in(&mut admin, ADMIN).await;
    // 2023-12-31 16:30 UTC is already 2024-01-01 in Shanghai.
    c.clock
        .advance_to(parse_instant("2023-12-31T16:30:00Z").unwrap())
        .await
        .unwrap();
    let page = admin.open(&format!("/orgs/{ZILLIZ}/billing")).await;
    assert_eq!(
        page.texts("section.card table td")[1..],
        ["2024年1月1日 - 2024年2月1日", "2024年2月1日"]
    );
    c.clock
        .advance_to(parse_instant("2024-12-15T10:00:00+08:00").unwrap())
        .await
        .unwrap();
    let page = admin.open(&format!("/orgs/{ZILLIZ}/billing")).await;
    assert_eq!(page.texts("section.card table td")[2], "2025年1月1日");
}

#[tokio::test]
async fn the_console_shows_the_seed_navigation_and_each_entry_is_a_real_page() {
    let c = console();
    let mut admin = c.browser();
    let home = sign_in(&mut admin, ADMIN).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.texts("header .brand"), ["zilliz"]);
    assert_eq!(home.texts("header .user"), ["miaomiao"]);
    assert_eq!(home.texts("nav.top a"), ["项目", "账单", "组织用户", "文档"]);
    assert_eq!(
        home.texts("aside a"),
        ["组织", "项目", "账单", "组织用户", "事件", "系统设置", "回收站"]
    );
    for href in home.attrs("aside a, nav.top a", "href") {
        assert_eq!(admin.open(&href).await.status, StatusCode::OK, "{href}");
    }
    assert!(home.text().contains("Default Project"));
    assert!(home.text().contains("向量检索演示"));
    let members = admin.open(&home.link("组织用户")).await;
    assert_eq!(members.texts("tbody tr").len(), 2);
    assert!(members.text().contains("xiaoming xiaoming@zilliz.com 组织成员"));
}

#[tokio::test]
async fn 创建集群_carries_the_entry_to_the_marketplace_until_the_org_is_bound() {
    let c = console();
    let mut admin = c.browser();
    let home = sign_in(&mut admin, ADMIN).await;
    let page = admin.open(&home.link("创建集群")).await;
    assert_eq!(
        page.link("前往阿里云云市场"),
        "http://127.0.0.1:8080/products/cmgj00061912"
    );
}

#[tokio::test]
async fn direct_sign_in_without_a_link_lands_in_the_console_and_sign_out_ends_it() {
    let c = console();
    let mut admin = c.browser();
    let login = admin.open("/login").await;
    assert_eq!(login.texts("h1"), ["登录 Zilliz Cloud"]);
    let home = admin
        .submit(&login, "/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
        .await;
    assert_eq!(home.texts("h1"), ["项目"]);
    let out = admin.submit(&home, "/logout", &[]).await;
    assert_eq!(out.texts("h1"), ["登录 Zilliz Cloud"]);
    let after = admin.get(&format!("/orgs/{ZILLIZ}/billing")).await;
    assert_eq!(after.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn console_pages_send_a_visitor_without_a_session_to_login() {
    let c = console();
    for path in ["/", "/orgs", "/orgs/new", &format!("/orgs/{ZILLIZ}/projects")] {
        let page = c.browser().get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    assert_eq!(
        c.browser().get("/no/such/page").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_has_no_domain() {
    let c = console();
    let page = c.browser().get("/login").await;
    let cookie = &page.set_cookie[0];
    assert!(cookie.starts_with("zc_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(!cookie.to_ascii_lowercase().contains("domain"));
}

#[tokio::test]
async fn a_session_token_seen_before_sign_in_is_worthless_after() {
    let c = console();
    let mut admin = c.browser();
    admin.open("/login").await;
    let anonymous = admin.clone();
    sign_in(&mut admin, ADMIN).await;
    assert_ne!(admin.cookie, anonymous.cookie);
    let mut attacker = anonymous;
    assert_eq!(attacker.get("/orgs").await.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn two_runs_of_the_same_requests_give_byte_identical_pages() {
    async fn run() -> Vec<String> {
        let c = console();
        let instance = c.create_instance("38492017").await;
        let mut browser = c.browser();
        let login = browser.open(&c.verify_link(&instance)).await;
        let step2 = browser
            .submit(&login, "/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
            .await;
        let done = browser.submit(&step2, "/bind", &[]).await;
        let billing = browser.open(&format!("/orgs/{ZILLIZ}/billing")).await;
        let events = browser.open(&format!("/orgs/{ZILLIZ}/events")).await;
        vec![login.body, step2.body, done.body, billing.body, events.body]
    }
    assert_eq!(run().await, run().await);
}
