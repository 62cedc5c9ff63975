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
