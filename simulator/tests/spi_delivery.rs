//! createInstance delivery against a wiremock vendor: every outcome the marketplace must handle.

mod common;

use common::{simulator, world_with_vendor, Client};
use marketsim_simulator::store::orders::Status;
use std::time::Duration;
use testkit::vendor::{create_instance, Vendor, SPI_PATH};
use wiremock::matchers::{path, query_param};
use wiremock::ResponseTemplate;

const READY: &str = r#"{"instanceId":"zc-8810","appInfo":{"frontEndUrl":"http://vendor/","authUrl":"http://vendor/sso"},"hostInfo":{"region":"cn-hangzhou"},"info":"欢迎"}"#;

async fn opened_world(vendor: &Vendor) -> (marketsim_simulator::Simulator, String) {
    let sim = simulator(world_with_vendor(&vendor.spi_url()));
    let id = Client::signed_in(&sim, "buyer-1").await.open_service().await;
    (sim, id)
}

#[tokio::test]
async fn a_ready_answer_opens_the_instance_after_the_provisioning_delay() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            create_instance()
                .and(path(SPI_PATH))
                .and(query_param("trial", "false"))
                .respond_with(ResponseTemplate::new(200).set_body_string(READY))
                .expect(1),
        )
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(119)).await.unwrap();
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status,
        Status::Opening,
        "not before 2 minutes"
    );
    sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::Opened);
    assert_eq!(instance.vendor_instance_id.as_deref(), Some("zc-8810"));
    assert_eq!(instance.auth_url().as_deref(), Some("http://vendor/sso"));
    assert_eq!(instance.info.as_deref(), Some("\"欢迎\""));
    let deliveries = sim.store().deliveries(Some(&id)).unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].outcome, "ok");
}

#[tokio::test]
async fn the_call_carries_every_documented_parameter_and_a_valid_token() {
    let vendor = Vendor::start().await;
    vendor
        .mount(create_instance().respond_with(ResponseTemplate::new(200).set_body_string(READY)))
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let params = &vendor.calls().await[0];
    let names: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "action",
            "aliUid",
            "orderBizId",
            "orderId",
            "productCode",
            "skuId",
            "trial",
            "token"
        ]
    );
    let get = |k: &str| params.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("orderBizId"), id);
    assert_eq!(get("aliUid"), "1763420985012345");
    assert_eq!(get("orderId").len(), 15);
    assert!(protocol::spi::verify(params, "zilliz-spi-key-8c1f2b7e").is_ok());
}

#[tokio::test]
async fn instance_id_zero_means_not_yet_and_is_retried_at_the_interval() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"instanceId":"0"}"#))
                .up_to_n_times(2),
        )
        .await;
    vendor
        .mount(create_instance().respond_with(ResponseTemplate::new(200).set_body_string(READY)))
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(120 + 60)).await.unwrap();
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::Opening);
    assert_eq!(instance.attempts, 2);
    sim.clock().advance(Duration::from_secs(60)).await.unwrap();
    assert_eq!(sim.store().instance(&id).unwrap().unwrap().status, Status::Opened);
    let outcomes: Vec<String> = sim
        .store()
        .deliveries(Some(&id))
        .unwrap()
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(outcomes, ["not_ready", "not_ready", "ok"]);
}

#[tokio::test]
async fn an_error_status_a_bad_answer_and_an_unreachable_vendor_are_retried() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(500))
                .up_to_n_times(1),
        )
        .await;
    vendor
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(200).set_body_string("<html>oops</html>"))
                .up_to_n_times(1),
        )
        .await;
    vendor
        .mount(create_instance().respond_with(ResponseTemplate::new(200).set_body_string(READY)))
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(240)).await.unwrap();
    let outcomes: Vec<String> = sim
        .store()
        .deliveries(Some(&id))
        .unwrap()
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(outcomes, ["http_error", "bad_answer", "ok"]);

    let sim = simulator(world_with_vendor("http://127.0.0.1:9/aliyun/spi"));
    let id = Client::signed_in(&sim, "buyer-1").await.open_service().await;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let d = &sim.store().deliveries(Some(&id)).unwrap()[0];
    assert_eq!(d.outcome, "unreachable");
    assert_eq!(
        sim.store().instance(&id).unwrap().unwrap().status,
        Status::Opening
    );
}

#[tokio::test]
async fn a_hanging_vendor_times_out_in_real_time_and_is_retried() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            create_instance().respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(READY)
                    .set_delay(Duration::from_secs(5)),
            ),
        )
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(120)).await.unwrap();
    let d = &sim.store().deliveries(Some(&id)).unwrap()[0];
    assert_eq!(d.outcome, "timeout");
    assert!(
        d.elapsed_ms < 3000,
        "cut at the 300 ms timeout, took {} ms",
        d.elapsed_ms
    );
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::Opening);
    assert!(instance.next_attempt_at.is_some());
}

#[tokio::test]
async fn after_120_retries_the_instance_fails_to_open_and_says_why() {
    let vendor = Vendor::start().await;
    vendor
        .mount(
            create_instance()
                .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"instanceId":0}"#))
                .expect(121),
        )
        .await;
    let (sim, id) = opened_world(&vendor).await;
    sim.clock().advance(Duration::from_secs(86_400)).await.unwrap();
    let instance = sim.store().instance(&id).unwrap().unwrap();
    assert_eq!(instance.status, Status::OpenFailed);
    assert_eq!(instance.attempts, 121);
    assert!(instance.failure.unwrap().contains("重试 120 次"));
    assert_eq!(sim.store().pending_jobs().unwrap(), 0);
    let mut buyer = Client::signed_in(&sim, "buyer-1").await;
    let detail = buyer.browser.get(&format!("/console/services/{id}")).await;
    assert!(detail.text().contains("开通失败原因"), "{}", detail.text());
}
