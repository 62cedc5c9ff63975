//! The control API changes the world only for requests a page of another origin cannot make: every
//! state-changing endpoint of `control::ENDPOINTS` (the table the routes are built from, so later
//! endpoints are covered unchanged) is tried with what a foreign page can send, and the world stays
//! as it was.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::control::{Endpoint, ENDPOINTS};
use marketsim_simulator::{router, Simulator};

const HOST: &str = "127.0.0.1:8080";

/// The control endpoints that can change the world.
fn changing() -> Vec<&'static Endpoint> {
    let list: Vec<_> = ENDPOINTS.iter().filter(|e| e.changes_world()).collect();
    assert!(list.len() >= 3, "advance, run-until-idle and reset at least");
    list
}

/// A request a page of another origin (or a bodiless script) could send: its name, its headers and
/// its body.
struct Attempt {
    name: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: Option<&'static str>,
}

/// What each endpoint is tried with; `None` as a body means the endpoint's own JSON example.
const ATTEMPTS: &[Attempt] = &[
    Attempt {
        name: "a cross-origin text/plain form post",
        headers: &[
            ("content-type", "text/plain"),
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        body: None,
    },
    Attempt {
        name: "a text/plain post without Origin",
        headers: &[("content-type", "text/plain")],
        body: None,
    },
    Attempt {
        name: "an empty JSON body",
        headers: &[("content-type", "application/json")],
        body: Some(""),
    },
    Attempt {
        name: "an empty body without a content type",
        headers: &[],
        body: Some(""),
    },
    Attempt {
        name: "a JSON body from a foreign Origin",
        headers: &[
            ("content-type", "application/json"),
            ("origin", "http://evil.example"),
        ],
        body: None,
    },
    Attempt {
        name: "a JSON body marked cross-site",
        headers: &[
            ("content-type", "application/json"),
            ("sec-fetch-site", "cross-site"),
        ],
        body: None,
    },
    Attempt {
        name: "a JSON body from another port of the same host (same-site, cross-origin)",
        headers: &[
            ("content-type", "application/json"),
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-site"),
        ],
        body: None,
    },
    Attempt {
        name: "a JSON body whose second Sec-Fetch-Site and Origin say cross-site",
        headers: &[
            ("content-type", "application/json"),
            ("sec-fetch-site", "none"),
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://127.0.0.1:8080"),
            ("origin", "http://evil.example"),
        ],
        body: None,
    },
];

async fn send(sim: &Simulator, endpoint: &Endpoint, headers: &[(&str, &str)], body: &str) -> StatusCode {
    let mut request = Request::builder()
        .method(endpoint.method.clone())
        .uri(endpoint.path)
        .header(header::HOST, HOST);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    testkit::send(&router(sim.clone()), request).await.status
}

async fn get_json(sim: &Simulator, path: &str) -> String {
    let request = Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    testkit::send(&router(sim.clone()), request).await.body
}

/// What a change would show: the clock, the delivery journal and the buyer's instances.
async fn world_state(sim: &Simulator) -> (String, String, Vec<String>, String) {
    let instances = sim
        .store()
        .instances_of("1763420985012345")
        .unwrap()
        .iter()
        .map(|i| format!("{} {:?}", i.instance_id, i.status))
        .collect();
    (
        get_json(sim, "/__marketsim/clock").await,
        get_json(sim, "/__marketsim/deliveries").await,
        instances,
        get_json(sim, "/__marketsim/faults").await,
    )
}

/// A world with messages that gave up (message 1, a createInstance, among them), an open seeded
/// instance (15511111, which the control examples name), deliveries in the journal and one still due.
async fn busy_world() -> Simulator {
    let sim = simulator(world_with_vendor("http://127.0.0.1:9/spi"));
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    buyer.open_service().await;
    sim.deliver("15511111", "orderPay", &[]).unwrap();
    sim.clock()
        .advance(std::time::Duration::from_secs(10 * 3600))
        .await
        .unwrap();
    buyer.open_service().await;
    sim.clock()
        .advance(std::time::Duration::from_secs(150))
        .await
        .unwrap();
    sim
}

#[tokio::test]
async fn no_state_changing_control_call_acts_on_what_a_foreign_page_can_send() {
    let sim = busy_world().await;
    let before = world_state(&sim).await;
    assert!(!before.2.is_empty() && before.1.contains("unreachable"));
    for endpoint in changing() {
        let path = endpoint.path;
        for attempt in ATTEMPTS {
            let body = attempt.body.unwrap_or(endpoint.example);
            let status = send(&sim, endpoint, attempt.headers, body).await;
            assert_eq!(world_state(&sim).await, before, "{path}, {}", attempt.name);
            assert!(status.is_client_error(), "{path}, {}: {status}", attempt.name);
        }
    }
}

#[tokio::test]
async fn every_state_changing_control_call_acts_on_its_example_sent_as_json_from_its_own_origin() {
    for endpoint in changing() {
        for headers in [
            &[("content-type", "application/json")][..],
            &[
                ("content-type", "application/json; charset=utf-8"),
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-origin"),
            ],
        ] {
            // A fresh world each time: an example may act only once (an instance expires once).
            let sim = busy_world().await;
            let status = send(&sim, endpoint, headers, endpoint.example).await;
            assert!(
                status.is_success(),
                "{} with {headers:?}: {status}",
                endpoint.path
            );
        }
    }
}
