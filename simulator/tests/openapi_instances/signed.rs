//! The family through HTTP, signed as the SDK signs (V3 ACS3-HMAC-SHA256), parameters where the SDK
//! puts them.

use super::*;

/// A 200 answer carrying the dispatcher's RequestId.
fn answered(status: u16, body: &Value) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["RequestId"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn describe_instance_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_model(&body, INSTANCE_FOR_ISV, &["RelationalData"]);
    assert_eq!(body["Status"], "OPENED");
}

#[tokio::test]
async fn describe_order_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeOrderForIsv",
        &[("OrderId", SEEDED_ORDER)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(body["InstanceIds"], json!([SEEDED_INSTANCE]));
}

#[tokio::test]
async fn describe_image_instance_for_isv_answers_a_signed_request() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeImageInstanceForIsv",
        &[("CustomerPk", SEEDED_CUSTOMER), ("EcsInstanceId", SEEDED_ECS)],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(body["InstanceId"], json!(15511111));
}

#[tokio::test]
async fn create_order_answers_a_signed_request_and_the_buyer_reads_the_purchase() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let b = buyer(&sim, "buyer-1");
    let commodity = commodity("cmgj00061912", "postpay");
    let (status, body) = http::send_as(
        &app,
        &b,
        "CreateOrder",
        &[
            ("OrderType", "INSTANCE_BUY"),
            ("Commodity", &commodity),
            ("PaymentType", "AUTO"),
            ("ClientToken", "a7f2 c9/+=&?"),
        ],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_model(&body, CREATE_ORDER, &[]);
    let instance = body["InstanceIds"]["InstanceId"][0].as_str().unwrap().to_owned();
    let order = body["OrderId"].as_str().unwrap().to_owned();

    let (status, listed) = http::send_as(
        &app,
        &b,
        "DescribeInstances",
        &[("PageNumber", "1"), ("PageSize", "10"), ("Codes", "cmgj00061912")],
        &[],
    )
    .await
    .status_and_json();
    answered(status, &listed);
    assert_eq!(listed["TotalCount"], 1);

    let (status, one) = http::send_as(&app, &b, "DescribeInstance", &[("InstanceId", &instance)], &[])
        .await
        .status_and_json();
    answered(status, &one);
    assert_eq!(one["Status"], "OPENING");

    let (status, bought) = http::send_as(&app, &b, "DescribeOrder", &[("OrderId", &order)], &[])
        .await
        .status_and_json();
    answered(status, &bought);
    assert_eq!(bought["InstanceIds"], json!({"InstanceId": [instance]}));
}

#[tokio::test]
async fn auto_renew_instance_answers_a_signed_request_with_its_parameters_in_the_form_body() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (_, instance) = buy_sku(&sim, "buyer-1", "cmgj00061912", "standard", "http-renew");
    let (status, body) = http::send_as(
        &app,
        &buyer(&sim, "buyer-1"),
        "AutoRenewInstance",
        &[],
        &[
            ("OrderBizId", &instance),
            ("Type", "open"),
            ("AutoRenewCycle", "Month"),
            ("AutoRenewDuration", "3"),
        ],
    )
    .await
    .status_and_json();
    answered(status, &body);
    assert_eq!(
        (body["Data"].clone(), body["Success"].clone()),
        (json!(true), json!(true))
    );
    let a = ok(
        &sim,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", &instance)],
    );
    assert_eq!(inner(&a, "AutoRenewal")["autoRenewDuration"], 3);
}

#[tokio::test]
async fn a_refusal_over_http_is_the_marketplaces_error_body() {
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let (status, body) = http::send_as(
        &app,
        &buyer(&sim, "buyer-1"),
        "DescribeInstanceForIsv",
        &[("InstanceId", SEEDED_INSTANCE)],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["Code"], "Forbidden.RAM");
    let (status, body) = http::send_as(
        &app,
        &vendor(&sim),
        "DescribeInstanceForIsv",
        &[("InstanceId", "99999999")],
        &[],
    )
    .await
    .status_and_json();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["Code"], "InvalidInstanceId.NotFound");
    assert!(body["RequestId"].is_string() && body["HostId"].is_string());
}
