//! One request through a service's `Router` with `tower`'s `oneshot`, as the axum examples test an
//! app without a socket, and its answer read whole. [`crate::signed`] sends through here; the
//! [`crate::browser`] reads its answers as pages instead.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A service's answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text: every service answers in UTF-8, and [`send`] panics on a body that is not.
    pub body: String,
}

impl Answer {
    /// The body as JSON; panics, showing the body, when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The status as a number and the body as JSON, for a test that compares both at once.
    pub fn status_and_json(&self) -> (u16, Value) {
        (self.status.as_u16(), self.json())
    }

    /// The OpenAPI error `Code` of a JSON body, empty when there is none.
    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_owned()
    }

    /// The OpenAPI error `Message` of a JSON body, empty when there is none.
    pub fn message(&self) -> String {
        self.json()["Message"].as_str().unwrap_or_default().to_owned()
    }

    /// The value of header `name`, when it is there and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `request` through `app` and reads the answer whole.
pub async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("a router always answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("the body is read whole")
        .to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).expect("an answer is UTF-8"),
    }
}
