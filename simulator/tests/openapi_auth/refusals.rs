//! Each way a request fails authentication, with the marketplace's code and message: unknown keys,
//! wrong secrets, changed requests, timestamps, reused nonces, other algorithms, missing or garbage
//! signature pieces, bytes that are not UTF-8; errors as XML when asked; an unknown action.

use super::*;

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
            query: &protocol::openapi::borrowed_pairs(&protocol::openapi::decode_form_bytes(
                signed.query.as_bytes(),
            )),
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
