//! A console of the default world on a manual clock, driven through its router by the test kit's
//! browser, plus what only the console knows: its seed's users, signed SPI calls and 免登 links, and
//! signing in through its 登录 page.
#![allow(dead_code)]

pub mod usage;

use axum::http::StatusCode;
use axum::Router;
use marketsim_console_stub::{router, Console, ConsoleConfig, ConsoleWorld};
use protocol::clock::Clock;
use protocol::spi::signed_query;
use protocol::time::{parse_instant, spi_format, Instant};
pub use testkit::{Browser, Page};

pub const PUBLIC_URL: &str = "http://localhost:8081";
pub const MARKETPLACE_URL: &str = "http://127.0.0.1:8080";
pub const SPI_KEY: &str = "zilliz-spi-key-8c1f2b7e";
pub const PRODUCT: &str = "cmgj00061912";
pub const ZILLIZ: &str = "org-nuyzjwllbhfrjynvhlappa";
pub const ADMIN: (&str, &str) = ("miaomiao@zilliz.com", "miaomiao-pass-1");
pub const MEMBER: (&str, &str) = ("xiaoming@zilliz.com", "xiaoming-pass-1");

/// The seed's date: 2023-08-15 10:00 in Shanghai.
pub fn start() -> Instant {
    parse_instant("2023-08-15T10:00:00+08:00").unwrap()
}

/// The configuration the tests run with (deterministic secrets).
pub fn config() -> ConsoleConfig {
    let mut config = ConsoleConfig::for_world(&ConsoleWorld::default_world(), PUBLIC_URL, MARKETPLACE_URL);
    config.deterministic = true;
    config
}

/// A console of the default world and its clock.
pub struct TestConsole {
    pub console: Console,
    pub clock: Clock,
    pub app: Router,
}

pub fn console() -> TestConsole {
    let clock = Clock::manual(start());
    let console = Console::open(ConsoleWorld::default_world(), config(), clock.clone(), None).unwrap();
    let app = router(console.clone());
    TestConsole { console, clock, app }
}

impl TestConsole {
    pub fn browser(&self) -> Browser {
        Browser::new(self.app.clone())
    }

    /// Calls the SPI with `params` signed by `key`.
    pub async fn spi_with_key(&self, params: &[(&str, &str)], key: &str) -> (StatusCode, serde_json::Value) {
        let uri = format!("/aliyun/spi?{}", signed_query(params, key));
        let page = self.browser().get(&uri).await;
        (page.status, serde_json::from_str(&page.body).unwrap())
    }

    /// Calls the SPI with `params` signed with the console's key.
    pub async fn spi(&self, params: &[(&str, &str)]) -> (StatusCode, serde_json::Value) {
        self.spi_with_key(params, SPI_KEY).await
    }

    /// An instance for `order_biz_id`, bound to Zilliz by its admin through 免登: the instance id
    /// and the admin's browser, signed in.
    pub async fn bound(&self, order_biz_id: &str) -> (String, Browser) {
        let instance = self.create_instance(order_biz_id).await;
        let mut admin = self.browser();
        let login = admin.open(&self.verify_link(&instance)).await;
        let step2 = admin
            .submit(&login, "/login", &[("email", ADMIN.0), ("password", ADMIN.1)])
            .await;
        let done = admin.submit(&step2, "/bind", &[]).await;
        assert!(done.text().contains("授权成功"), "{}", done.text());
        (instance, admin)
    }

    /// Like [`TestConsole::bound`], and the admin has made two clusters, `alpha` and `beta`.
    pub async fn bound_with_clusters(&self, order_biz_id: &str) -> (String, Browser) {
        let (instance, mut admin) = self.bound(order_biz_id).await;
        for name in ["alpha", "beta"] {
            let page = create_cluster(&mut admin, ZILLIZ, name, "standard-1cu").await;
            assert!(page.text().contains(name), "{}", page.text());
        }
        (instance, admin)
    }

    /// Calls createInstance for `order_biz_id` and returns the instance id.
    pub async fn create_instance(&self, order_biz_id: &str) -> String {
        let (status, body) = self.spi_with_key(&create_params(order_biz_id), SPI_KEY).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["instanceId"].as_str().unwrap().to_string()
    }

    /// A 免登 link for `instance_id` stamped at the clock's now.
    pub fn verify_link(&self, instance_id: &str) -> String {
        verify_link_at(instance_id, self.clock.now())
    }
}

pub fn create_params(order_biz_id: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("action", "createInstance"),
        ("aliUid", "1763420985012345"),
        ("orderBizId", order_biz_id),
        ("orderId", "208000000000001"),
        ("productCode", PRODUCT),
        ("skuId", "cmgj00061912-payg"),
        ("trial", "false"),
    ]
}

pub fn verify_link_at(instance_id: &str, at: Instant) -> String {
    let stamp = spi_format(at);
    let params = [
        ("action", "verify"),
        ("instanceId", instance_id),
        ("timeStamp", stamp.as_str()),
    ];
    format!("/aliyun/sso?{}", signed_query(&params, SPI_KEY))
}

/// Signs in through the 登录 page (no hand-off) and lands on the console.
pub async fn sign_in(browser: &mut Browser, (email, password): (&str, &str)) -> Page {
    let login = browser.open("/login").await;
    browser
        .submit(&login, "/login", &[("email", email), ("password", password)])
        .await
}

/// Fills in 创建集群 of `org` with `name` and `plan` and submits it, as a browser would.
pub async fn create_cluster(browser: &mut Browser, org: &str, name: &str, plan: &str) -> Page {
    let form = browser.open(&format!("/orgs/{org}/clusters/new")).await;
    let action = format!("/orgs/{org}/clusters");
    browser
        .submit(&form, &action, &[("name", name), ("plan", plan)])
        .await
}

/// Every page of Zilliz that shows what SPI actions and cluster forms change — 项目, 回收站, 事件,
/// 系统设置, 账单 — as `browser` sees them, for comparing before and after.
pub async fn zilliz_pages(browser: &mut Browser) -> Vec<String> {
    let mut bodies = Vec::new();
    for page in [
        "projects",
        "recycle-bin",
        "events",
        "settings",
        "billing",
        "clusters/new",
    ] {
        bodies.push(browser.open(&format!("/orgs/{ZILLIZ}/{page}")).await.body);
    }
    bodies
}
