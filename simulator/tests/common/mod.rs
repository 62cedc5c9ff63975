//! Test helpers: a world whose vendor is a wiremock server, and a minimal signed-in client that
//! drives the app with `oneshot` (no socket) and reads pages with `scraper`.
#![allow(dead_code)]

pub mod openapi;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use marketsim_simulator::{router, Options, Simulator, World};
use std::time::Duration;
use tower::ServiceExt;

/// The default world with its vendor at `spi_url`, fast retries and a short SPI timeout.
pub fn world_with_vendor(spi_url: &str) -> World {
    let mut world = World::default_world();
    world.vendors[0].spi_url = spi_url.to_owned();
    world.settings.spi_timeout = Duration::from_millis(300);
    world
}

/// A vendor whose SPI answers every createInstance with `instance_id` and `auth_url`.
pub async fn vendor_answering(instance_id: &str, auth_url: &str) -> wiremock::MockServer {
    let vendor = wiremock::MockServer::start().await;
    let body = format!(r#"{{"instanceId":"{instance_id}","appInfo":{{"authUrl":"{auth_url}"}}}}"#);
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(body))
        .mount(&vendor)
        .await;
    vendor
}

pub fn simulator(world: World) -> Simulator {
    Simulator::open(world, Options::default()).expect("opens in memory")
}

pub struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Option<String>,
    pub body: String,
}

impl Answer {
    pub fn text(&self) -> String {
        let doc = scraper::Html::parse_document(&self.body);
        doc.root_element()
            .text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value of the first input named `name`.
    pub fn input(&self, name: &str) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse(&format!("input[name=\"{name}\"]")).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    }

    /// The value of the input `name` in the form that posts to `action`.
    pub fn form_input(&self, action: &str, name: &str) -> Option<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let css = format!("form[action=\"{action}\"] input[name=\"{name}\"]");
        let sel = scraper::Selector::parse(&css).unwrap();
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .map(str::to_owned)
    }

    /// Every link's href whose text is `label`.
    pub fn links(&self, label: &str) -> Vec<String> {
        let doc = scraper::Html::parse_document(&self.body);
        let sel = scraper::Selector::parse("a").unwrap();
        doc.select(&sel)
            .filter(|a| a.text().collect::<String>().trim() == label)
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect()
    }
}

/// A buyer's browser on the simulator, minus the HTML parsing a real one does.
pub struct Client {
    pub sim: Simulator,
    pub cookie: Option<String>,
}

impl Client {
    pub fn new(sim: &Simulator) -> Client {
        Client {
            sim: sim.clone(),
            cookie: None,
        }
    }

    pub async fn signed_in(sim: &Simulator, login: &str) -> Client {
        let mut c = Client::new(sim);
        let password = sim.world().buyer(login).unwrap().password.clone();
        let a = c.sign_in(login, &password, "/").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "sign-in: {}", a.body);
        c
    }

    /// Opens the sign-in form as a link to `/signin?return=…` would, then submits it with its
    /// hidden fields (the CSRF token, when it has one), `login` and `password`.
    pub async fn sign_in(&mut self, login: &str, password: &str, return_to: &str) -> Answer {
        let encoded: String = form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
        let form = self.get(&format!("/signin?return={encoded}")).await;
        let csrf = form.input("csrf").unwrap_or_default();
        self.post(
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

    async fn send(&mut self, request: Request<Body>) -> Answer {
        let response = router(self.sim.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let location = header(header::LOCATION);
        let set_cookie = header(header::SET_COOKIE);
        if let Some(c) = &set_cookie {
            let pair = c.split(';').next().unwrap().to_owned();
            self.cookie = if pair.ends_with('=') { None } else { Some(pair) };
        }
        let body =
            String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        Answer {
            status,
            location,
            set_cookie,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let mut r = Request::get(path);
        if let Some(c) = &self.cookie {
            r = r.header(header::COOKIE, c);
        }
        self.send(r.body(Body::empty()).unwrap()).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_bytes(path, body.into_bytes()).await
    }

    /// Posts `body` as a form exactly as given, odd bytes included.
    pub async fn post_bytes(&mut self, path: &str, body: Vec<u8>) -> Answer {
        let mut r = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = &self.cookie {
            r = r.header(header::COOKIE, c);
        }
        self.send(r.body(Body::from(body)).unwrap()).await
    }

    /// Opens the first product's service through the pages; returns the new instance id.
    pub async fn open_service(&mut self) -> String {
        let code = self.sim.world().products[0].code.clone();
        let dialog = self.get(&format!("/products/{code}/open")).await;
        let csrf = dialog.input("csrf").expect("the dialog carries a CSRF token");
        let sku = dialog.input("sku").unwrap();
        let done = self
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
