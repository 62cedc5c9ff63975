//! The published V3 vector (contract §4.3), written out line by line: the server's canonical
//! request and signature, and the client's signer reproducing the same `Authorization`.

use super::*;
use crate::openapi::{parse_timestamp, Credentials, EMPTY_SHA256};
use sha2::{Digest, Sha256};

/// Contract §4.3: the SDK's own `get_authorization`, re-derived independently.
#[test]
fn the_published_v3_vector_signs_as_the_sdk_does() {
    let headers = [
        ("accept", "application/json"),
        ("host", "market.aliyuncs.com"),
        ("x-acs-action", "DescribeInstanceForIsv"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("x-acs-date", "2025-01-01T00:00:00Z"),
        ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
        ("x-acs-version", "2015-11-01"),
    ];
    let signed_headers = SignedHeaders::parse(
        "accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
    );

    // The request as it arrives: the server writes its canonical request from this.
    let request = Incoming {
        method: "POST",
        path: "/",
        query: &[(b"InstanceId", b"12345678")],
        headers: &headers,
        body: b"",
    };
    let canonical = canonical_request(&request, &signed_headers);
    let expected_canonical = [
        "POST",
        "/",
        "InstanceId=12345678",
        "accept:application/json",
        "host:market.aliyuncs.com",
        "x-acs-action:DescribeInstanceForIsv",
        "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "x-acs-date:2025-01-01T00:00:00Z",
        "x-acs-signature-nonce:0123456789abcdef0123456789abcdef",
        "x-acs-version:2015-11-01",
        "",
        "accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]
    .join("\n");
    assert_eq!(canonical, expected_canonical);

    let to_sign = string_to_sign(&request, &signed_headers);
    assert_eq!(
        to_sign,
        format!("ACS3-HMAC-SHA256\n{}", hex::encode(Sha256::digest(&canonical)))
    );
    assert!(to_sign.starts_with("ACS3-HMAC-SHA256\n"));
    let sig = signature("testsecret", &to_sign);
    assert_eq!(
        sig,
        "532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4"
    );
    assert_eq!(
        authorization_header("testak", &signed_headers, &sig),
        "ACS3-HMAC-SHA256 Credential=testak,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4"
    );

    // The server checks the signature over the same string, in either case of hex.
    let server = to_sign;
    assert!(verify("testsecret", &server, &sig.to_ascii_uppercase()));
    assert!(!verify("wrongsecret", &server, &sig));
    assert!(!verify("testsecret", &server, "not hex"));
    assert!(!verify("testsecret", &server, &sig[..62]));
}

#[test]
fn the_client_signer_reproduces_the_published_vector() {
    let signed = Request::new("POST", "market.aliyuncs.com", "DescribeInstanceForIsv")
        .query("InstanceId", "12345678")
        .at(parse_timestamp("2025-01-01T00:00:00Z").unwrap())
        .nonce("0123456789abcdef0123456789abcdef")
        .sign(&Credentials::new("testak", "testsecret"));
    assert_eq!(signed.uri(), "/?InstanceId=12345678");
    assert_eq!(signed.header("x-acs-content-sha256"), Some(EMPTY_SHA256));
    assert_eq!(signed.header("content-type"), None);
    assert_eq!(
        signed.header("authorization"),
        Some("ACS3-HMAC-SHA256 Credential=testak,SignedHeaders=accept;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=532b7f182b7fbc6806a1486c5842be3e5f5054de50866bf5638d9778c08beec4")
    );
}
