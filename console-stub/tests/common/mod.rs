//! A console of the default world on a manual clock, driven through `router(...).oneshot` by a
//! tiny browser that keeps the session cookie, plus helpers to sign SPI calls and 免登 links.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use marketsim_console_stub::{router, Console, ConsoleConfig, ConsoleWorld};
use protocol::clock::Clock;
use protocol::spi::signed_query;
use protocol::time::{parse_instant, spi_format, Instant};
use scraper::{Html, Selector};
use tower::ServiceExt;

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
        Browser {
            app: self.app.clone(),
            cookie: None,
        }
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

/// One response, read whole.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The visible text of the page, whitespace collapsed.
    pub fn text(&self) -> String {
        let html = self.html();
        let words: Vec<&str> = html
            .root_element()
            .text()
            .flat_map(str::split_whitespace)
            .collect();
        words.join(" ")
    }

    /// All elements matching `css`, as their collapsed text.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let html = self.html();
        html.select(&Selector::parse(css).unwrap())
            .map(|e| {
                e.text()
                    .flat_map(str::split_whitespace)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The `attr` of every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let html = self.html();
        html.select(&Selector::parse(css).unwrap())
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// The href of the link whose text is `label`.
    pub fn link(&self, label: &str) -> String {
        let html = self.html();
        html.select(&Selector::parse("a").unwrap())
            .find(|a| a.text().collect::<String>().trim() == label)
            .and_then(|a| a.value().attr("href").map(str::to_string))
            .unwrap_or_else(|| panic!("no link `{label}` on the page:\n{}", self.body))
    }

    /// The value of the hidden (or any) input `name` of the first form that has it.
    pub fn field(&self, name: &str) -> String {
        self.attrs(&format!("input[name=\"{name}\"]"), "value")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no field `{name}` on the page:\n{}", self.body))
    }
}

/// A browser with one cookie jar slot (the console sets one cookie).
#[derive(Clone)]
pub struct Browser {
    pub app: Router,
    pub cookie: Option<String>,
}

impl Browser {
    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let set_cookie: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        for c in &set_cookie {
            let pair = c.split(';').next().unwrap();
            if pair.ends_with('=') {
                self.cookie = None;
            } else {
                self.cookie = Some(pair.to_string());
            }
        }
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            location,
            set_cookie,
            body: String::from_utf8(body.to_vec()).unwrap(),
        }
    }

    fn request(&self, method: &str, uri: &str) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(cookie) = &self.cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let request = self.request("GET", uri).body(Body::empty()).unwrap();
        self.send(request).await
    }

    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            form.append_pair(k, v);
        }
        let request = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.finish()))
            .unwrap();
        self.send(request).await
    }

    /// Follows redirects from `page` until a page that is not one.
    pub async fn follow(&mut self, mut page: Page) -> Page {
        for _ in 0..10 {
            match (&page.location, page.status.is_redirection()) {
                (Some(to), true) => page = self.get(&to.clone()).await,
                _ => return page,
            }
        }
        panic!("too many redirects");
    }

    /// GET `uri` and follow its redirects.
    pub async fn open(&mut self, uri: &str) -> Page {
        let page = self.get(uri).await;
        self.follow(page).await
    }

    /// Submits the form of `page` whose action is `action`, as a browser would (hidden fields and
    /// checked, enabled radios), plus `fields`.
    pub async fn submit(&mut self, page: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
        let html = page.html();
        let form_sel = Selector::parse(&format!("form[action=\"{action}\"]")).unwrap();
        let form = html
            .select(&form_sel)
            .next()
            .unwrap_or_else(|| panic!("no form {action} on the page:\n{}", page.body));
        let hidden_sel = Selector::parse("input[type=hidden]").unwrap();
        let mut all: Vec<(String, String)> = form
            .select(&hidden_sel)
            .map(|i| {
                (
                    i.value().attr("name").unwrap().to_string(),
                    i.value().attr("value").unwrap_or("").to_string(),
                )
            })
            .collect();
        let checked_sel = Selector::parse("input[checked]").unwrap();
        all.extend(
            form.select(&checked_sel)
                .filter(|i| i.value().attr("disabled").is_none())
                .map(|i| {
                    (
                        i.value().attr("name").unwrap().to_string(),
                        i.value().attr("value").unwrap_or("on").to_string(),
                    )
                }),
        );
        all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = self.post(action, &pairs).await;
        self.follow(page).await
    }

    /// Signs in through the 登录 page (no hand-off) and lands on the console.
    pub async fn sign_in(&mut self, (email, password): (&str, &str)) -> Page {
        let login = self.open("/login").await;
        self.submit(&login, "/login", &[("email", email), ("password", password)])
            .await
    }
}
