//! 用量明细 and 当月账单 as a member sees them, fed by the usage reporter against a wiremock
//! marketplace: each cluster's hour with its push status, this month's totals of what the
//! marketplace accepted (and no price), pages of 100 rows, and a page number that is not one.

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::usage::*;
use common::*;
use wiremock::{MockServer, Request};

fn names(query: &str) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    let query = query.to_owned();
    move |r: &Request| r.url.query().unwrap_or_default().contains(&query)
}

#[tokio::test]
async fn each_clusters_hour_shows_what_became_of_its_push() {
    let server = MockServer::start().await;
    // 8000002 is refused, 8000003's marketplace keeps failing, 8000001 is taken.
    push()
        .and(names("8000002"))
        .respond_with(refusal(400, "Invalid.Parameter.Instance"))
        .with_priority(1)
        .mount(&server)
        .await;
    push()
        .and(names("8000003"))
        .respond_with(refusal(503, "ServiceUnavailable"))
        .with_priority(2)
        .mount(&server)
        .await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let clusters: Vec<String> = ["8000001", "8000002", "8000003"]
        .iter()
        .zip(["taken", "refused", "failing"])
        .map(|(order, name)| {
            let zc = instance(&console, order);
            cluster(&console, &zc, name, "standard-1cu")
        })
        .collect();
    advance_to(&clock, "10:30:00").await;
    for id in &clusters {
        delete(&console, id);
    }
    advance_to(&clock, "11:02:00").await;

    let app = marketsim_console_stub::router(console.clone());
    let mut member = testkit::Browser::new(app.clone());
    sign_in(&mut member, MEMBER).await;
    let page = member.open(&format!("/orgs/{ZILLIZ}/billing/usage")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("nav.tabs a"), ["账单概览", "用量明细", "历史账单"]);
    let rows: Vec<Vec<String>> = page
        .table_rows("section.card table")
        .into_iter()
        .map(|mut cells| {
            // The cluster cell reads `name in01-…`: keep the name.
            cells[1] = cells[1].split(' ').next().unwrap_or_default().to_owned();
            cells
        })
        .collect();
    assert_eq!(
        rows,
        [
            [
                "2023-08-15 10:00–11:00",
                "failing",
                "1800 CU·秒",
                "2 GB·时",
                "重试中 2 次",
                "¥0.90",
                "¥0.00",
                "1800 CU·秒 2 GB·时"
            ],
            [
                "2023-08-15 10:00–11:00",
                "refused",
                "1800 CU·秒",
                "2 GB·时",
                "已拒绝 Invalid.Parameter.Instance",
                "¥0.90",
                "¥0.00",
                "1800 CU·秒 2 GB·时"
            ],
            [
                "2023-08-15 10:00–11:00",
                "taken",
                "1800 CU·秒",
                "2 GB·时",
                "已推送",
                "¥0.90",
                "¥0.00",
                "1800 CU·秒 2 GB·时"
            ],
        ]
    );

    let current = member.open(&format!("/orgs/{ZILLIZ}/billing/current")).await;
    assert_eq!(
        current.table_rows("section.card table"),
        [
            // 企业版, 1.80 a CU·hour: 1800 CU·s cost 0.90; 2 GB·h cost 0.002, charged 0.
            ["计算 (Period)", "1800 CU·秒", "¥0.90"],
            ["存储 (StorageGigaByte)", "2 GB·时", "¥0.00"],
        ]
    );
    assert!(current.text().contains("另有 2 条集群小时用量未被云市场接收"));
    assert_eq!(
        current.link("查看阿里云账单"),
        format!("{}/console/bills", server.uri())
    );
    assert!(
        current.text().contains("应付总额 ¥0.90"),
        "only the pushed hour the marketplace took is owed"
    );

    // Past the marketplace's deadline for the hour (12:00), the failing push is given up.
    advance_to(&clock, "12:30:00").await;
    let page = member.open(&format!("/orgs/{ZILLIZ}/billing/usage")).await;
    assert_eq!(page.table_rows("section.card table")[0][4], "逾期未推送");
}

#[tokio::test]
async fn usage_comes_a_hundred_rows_a_page_latest_first() {
    let server = MockServer::start().await;
    push().respond_with(success()).mount(&server).await;
    let clock = seed_clock();
    let console = metered_console(&server, &clock, None);
    let zc = instance(&console, "8000001");
    for i in 0..60 {
        cluster(&console, &zc, &format!("c{i:02}"), "standard-2cu");
    }
    advance_to(&clock, "12:00:00").await;
    let app: Router = marketsim_console_stub::router(console.clone());
    let mut admin = testkit::Browser::new(app);
    sign_in(&mut admin, ADMIN).await;

    let first = admin.open(&format!("/orgs/{ZILLIZ}/billing/usage")).await;
    let rows = first.table_rows("section.card table");
    assert_eq!(rows.len(), 100);
    assert!(rows[..60].iter().all(|r| r[0] == "2023-08-15 11:00–12:00"));
    // 7200 CU·s at 1.80 is 3.60, 10 GB·h at 0.001 is 0.01.
    assert_eq!(
        rows[0][2..],
        [
            "7200 CU·秒",
            "10 GB·时",
            "已推送",
            "¥3.61",
            "¥0.00",
            "7200 CU·秒 10 GB·时"
        ]
    );
    assert!(first.text().contains("第 1 / 2 页"));
    let second = admin.open(&first.link("下一页")).await;
    assert_eq!(second.table_rows("section.card table").len(), 20);
    assert!(second.text().contains("第 2 / 2 页"));
    assert!(second.links("下一页").is_empty());
    assert_eq!(
        second.link("上一页"),
        format!("/orgs/{ZILLIZ}/billing/usage?page=1")
    );
    let past = admin.open(&format!("/orgs/{ZILLIZ}/billing/usage?page=9")).await;
    assert!(past.text().contains("暂无用量。"));

    for bad in ["0", "-1", "x", "99999999999999999999999"] {
        let page = admin
            .get(&format!("/orgs/{ZILLIZ}/billing/usage?page={bad}"))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "page={bad}");
        assert!(page.text().contains("页码应为正整数"), "page={bad}");
    }
}

#[tokio::test]
async fn a_month_without_usage_says_so_and_a_stranger_sees_no_usage() {
    let c = console();
    let mut admin = c.browser();
    sign_in(&mut admin, ADMIN).await;
    let page = admin.open(&format!("/orgs/{ZILLIZ}/billing/usage")).await;
    assert_eq!(page.table_rows("section.card table"), [["暂无用量。"]]);
    let current = admin.open(&format!("/orgs/{ZILLIZ}/billing/current")).await;
    assert!(current.text().contains("本月暂无用量。"));

    let mut stranger = c.browser();
    let register = stranger.open("/register").await;
    stranger
        .submit(
            &register,
            "/register",
            &[
                ("email", "eve@example.com"),
                ("password", "correct horse 9"),
                ("org", "Eve"),
            ],
        )
        .await;
    let page = stranger.get(&format!("/orgs/{ZILLIZ}/billing/usage")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}
