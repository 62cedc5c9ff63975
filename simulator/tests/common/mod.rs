//! The simulator's suite on top of the test kit: a world whose vendor is a wiremock server, and a
//! buyer's browser that signs in to the marketplace and opens a service through its pages. Pages are
//! read, requests signed and the vendor played by `testkit`; what is here knows the marketplace.
#![allow(dead_code, unused_imports)]

pub mod bss;
pub mod openapi;

use axum::http::StatusCode;
use marketsim_simulator::{router, Options, Simulator, World};
use std::time::Duration;
pub use testkit::{Browser, Page};

/// The default world with its vendor at `spi_url`, fast retries and a short SPI timeout.
pub fn world_with_vendor(spi_url: &str) -> World {
    let mut world = World::default_world();
    world.vendors[0].spi_url = spi_url.to_owned();
    world.settings.spi_timeout = Duration::from_millis(300);
    world
}

pub fn simulator(world: World) -> Simulator {
    Simulator::open(world, Options::default()).expect("opens in memory")
}

/// A JSON request to the control API of `sim` (as its own origin sends it): the status and the
/// answer, `null` when it is not JSON.
pub async fn control(
    sim: &Simulator,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_owned()))
        .expect("a request of a method and a path builds");
    let answer = testkit::send(&router(sim.clone()), request).await;
    (
        answer.status,
        serde_json::from_str(&answer.body).unwrap_or(serde_json::Value::Null),
    )
}

/// A buyer on the marketplace: the kit's `browser`, used as it is for what any browser does, and the
/// simulator beside it for what only the marketplace knows (its buyers' passwords, the order a 开通
/// made), which the methods here add.
pub struct Client {
    pub sim: Simulator,
    pub browser: Browser,
}

impl Client {
    pub fn new(sim: &Simulator) -> Client {
        Client {
            sim: sim.clone(),
            browser: Browser::new(router(sim.clone())),
        }
    }

    pub async fn signed_in(sim: &Simulator, login: &str) -> Client {
        let mut c = Client::new(sim);
        let password = sim.world().buyer(login).unwrap().password.clone();
        let a = c.sign_in(login, &password, "/").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "sign-in: {}", a.body);
        c
    }

    /// A vendor signed in to the seller pages with its sandbox account `login`.
    pub async fn signed_in_vendor(sim: &Simulator, login: &str) -> Client {
        let mut c = Client::new(sim);
        let password = sim.world().vendor_by_login(login).unwrap().password.clone();
        let a = c.sign_in(login, &password, "/seller/messages").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "sign-in: {}", a.body);
        c
    }

    /// Opens the sign-in form as a link to `/signin?return=…` would, then submits it with its
    /// hidden fields (the CSRF token, when it has one), `login` and `password`.
    pub async fn sign_in(&mut self, login: &str, password: &str, return_to: &str) -> Page {
        let encoded: String = form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
        let form = self.browser.get(&format!("/signin?return={encoded}")).await;
        let csrf = form.find_field("csrf").unwrap_or_default();
        self.browser
            .post(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("login", login),
                    ("password", password),
                    ("return", return_to),
                ],
            )
            .await
    }

    /// Opens the first product's service through the pages; returns the new instance id.
    pub async fn open_service(&mut self) -> String {
        let code = self.sim.world().products[0].code.clone();
        let dialog = self.browser.get(&format!("/products/{code}/open")).await;
        let csrf = dialog.field("csrf");
        let sku = dialog.field("sku");
        let done = self
            .browser
            .post(
                &format!("/products/{code}/open"),
                &[("csrf", &csrf), ("sku", &sku), ("agree", "yes")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let order_id = done.location.unwrap().split('/').nth(2).unwrap().to_owned();
        self.sim.store().order(&order_id).unwrap().unwrap().instance_id
    }
}
