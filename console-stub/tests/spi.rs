//! The SPI endpoint through HTTP: createInstance, its idempotence, and every refusal. The
//! lifecycle actions and orderPay are `lifecycle.rs`'s.

mod common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn create_instance_answers_its_own_instance_id_and_app_info() {
    let c = console();
    let (status, body) = c.spi_with_key(&create_params("38492017"), SPI_KEY).await;
    assert_eq!(status, StatusCode::OK);
    let id = body["instanceId"].as_str().unwrap();
    assert!(id.starts_with("zc-") && id.len() == 23, "{id}");
    assert_ne!(id, "38492017");
    assert_eq!(body["appInfo"]["authUrl"], "http://localhost:8081/aliyun/sso");
    assert_eq!(body["appInfo"]["frontEndUrl"], "http://localhost:8081/");
    let answer: protocol::spi::CreateInstanceAnswer = serde_json::from_value(body).unwrap();
    assert!(answer.is_ready());
}

#[tokio::test]
async fn create_instance_is_idempotent_for_one_order_biz_id() {
    let c = console();
    let first = c.spi_with_key(&create_params("38492017"), SPI_KEY).await;
    let again = c.spi_with_key(&create_params("38492017"), SPI_KEY).await;
    assert_eq!(first, again);
    let other = c.create_instance("38492018").await;
    assert_ne!(first.1["instanceId"].as_str().unwrap(), other);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_create_instance_calls_give_one_instance_and_the_same_answer() {
    let c = console();
    let calls = (0..16).map(|_| {
        let c = TestConsole {
            console: c.console.clone(),
            clock: c.clock.clone(),
            app: c.app.clone(),
        };
        tokio::spawn(async move { c.spi_with_key(&create_params("55501234"), SPI_KEY).await })
    });
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap());
    }
    assert!(answers.iter().all(|a| a.0 == StatusCode::OK));
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

#[tokio::test]
async fn a_wrong_or_tampered_token_is_refused_and_creates_nothing() {
    let c = console();
    let (status, body) = c.spi_with_key(&create_params("38492017"), "not-the-key").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["success"], false);
    assert_eq!(body["code"], "InvalidToken");

    let good = protocol::spi::signed_query(&create_params("38492017"), SPI_KEY);
    let tampered = good.replace("orderBizId=38492017", "orderBizId=38492099");
    let page = c.browser().get(&format!("/aliyun/spi?{tampered}")).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // Ids are seeded: had a refused call created an instance, the next id would differ from the
    // first id of a console that never saw one.
    let after_refusals = c.create_instance("38492017").await;
    let fresh = console().create_instance("38492017").await;
    assert_eq!(after_refusals, fresh);
}

#[tokio::test]
async fn a_call_without_a_token_is_refused() {
    let c = console();
    let page = c
        .browser()
        .get("/aliyun/spi?action=createInstance&orderBizId=1&aliUid=2&orderId=3&productCode=cmgj00061912&skuId=x")
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("no token"), "{}", page.body);
}

#[tokio::test]
async fn unknown_parameters_count_in_the_token() {
    let c = console();
    let mut params = create_params("38492017");
    params.push(("Count", "2"));
    let (status, _) = c.spi_with_key(&params, SPI_KEY).await;
    assert_eq!(status, StatusCode::OK);

    let unsigned_extra = format!(
        "/aliyun/spi?{}&Num=3",
        protocol::spi::signed_query(&create_params("38492018"), SPI_KEY)
    );
    assert_eq!(
        c.browser().get(&unsigned_extra).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn unknown_actions_verify_and_other_products_are_refused() {
    let c = console();
    let (status, body) = c.spi_with_key(&[("action", "explode")], SPI_KEY).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("UnknownAction"))
    );

    let (status, body) = c
        .spi_with_key(
            &[
                ("action", "verify"),
                ("instanceId", "zc-1"),
                ("timeStamp", "2023-08-15 10:00:00"),
            ],
            SPI_KEY,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("WrongEndpoint"))
    );

    let mut params = create_params("38492017");
    params[4].1 = "cmgj00099999";
    let (status, body) = c.spi_with_key(&params, SPI_KEY).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("InvalidProductCode"))
    );
}

#[tokio::test]
async fn create_instance_without_an_order_biz_id_is_refused() {
    let c = console();
    let params: Vec<_> = create_params("x")
        .into_iter()
        .filter(|(k, _)| *k != "orderBizId")
        .collect();
    let (status, body) = c.spi_with_key(&params, SPI_KEY).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["message"].as_str().unwrap().contains("orderBizId"));
}

#[tokio::test]
async fn a_call_a_web_page_sent_is_refused_and_creates_nothing() {
    let c = console();
    let uri = format!(
        "/aliyun/spi?{}",
        protocol::spi::signed_query(&create_params("38492017"), SPI_KEY)
    );
    for page in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "http://evil.example"),
    ] {
        let request = axum::http::Request::builder()
            .uri(&uri)
            .header(page.0, page.1)
            .body(axum::body::Body::empty())
            .unwrap();
        let answer = testkit::send(&c.app, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{page:?}");
    }
    // Had a refused call created an instance, the next seeded id would differ.
    assert_eq!(
        c.create_instance("38492017").await,
        console().create_instance("38492017").await
    );
}

/// `GET /aliyun/probe` for `params` signed with `key`.
async fn probe(c: &TestConsole, params: &[(&str, &str)], key: &str) -> (StatusCode, serde_json::Value) {
    let uri = format!("/aliyun/probe?{}", protocol::spi::signed_query(params, key));
    let page = c.browser().get(&uri).await;
    (page.status, serde_json::from_str(&page.body).unwrap())
}

#[tokio::test]
async fn the_probe_shows_an_instances_record_to_a_caller_with_the_spi_key_only() {
    let c = console();
    let id = c.create_instance("38492017").await;
    let (status, record) = probe(&c, &[("instanceId", &id)], SPI_KEY).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(record["status"], "active");
    assert_eq!(record["orderBizId"], "38492017");
    assert_eq!(record["payments"], serde_json::json!([]));

    let (status, refusal) = probe(&c, &[("instanceId", &id)], "not-the-key").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refusal["code"], "InvalidToken");
    let (status, refusal) = probe(&c, &[("instanceId", "zc-never")], SPI_KEY).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(refusal["code"], "InstanceNotFound");
}
