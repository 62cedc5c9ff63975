//! The agent against small hand-written pages served by a local axum app, which records every
//! request it receives so each test can say exactly what the agent sent. This module holds that
//! app; the tests are grouped by what they exercise.

mod forms;
mod navigation;
mod scopes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use url::Url;

use super::{Agent, AgentError, Locator};

/// What a path answers.
#[derive(Clone)]
enum Reply {
    Page(&'static str),
    Redirect(u16, &'static str),
    PageSettingCookie(&'static str, &'static str),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    body: String,
    cookie: Option<String>,
    origin: Option<String>,
}

struct SiteState {
    routes: HashMap<&'static str, Reply>,
    seen: Mutex<Vec<Seen>>,
}

struct Site {
    port: u16,
    state: Arc<SiteState>,
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("log lock").clone()
    }

    fn last(&self) -> Seen {
        self.seen().pop().expect("a request was made")
    }
}

async fn serve(routes: &[(&'static str, Reply)]) -> Site {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let port = listener.local_addr().expect("bound address").port();
    let state = Arc::new(SiteState {
        routes: routes.iter().cloned().collect(),
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new().fallback(answer).with_state(Arc::clone(&state));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Site { port, state }
}

async fn answer(
    State(site): State<Arc<SiteState>>,
    method: axum::http::Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &axum::http::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let target = uri.path_and_query().map(|pq| pq.to_string()).unwrap_or_default();
    let seen = Seen {
        method: method.to_string(),
        target,
        body,
        cookie: header(COOKIE),
        origin: header(ORIGIN),
    };
    site.seen.lock().expect("log lock").push(seen);
    match site.routes.get(uri.path()) {
        Some(Reply::Page(html)) => Html(*html).into_response(),
        Some(Reply::Redirect(status, to)) => {
            let status = StatusCode::from_u16(*status).expect("a valid status");
            (status, [(LOCATION, *to)]).into_response()
        }
        Some(Reply::PageSettingCookie(cookie, html)) => {
            ([(SET_COOKIE, *cookie)], Html(*html)).into_response()
        }
        None => (StatusCode::NOT_FOUND, Html("<h1>页面不存在</h1>")).into_response(),
    }
}

fn agent() -> Agent {
    Agent::new().expect("an HTTP client")
}

fn exchanges(agent: &mut Agent) -> Vec<String> {
    agent.take_exchanges().iter().map(ToString::to_string).collect()
}

const DONE: Reply = Reply::Page("<h1>完成</h1>");
