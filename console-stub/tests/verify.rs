//! The 免登 entry: fresh, reused, tampered and stale links, and where each visitor is sent.

mod common;

use axum::http::StatusCode;
use chrono::TimeDelta;
use common::*;
use std::time::Duration;

#[tokio::test]
async fn a_fresh_link_for_an_unbound_instance_leads_to_login_with_the_handoff() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let mut browser = c.browser();
    let page = browser.get(&c.verify_link(&instance)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let to = page.location.clone().unwrap();
    assert!(to.starts_with("/login?handoff="), "{to}");
    let login = browser.follow(page).await;
    let text = login.text();
    for label in [
        "授权使用 阿里云 云市场扣费",
        "1 登录账号",
        "2 绑定组织",
        "3 完成授权",
        "企业邮箱",
        "密码",
        "没有账号? 注册",
    ] {
        assert!(text.contains(label), "{label} missing from {text}");
    }
    assert_eq!(login.texts("button"), ["登录"]);
    assert_eq!(login.field("handoff"), to.trim_start_matches("/login?handoff="));
    assert!(login.link("注册").starts_with("/register?handoff="));
}

#[tokio::test]
async fn a_tampered_link_is_refused() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let other = c.create_instance("38492018").await;
    let tampered = c.verify_link(&instance).replace(&instance, &other);
    let page = c.browser().get(&tampered).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("签名校验失败"), "{}", page.text());

    let unsigned =
        format!("/aliyun/sso?action=verify&instanceId={instance}&timeStamp=2023-08-15+10%3A00%3A00");
    assert_eq!(c.browser().get(&unsigned).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_stale_link_is_refused_and_so_is_one_from_the_far_future() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let link = c.verify_link(&instance);
    c.clock.advance(Duration::from_secs(10 * 60 + 1)).await.unwrap();
    let page = c.browser().get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("免登链接已过期"), "{}", page.text());

    let future = verify_link_at(&instance, c.clock.now() + TimeDelta::minutes(11));
    assert_eq!(c.browser().get(&future).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_link_works_again_within_its_window() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let link = c.verify_link(&instance);
    let first = c.browser().get(&link).await;
    c.clock.advance(Duration::from_secs(9 * 60)).await.unwrap();
    let again = c.browser().get(&link).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(again.location.unwrap().starts_with("/login?handoff="));
}

#[tokio::test]
async fn a_link_for_an_instance_the_console_never_created_is_refused() {
    let c = console();
    let page = c.browser().get(&c.verify_link("zc-nosuchinstance000000")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("没有这个云市场实例"));
}

#[tokio::test]
async fn a_signed_in_user_goes_straight_to_step_2() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let mut browser = c.browser();
    sign_in(&mut browser, ADMIN).await;
    let page = browser.get(&c.verify_link(&instance)).await;
    assert!(page.location.clone().unwrap().starts_with("/bind?handoff="));
    let step2 = browser.follow(page).await;
    assert_eq!(step2.status, StatusCode::OK);
    assert_eq!(step2.texts("button[type=submit]").last().unwrap(), "确认绑定");
}

#[tokio::test]
async fn an_instance_already_bound_goes_straight_into_the_console_signed_in_as_its_binder() {
    let c = console();
    let instance = c.create_instance("38492017").await;
    let mut buyer = c.browser();
    let login = buyer.open(&c.verify_link(&instance)).await;
    let step2 = buyer
        .submit(&login, "/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
        .await;
    let done = buyer.submit(&step2, "/bind", &[]).await;
    assert!(done.text().contains("授权成功"));

    // Later, in a browser with no session at all: straight in, no login.
    c.clock.advance(Duration::from_secs(3600)).await.unwrap();
    let mut fresh = c.browser();
    let page = fresh.get(&c.verify_link(&instance)).await;
    assert_eq!(
        page.location.as_deref(),
        Some(format!("/orgs/{ZILLIZ}/projects").as_str())
    );
    assert!(page.set_cookie[0].starts_with("zc_session="));
    let console_page = fresh.follow(page).await;
    assert_eq!(console_page.status, StatusCode::OK);
    assert!(console_page.text().contains("miaomiao"));

    // A visitor signed in as someone else is switched to the binder.
    let mut member = c.browser();
    sign_in(&mut member, MEMBER).await;
    let page = member.open(&c.verify_link(&instance)).await;
    assert_eq!(page.texts("span.user"), ["miaomiao"]);
}
