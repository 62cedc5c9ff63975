//! A browser minus the rendering: it sends requests through a site's `Router` with `oneshot`, keeps
//! the one session cookie the sites set, follows redirects when asked and submits a page's forms as
//! a browser would. What it answers is read with [`crate::page`]. Signing in is each site's own
//! business and stays with its suite.

use crate::page::Page;
use axum::body::Body;
use axum::http::{header, request, Request};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// How many redirects [`Browser::follow`] takes before it calls it a loop.
const MAX_REDIRECTS: usize = 10;

/// A browser on one site, with one cookie slot.
#[derive(Clone)]
pub struct Browser {
    pub app: Router,
    /// The `name=value` pair sent back as `Cookie`, when the site set one.
    pub cookie: Option<String>,
}

impl Browser {
    pub fn new(app: Router) -> Browser {
        Browser { app, cookie: None }
    }

    /// Sends `request` and reads the answer; a `Set-Cookie` replaces the cookie, and one with an
    /// empty value clears it.
    pub async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("a router always answers");
        let status = response.status();
        let text = |value: &header::HeaderValue| value.to_str().expect("a header of text").to_owned();
        let location = response.headers().get(header::LOCATION).map(text);
        let set_cookie: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(text)
            .collect();
        for cookie in &set_cookie {
            let pair = cookie.split(';').next().unwrap_or_default();
            self.cookie = (!pair.ends_with('=')).then(|| pair.to_owned());
        }
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("the body is read whole")
            .to_bytes();
        Page {
            status,
            location,
            set_cookie,
            body: String::from_utf8(bytes.to_vec()).expect("a page is UTF-8"),
        }
    }

    /// A request to `uri` carrying the cookie.
    fn request(&self, method: &str, uri: &str) -> request::Builder {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(cookie) = &self.cookie {
            builder = builder.header(header::COOKIE, cookie);
        }
        builder
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        let request = self
            .request("GET", uri)
            .body(Body::empty())
            .expect("a GET request");
        self.send(request).await
    }

    /// Posts `fields` as a form.
    pub async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_bytes(uri, body.into_bytes()).await
    }

    /// Posts `body` as a form exactly as given, odd bytes included.
    pub async fn post_bytes(&mut self, uri: &str, body: Vec<u8>) -> Page {
        let request = self
            .request("POST", uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("a POST request");
        self.send(request).await
    }

    /// Follows redirects from `page` until a page that is not one.
    pub async fn follow(&mut self, mut page: Page) -> Page {
        for _ in 0..MAX_REDIRECTS {
            match (&page.location, page.status.is_redirection()) {
                (Some(to), true) => page = self.get(&to.clone()).await,
                _ => return page,
            }
        }
        panic!(
            "more than {MAX_REDIRECTS} redirects, the last to {:?}",
            page.location
        );
    }

    /// GETs `uri` and follows its redirects.
    pub async fn open(&mut self, uri: &str) -> Page {
        let page = self.get(uri).await;
        self.follow(page).await
    }

    /// Submits the form of `page` whose action is `action` as a browser would (its hidden fields and
    /// checked, enabled inputs), plus `fields`, and follows the redirects.
    pub async fn submit(&mut self, page: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = page.form_values(action);
        all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let page = self.post(action, &pairs).await;
        self.follow(page).await
    }
}
