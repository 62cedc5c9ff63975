//! The family through HTTP, signed as the SDK signs (V3 ACS3-HMAC-SHA256), parameters where the SDK
//! puts them.

use super::*;

/// Sends `action` signed with `caller`'s AccessKey over `method`, `query` in the URL.
async fn send(
    app: &Router,
    caller: &Caller<'_>,
    method: &str,
    action: &str,
    query: &[(&str, &str)],
) -> testkit::Answer {
    let mut request = v3::Request::new(method, HOST, action);
    for (k, v) in query {
        request = request.query(k, v);
    }
    testkit::signed::v3(app, request, &keys_of(caller)).await
}

#[tokio::test]
async fn a_signed_push_over_http_is_stored_and_a_second_one_is_throttled_with_retry_after() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    let m = json!([record(&id, PRODUCT)]).to_string();
    let ok = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json()["Success"], true);
    assert!(ok.json()["RequestId"].as_str().is_some_and(|r| r.len() == 36));
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 1);
    let throttled = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(throttled.status, 400);
    assert_eq!(throttled.json()["Code"], "Service.Flow.Control");
    assert_eq!(throttled.header("x-acs-retry-after"), Some("60"));
    assert_eq!(o.sim.store().metering_of(&id).unwrap().len(), 1);
}

#[tokio::test]
async fn garbage_metering_over_http_is_a_documented_error_and_the_server_keeps_answering() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    for bad in ["not json", "{}", "[null]", "[[[[[[[[", "\u{0}\u{1}"] {
        let a = send(&app, &z, "POST", "PushMeteringData", &[("Metering", bad)]).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.body);
        assert_eq!(a.json()["Code"], "Invalid.Parameter.Metering", "{bad}");
    }
    assert!(o.sim.store().metering_of(&id).unwrap().is_empty());
    let m = json!([record(&id, PRODUCT)]).to_string();
    let ok = send(&app, &z, "POST", "PushMeteringData", &[("Metering", &m)]).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn describe_api_metering_answers_a_signed_get_with_lower_camel_parameters() {
    let sim = simulator(World::default_world());
    let app = router(sim.clone());
    let a = send(
        &app,
        &buyer(&sim, 0),
        "GET",
        "DescribeApiMetering",
        &[("pageNum", "1"), ("productCode", PRODUCT), ("type", "1")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["Count"], 1);
    assert_eq!(a.json()["Result"][0]["TotalQuota"], 8800);
}

#[tokio::test]
async fn push_times_usage_answers_a_signed_request() {
    let o = opened().await;
    let app = router(o.sim.clone());
    let id = o.id(PRODUCT).to_owned();
    let a = send(
        &app,
        &vendor(&o.sim, "zilliz"),
        "POST",
        "PushTimesUsage",
        &[("InstanceId", &id), ("Times", "5"), ("ClientToken", "c0ffee")],
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        (a.json()["Code"].clone(), a.json()["Result"].clone()),
        (json!("200"), json!(true))
    );
}
