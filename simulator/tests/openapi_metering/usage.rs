//! PushTimesUsage (one deduction per ClientToken a day, the subscription package before the resource
//! package, its parameters and tenancy) and DescribeApiMetering over the fixture's packages.

use super::*;

fn times(sim: &Simulator, instance: &str, n: &str, token: &str) -> Result<Value, ApiError> {
    call(
        sim,
        &vendor(sim, "zilliz"),
        "PushTimesUsage",
        &[("InstanceId", instance), ("Times", n), ("ClientToken", token)],
    )
}

fn metering_of(sim: &Simulator, buyer_n: usize, extra: &[(&str, &str)]) -> Value {
    let mut params = vec![("pageNum", "1")];
    params.extend_from_slice(extra);
    call(sim, &buyer(sim, buyer_n), "DescribeApiMetering", &params).unwrap()
}

#[tokio::test]
async fn describe_api_metering_answers_the_fixture_packages_in_the_model_shape() {
    let sim = simulator(World::default_world());
    let a = metering_of(&sim, 0, &[]);
    assert_eq!(a["Code"], "200");
    assert_eq!(a["Success"], true);
    assert_eq!(a["Fatal"], false);
    assert_eq!(a["Count"], 2);
    assert_eq!(a["PageNumber"], 1);
    assert!(a["PageSize"].is_i64() && a["Version"].is_string() && a["Message"].is_string());
    let first = &a["Result"][0];
    assert_eq!(first["AliyunPk"], json!(1_763_420_985_012_345_i64));
    assert_eq!(first["ProductCode"], PRODUCT);
    assert_eq!(first["ProductName"], "Zilliz Cloud");
    assert_eq!(first["TotalCapacity"], 10000);
    assert_eq!(first["TotalUsage"], 1200);
    assert_eq!(first["TotalQuota"], 8800);
    assert_eq!(first["Unit"], "次");
    let resource = metering_of(&sim, 0, &[("type", "2")]);
    assert_eq!(resource["Count"], 1);
    assert_eq!(resource["Result"][0]["TotalCapacity"], 50000);
    assert_eq!(
        metering_of(&sim, 0, &[("productCode", "cmgj00000000")])["Count"],
        0
    );
    assert_eq!(metering_of(&sim, 1, &[])["Result"][0]["TotalUsage"], 1999);
    let page_two = metering_of(&sim, 0, &[]).get("Result").cloned();
    assert!(page_two.is_some());
    let second_page = call(&sim, &buyer(&sim, 0), "DescribeApiMetering", &[("pageNum", "2")]).unwrap();
    assert_eq!(second_page["Result"], json!([]));
    assert_eq!(second_page["Count"], 2);
}

#[tokio::test]
async fn describe_api_metering_refuses_vendors_and_bad_parameters() {
    let sim = simulator(World::default_world());
    let e = call(
        &sim,
        &vendor(&sim, "zilliz"),
        "DescribeApiMetering",
        &[("pageNum", "1")],
    )
    .unwrap_err();
    assert_eq!(e.code(), "Forbidden.RAM");
    let b = buyer(&sim, 0);
    assert_eq!(
        call(&sim, &b, "DescribeApiMetering", &[]).unwrap_err().code(),
        "MissingpageNum"
    );
    assert_eq!(
        call(&sim, &b, "DescribeApiMetering", &[("pageNum", "0")])
            .unwrap_err()
            .code(),
        "InvalidpageNum"
    );
    assert_eq!(
        call(
            &sim,
            &b,
            "DescribeApiMetering",
            &[("pageNum", "1"), ("type", "3")]
        )
        .unwrap_err()
        .code(),
        "Invalidtype"
    );
}

#[tokio::test]
async fn push_times_usage_deducts_once_per_client_token_within_a_day() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let answer = times(&o.sim, &id, "300", "8e6c5f3a-token-1").unwrap();
    assert_eq!(
        answer,
        json!({"AccessDeniedDetail": "", "Code": "200", "ForceFatal": false, "HttpStateCode": "200",
               "Message": "success", "Result": true, "Success": true})
    );
    let usage = |sim: &Simulator| metering_of(sim, 0, &[("type", "1")])["Result"][0]["TotalUsage"].clone();
    assert_eq!(usage(&o.sim), 1500);
    // The same token again, even with other numbers, answers the first answer and deducts nothing.
    assert_eq!(times(&o.sim, &id, "999", "8e6c5f3a-token-1").unwrap(), answer);
    assert_eq!(usage(&o.sim), 1500);
    o.sim
        .clock()
        .advance(Duration::from_secs(24 * 3600 - 1))
        .await
        .unwrap();
    times(&o.sim, &id, "999", "8e6c5f3a-token-1").unwrap();
    assert_eq!(usage(&o.sim), 1500, "still within 24 hours");
    o.sim.clock().advance(Duration::from_secs(1)).await.unwrap();
    times(&o.sim, &id, "100", "8e6c5f3a-token-1").unwrap();
    assert_eq!(usage(&o.sim), 1600, "a day later the token counts again");
}

#[tokio::test]
async fn deductions_fill_the_subscription_package_before_the_resource_package() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    times(&o.sim, &id, "9000", "t-1").unwrap();
    let a = metering_of(&o.sim, 0, &[]);
    assert_eq!(a["Result"][0]["TotalUsage"], 10000);
    assert_eq!(a["Result"][0]["TotalQuota"], 0);
    assert_eq!(a["Result"][1]["TotalUsage"], 200);
    assert_eq!(a["Result"][1]["TotalQuota"], 49800);
    // An adjustment gives calls back.
    call(
        &o.sim,
        &vendor(&o.sim, "zilliz"),
        "PushTimesUsage",
        &[
            ("InstanceId", &id),
            ("Times", "500"),
            ("Adjust", "true"),
            ("AdjustDate", "1692028800000"),
            ("ClientToken", "t-2"),
            ("Mark", "refund"),
        ],
    )
    .unwrap();
    let a = metering_of(&o.sim, 0, &[]);
    assert_eq!(a["Result"][0]["TotalUsage"], 9700);
    assert_eq!(a["Result"][1]["TotalUsage"], 0);
    // buyer-2's packages are untouched.
    assert_eq!(metering_of(&o.sim, 1, &[])["Result"][0]["TotalUsage"], 1999);
}

#[tokio::test]
async fn push_times_usage_checks_its_parameters_and_tenancy() {
    let o = opened().await;
    let id = o.id(PRODUCT).to_owned();
    let z = vendor(&o.sim, "zilliz");
    let e = |params: &[(&str, &str)]| call(&o.sim, &z, "PushTimesUsage", params).unwrap_err();
    assert_eq!(e(&[("Times", "1")]).code(), "MissingInstanceId");
    assert_eq!(e(&[("InstanceId", &id)]).code(), "MissingTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "0")]).code(), "InvalidTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "-4")]).code(), "InvalidTimes");
    assert_eq!(e(&[("InstanceId", &id), ("Times", "x")]).code(), "InvalidTimes");
    assert_eq!(
        e(&[("InstanceId", &id), ("Times", "1"), ("Adjust", "maybe")]).code(),
        "InvalidAdjust"
    );
    let long = "x".repeat(65);
    assert_eq!(
        e(&[("InstanceId", &id), ("Times", "1"), ("ClientToken", &long)]).code(),
        "InvalidClientToken"
    );
    let unknown = e(&[("InstanceId", "99999999"), ("Times", "1")]);
    let foreign = e(&[("InstanceId", o.id(OTHER_VENDORS_PRODUCT)), ("Times", "1")]);
    assert_eq!(
        (unknown.status(), unknown.code()),
        (404, "InvalidInstanceId.NotFound")
    );
    assert_eq!(foreign, unknown);
    let by_buyer = call(
        &o.sim,
        &buyer(&o.sim, 0),
        "PushTimesUsage",
        &[("InstanceId", &id), ("Times", "1")],
    );
    assert_eq!(by_buyer.unwrap_err().code(), "Forbidden.RAM");
    assert_eq!(
        metering_of(&o.sim, 0, &[("type", "1")])["Result"][0]["TotalUsage"],
        1200
    );
}
