//! Licenses over the operation table: DescribeLicense shapes, ActivateLicense flipping a license in the
//! store, and every refusal (unknown, not yours, expired, already active, buyer keys, STS tokens).

mod common;

use common::openapi::*;

#[test]
fn describe_license_answers_the_models_fields_with_date_strings() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    let l = &v["License"];
    assert_eq!(l["LicenseCode"], "ZC8K2M4Q7W1E");
    assert_eq!(l["LicenseStatus"], "INACTIVATED");
    assert_eq!(l["ProductCode"], "cmgj00061912");
    assert_eq!(l["ProductName"], "Zilliz Cloud");
    assert_eq!(l["ProductSkuId"], "cmgj00061912-payg");
    assert_eq!(l["SupplierName"], "Zilliz");
    assert_eq!(l["InstanceId"], "30061001");
    assert_eq!(l["CreateTime"], "2023-08-01 10:00:00");
    assert_eq!(l["ExpiredTime"], "2099-08-01 10:00:00");
    assert!(l.get("ActivateTime").is_none(), "{l}");
    assert_eq!(l["ExtendInfo"]["AliUid"], 1763420985012345_i64);
    assert_eq!(l["ExtendInfo"]["AccountQuantity"], 5);
    assert_eq!(l["ExtendInfo"]["Email"], "buyer-1@example.com");
    assert_eq!(l["ExtendInfo"]["Mobile"], "13800000001");
    assert_eq!(l["ExtendArray"]["LicenseAttribute"][0]["Code"], "edition");
    assert_eq!(l["ExtendArray"]["LicenseAttribute"][0]["Value"], "standard");
    assert!(v.get("RequestId").is_none(), "the dispatcher adds RequestId");
}

#[test]
fn an_activated_license_shows_its_activation_time() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W2F")],
    );
    assert_eq!(v["License"]["LicenseStatus"], "ACTIVATED");
    assert_eq!(v["License"]["ActivateTime"], "2023-08-02 09:30:00");
}

#[test]
fn activate_license_flips_the_license_to_activated_at_the_worlds_time() {
    let sim = Simulator::for_tests();
    let v = ok(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[
            ("LicenseCode", "ZC8K2M4Q7W1E"),
            ("Identification", "1763420985012345"),
        ],
    );
    assert_eq!(v, serde_json::json!({"Success": true}));
    let l = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    assert_eq!(l["License"]["LicenseStatus"], "ACTIVATED");
    assert_eq!(l["License"]["ActivateTime"], "2023-08-15 10:00:00");
}

#[test]
fn a_second_activation_is_refused_as_already_authorized() {
    let sim = Simulator::for_tests();
    ok(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    let e = err(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    assert_eq!((e.status(), e.code()), (400, "Auth.Authorized"));
}

#[test]
fn an_expired_license_cannot_be_activated_and_stays_inactive() {
    let sim = Simulator::for_tests();
    let e = err(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[("LicenseCode", "ZC8K2M4Q7W3G")],
    );
    assert_eq!((e.status(), e.code()), (400, "License.Expired"));
    let l = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W3G")],
    );
    assert_eq!(l["License"]["LicenseStatus"], "INACTIVATED");
}

#[test]
fn an_identification_of_another_buyer_does_not_match() {
    let sim = Simulator::for_tests();
    let e = err(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[
            ("LicenseCode", "ZC8K2M4Q7W1E"),
            ("Identification", "1598302174658821"),
        ],
    );
    assert_eq!(e.code(), "Auth.Match");
}

#[test]
fn unknown_and_other_vendors_licenses_read_the_same_not_found() {
    let sim = Simulator::for_tests();
    for action in ["DescribeLicense", "ActivateLicense"] {
        let unknown = err(&sim, &vendor(&sim), action, &[("LicenseCode", "NOPE")]);
        let theirs = err(&sim, &other_vendor(), action, &[("LicenseCode", "ZC8K2M4Q7W1E")]);
        assert_eq!((unknown.status(), unknown.code()), (400, "License.NotFound"));
        assert_eq!(unknown, theirs);
    }
    let l = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    assert_eq!(
        l["License"]["LicenseStatus"], "INACTIVATED",
        "the other vendor changed nothing"
    );
}

#[test]
fn buyer_keys_are_forbidden_and_sts_tokens_get_the_caller_type_error() {
    let sim = Simulator::for_tests();
    for action in ["DescribeLicense", "ActivateLicense"] {
        let e = err(
            &sim,
            &buyer(&sim, "buyer-1"),
            action,
            &[("LicenseCode", "ZC8K2M4Q7W1E")],
        );
        assert_eq!((e.status(), e.code()), (403, "Forbidden.RAM"));
        let e = call_as(
            &sim,
            &vendor(&sim),
            true,
            action,
            &[("LicenseCode", "ZC8K2M4Q7W1E")],
        )
        .unwrap_err();
        assert_eq!(e.code(), "Auth.CallerType");
        assert_eq!(e.message(), "RAM users or STS tokens are not supported.");
    }
}

#[test]
fn a_missing_license_code_is_the_gateways_missing_parameter() {
    let sim = Simulator::for_tests();
    for action in ["DescribeLicense", "ActivateLicense"] {
        let e = err(&sim, &vendor(&sim), action, &[]);
        assert_eq!((e.status(), e.code()), (400, "MissingLicenseCode"));
    }
}

#[tokio::test]
async fn a_reset_world_has_its_fixture_licenses_back() {
    let sim = Simulator::for_tests();
    ok(
        &sim,
        &vendor(&sim),
        "ActivateLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    sim.reset().await.unwrap();
    let l = ok(
        &sim,
        &vendor(&sim),
        "DescribeLicense",
        &[("LicenseCode", "ZC8K2M4Q7W1E")],
    );
    assert_eq!(l["License"]["LicenseStatus"], "INACTIVATED");
}

#[tokio::test]
async fn a_signed_activate_license_flips_the_license_and_sts_credentials_are_refused() {
    use protocol::openapi::v3::Request;
    let sim = Simulator::for_tests();
    let app = http::app(&sim);
    let activate =
        || Request::new("POST", http::HOST, "ActivateLicense").query("LicenseCode", "ZC8K2M4Q7W1E");
    let (status, body) = http::v3(&app, activate(), &http::sts_of(&sim, "zilliz"))
        .await
        .status_and_json();
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("Auth.CallerType")),
        "{body}"
    );
    let (status, body) = http::v3(&app, activate(), &http::vendor(&sim))
        .await
        .status_and_json();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Success"], true);
    assert!(body["RequestId"].is_string());
    let describe = Request::new("POST", http::HOST, "DescribeLicense").query("LicenseCode", "ZC8K2M4Q7W1E");
    let (_, body) = http::v3(&app, describe, &http::vendor(&sim))
        .await
        .status_and_json();
    assert_eq!(body["License"]["LicenseStatus"], "ACTIVATED");
}
