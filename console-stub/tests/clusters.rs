//! Clusters through the pages: 创建集群 before and after binding, the names and plans it takes,
//! 项目 and 回收站, who may delete, another organisation's cluster, CSRF, the 100-cluster cap, and
//! what the marketplace's actions show on 项目, 创建集群, 系统设置 and 事件.

mod common;

use axum::http::StatusCode;
use common::*;
use rstest::rstest;

fn path(tail: &str) -> String {
    format!("/orgs/{ZILLIZ}/{tail}")
}

#[tokio::test]
async fn an_unbound_org_gets_the_entry_to_the_marketplace_and_its_post_creates_nothing() {
    let c = console();
    let mut admin = c.browser();
    sign_in(&mut admin, ADMIN).await;
    let form = admin.open(&path("clusters/new")).await;
    assert!(form.text().contains("创建集群前，请为组织绑定付款方式"));
    assert!(form.find_field("name").is_none());
    let before = zilliz_pages(&mut admin).await;
    let csrf = form.form_field("/logout", "csrf");
    let refused = admin
        .post(
            &path("clusters"),
            &[("csrf", &csrf), ("name", "a"), ("plan", "standard-1cu")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("前往阿里云云市场"));
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[tokio::test]
async fn a_bound_org_creates_a_cluster_in_a_plan_of_its_sku_and_项目_lists_it() {
    let c = console();
    let (_, mut admin) = c.bound("38492017").await;
    let form = admin.open(&path("clusters/new")).await;
    assert_eq!(form.texts("label")[..1], ["集群名称"]);
    assert_eq!(form.texts("select option"), ["标准型 1 CU", "标准型 2 CU"]);
    assert_eq!(form.texts("form button[type=submit]")[1..], ["创建集群"]);

    let projects = create_cluster(&mut admin, ZILLIZ, "  向量检索  ", "standard-2cu").await;
    assert_eq!(projects.texts("h1"), ["项目"]);
    let rows = projects.table_rows("table.clusters");
    assert_eq!(rows.len(), 1);
    let id = &rows[0][1];
    assert!(id.starts_with("in01-") && id.len() == 21, "{id}");
    assert_eq!(
        rows[0],
        [
            "向量检索",
            id,
            "标准型 2 CU",
            "运行中",
            "2023-08-15 10:00:00",
            "删除"
        ]
    );
    assert!(projects.text().contains("Default Project"));
    let events = admin.open(&path("events")).await;
    assert_eq!(
        events.table_rows("table")[0],
        [
            "2023-08-15 10:00:00",
            &format!("创建了集群 向量检索（{id}，标准型 2 CU）"),
            ADMIN.0
        ]
    );
}

#[rstest]
#[case::empty("")]
#[case::blank("   ")]
#[case::sixty_five(&"集".repeat(65))]
#[case::ten_thousand(&"x".repeat(10_000))]
#[tokio::test]
async fn a_name_not_of_1_to_64_characters_gives_the_form_back_and_creates_nothing(#[case] name: &str) {
    let c = console();
    let (_, mut admin) = c.bound("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let form = admin.open(&path("clusters/new")).await;
    let page = admin
        .post(
            &path("clusters"),
            &[
                ("csrf", &form.field("csrf")),
                ("name", name),
                ("plan", "standard-1cu"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.texts("p.error"), ["集群名称为 1 到 64 个字符。"]);
    assert_eq!(page.texts("select option"), ["标准型 1 CU", "标准型 2 CU"]);
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[tokio::test]
async fn a_plan_the_sku_does_not_offer_is_refused_until_an_upgrade_offers_it() {
    let c = console();
    let (instance, mut admin) = c.bound("38492017").await;
    let before = zilliz_pages(&mut admin).await;
    let page = create_cluster(&mut admin, ZILLIZ, "big", "enterprise-8cu").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(page.texts("p.error"), ["请选择本组织付款方式提供的集群规格。"]);
    assert_eq!(page.field("name"), "big");
    assert_eq!(zilliz_pages(&mut admin).await, before);

    let upgrade = [
        ("action", "upgradeInstance"),
        ("instanceId", instance.as_str()),
        ("skuId", "cmgj00061912-payg-enterprise"),
        ("Count", "2"),
    ];
    assert_eq!(c.spi(&upgrade).await.0, StatusCode::OK);
    let form = admin.open(&path("clusters/new")).await;
    assert_eq!(
        form.texts("select option"),
        ["标准型 1 CU", "标准型 2 CU", "企业型 8 CU"]
    );
    let projects = create_cluster(&mut admin, ZILLIZ, "big", "enterprise-8cu").await;
    assert_eq!(projects.table_rows("table.clusters")[0][2], "企业型 8 CU");
    let settings = admin.open(&path("settings")).await;
    assert!(
        settings.text().contains("套餐 按量付费 企业版"),
        "{}",
        settings.text()
    );
    assert!(
        settings.text().contains("额外计费项 Count=2"),
        "{}",
        settings.text()
    );
}

#[tokio::test]
async fn a_frozen_org_shows_its_clusters_frozen_and_creates_none_until_renewed() {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    let expired = [("action", "expiredInstance"), ("instanceId", instance.as_str())];
    assert_eq!(c.spi(&expired).await.0, StatusCode::OK);

    let projects = admin.open(&path("projects")).await;
    assert_eq!(
        projects.texts("p.banner"),
        ["集群已冻结：阿里云云市场实例已到期，数据保留，续费后恢复"]
    );
    let statuses: Vec<String> = projects
        .table_rows("table.clusters")
        .into_iter()
        .map(|row| row[3].clone())
        .collect();
    assert_eq!(statuses, ["已冻结", "已冻结"]);
    let form = admin.open(&path("clusters/new")).await;
    assert!(form.text().contains("集群已冻结，阿里云云市场实例已到期"));
    assert!(form.find_field("name").is_none());
    let settings = admin.open(&path("settings")).await;
    assert!(settings.text().contains("状态 已冻结"), "{}", settings.text());

    let before = zilliz_pages(&mut admin).await;
    let refused = admin
        .post(
            &path("clusters"),
            &[
                ("csrf", &form.form_field("/logout", "csrf")),
                ("name", "gamma"),
                ("plan", "standard-1cu"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.texts("p.error")[0].starts_with("集群已冻结"));
    assert_eq!(zilliz_pages(&mut admin).await, before);

    let renew = [
        ("action", "renewInstance"),
        ("instanceId", instance.as_str()),
        ("expiredOn", "2024-08-15 10:00:00"),
    ];
    assert_eq!(c.spi(&renew).await.0, StatusCode::OK);
    let projects = admin.open(&path("projects")).await;
    assert!(projects.texts("p.banner").is_empty());
    assert_eq!(projects.table_rows("table.clusters")[0][3], "运行中");
    let settings = admin.open(&path("settings")).await;
    assert!(
        settings.text().contains("到期时间 2024-08-15 10:00:00 状态 正常"),
        "{}",
        settings.text()
    );
    let events = admin.open(&path("events")).await;
    assert_eq!(
        events.table_rows("table")[..2],
        [
            [
                "2023-08-15 10:00:00",
                "云市场实例已续费：到期时间 2024-08-15 10:00:00，2 个集群已恢复运行",
                "云市场 renewInstance"
            ],
            [
                "2023-08-15 10:00:00",
                "云市场实例已到期：2 个集群已冻结，数据保留，续费后恢复",
                "云市场 expiredInstance"
            ]
        ]
    );
}

#[tokio::test]
async fn a_member_creates_but_only_an_admin_deletes_and_a_deleted_cluster_goes_to_回收站() {
    let c = console();
    let (_, mut admin) = c.bound("38492017").await;
    let mut member = c.browser();
    sign_in(&mut member, MEMBER).await;
    let projects = create_cluster(&mut member, ZILLIZ, "member-made", "standard-1cu").await;
    assert_eq!(projects.table_rows("table.clusters").len(), 1);
    assert!(projects.texts("table.clusters th").iter().all(|th| th != "操作"));
    assert!(!projects.text().contains("删除"));

    let admin_view = admin.open(&path("projects")).await;
    let delete = admin_view.attrs("table.clusters form", "action").remove(0);
    let before = zilliz_pages(&mut admin).await;
    let refused = member
        .post(&delete, &[("csrf", &projects.form_field("/logout", "csrf"))])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("只有组织管理员可以删除集群"));
    assert_eq!(zilliz_pages(&mut admin).await, before);

    let after = admin.submit(&admin_view, &delete, &[]).await;
    assert_eq!(after.texts("h1"), ["项目"]);
    assert!(after.text().contains("暂无集群。"));
    let bin = admin.open(&path("recycle-bin")).await;
    let rows = bin.table_rows("table.clusters");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "member-made");
    assert_eq!(rows[0][3], "2023-08-15 10:00:00");
    let again = admin
        .post(&delete, &[("csrf", &admin_view.form_field(&delete, "csrf"))])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cluster_of_another_org_is_a_404_from_any_path() {
    let c = console();
    let (_, mut admin) = c.bound_with_clusters("38492017").await;
    // Alice registers her own organisation and binds another instance to it.
    let other = c.create_instance("38492018").await;
    let mut alice = c.browser();
    let login = alice.open(&c.verify_link(&other)).await;
    let register = alice.open(&login.link("注册")).await;
    let fields = [
        ("email", "alice@example.com"),
        ("password", "correct horse 9"),
        ("org", "Alice Labs"),
    ];
    let step2 = alice.submit(&register, "/register", &fields).await;
    let done = alice.submit(&step2, "/bind", &[]).await;
    let alice_org = done
        .link("进入 Zilliz Cloud")
        .trim_start_matches("/orgs/")
        .trim_end_matches("/projects")
        .to_string();
    let mine = create_cluster(&mut alice, &alice_org, "alice-1", "standard-1cu").await;
    let alice_cluster = mine.table_rows("table.clusters")[0][1].clone();

    let before = zilliz_pages(&mut admin).await;
    let csrf = admin.open(&path("projects")).await.form_field("/logout", "csrf");
    for url in [
        path(&format!("clusters/{alice_cluster}/delete")),
        format!("/orgs/{alice_org}/clusters/{alice_cluster}/delete"),
    ] {
        let page = admin.post(&url, &[("csrf", &csrf)]).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{url}");
    }
    assert_eq!(zilliz_pages(&mut admin).await, before);
    let still = alice.open(&format!("/orgs/{alice_org}/projects")).await;
    assert_eq!(still.table_rows("table.clusters")[0][3], "运行中");
}

#[tokio::test]
async fn creating_or_deleting_without_the_sessions_csrf_token_changes_nothing() {
    let c = console();
    let (_, mut admin) = c.bound_with_clusters("38492017").await;
    let projects = admin.open(&path("projects")).await;
    let delete = projects.attrs("table.clusters form", "action").remove(0);
    let before = zilliz_pages(&mut admin).await;
    for csrf in [None, Some("0123456789abcdef0123456789abcdef")] {
        let mut fields = vec![("name", "gamma"), ("plan", "standard-1cu")];
        fields.extend(csrf.map(|t| ("csrf", t)));
        let created = admin.post(&path("clusters"), &fields).await;
        assert_eq!(created.status, StatusCode::FORBIDDEN);
        let deleted = admin.post(&delete, &fields).await;
        assert_eq!(deleted.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[tokio::test]
async fn an_org_holds_at_most_100_clusters_and_the_form_says_why() {
    let c = console();
    let (_, mut admin) = c.bound("38492017").await;
    let form = admin.open(&path("clusters/new")).await;
    let csrf = form.field("csrf");
    for n in 0..100 {
        let name = format!("c{n}");
        let page = admin
            .post(
                &path("clusters"),
                &[("csrf", &csrf), ("name", &name), ("plan", "standard-1cu")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{n}");
    }
    let before = zilliz_pages(&mut admin).await;
    let page = create_cluster(&mut admin, ZILLIZ, "one-more", "standard-1cu").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    let error = &page.texts("p.error")[0];
    assert!(error.starts_with("每个组织最多 100 个集群"), "{error}");
    assert!(error.contains("一次用量推送（至多 100 条）"), "{error}");
    assert_eq!(zilliz_pages(&mut admin).await, before);
}

#[tokio::test]
async fn a_release_deletes_the_clusters_unbinds_the_org_which_binds_another_instance() {
    let c = console();
    let (instance, mut admin) = c.bound_with_clusters("38492017").await;
    let release = [
        ("action", "releaseInstance"),
        ("instanceId", instance.as_str()),
        ("isRefund", "true"),
    ];
    assert_eq!(c.spi(&release).await.0, StatusCode::OK);

    let projects = admin.open(&path("projects")).await;
    assert!(projects.text().contains("暂无集群。"));
    let bin = admin.open(&path("recycle-bin")).await;
    assert_eq!(bin.table_rows("table.clusters").len(), 2);
    let billing = admin.open(&path("billing")).await;
    assert!(billing.text().contains("前往阿里云云市场"));
    assert!(!billing.text().contains("查看阿里云账单"));
    let settings = admin.open(&path("settings")).await;
    assert!(settings.text().contains("付款方式 未绑定"), "{}", settings.text());
    let form = admin.open(&path("clusters/new")).await;
    assert!(form.text().contains("创建集群前，请为组织绑定付款方式"));
    let events = admin.open(&path("events")).await;
    assert_eq!(
        events.table_rows("table")[0][1..],
        [
            "云市场实例已释放（已退款）：2 个集群已删除，组织不再通过阿里云云市场扣费",
            "云市场 releaseInstance"
        ]
    );

    // The released instance's 免登 link leads nowhere; a new instance binds the organisation again.
    let stale = c.browser().get(&c.verify_link(&instance)).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert!(stale.text().contains("该云市场实例已释放"), "{}", stale.text());
    let next = c.create_instance("38492019").await;
    let step2 = admin.open(&c.verify_link(&next)).await;
    let done = admin.submit(&step2, "/bind", &[]).await;
    assert!(done.text().contains("授权成功"), "{}", done.text());
    let form = admin.open(&path("clusters/new")).await;
    assert!(form.find_field("name").is_some());
}
