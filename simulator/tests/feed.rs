//! The billing feed: every metering record accepted, every push refused and every bill line is an
//! entry at the next offset, in the order made; a page reads from an offset with the answer's
//! `next_offset`, a stream follows live and resumes after a reconnect without losing or repeating
//! an entry; a vendor's key reads its products', a buyer's its own, the control API all; requests
//! are signed like the OpenAPI's; bad and stale offsets get the gateway's error codes.

mod common;

use common::openapi::call;
use common::{control, simulator, world_with_vendor};
use marketsim_simulator::openapi::Caller;
use marketsim_simulator::{router, Simulator};
use protocol::openapi::client::Client;
use protocol::openapi::{v1, v3, Credentials};
use serde_json::{json, Value};
use std::time::Duration;
use testkit::signed::HOST;
use testkit::vendor::Vendor;

const PRODUCT: &str = "cmgj00061912";
/// 2023-08-15 10:00:00 +08:00, the default world's start.
const TEN_AM: i64 = 1_692_064_800;
const HOUR: i64 = 3600;

struct World {
    sim: Simulator,
    instance: String,
    _vendor: Vendor,
}

/// The default world with one pay-as-you-go instance of buyer-1's, opened at 10:02.
async fn opened() -> World {
    let vendor = Vendor::taking_everything("zc-1", "http://vendor/sso").await;
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let buyer = sim.world().buyer("buyer-1").unwrap().clone();
    let order = sim
        .open_service(&buyer, PRODUCT, "cmgj00061912-payg", &Default::default())
        .unwrap();
    advance_to(&sim, TEN_AM + 120).await;
    World {
        sim,
        instance: order.instance_id,
        _vendor: vendor,
    }
}

async fn advance_to(sim: &Simulator, t: i64) {
    let now = sim.clock().now().timestamp();
    sim.clock()
        .advance(Duration::from_secs((t - now).try_into().unwrap()))
        .await
        .unwrap();
}

fn metering(instance: &str, start: i64, end: i64) -> String {
    json!([{"InstanceId": instance, "StartTime": start, "EndTime": end, "Entities": [
        {"Key": "Period", "Value": 3600, "meteringAssit": format!("{PRODUCT}-Period-1")},
        {"Key": "StorageGigaByte", "Value": 10, "meteringAssit": format!("{PRODUCT}-StorageGigaByte-1")}
    ]}])
    .to_string()
}

fn push(sim: &Simulator, metering: &str) -> Result<Value, String> {
    let vendor = Caller::Vendor(&sim.world().vendors[0]);
    call(sim, &vendor, "PushMeteringData", &[("Metering", metering)]).map_err(|e| e.code().to_owned())
}

fn vendor_keys(sim: &Simulator) -> Credentials {
    let v = &sim.world().vendors[0];
    Credentials::new(&v.access_key_id, &v.access_key_secret)
}

fn buyer_keys(sim: &Simulator, login: &str) -> Credentials {
    let b = sim.world().buyer(login).unwrap();
    Credentials::new(&b.access_key_id, &b.access_key_secret)
}

/// A page read with `keys`, signed V3 as the official SDK signs a GET.
async fn read(sim: &Simulator, keys: &Credentials, query: &[(&str, &str)]) -> (u16, Value) {
    let mut request = v3::Request::new("GET", HOST, "ReadBillingFeed");
    for (name, value) in query {
        request = request.query(name, value);
    }
    let answer = testkit::signed::v3(&router(sim.clone()), request, keys).await;
    (
        answer.status.as_u16(),
        serde_json::from_str(&answer.body).unwrap(),
    )
}

async fn control_page(sim: &Simulator, query: &str) -> Value {
    let (status, page) = control(sim, "GET", &format!("/__marketsim/feed?{query}"), "").await;
    assert_eq!(status, 200, "{page}");
    page
}

fn types(page: &Value) -> Vec<&str> {
    entries(page)
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect()
}

fn entries(page: &Value) -> &Vec<Value> {
    page["entries"].as_array().unwrap()
}

fn end(page: &Value) -> i64 {
    page["end_offset"].as_i64().unwrap()
}

/// A world with, after what the fixtures hold: a record pushed, a push refused, the record's two
/// bill lines. Returns the offset the first of them has.
async fn billed() -> (World, i64) {
    let w = opened().await;
    let start = end(&control_page(&w.sim, "limit=1").await);
    advance_to(&w.sim, TEN_AM + 1800).await;
    push(&w.sim, &metering(&w.instance, TEN_AM + 120, TEN_AM + HOUR)).unwrap();
    // No such instance: refused.
    let refused = metering("99999999", TEN_AM + 120, TEN_AM + 1200);
    assert_eq!(push(&w.sim, &refused).unwrap_err(), "Invalid.Parameter.Instance");
    advance_to(&w.sim, TEN_AM + 2 * HOUR).await;
    (w, start)
}

#[tokio::test]
async fn records_refusals_and_bill_lines_are_entries_at_consecutive_offsets_in_the_order_made() {
    let (w, start) = billed().await;
    let page = control_page(&w.sim, &format!("offset={start}")).await;
    assert_eq!(
        types(&page),
        ["metering", "metering_refused", "bill_line", "bill_line"]
    );
    let ids: Vec<i64> = entries(&page).iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [start, start + 1, start + 2, start + 3]);
    assert_eq!(
        (page["next_offset"].as_i64(), end(&page)),
        (Some(start + 4), start + 4)
    );

    let record = &entries(&page)[0];
    assert_eq!(record["instance_id"], json!(w.instance));
    assert_eq!(record["start_time"], json!("2023-08-15T10:02:00+08:00"));
    assert_eq!(
        record["entities"][0],
        json!({"Key": "Period", "Value": 3600,
        "meteringAssit": "cmgj00061912-Period-1", "SerialNo": null})
    );
    assert_eq!(record["billable"], json!(true));

    let refusal = &entries(&page)[1];
    assert_eq!(refusal["code"], json!("Invalid.Parameter.Instance"));
    assert_eq!(refusal["vendor"], json!("zilliz"));
    assert_eq!(refusal["instances"], json!(["99999999"]));
    assert_eq!(refusal["records"], json!(1));
    assert!(
        refusal["message"].as_str().unwrap().contains("99999999"),
        "{refusal}"
    );
    assert!(
        refusal["metering"]
            .as_str()
            .unwrap()
            .contains("\"InstanceId\":\"99999999\""),
        "{refusal}"
    );

    let line = &entries(&page)[2];
    assert_eq!(
        (&line["kind"], &line["key"], &line["amount"], &line["at"]),
        (
            &json!("PayAsYouGoBill"),
            &json!("Period"),
            &json!("1.20"),
            &json!("2023-08-15T12:00:00+08:00")
        )
    );
}

#[tokio::test]
async fn a_refused_push_changes_nothing_but_the_feed() {
    let w = opened().await;
    advance_to(&w.sim, TEN_AM + 1800).await;
    let records = w.sim.store().metering_count().unwrap();
    let lines = w.sim.store().bill_line_count().unwrap();
    for bad in ["not json", "[]", &metering("99999999", TEN_AM, TEN_AM + 60)] {
        assert!(push(&w.sim, bad).is_err(), "{bad}");
    }
    advance_to(&w.sim, TEN_AM + 3 * HOUR).await;
    assert_eq!(w.sim.store().metering_count().unwrap(), records);
    assert_eq!(w.sim.store().bill_line_count().unwrap(), lines);
    let page = control_page(&w.sim, "limit=10000").await;
    let refusals: Vec<&Value> = entries(&page)
        .iter()
        .filter(|e| e["type"] == "metering_refused")
        .collect();
    let codes: Vec<&Value> = refusals.iter().map(|r| &r["code"]).collect();
    assert_eq!(
        codes,
        [
            "Invalid.Parameter.Metering",
            "Invalid.Parameter.Metering",
            "Invalid.Parameter.Instance"
        ]
    );
    assert_eq!(refusals[0]["records"], Value::Null, "text that could not be read");
    assert_eq!(refusals[0]["metering"], json!("not json"));
}

#[tokio::test]
async fn pages_chained_by_next_offset_read_the_same_entries_as_one_page() {
    let (w, _) = billed().await;
    let keys = vendor_keys(&w.sim);
    let (status, whole) = read(&w.sim, &keys, &[("limit", "10000")]).await;
    assert_eq!(status, 200, "{whole}");
    let mut chained = Vec::new();
    let mut offset = 0;
    loop {
        let (status, page) = read(&w.sim, &keys, &[("offset", &offset.to_string()), ("limit", "3")]).await;
        assert_eq!(status, 200, "{page}");
        assert!(entries(&page).len() <= 3);
        chained.extend(entries(&page).iter().cloned());
        offset = page["next_offset"].as_i64().unwrap();
        if offset >= end(&page) {
            break;
        }
    }
    assert_eq!(&chained, entries(&whole));
    assert!(chained.len() >= 4);
}

#[tokio::test]
async fn a_vendor_reads_its_products_entries_a_buyer_its_own_and_the_control_api_all() {
    let (w, start) = billed().await;
    let all = control_page(&w.sim, &format!("offset={start}")).await;
    let offset = start.to_string();
    let (_, vendor) = read(&w.sim, &vendor_keys(&w.sim), &[("offset", &offset)]).await;
    assert_eq!(entries(&vendor), entries(&all));
    let (_, buyer) = read(&w.sim, &buyer_keys(&w.sim, "buyer-1"), &[("offset", &offset)]).await;
    assert_eq!(
        types(&buyer),
        ["metering", "bill_line", "bill_line"],
        "no refusal"
    );
    let (_, other) = read(&w.sim, &buyer_keys(&w.sim, "buyer-2"), &[("offset", &offset)]).await;
    assert_eq!(types(&other), Vec::<&str>::new());
    assert_eq!(
        other["next_offset"],
        json!(start + 4),
        "read past what it may not see"
    );
}

#[tokio::test]
async fn bad_past_the_end_and_stale_offsets_get_their_answers() {
    let (w, _) = billed().await;
    let keys = vendor_keys(&w.sim);
    for (query, code) in [
        (("offset", "abc"), "InvalidOffset"),
        (("offset", "-1"), "InvalidOffset"),
        (("offset", "1e3"), "InvalidOffset"),
        (("limit", "0"), "InvalidLimit"),
        (("limit", "10001"), "InvalidLimit"),
    ] {
        let (status, answer) = read(&w.sim, &keys, &[query]).await;
        assert_eq!(
            (status, answer["Code"].as_str()),
            (400, Some(code)),
            "{query:?}: {answer}"
        );
        assert!(answer["RequestId"].is_string(), "the gateway's shape: {answer}");
    }
    let (_, page) = read(&w.sim, &keys, &[]).await;
    let past = (end(&page) + 5).to_string();
    let (status, page) = read(&w.sim, &keys, &[("offset", &past)]).await;
    assert_eq!((status, entries(&page).len()), (200, 0));
    assert_eq!(
        page["next_offset"],
        json!(end(&page) + 5),
        "stays where it was asked"
    );

    let before_reset = end(&page);
    let (status, _) = control(&w.sim, "POST", "/__marketsim/reset", "{}").await;
    assert_eq!(status, 200);
    let (status, answer) = read(&w.sim, &keys, &[("offset", "0")]).await;
    assert_eq!(
        (status, answer["Code"].as_str()),
        (400, Some("InvalidOffset.Stale")),
        "{answer}"
    );
    let (status, page) = read(&w.sim, &keys, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        (&page["next_offset"], end(&page)),
        (&json!(before_reset), before_reset),
        "a reset world's feed goes on from where it ended"
    );
}

#[tokio::test]
async fn the_feed_is_read_only_with_a_signature_v3_or_v1_and_each_nonce_once() {
    let (w, _) = billed().await;
    let keys = vendor_keys(&w.sim);
    let app = router(w.sim.clone());
    let answer = testkit::signed::v1(
        &app,
        v1::Request::new("GET", "ReadBillingFeed").param("limit", "2"),
        &keys,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let page: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(entries(&page).len(), 2);

    // A key id alone reads nothing.
    let unsigned = axum::http::Request::builder()
        .uri(format!(
            "/?Action=ReadBillingFeed&AccessKeyId={}",
            keys.access_key_id
        ))
        .header("host", HOST)
        .body(axum::body::Body::empty())
        .unwrap();
    let answer = testkit::send(&app, unsigned).await;
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("IncompleteSignature"), "{}", answer.body);

    let signed = v3::Request::new("GET", HOST, "ReadBillingFeed").sign(&keys);
    assert_eq!(testkit::signed::send_v3(&app, &signed).await.status, 200);
    let replayed = testkit::signed::send_v3(&app, &signed).await;
    assert!(replayed.body.contains("SignatureNonceUsed"), "{}", replayed.body);

    let wrong = Credentials::new(&keys.access_key_id, "not the secret");
    let answer = testkit::signed::v3(&app, v3::Request::new("GET", HOST, "ReadBillingFeed"), &wrong).await;
    assert!(answer.body.contains("SignatureDoesNotMatch"), "{}", answer.body);
}

/// Events of a Server-Sent Events stream: (id, data) of each, with the `error` event's data under
/// the id `error`.
struct Events {
    response: reqwest::Response,
    /// Bytes received and not yet read as events (a chunk may end inside a character).
    buffer: Vec<u8>,
}

impl Events {
    /// Follows the feed on `endpoint` with `keys`, from `offset` or after `last_event_id`.
    async fn follow(
        endpoint: &str,
        keys: &Credentials,
        offset: Option<i64>,
        last_event_id: Option<i64>,
    ) -> Events {
        let client = Client::new(endpoint, &keys.access_key_id, &keys.access_key_secret).unwrap();
        let offset = offset.map(|o| o.to_string());
        let query: Vec<(&str, &str)> = offset.iter().map(|o| ("offset", o.as_str())).collect();
        let signed = client.sign("FollowBillingFeed", "GET", &query, &[]);
        let mut request = reqwest::Client::new().get(format!("{endpoint}{}", signed.uri()));
        for (name, value) in &signed.headers {
            request = request.header(name.as_ref(), value);
        }
        if let Some(last) = last_event_id {
            request = request.header("Last-Event-ID", last.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Events {
            response,
            buffer: Vec::new(),
        }
    }

    /// The next event, waiting at most two seconds for it.
    async fn next(&mut self) -> Option<(String, Value)> {
        loop {
            if let Some(at) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..at + 2).collect();
                let block = String::from_utf8(block).unwrap();
                let (mut id, mut data, mut kind) = (String::new(), String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        kind = v.to_owned();
                    }
                }
                if data.is_empty() {
                    continue; // a keep-alive comment
                }
                let id = if kind == "error" { kind } else { id };
                return Some((id, serde_json::from_str(&data).unwrap()));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(2), self.response.chunk())
                .await
                .ok()?
                .unwrap()?;
            self.buffer.extend_from_slice(&chunk);
        }
    }
}

async fn serve(sim: &Simulator) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let serving = sim.clone();
    tokio::spawn(async move {
        marketsim_simulator::serve(
            listener,
            serving,
            serving::Config::default(),
            std::future::pending(),
        )
        .await
    });
    endpoint
}

#[tokio::test]
async fn a_stream_follows_live_and_a_signed_reconnect_resumes_without_losing_or_repeating() {
    let w = opened().await;
    let endpoint = serve(&w.sim).await;
    let keys = vendor_keys(&w.sim);
    let start = end(&control_page(&w.sim, "limit=1").await);
    advance_to(&w.sim, TEN_AM + 1800).await;
    push(&w.sim, &metering(&w.instance, TEN_AM + 120, TEN_AM + 1200)).unwrap();

    let mut events = Events::follow(&endpoint, &keys, Some(start), None).await;
    let (id, first) = events.next().await.unwrap();
    assert_eq!((id, &first["type"]), (start.to_string(), &json!("metering")));
    assert!(
        events.next().await.is_none(),
        "caught up, nothing comes until it is made"
    );
    advance_to(&w.sim, TEN_AM + 1860).await;
    push(&w.sim, &metering(&w.instance, TEN_AM + 1200, TEN_AM + 1800)).unwrap();
    let (id, _) = events.next().await.unwrap();
    assert_eq!(id, (start + 1).to_string());
    drop(events);

    // Made while no one followed.
    advance_to(&w.sim, TEN_AM + 2760).await;
    push(&w.sim, &metering(&w.instance, TEN_AM + 1800, TEN_AM + 2700)).unwrap();
    advance_to(&w.sim, TEN_AM + 2 * HOUR).await;
    let mut resumed = Events::follow(&endpoint, &keys, Some(start), Some(start + 1)).await;
    let mut ids = Vec::new();
    while let Some((id, event)) = resumed.next().await {
        assert_ne!(id, "error", "{event}");
        ids.push(id.parse::<i64>().unwrap());
    }
    let made = end(&control_page(&w.sim, "limit=1").await);
    assert_eq!(
        ids,
        ((start + 2)..made).collect::<Vec<_>>(),
        "every entry after the last one received, once"
    );
}

#[tokio::test]
async fn a_stream_refuses_a_garbage_or_stale_offset_before_it_starts() {
    let w = opened().await;
    let keys = vendor_keys(&w.sim);
    advance_to(&w.sim, TEN_AM + 1800).await;
    push(&w.sim, &metering(&w.instance, TEN_AM + 120, TEN_AM + 1200)).unwrap();
    let app = router(w.sim.clone());
    let request = v3::Request::new("GET", HOST, "FollowBillingFeed").query("offset", "soon");
    let answer = testkit::signed::v3(&app, request, &keys).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("\"Code\":\"InvalidOffset\""),
        "{}",
        answer.body
    );
    let (status, _) = control(&w.sim, "POST", "/__marketsim/reset", "{}").await;
    assert_eq!(status, 200);
    let request = v3::Request::new("GET", HOST, "FollowBillingFeed").query("offset", "0");
    let answer = testkit::signed::v3(&app, request, &keys).await;
    assert!(answer.body.contains("InvalidOffset.Stale"), "{}", answer.body);
}
