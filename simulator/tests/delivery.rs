//! Every SPI action through the delivery engine, against a wiremock vendor: the parameters and
//! token of each, how each answer is judged, each retry schedule at its exact virtual times, the
//! order of an instance's messages, expiring and releasing, sending again, and bad requests.

mod common;

use common::{simulator, world_with_vendor};
use marketsim_simulator::delivery::queue::QueueError;
use marketsim_simulator::store::messages::MessageState;
use marketsim_simulator::store::orders::Status;
use marketsim_simulator::{Simulator, World};
use protocol::time::spi_format;
use std::time::Duration;
use testkit::vendor::Vendor;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, ResponseTemplate};

/// The seeded open instance of the world's product, and the vendor's id of it.
const INSTANCE: &str = "15511111";
const VENDOR_INSTANCE: &str = "zc-seed-0001";

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(r#"{"success":true}"#)
}

async fn vendor_answering(answer: ResponseTemplate) -> Vendor {
    let vendor = Vendor::start().await;
    vendor
        .mount(Mock::given(method("GET")).respond_with(answer))
        .await;
    vendor
}

fn world(vendor: &Vendor) -> World {
    world_with_vendor(&vendor.spi_url())
}

/// The virtual times of the journal's attempts, oldest first.
fn attempt_times(sim: &Simulator, action: &str) -> Vec<String> {
    sim.store()
        .deliveries(Some(INSTANCE))
        .unwrap()
        .iter()
        .filter(|d| d.action == action)
        .map(|d| spi_format(chrono::DateTime::from_timestamp_millis(d.at).unwrap()))
        .collect()
}

fn value<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn each_action_carries_its_parameters_and_a_token_over_all_of_them() {
    let vendor = vendor_answering(ok()).await;
    let sim = simulator(world(&vendor));
    let key = sim.world().vendors[0].spi_key.clone();
    let expected: [(&str, &[&str]); 6] = [
        ("renewInstance", &["action", "instanceId", "orderId", "expiredOn"]),
        ("upgradeInstance", &["action", "instanceId", "orderId", "skuId"]),
        ("expiredInstance", &["action", "instanceId"]),
        (
            "releaseInstance",
            &["action", "instanceId", "isRefund", "orderId"],
        ),
        ("refundRenewInstance", &["action", "instanceId", "expiredOn"]),
        (
            "orderPay",
            &[
                "action",
                "requestId",
                "aliUid",
                "orderBizId",
                "orderId",
                "productCode",
                "skuId",
            ],
        ),
    ];
    for (action, names) in expected {
        sim.deliver(INSTANCE, action, &[]).unwrap();
        sim.clock().run_due_now().await;
        let calls = vendor.calls().await;
        let params = calls.last().unwrap();
        assert!(protocol::spi::verify(params, &key).is_ok(), "{action}: token");
        let sent: Vec<&str> = params
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| *k != "token")
            .collect();
        assert_eq!(sent, names, "{action}");
        assert_eq!(value(params, "action"), Some(action));
        if action != "orderPay" {
            assert_eq!(value(params, "instanceId"), Some(VENDOR_INSTANCE), "{action}");
        }
    }
    let journal = sim.store().deliveries(Some(INSTANCE)).unwrap();
    assert_eq!(journal.len(), 6);
    assert!(journal.iter().all(|d| d.outcome == "ok" && d.next_at.is_none()));
    assert!(journal.iter().all(|d| value(&d.params, "token").is_none()));
    // The renewal's new expiry defaults to a year on; a given parameter replaces a default.
    let renew = &journal[0];
    assert_eq!(value(&renew.params, "expiredOn"), Some("2024-08-14 10:00:00"));
    sim.deliver(
        INSTANCE,
        "upgradeInstance",
        &[
            ("skuId".into(), "cmgj00061912-big".into()),
            ("Count".into(), "2".into()),
        ],
    )
    .unwrap();
    sim.clock().run_due_now().await;
    let calls = vendor.calls().await;
    let upgrade = calls.last().unwrap();
    assert_eq!(value(upgrade, "skuId"), Some("cmgj00061912-big"));
    assert_eq!(value(upgrade, "Count"), Some("2"));
    assert!(protocol::spi::verify(upgrade, &key).is_ok());
}

#[tokio::test]
async fn a_notification_succeeds_only_on_success_true_or_the_string_true() {
    for (body, outcome) in [
        (r#"{"success":"true"}"#, "ok"),
        (r#"{"success":false}"#, "not_success"),
        (r#"{"success":"yes"}"#, "not_success"),
        ("success", "bad_answer"),
    ] {
        let vendor = vendor_answering(ResponseTemplate::new(200).set_body_string(body)).await;
        let sim = simulator(world(&vendor));
        sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
        sim.clock().run_due_now().await;
        let journal = sim.store().deliveries(Some(INSTANCE)).unwrap();
        assert_eq!(journal[0].outcome, outcome, "{body}");
    }
}

#[tokio::test]
async fn order_pay_is_retried_on_its_published_schedule_then_kept_as_failed() {
    let vendor = vendor_answering(ResponseTemplate::new(500)).await;
    let sim = simulator(world(&vendor));
    let message = sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
    sim.clock().advance(Duration::from_secs(24 * 3600)).await.unwrap();
    assert_eq!(
        attempt_times(&sim, "orderPay"),
        [
            "2023-08-15 10:00:00",
            "2023-08-15 10:01:00",
            "2023-08-15 10:02:00",
            "2023-08-15 10:03:00",
            "2023-08-15 10:08:00",
            "2023-08-15 10:18:00",
            "2023-08-15 10:28:00",
            "2023-08-15 10:38:00",
            "2023-08-15 11:38:00",
            "2023-08-15 12:38:00",
            "2023-08-15 14:38:00",
            "2023-08-15 18:38:00",
        ]
    );
    let message = sim.store().message(message.id).unwrap().unwrap();
    assert_eq!((message.state, message.attempts), (MessageState::Failed, 12));
    let failed = sim.store().failed_notifications().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(Some(failed[0].id.clone()), message.request_id);
    assert_eq!(vendor.calls().await.len(), 12);
}

#[tokio::test]
async fn other_notifications_are_retried_at_the_worlds_interval_up_to_spi_max_retries() {
    let vendor = vendor_answering(ResponseTemplate::new(503)).await;
    let mut world = world(&vendor);
    world.settings.notification_retry_interval = Duration::from_secs(600);
    world.settings.spi_max_retries = 3;
    let sim = simulator(world);
    let message = sim.deliver(INSTANCE, "expiredInstance", &[]).unwrap();
    sim.clock().advance(Duration::from_secs(3600)).await.unwrap();
    assert_eq!(
        attempt_times(&sim, "expiredInstance"),
        [
            "2023-08-15 10:00:00",
            "2023-08-15 10:10:00",
            "2023-08-15 10:20:00",
            "2023-08-15 10:30:00"
        ]
    );
    let journal = sim.store().deliveries(Some(INSTANCE)).unwrap();
    assert_eq!(journal[0].next_at, Some(journal[1].at));
    assert_eq!(journal[3].next_at, None);
    let message = sim.store().message(message.id).unwrap().unwrap();
    assert_eq!(message.state, MessageState::Failed);
    assert!(
        sim.store().failed_notifications().unwrap().is_empty(),
        "only orderPay is kept"
    );
}

#[tokio::test]
async fn an_instances_messages_go_out_in_the_order_they_were_made() {
    // The first call fails, so the renewal retries; the upgrade waits for it to settle.
    let vendor = Vendor::start().await;
    vendor
        .mount(
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(500))
                .up_to_n_times(1),
        )
        .await;
    vendor.mount(Mock::given(method("GET")).respond_with(ok())).await;
    let sim = simulator(world(&vendor));
    sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    sim.deliver(INSTANCE, "upgradeInstance", &[]).unwrap();
    sim.clock().run_due_now().await;
    assert_eq!(
        vendor.calls().await.len(),
        1,
        "the upgrade waits behind the renewal"
    );
    sim.clock().advance(Duration::from_secs(300)).await.unwrap();
    let actions: Vec<String> = vendor
        .calls()
        .await
        .iter()
        .map(|p| value(p, "action").unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["renewInstance", "renewInstance", "upgradeInstance"]);
    assert_eq!(
        attempt_times(&sim, "upgradeInstance"),
        ["2023-08-15 10:05:00"],
        "sent as soon as the renewal was taken"
    );
}

#[tokio::test]
async fn deliveries_due_together_to_different_instances_go_out_together_and_read_in_order() {
    let vendor = vendor_answering(ok()).await;
    let mut world = world(&vendor);
    world.settings.delivery_concurrency = 8;
    let sim = simulator(world);
    for _ in 0..3 {
        sim.deliver(INSTANCE, "orderPay", &[]).unwrap();
        sim.deliver("15512222", "orderPay", &[]).unwrap();
    }
    sim.clock().run_due_now().await;
    let journal = sim.store().deliveries(None).unwrap();
    let order: Vec<&str> = journal.iter().map(|d| d.instance_id.as_str()).collect();
    assert_eq!(
        order,
        [INSTANCE, "15512222", INSTANCE, "15512222", INSTANCE, "15512222"]
    );
    assert!(journal.iter().all(|d| d.outcome == "ok"));
}

#[tokio::test]
async fn expire_and_release_change_the_instance_at_once_and_tell_the_vendor() {
    let vendor = vendor_answering(ok()).await;
    let sim = simulator(world(&vendor));
    let refused = sim.release("15512222").unwrap_err();
    assert!(matches!(refused, QueueError::WrongStatus { .. }), "{refused}");
    sim.expire(INSTANCE).unwrap();
    let status = |sim: &Simulator| sim.store().instance(INSTANCE).unwrap().unwrap().status;
    assert_eq!(status(&sim), Status::Expired);
    assert!(matches!(
        sim.expire(INSTANCE),
        Err(QueueError::WrongStatus { .. })
    ));
    sim.release(INSTANCE).unwrap();
    assert_eq!(status(&sim), Status::Closed);
    sim.clock().run_due_now().await;
    let actions: Vec<String> = vendor
        .calls()
        .await
        .iter()
        .map(|p| value(p, "action").unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["expiredInstance", "releaseInstance"]);
    let release = &vendor.calls().await[1];
    assert_eq!(value(release, "isRefund"), Some("false"));
}

#[tokio::test]
async fn a_message_that_gave_up_is_sent_again_once_or_with_its_tries_reset() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            Mock::given(method("GET"))
                .and(query_param("action", "renewInstance"))
                .respond_with(ResponseTemplate::new(500))
                .up_to_n_times(3),
        )
        .await;
    vendor.mount(Mock::given(method("GET")).respond_with(ok())).await;
    let mut world = world(&vendor);
    world.settings.spi_max_retries = 1;
    let sim = simulator(world);
    let message = sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    sim.clock().advance(Duration::from_secs(3600)).await.unwrap();
    assert_eq!(
        sim.store().message(message.id).unwrap().unwrap().state,
        MessageState::Failed
    );
    // Once more, counted on from 2: it fails and gives up at once.
    let again = sim.resend(message.id, false).unwrap();
    assert_eq!(again.state, MessageState::Pending);
    sim.clock().run_due_now().await;
    let m = sim.store().message(message.id).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (MessageState::Failed, 3));
    // 重置生产次数: from zero, and this time the vendor takes it.
    sim.resend(message.id, true).unwrap();
    sim.clock().run_due_now().await;
    let m = sim.store().message(message.id).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (MessageState::Delivered, 1));
    let refused = sim.resend(message.id, true).unwrap_err();
    assert!(refused.to_string().contains("was delivered"), "{refused}");
    assert!(sim
        .resend(9999, false)
        .unwrap_err()
        .to_string()
        .contains("no message 9999"));
}

#[tokio::test]
async fn bad_requests_are_refused_and_name_what_is_wrong() {
    let vendor = vendor_answering(ok()).await;
    let sim = simulator(world(&vendor));
    let refusal = |r: Result<_, QueueError>| r.map(|_| ()).unwrap_err().to_string();
    assert!(refusal(sim.deliver("404", "renewInstance", &[])).contains("no instance 404"));
    let unknown = refusal(sim.deliver(INSTANCE, "verify", &[]));
    assert!(
        unknown.contains("unknown SPI action `verify`") && unknown.contains("orderPay"),
        "{unknown}"
    );
    for reserved in ["token", "action", "key"] {
        let e = refusal(sim.deliver(INSTANCE, "orderPay", &[(reserved.into(), "x".into())]));
        assert!(e.contains(reserved), "{e}");
    }
    assert!(refusal(sim.deliver(INSTANCE, "orderPay", &[("a b".into(), "x".into())])).contains("not a name"));
    // An instance that never opened has no vendor instanceId to name.
    let e = refusal(sim.deliver("15512222", "renewInstance", &[]));
    assert!(e.contains("OPEN_FAILED") && e.contains("instanceId"), "{e}");
    sim.clock().run_due_now().await;
    assert!(vendor.calls().await.is_empty(), "nothing refused went out");
}

#[tokio::test]
async fn a_huge_answer_or_a_redirect_is_that_deliverys_failure_and_the_rest_go_on() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            Mock::given(method("GET"))
                .and(query_param("action", "renewInstance"))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; 8 * 1024 * 1024])),
        )
        .await;
    vendor
        .mount(
            Mock::given(method("GET"))
                .and(query_param("action", "upgradeInstance"))
                .respond_with(ResponseTemplate::new(302).insert_header("location", "/aliyun/spi")),
        )
        .await;
    vendor.mount(Mock::given(method("GET")).respond_with(ok())).await;
    let sim = simulator(world(&vendor));
    sim.deliver(INSTANCE, "renewInstance", &[]).unwrap();
    sim.deliver("15512222", "orderPay", &[]).unwrap();
    sim.clock().run_due_now().await;
    let journal = sim.store().deliveries(None).unwrap();
    assert_eq!(journal[0].outcome, "bad_answer");
    assert!(journal[0].body.as_ref().unwrap().len() <= 4096);
    assert_eq!(journal[1].outcome, "ok");
    let upgrade = Simulator::open(world(&vendor), Default::default()).unwrap();
    upgrade.deliver(INSTANCE, "upgradeInstance", &[]).unwrap();
    upgrade.clock().run_due_now().await;
    let journal = upgrade.store().deliveries(None).unwrap();
    assert_eq!(
        (journal[0].outcome.as_str(), journal[0].status),
        ("http_error", Some(302))
    );
}
