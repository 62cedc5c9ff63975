//! OpenAPI authentication through the whole app: V3 and V1 signatures, AccessKeys, timestamps, nonces,
//! STS tokens and bad input. A request whose signature held and whose action is unknown is answered
//! `InvalidApi.NotFound`: that answer proves the request got past authentication.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::Router;
use chrono::TimeDelta;
use marketsim_simulator::openapi::auth::{authenticate, SignedRequest};
use marketsim_simulator::openapi::{Caller, Params};
use marketsim_simulator::{router, Simulator, World};
use protocol::clock::wall_now;
use protocol::openapi::{v1, v3, Credentials};
use testkit::signed::{send_v1, send_v3, v1_request, v3_request, HOST};
use testkit::{send, Answer};

/// An action no family has: a signed request for it is answered `InvalidApi.NotFound`.
const PROBE: &str = "AuthProbeNoSuchAction";

fn vendor() -> Credentials {
    let w = World::default_world();
    Credentials::new(&w.vendors[0].access_key_id, &w.vendors[0].access_key_secret)
}

fn buyer_one() -> Credentials {
    let w = World::default_world();
    let b = w.buyer("buyer-1").unwrap();
    Credentials::new(&b.access_key_id, &b.access_key_secret)
}

fn sts_of(owner: &str) -> Credentials {
    let w = World::default_world();
    let s = w.sts.iter().find(|s| s.owner == owner).unwrap();
    Credentials::sts(&s.access_key_id, &s.access_key_secret, &s.security_token)
}

/// Authentication passed: the unknown action was looked up.
fn passed_auth(answer: &Answer) -> bool {
    answer.status == StatusCode::NOT_FOUND && answer.code() == "InvalidApi.NotFound"
}

async fn send_v1_query(app: &Router, method: &str, params: &[(String, String)]) -> Answer {
    send_v1(app, method, params, &[]).await
}

fn probe() -> v3::Request {
    v3::Request::new("POST", HOST, PROBE).query("InstanceId", "1")
}

fn v1_probe() -> v1::Request {
    v1::Request::new("POST", PROBE).param("InstanceId", "1")
}

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

#[tokio::test]
async fn an_unknown_access_key_is_404_invalid_access_key_id_not_found() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let stranger = Credentials::new("LTAI5tNobody", "secret");
    let answer = send_v3(&app, &probe().sign(&stranger)).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.code(), "InvalidAccessKeyId.NotFound");
    assert_eq!(answer.message(), "Specified access key is not found.");
    let answer = send_v1_query(&app, "POST", &v1_probe().sign(&stranger)).await;
    assert_eq!(answer.code(), "InvalidAccessKeyId.NotFound");
}

#[tokio::test]
async fn a_wrong_v3_secret_is_signature_does_not_match_with_the_server_string_to_sign() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = vendor();
    creds.access_key_secret = "not-the-secret".into();
    let signed = probe().sign(&creds);
    let answer = send_v3(&app, &signed).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
    // The server's string to sign is the client's own: only the secret differed.
    let auth = v3::parse_authorization(signed.header("authorization").unwrap()).unwrap();
    let client_string = v3::string_to_sign(
        &v3::Incoming {
            method: "POST",
            path: "/",
            raw_query: &signed.query,
            headers: &signed.headers,
            body: &signed.body,
        },
        &auth.signed_headers,
    );
    assert_eq!(
        answer.message(),
        format!(
            "Specified signature does not match our calculation. server StringToSign is [{client_string}]"
        )
    );
    assert!(answer.message().contains("[ACS3-HMAC-SHA256\n"));
}

#[tokio::test]
async fn a_wrong_v1_secret_puts_the_server_string_to_sign_after_a_colon() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = vendor();
    creds.access_key_secret = "not-the-secret".into();
    let params = v1_probe().sign(&creds);
    let answer = send_v1_query(&app, "POST", &params).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
    let message = answer.message();
    let (prefix, server_string) = message.split_once(':').unwrap();
    assert_eq!(
        prefix,
        "Specified signature is not matched with our calculation. server string to sign is"
    );
    assert_eq!(server_string, v1::string_to_sign("POST", &params));
    assert!(server_string.starts_with("POST&%2F&AccessKeyId%3D"));
}

#[tokio::test]
async fn a_body_changed_after_signing_does_not_verify() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut signed = v3::Request::new("POST", HOST, PROBE)
        .form("Token", "mine")
        .sign(&vendor());
    signed.body = b"Token=theirs".to_vec();
    let answer = send_v3(&app, &signed).await;
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn a_query_changed_after_signing_does_not_verify() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut signed = probe().sign(&vendor());
    signed.query = "InstanceId=2".into();
    assert_eq!(send_v3(&app, &signed).await.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn timestamps_more_than_15_minutes_from_the_wall_clock_are_expired() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    for offset in [TimeDelta::minutes(-16), TimeDelta::minutes(16)] {
        let answer = send_v3(&app, &probe().at(wall_now() + offset).sign(&vendor())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.code(), "InvalidTimeStamp.Expired", "{offset}");
        let params = v1_probe().at(wall_now() + offset).sign(&vendor());
        let answer = send_v1_query(&app, "POST", &params).await;
        assert_eq!(answer.code(), "InvalidTimeStamp.Expired", "{offset}");
    }
    // Within the window, whatever the world's own (virtual, 2023) date.
    let answer = send_v3(
        &app,
        &probe().at(wall_now() - TimeDelta::minutes(10)).sign(&vendor()),
    )
    .await;
    assert!(passed_auth(&answer), "{}", answer.body);
}

#[tokio::test]
async fn a_malformed_timestamp_is_invalid_time_stamp_format() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = probe().header("x-acs-date", "yesterday").sign(&vendor());
    let answer = send_v3(&app, &signed).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "InvalidTimeStamp.Format");
    let params = v1_probe().param("Timestamp", "2025/01/01").sign(&vendor());
    assert_eq!(
        send_v1_query(&app, "POST", &params).await.code(),
        "InvalidTimeStamp.Format"
    );
}

#[tokio::test]
async fn a_nonce_reused_within_15_minutes_is_signature_nonce_used() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = probe().sign(&vendor());
    assert!(passed_auth(&send_v3(&app, &signed).await));
    let again = send_v3(&app, &signed).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "SignatureNonceUsed");
    assert_eq!(again.message(), "Specified signature nonce was used already.");

    // The same nonce in a new, differently signed V1 request is refused too.
    let nonce = signed.header("x-acs-signature-nonce").unwrap();
    let params = v1_probe().nonce(nonce).sign(&vendor());
    assert_eq!(
        send_v1_query(&app, "POST", &params).await.code(),
        "SignatureNonceUsed"
    );
}

#[tokio::test]
async fn a_request_that_fails_its_signature_does_not_use_up_the_nonce() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut wrong = vendor();
    wrong.access_key_secret = "forged".into();
    let forged = probe().nonce("00000000000000000000000000000001").sign(&wrong);
    assert_eq!(send_v3(&app, &forged).await.code(), "SignatureDoesNotMatch");
    let genuine = probe().nonce("00000000000000000000000000000001").sign(&vendor());
    assert!(passed_auth(&send_v3(&app, &genuine).await));
}

#[tokio::test]
async fn other_v3_algorithms_get_invalid_signature_method() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    for algorithm in ["ACS3-HMAC-SM3", "ACS3-RSA-SHA256"] {
        let mut signed = probe().sign(&vendor());
        let auth = signed.headers.last_mut().unwrap();
        auth.1 = auth.1.replacen("ACS3-HMAC-SHA256", algorithm, 1);
        let answer = send_v3(&app, &signed).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.code(), "InvalidSignatureMethod", "{algorithm}");
        assert!(answer.message().contains(algorithm), "{}", answer.message());
        assert!(answer.message().contains("ACS3-HMAC-SHA256"));
    }
    let params = v1_probe().param("SignatureMethod", "HMAC-SHA256").sign(&vendor());
    assert_eq!(
        send_v1_query(&app, "POST", &params).await.code(),
        "InvalidSignatureMethod"
    );
}

#[tokio::test]
async fn missing_signature_pieces_are_incomplete_signature() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    // No signature at all.
    let unsigned = Request::builder()
        .method("POST")
        .uri("/?Action=DescribeInstanceForIsv&InstanceId=1")
        .body(Body::empty())
        .unwrap();
    let answer = send(&app, unsigned).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "IncompleteSignature");

    // An Authorization header without its Signature part.
    let mut signed = probe().sign(&vendor());
    let auth = signed.headers.last_mut().unwrap();
    auth.1 = auth.1.split(",Signature=").next().unwrap().to_owned();
    assert_eq!(send_v3(&app, &signed).await.code(), "IncompleteSignature");

    // A date or nonce that was not signed.
    for name in ["x-acs-date", "x-acs-signature-nonce"] {
        let mut signed = probe().sign(&vendor());
        let auth = signed.headers.last_mut().unwrap();
        auth.1 = auth.1.replace(&format!("{name};"), "");
        let answer = send_v3(&app, &signed).await;
        assert_eq!(answer.code(), "IncompleteSignature", "{name}");
        assert!(answer.message().contains(name), "{}", answer.message());
    }

    // V1 without its nonce or its AccessKeyId.
    for name in ["SignatureNonce", "AccessKeyId", "Timestamp", "Signature"] {
        let mut params = v1_probe().sign(&vendor());
        params.retain(|(k, _)| k != name);
        let answer = send_v1_query(&app, "POST", &params).await;
        assert_eq!(answer.code(), "IncompleteSignature", "{name}");
    }
}

#[tokio::test]
async fn garbage_authorization_headers_are_a_400_and_the_server_stays_up() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let garbage: Vec<&[u8]> = vec![
        b"ACS3-HMAC-SHA256",
        b"ACS3-HMAC-SHA256 ",
        b"ACS3-HMAC-SHA256 Credential=",
        b"ACS3-HMAC-SHA256 Credential=LTAI5tZillizVendor0001,SignedHeaders=;;;,Signature=zz",
        b"ACS3-HMAC-SHA256 ,,,,=,=,==",
        b"ACS3-",
        b"ACS3-HMAC-SHA256 Credential=LTAI5tZillizVendor0001,SignedHeaders=host,Signature=\xff\xfe",
        b"Bearer abc",
        b"\xe9\x95\x9c",
        b"ACS3-HMAC-SHA256 Credential=LTAI5tZillizVendor0001,SignedHeaders=x-acs-date;x-acs-signature-nonce,Signature=00",
    ];
    for value in garbage {
        let mut signed = probe().sign(&vendor());
        signed.headers.pop();
        let mut request = v3_request(&signed);
        request
            .headers_mut()
            .insert("authorization", HeaderValue::from_bytes(value).unwrap());
        let answer = send(&app, request).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{:?}: {}",
            String::from_utf8_lossy(value),
            answer.body
        );
        assert!(!answer.code().is_empty());
    }
    // A truncated, valid-looking signature.
    let mut signed = probe().sign(&vendor());
    let auth = signed.headers.last_mut().unwrap();
    auth.1.truncate(auth.1.len() - 10);
    assert_eq!(send_v3(&app, &signed).await.code(), "SignatureDoesNotMatch");

    let answer = send_v3(&app, &probe().sign(&vendor())).await;
    assert!(passed_auth(&answer), "still answering: {}", answer.body);
}

#[tokio::test]
async fn parameters_that_are_not_utf8_are_a_400() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let signed = v3::Request::new("POST", HOST, PROBE).sign(&vendor());
    let mut request = v3_request(&signed);
    *request.uri_mut() = "/?InstanceId=%FF%FE".parse().unwrap();
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "InvalidParameter");

    let mut signed = v3::Request::new("POST", HOST, PROBE)
        .form("Token", "x")
        .sign(&vendor());
    signed.body = b"Token=%C3%28".to_vec();
    let answer = send_v3(&app, &signed).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "InvalidParameter");

    // A signed header whose value is not UTF-8.
    let signed = probe().header("x-acs-extra", "v").sign(&vendor());
    let mut request = v3_request(&signed);
    request
        .headers_mut()
        .insert("x-acs-extra", HeaderValue::from_bytes(b"\xff").unwrap());
    let answer = send(&app, request).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "IncompleteSignature");
}

#[tokio::test]
async fn sts_credentials_pass_with_their_token_over_v3_and_v1() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    for owner in ["zilliz", "buyer-1"] {
        let creds = sts_of(owner);
        let signed = probe().sign(&creds);
        assert!(signed.header("x-acs-security-token").is_some());
        let answer = send_v3(&app, &signed).await;
        assert!(passed_auth(&answer), "{owner}: {}", answer.body);
        let params = v1_probe().sign(&creds);
        let answer = send_v1_query(&app, "POST", &params).await;
        assert!(passed_auth(&answer), "{owner}: {}", answer.body);
    }
}

#[tokio::test]
async fn a_wrong_sts_token_is_invalid_security_token_mismatch() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = sts_of("zilliz");
    creds.security_token = Some("CAIS-forged".into());
    let answer = send_v3(&app, &probe().sign(&creds)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");
    let answer = send_v1_query(&app, "POST", &v1_probe().sign(&creds)).await;
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");

    // A token sent with a permanent key does not belong to it either.
    let mut permanent = vendor();
    permanent.security_token = Some("CAIS-zilliz-vendor-sts-token-0001".into());
    let answer = send_v3(&app, &probe().sign(&permanent)).await;
    assert_eq!(answer.code(), "InvalidSecurityToken.Mismatch");
}

#[tokio::test]
async fn an_sts_key_without_its_token_is_missing_security_token() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = sts_of("buyer-1");
    creds.security_token = None;
    let answer = send_v3(&app, &probe().sign(&creds)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "MissingSecurityToken");
}

#[tokio::test]
async fn errors_come_as_xml_when_the_request_asks_for_format_xml() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let mut creds = vendor();
    creds.access_key_secret = "wrong".into();
    let params = v1_probe().param("Format", "XML").sign(&creds);
    let answer = send_v1_query(&app, "POST", &params).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "text/xml;charset=utf-8"
    );
    assert!(answer.body.starts_with("<?xml"), "{}", answer.body);
    assert!(answer.body.contains("<Code>SignatureDoesNotMatch</Code>"));
    assert!(answer.body.contains("server string to sign is:POST&amp;%2F&amp;"));
    assert!(answer.body.contains("<RequestId>"));
    assert!(answer.body.contains("<HostId>"));
    assert!(answer.body.contains("<Recommend>"));

    // In the form body too.
    let params = v1_probe().param("Format", "xml").sign(&vendor());
    let answer = send(&app, v1_request("POST", &[], &params)).await;
    assert!(
        answer.body.contains("<Code>InvalidApi.NotFound</Code>"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn an_unknown_action_with_a_valid_signature_is_invalid_api_not_found() {
    let sim = Simulator::for_tests();
    let app = router(sim.clone());
    let answer = send_v3(&app, &probe().sign(&vendor())).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let body = answer.json();
    assert_eq!(body["Code"], "InvalidApi.NotFound");
    assert_eq!(
        body["Message"],
        "Specified api is not found, please check your url and method."
    );
    for field in ["RequestId", "HostId", "Recommend"] {
        assert!(body[field].is_string(), "{field} in {body}");
    }
}

fn header_map(headers: &[(impl AsRef<str>, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            axum::http::HeaderName::from_bytes(name.as_ref().as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn caller_of<'w>(sim: &'w Simulator, creds: &Credentials) -> (Caller<'w>, bool) {
    let signed = probe().sign(creds);
    let headers = header_map(&signed.headers);
    let params = Params::from_pairs(protocol::spi::decode_query(&signed.query));
    let auth = authenticate(
        sim,
        &SignedRequest {
            method: "POST",
            path: "/",
            raw_query: &signed.query,
            headers: &headers,
            body: &signed.body,
            params: &params,
        },
    )
    .unwrap();
    (auth.caller, auth.sts)
}

#[test]
fn each_key_names_its_caller_and_sts_keys_act_for_their_owner() {
    let sim = Simulator::for_tests();
    let world = sim.world().clone();
    assert_eq!(
        caller_of(&sim, &vendor()),
        (Caller::Vendor(&world.vendors[0]), false)
    );
    assert_eq!(
        caller_of(&sim, &buyer_one()),
        (Caller::Buyer(world.buyer("buyer-1").unwrap()), false)
    );
    let b2 = world.buyer("buyer-2").unwrap();
    assert_eq!(
        caller_of(&sim, &Credentials::new(&b2.access_key_id, &b2.access_key_secret)),
        (Caller::Buyer(b2), false)
    );
    assert_eq!(
        caller_of(&sim, &sts_of("zilliz")),
        (Caller::Vendor(&world.vendors[0]), true)
    );
    assert_eq!(
        caller_of(&sim, &sts_of("buyer-1")),
        (Caller::Buyer(world.buyer("buyer-1").unwrap()), true)
    );
}
