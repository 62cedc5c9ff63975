//! The binding wizard through HTTP: every branch of 登录 / 注册 → 绑定组织 → 授权成功, and every
//! refusal on the way.

mod common;

use axum::http::StatusCode;
use common::*;
use std::time::Duration;

/// A buyer arriving from the marketplace with a fresh link: the 登录 page of the wizard.
async fn arrive(c: &TestConsole, order_biz_id: &str) -> (Browser, Page) {
    let instance = c.create_instance(order_biz_id).await;
    let mut browser = c.browser();
    let login = browser.open(&c.verify_link(&instance)).await;
    (browser, login)
}

async fn sign_in_on(browser: &mut Browser, login: &Page, (email, password): (&str, &str)) -> Page {
    browser
        .submit(login, "/login", &[("email", email), ("password", password)])
        .await
}

#[tokio::test]
async fn the_admin_signs_in_binds_zilliz_and_reaches_授权成功_as_the_seed_shows() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut browser, &login, ADMIN).await;
    assert_eq!(step2.status, StatusCode::OK);
    assert_eq!(step2.texts("li.current"), ["2 绑定组织"]);
    assert_eq!(step2.texts("th")[1..4], ["组织名称", "组织 ID", "成员人数"]);
    let row = step2.texts("tbody tr");
    assert_eq!(row.len(), 1);
    assert!(
        row[0].starts_with("Zilliz org-nuyzjwllbhfrjynvhlappa 2"),
        "{row:?}"
    );
    assert!(step2.attrs("button[disabled]", "type").is_empty());

    let done = browser.submit(&step2, "/bind", &[]).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.texts("li.current"), ["3 完成授权"]);
    assert!(done.text().contains("授权成功"));
    assert!(done
        .text()
        .contains("您的组织 Zilliz 已成功开通阿里云云市场扣费。"));

    let home = browser.open(&done.link("进入 Zilliz Cloud")).await;
    let billing = browser.open(&home.link("账单")).await;
    assert!(
        billing.text().contains("阿里云 云市场 查看阿里云账单"),
        "{}",
        billing.text()
    );
    assert_eq!(
        billing.link("查看阿里云账单"),
        "http://127.0.0.1:8080/console/bills"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_handoff_is_kept() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let handoff = login.field("handoff");
    let refused = browser
        .submit(
            &login,
            "/login",
            &[("email", ADMIN.0), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.text().contains("企业邮箱或密码错误"));
    assert_eq!(refused.field("handoff"), handoff);
    assert_eq!(refused.field("email"), ADMIN.0);
    let step2 = sign_in_on(&mut browser, &refused, ADMIN).await;
    assert_eq!(step2.texts("li.current"), ["2 绑定组织"]);
}

#[tokio::test]
async fn registering_creates_the_account_and_its_first_org_which_the_new_user_binds() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let register = browser.open(&login.link("注册")).await;
    assert_eq!(register.texts("li.current"), ["1 登录账号"]);
    assert_eq!(register.field("handoff"), login.field("handoff"));
    let fields = [
        ("email", "alice@example.com"),
        ("password", "correct horse 9"),
        ("org", "Alice Labs"),
    ];
    let step2 = browser.submit(&register, "/register", &fields).await;
    assert_eq!(step2.texts("li.current"), ["2 绑定组织"]);
    let rows = step2.texts("tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("Alice Labs org-"), "{rows:?}");
    let org_id = step2.field("org");
    assert!(marketsim_console_stub::world::is_org_id(&org_id), "{org_id}");

    let done = browser.submit(&step2, "/bind", &[]).await;
    assert!(done
        .text()
        .contains("您的组织 Alice Labs 已成功开通阿里云云市场扣费。"));
    let members = browser.open(&format!("/orgs/{org_id}/members")).await;
    assert!(
        members.text().contains("alice alice@example.com 组织管理员"),
        "{}",
        members.text()
    );
}

#[tokio::test]
async fn registering_a_taken_email_or_a_short_password_is_refused() {
    let c = console();
    let mut browser = c.browser();
    let register = browser.open("/register").await;
    let taken = browser
        .submit(
            &register,
            "/register",
            &[("email", ADMIN.0), ("password", "long enough 1"), ("org", "X")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.text().contains("该企业邮箱已注册"));
    let short = browser
        .submit(
            &register,
            "/register",
            &[("email", "bob@example.com"), ("password", "short"), ("org", "X")],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.text().contains("密码至少 8 位"));
}

#[tokio::test]
async fn a_member_who_administers_nothing_sees_确认绑定_disabled_and_can_create_an_org() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut browser, &login, MEMBER).await;
    assert!(step2
        .text()
        .contains("Zilliz org-nuyzjwllbhfrjynvhlappa 2 仅组织管理员可绑定"));
    assert_eq!(step2.texts("button[disabled]"), ["确认绑定"]);
    assert_eq!(step2.attrs("input[type=radio][disabled]", "value"), [ZILLIZ]);

    let new_org = browser.open(&step2.link("创建组织")).await;
    assert_eq!(new_org.field("handoff"), step2.field("handoff"));
    let step2 = browser
        .submit(&new_org, "/orgs", &[("name", "Xiaoming Lab")])
        .await;
    assert_eq!(step2.texts("tbody tr").len(), 2);
    assert!(step2.attrs("button[disabled]", "type").is_empty());
    let done = browser.submit(&step2, "/bind", &[]).await;
    assert!(done
        .text()
        .contains("您的组织 Xiaoming Lab 已成功开通阿里云云市场扣费。"));
}

#[tokio::test]
async fn a_forged_org_id_is_refused() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut browser, &login, ADMIN).await;
    let page = browser
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", "org-aaaaaaaaaaaaaaaaaaaaaa"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("该组织不存在，或您不是它的成员"));
}

#[tokio::test]
async fn an_org_the_user_does_not_administer_is_refused() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut browser, &login, MEMBER).await;
    let page = browser
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", ZILLIZ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.text().contains("只有组织管理员"));
}

#[tokio::test]
async fn an_org_the_user_does_not_belong_to_can_be_neither_bound_nor_seen() {
    let c = console();
    let (mut alice, login) = arrive(&c, "38492017").await;
    let register = alice.open(&login.link("注册")).await;
    let fields = [
        ("email", "alice@example.com"),
        ("password", "correct horse 9"),
        ("org", "Alice Labs"),
    ];
    let step2 = alice.submit(&register, "/register", &fields).await;
    let page = alice
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", ZILLIZ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    for path in [
        "billing",
        "members",
        "projects",
        "settings",
        "events",
        "recycle-bin",
        "billing/history",
        "billing/usage",
        "billing/current",
    ] {
        let page = alice.get(&format!("/orgs/{ZILLIZ}/{path}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            !page.body.contains("免费额度") && !page.body.contains("miaomiao"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_second_bind_for_the_same_instance_is_refused() {
    let c = console();
    let (mut admin, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut admin, &login, ADMIN).await;
    // A second organisation of the admin's, so there is something else to bind.
    let new_org = admin.open("/orgs/new").await;
    admin.submit(&new_org, "/orgs", &[("name", "Second")]).await;
    let first = admin.submit(&step2, "/bind", &[]).await;
    assert!(first.text().contains("授权成功"));
    let again = admin
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", ZILLIZ),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let orgs = admin.open("/orgs").await;
    let second = orgs
        .link("Second")
        .trim_end_matches("/projects")
        .trim_start_matches("/orgs/")
        .to_string();
    let other = admin
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", &second),
            ],
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert!(other.text().contains("该云市场实例已绑定组织"));
}

#[tokio::test]
async fn a_second_instance_for_the_same_org_is_refused() {
    let c = console();
    let (mut admin, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut admin, &login, ADMIN).await;
    admin.submit(&step2, "/bind", &[]).await;

    let second = c.create_instance("38492018").await;
    let step2 = admin.open(&c.verify_link(&second)).await;
    assert!(step2.text().contains("已绑定云市场扣费"));
    assert_eq!(step2.texts("button[disabled]"), ["确认绑定"]);
    let page = admin
        .post(
            "/bind",
            &[
                ("csrf", &step2.field("csrf")),
                ("handoff", &step2.field("handoff")),
                ("org", ZILLIZ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.text().contains("一个组织只能绑定一个实例"));
}

#[tokio::test]
async fn every_form_without_its_csrf_token_is_refused() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let handoff = login.field("handoff");
    let no_csrf = browser
        .post(
            "/login",
            &[("email", ADMIN.0), ("password", ADMIN.1), ("handoff", &handoff)],
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let wrong = browser
        .post(
            "/login",
            &[("csrf", "0123"), ("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let register = browser
        .post(
            "/register",
            &[
                ("email", "x@example.com"),
                ("password", "long enough"),
                ("org", "X"),
            ],
        )
        .await;
    assert_eq!(register.status, StatusCode::FORBIDDEN);

    let step2 = sign_in_on(&mut browser, &login, ADMIN).await;
    let bind = browser
        .post("/bind", &[("handoff", &step2.field("handoff")), ("org", ZILLIZ)])
        .await;
    assert_eq!(bind.status, StatusCode::FORBIDDEN);
    assert!(bind.text().contains("CSRF"));
    let org = browser.post("/orgs", &[("name", "Sneaky")]).await;
    assert_eq!(org.status, StatusCode::FORBIDDEN);
    let logout = browser.post("/logout", &[]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    // Nothing happened: the instance is still unbound and the session still signed in.
    let still = browser
        .open(&format!("/bind?handoff={}", step2.field("handoff")))
        .await;
    assert_eq!(still.texts("li.current"), ["2 绑定组织"]);
}

#[tokio::test]
async fn choosing_two_orgs_at_once_or_none_is_refused() {
    let c = console();
    let (mut admin, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut admin, &login, ADMIN).await;
    let (csrf, handoff) = (step2.field("csrf"), step2.field("handoff"));
    let two = admin
        .post(
            "/bind",
            &[
                ("csrf", &csrf),
                ("handoff", &handoff),
                ("org", ZILLIZ),
                ("org", ZILLIZ),
            ],
        )
        .await;
    assert_eq!(two.status, StatusCode::BAD_REQUEST);
    let none = admin
        .post("/bind", &[("csrf", &csrf), ("handoff", &handoff)])
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_wizard_expires_an_hour_after_the_link_and_a_forged_handoff_goes_nowhere() {
    let c = console();
    let (mut admin, login) = arrive(&c, "38492017").await;
    let step2 = sign_in_on(&mut admin, &login, ADMIN).await;
    let forged = admin.get("/bind?handoff=0123456789abcdef0123456789abcdef").await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    c.clock.advance(Duration::from_secs(3601)).await.unwrap();
    let late = admin.submit(&step2, "/bind", &[]).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
    assert!(late.text().contains("绑定流程已过期"));
}

#[tokio::test]
async fn a_visitor_who_is_not_signed_in_is_sent_to_login_keeping_the_handoff() {
    let c = console();
    let (mut browser, login) = arrive(&c, "38492017").await;
    let handoff = login.field("handoff");
    let page = browser.get(&format!("/bind?handoff={handoff}")).await;
    assert_eq!(page.location, Some(format!("/login?handoff={handoff}")));
}
