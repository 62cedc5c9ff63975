//! OpenAPI authentication through the whole app: V3 and V1 signatures, AccessKeys, timestamps, nonces,
//! STS tokens and bad input. A request whose signature held and whose action is unknown is answered
//! `InvalidApi.NotFound`: that answer proves the request got past authentication.
//!
//! Layout: the keys and probe requests the tests share are here; the tests are by what they own —
//! [`accepted`] (every shape of V3 and V1 request the SDKs send), [`refusals`] (each way a request
//! fails authentication, and how errors are answered) and [`keys`] (STS credentials, and which caller
//! each key names).

mod accepted;
mod keys;
mod refusals;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::Router;
use chrono::TimeDelta;
use marketsim_simulator::openapi::auth::{authenticate_at, NonceCache, SignedRequest};
use marketsim_simulator::openapi::{Caller, Params};
use marketsim_simulator::{router, Simulator, World};
use protocol::clock::wall_now;
use protocol::openapi::{v1, v3, Credentials};
use testkit::signed::{send_v1, send_v3, v1_request, v3_request, HOST};
use testkit::{send, Answer};

/// An action no family has: a signed request for it is answered `InvalidApi.NotFound`.
const PROBE: &str = "AuthProbeNoSuchAction";

fn vendor() -> Credentials {
    let w = World::default_world();
    Credentials::new(&w.vendors[0].access_key_id, &w.vendors[0].access_key_secret)
}

fn buyer_one() -> Credentials {
    let w = World::default_world();
    let b = w.buyer("buyer-1").unwrap();
    Credentials::new(&b.access_key_id, &b.access_key_secret)
}

fn sts_of(owner: &str) -> Credentials {
    let w = World::default_world();
    let s = w.sts.iter().find(|s| s.owner == owner).unwrap();
    Credentials::sts(&s.access_key_id, &s.access_key_secret, &s.security_token)
}

/// Authentication passed: the unknown action was looked up.
fn passed_auth(answer: &Answer) -> bool {
    answer.status == StatusCode::NOT_FOUND && answer.code() == "InvalidApi.NotFound"
}

async fn send_v1_query(app: &Router, method: &str, params: &[(String, String)]) -> Answer {
    send_v1(app, method, params, &[]).await
}

fn probe() -> v3::Request {
    v3::Request::new("POST", HOST, PROBE).query("InstanceId", "1")
}

fn v1_probe() -> v1::Request {
    v1::Request::new("POST", PROBE).param("InstanceId", "1")
}
