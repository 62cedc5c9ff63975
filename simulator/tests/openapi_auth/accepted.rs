//! Every shape of request the SDKs send passes authentication: V3 over its query, a form body, GET
//! and extra signed headers; V1 in the query, the body, or split between them, with the legacy
//! SDK's extras.

use super::*;

#[tokio::test]
async fn a_v3_request_signed_over_its_query_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = probe()
        .query("SearchTerm", "镜像 a+b*c~")
        .query("Filter.1.Key", "ProductType")
        .sign(&vendor());
    assert!(signed.query.contains('+'), "the wire query uses + for a space");
    let answer = send_v3(&app, &signed).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
    assert!(answer.json()["RequestId"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn a_v3_request_with_its_parameters_in_a_form_body_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    // CrossAccountVerifyToken and AutoRenewInstance put their parameters in the body.
    let signed = v3::Request::new("POST", HOST, PROBE)
        .form("Token", "a token with spaces & symbols*")
        .sign(&vendor());
    assert!(signed.query.is_empty());
    let answer = send_v3(&app, &signed).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
}

#[tokio::test]
async fn a_v3_request_over_get_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = v3::Request::new("GET", HOST, PROBE)
        .query("pageNum", "1")
        .query("productCode", "cmgj00061912")
        .sign(&buyer_one());
    let answer = send_v3(&app, &signed).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
}

#[tokio::test]
async fn a_v3_request_signing_extra_headers_such_as_user_agent_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = probe()
        .header(
            "user-agent",
            "AlibabaCloud (Linux; x86_64) Python/3.12 Core/0.4.6 TeaDSL/2",
        )
        .sign(&vendor());
    assert!(passed_auth(&send_v3(&app, &signed).await));
}

#[tokio::test]
async fn a_v1_request_with_its_parameters_in_the_query_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let params = v1_probe().sign(&vendor());
    let answer = send_v1_query(&app, "POST", &params).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
    let params = v1::Request::new("GET", PROBE)
        .param("InstanceId", "1")
        .sign(&vendor());
    assert!(passed_auth(&send_v1_query(&app, "GET", &params).await));
}

#[tokio::test]
async fn a_v1_request_with_everything_in_the_form_body_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let params = v1_probe().param("Metering", "[{\"a\": 1}]").sign(&vendor());
    let answer = send(&app, v1_request("POST", &[], &params)).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
}

#[tokio::test]
async fn a_v1_request_split_between_query_and_body_passes_authentication() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let params = v1_probe().param("Token", "t").sign(&vendor());
    let (in_body, in_query): (Vec<_>, Vec<_>) = params.into_iter().partition(|(k, _)| k == "Token");
    let answer = send(&app, v1_request("POST", &in_query, &in_body)).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
}

#[tokio::test]
async fn the_legacy_sdk_extras_region_upper_case_format_and_empty_signature_type_are_accepted() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let params = v1_probe().legacy("cn-hangzhou").sign(&vendor());
    assert!(params.iter().any(|(k, v)| k == "SignatureType" && v.is_empty()));
    let answer = send_v1_query(&app, "POST", &params).await;
    assert!(passed_auth(&answer), "{} {}", answer.status, answer.body);
}
