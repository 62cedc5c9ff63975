//! A console whose marketplace is a wiremock server, and clusters made straight in its store (the
//! cluster pages are not what these tests are about): created, frozen, restored and deleted at
//! the clock's now, and the pushes the marketplace received and the console logged.

use super::{config, start, ZILLIZ};
use marketsim_console_stub::store::clusters::{Cluster, ClusterStatus};
use marketsim_console_stub::store::instances::NewInstance;
use marketsim_console_stub::store::usage::Push;
use marketsim_console_stub::{Console, ConsoleWorld};
use protocol::clock::Clock;
use protocol::time::{parse_instant, Instant};
use std::path::Path;
use std::time::Duration;
use wiremock::matchers::header;
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// How long a push may take in these tests before it counts as timed out.
pub const PUSH_TIMEOUT: Duration = Duration::from_millis(300);

/// A console of the default world pushing to `server`, on `clock`, in `dir` or in memory.
pub fn metered_console(server: &MockServer, clock: &Clock, dir: Option<&Path>) -> Console {
    metered_world(ConsoleWorld::default_world(), server, clock, dir)
}

/// A console of `world` pushing to `server`.
pub fn metered_world(world: ConsoleWorld, server: &MockServer, clock: &Clock, dir: Option<&Path>) -> Console {
    let mut config = config();
    config.marketplace_url = server.uri();
    config.metering_timeout = PUSH_TIMEOUT;
    Console::open(world, config, clock.clone(), dir).unwrap()
}

/// `hh:mm:ss` on the seed's day, in Shanghai.
pub fn at(time: &str) -> Instant {
    parse_instant(&format!("2023-08-15T{time}+08:00")).unwrap()
}

/// Moves the clock to `time` on the seed's day, running what falls due.
pub async fn advance_to(clock: &Clock, time: &str) {
    clock.advance_to(at(time)).await.unwrap();
}

/// A clock at the seed's date.
pub fn seed_clock() -> Clock {
    Clock::manual(start())
}

/// PushMeteringData requests.
pub fn push() -> MockBuilder {
    Mock::given(header("x-acs-action", "PushMeteringData"))
}

/// The marketplace's Success.
pub fn success() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"RequestId": "R-OK", "Success": true}))
}

/// The marketplace's error answer.
pub fn refusal(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(serde_json::json!({
        "RequestId": "R-ERR", "Code": code, "Message": "refused"
    }))
}

/// An instance of the marketplace's `order_biz_id`, recorded as createInstance would; returns the
/// console's id.
pub fn instance(console: &Console, order_biz_id: &str) -> String {
    let mut db = console.lock();
    let id = db.instance_id();
    let new = NewInstance {
        order_biz_id,
        order_id: "208000000000001",
        ali_uid: "1763420985012345",
        sku_id: "cmgj00061912-payg-enterprise",
        expired_on: None,
        extras: Default::default(),
        params_json: "{}".into(),
    };
    db.write(|tx| tx.insert_instance(&id, &new, console.now()))
        .unwrap();
    id
}

/// A running cluster of Zilliz named `name` on `plan`, paid by `instance_id`, created now.
pub fn cluster(console: &Console, instance_id: &str, name: &str, plan: &str) -> String {
    let mut db = console.lock();
    let id = db.cluster_id();
    let cluster = Cluster {
        id: id.clone(),
        org_id: ZILLIZ.into(),
        instance_id: instance_id.into(),
        name: name.into(),
        plan: plan.into(),
        status: ClusterStatus::Running,
        created_at: console.now(),
        created_by: None,
        deleted_at: None,
    };
    db.write(|tx| tx.insert_cluster(&cluster)).unwrap();
    id
}

/// Freezes every cluster of `instance_id` now.
pub fn freeze(console: &Console, instance_id: &str) {
    let now = console.now();
    console
        .lock()
        .write(|tx| tx.freeze_clusters(instance_id, now))
        .unwrap();
}

/// Restores every frozen cluster of `instance_id` now.
pub fn restore(console: &Console, instance_id: &str) {
    let now = console.now();
    console
        .lock()
        .write(|tx| tx.restore_clusters(instance_id, now))
        .unwrap();
}

/// Deletes the cluster `id` now.
pub fn delete(console: &Console, id: &str) {
    let now = console.now();
    console.lock().write(|tx| tx.delete_cluster(id, now)).unwrap();
}

/// The `Metering` text of every push the marketplace received, in order.
pub async fn received(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "Metering")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

/// The console's push log, one line each: `#request attempt N at hh:mm:ss answer → status [next]`.
pub fn pushes(console: &Console) -> Vec<String> {
    console.usage_pushes_after(0).unwrap().iter().map(line).collect()
}

fn line(p: &Push) -> String {
    let time = |t: Instant| protocol::time::local(t).format("%H:%M:%S").to_string();
    let next = p
        .next_attempt
        .map(|n| format!(" next {}", time(n)))
        .unwrap_or_default();
    let code = p.code.as_ref().map(|c| format!(" {c}")).unwrap_or_default();
    format!(
        "#{} attempt {} at {} {}{code} -> {}{next}",
        p.request_id,
        p.attempt,
        time(p.at),
        p.answer,
        p.status.as_str()
    )
}
