//! The client against a wiremock marketplace: what it sends (signed as the Python SDK signs, and
//! verified by this crate's own server side), how it reads answers, errors and timeouts.

use super::*;
use crate::openapi::{borrowed_pairs, decode_form_bytes, parse_timestamp, EMPTY_SHA256};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NONCE: &str = "0123456789abcdef0123456789abcdef";

fn client(server: &MockServer) -> Client {
    Client::new(&server.uri(), "testak", "testsecret")
        .unwrap()
        .with_clock(|| parse_timestamp("2025-01-01T00:00:00Z").unwrap())
        .with_nonces(|| NONCE.to_owned())
}

fn host_of(server: &MockServer) -> String {
    server.uri().trim_start_matches("http://").to_owned()
}

/// The request as the server got it verifies under the client's secret with this crate's own
/// server-side V3 code.
fn verifies(request: &wiremock::Request, secret: &str) -> bool {
    let headers: Vec<(String, String)> = request
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let authorization = request.headers.get("authorization").unwrap().to_str().unwrap();
    let auth = v3::parse_authorization(authorization).unwrap();
    let to_sign = v3::string_to_sign(
        &v3::Incoming {
            method: request.method.as_str(),
            path: request.url.path(),
            query: &borrowed_pairs(&decode_form_bytes(
                request.url.query().unwrap_or_default().as_bytes(),
            )),
            headers: &headers,
            body: &request.body,
        },
        &auth.signed_headers,
    );
    v3::verify(secret, &to_sign, auth.signature)
}

#[tokio::test]
async fn a_call_sends_exactly_what_the_python_sdk_sends_and_verifies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(query_param("InstanceId", "12345678"))
        .and(header("x-acs-action", "DescribeInstanceForIsv"))
        .and(header("x-acs-version", "2015-11-01"))
        .and(header("x-acs-date", "2025-01-01T00:00:00Z"))
        .and(header("x-acs-signature-nonce", NONCE))
        .and(header("accept", "application/json"))
        .and(header("x-acs-content-sha256", EMPTY_SHA256))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"RequestId": "r1"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server)
        .call(
            "DescribeInstanceForIsv",
            "POST",
            &[("InstanceId", "12345678")],
            &[],
        )
        .await
        .unwrap();
    assert_eq!(body, json!({"RequestId": "r1"}));

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        received.url.query(),
        Some("InstanceId=12345678"),
        "Action and Version stay out of the query"
    );
    assert!(received.body.is_empty());
    assert!(received.headers.get("content-type").is_none());
    assert_eq!(received.headers.get("host").unwrap(), host_of(&server).as_str());
    let authorization = received.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(authorization.starts_with(
        "ACS3-HMAC-SHA256 Credential=testak,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="
    ), "{authorization}");
    assert!(verifies(received, "testsecret"));
    assert!(!verifies(received, "othersecret"));
}

#[tokio::test]
async fn form_parameters_go_in_a_signed_urlencoded_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("Token=a+token%2A"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Success": true})))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .call("CrossAccountVerifyToken", "POST", &[], &[("Token", "a token*")])
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.url.query(), None);
    assert_eq!(
        received.headers.get("x-acs-content-sha256").unwrap(),
        v3::hashed_payload(b"Token=a+token%2A").as_str()
    );
    let auth = received.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(auth.contains("content-type;"), "{auth}");
    assert!(verifies(received, "testsecret"));
}

#[tokio::test]
async fn a_get_call_and_sts_credentials_are_signed_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("productCode", "cmgj00061912"))
        .and(header("x-acs-security-token", "tok"))
        .and(header("x-acs-accesskey-id", "STS.ak"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Result": []})))
        .expect(1)
        .mount(&server)
        .await;
    let sts = Client::new(&server.uri(), "STS.ak", "stssecret")
        .unwrap()
        .with_security_token("tok");
    sts.call(
        "DescribeApiMetering",
        "GET",
        &[("productCode", "cmgj00061912")],
        &[],
    )
    .await
    .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert!(verifies(received, "stssecret"));
}

#[tokio::test]
async fn typed_helpers_read_the_sdk_models_fields() {
    let server = MockServer::start().await;
    Mock::given(header("x-acs-action", "DescribeInstanceForIsv"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "RequestId": "r", "InstanceId": 8000001, "OrderId": 2100001, "Status": "NORMAL",
            "ProductCode": "cmgj00061912", "AppJson": "{\"authUrl\":\"https://x\"}",
            "IsTrial": false, "CreatedOn": 1692064800000i64,
            "RelationalData": {"ServiceStatus": "NORMAL"}, "Unknown": 1
        })))
        .mount(&server)
        .await;
    Mock::given(header("x-acs-action", "DescribeOrderForIsv"))
        .and(query_param("OrderId", "2100001"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "RequestId": "r", "OrderId": 2100001, "AliUid": 1763420985012345i64,
            "InstanceIds": ["8000001"], "PaymentPrice": 0.0, "Components": {"a": 1}
        })))
        .mount(&server)
        .await;
    Mock::given(header("x-acs-action", "PushMeteringData"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"RequestId": "r", "Success": true})))
        .mount(&server)
        .await;
    let client = client(&server);

    let instance = client.describe_instance_for_isv(8000001).await.unwrap();
    assert_eq!(instance.instance_id, Some(8000001));
    assert_eq!(instance.order_id, Some(2100001));
    assert_eq!(instance.status.as_deref(), Some("NORMAL"));
    assert_eq!(instance.app_json.as_deref(), Some("{\"authUrl\":\"https://x\"}"));
    assert_eq!(instance.is_trial, Some(false));
    assert_eq!(instance.created_on, Some(1692064800000));
    assert_eq!(
        instance.relational_data.unwrap().service_status.as_deref(),
        Some("NORMAL")
    );

    let order = client.describe_order_for_isv("2100001").await.unwrap();
    assert_eq!(order.ali_uid, Some(1763420985012345));
    assert_eq!(order.instance_ids, ["8000001"]);
    assert_eq!(order.payment_price, Some(0.0));

    let pushed = client
        .push_metering_data(&[MeteringRecord {
            instance_id: "8000001".into(),
            start_time: 1723771200,
            end_time: 1723771800,
            entities: vec![MeteringEntity {
                key: "Frequency".into(),
                value: 96,
                metering_assit: Some("cmgj00061912-Frequency-1".into()),
                serial_no: None,
            }],
        }])
        .await
        .unwrap();
    assert_eq!(pushed.success, Some(true));
    let requests = server.received_requests().await.unwrap();
    let push = requests.last().unwrap();
    let metering = push
        .url
        .query_pairs()
        .find(|(k, _)| k == "Metering")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&metering).unwrap(),
        json!([{"InstanceId": "8000001", "StartTime": "1723771200", "EndTime": "1723771800",
                "Entities": [{"Key": "Frequency", "Value": "96", "meteringAssit": "cmgj00061912-Frequency-1"}]}])
    );
    assert!(verifies(push, "testsecret"));
}

#[tokio::test]
async fn a_kept_metering_text_goes_out_byte_for_byte_on_every_push() {
    let server = MockServer::start().await;
    Mock::given(header("x-acs-action", "PushMeteringData"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"RequestId": "r", "Success": true})))
        .mount(&server)
        .await;
    let client = client(&server);
    let records = [MeteringRecord {
        instance_id: "8000001".into(),
        start_time: 1692064800,
        end_time: 1692068400,
        entities: vec![MeteringEntity {
            key: "Period".into(),
            value: 3600,
            metering_assit: Some("cmgj00061912-Period-1".into()),
            serial_no: Some("in01-0123456789abcdef-1692064800".into()),
        }],
    }];
    let text = metering_text(&records).unwrap();
    assert_eq!(
        text,
        r#"[{"InstanceId":"8000001","StartTime":"1692064800","EndTime":"1692068400","Entities":[{"Key":"Period","Value":"3600","meteringAssit":"cmgj00061912-Period-1","SerialNo":"in01-0123456789abcdef-1692064800"}]}]"#
    );
    client.push_metering_text(&text).await.unwrap();
    client.push_metering_text(&text).await.unwrap();
    client.push_metering_data(&records).await.unwrap();
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            assert!(verifies(r, "testsecret"));
            r.url
                .query_pairs()
                .find(|(k, _)| k == "Metering")
                .map(|(_, v)| v.into_owned())
                .unwrap()
        })
        .collect();
    assert_eq!(sent, [text.clone(), text.clone(), text]);
}

#[tokio::test]
async fn an_error_status_carries_the_marketplace_code_message_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(header("x-acs-action", "DescribeInstanceForIsv"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "RequestId": "REQ-1", "HostId": "market.aliyuncs.com", "Code": "InvalidInstanceId.NotFound",
            "Message": "The specified InstanceId does not exist.", "Recommend": "https://…"
        })))
        .mount(&server)
        .await;
    Mock::given(header("x-acs-action", "PushMeteringData"))
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-acs-retry-after", "60")
                .set_body_json(
                    json!({"RequestId": "REQ-2", "Code": "Service.Flow.Control", "Message": "slow down"}),
                ),
        )
        .mount(&server)
        .await;
    Mock::given(header("x-acs-action", "DescribeOrderForIsv"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client.describe_instance_for_isv(1).await.unwrap_err();
    match &err {
        ClientError::Api {
            status,
            code,
            message,
            request_id,
            retry_after,
            ..
        } => {
            assert_eq!(*status, 404);
            assert_eq!(code, "InvalidInstanceId.NotFound");
            assert_eq!(message, "The specified InstanceId does not exist.");
            assert_eq!(request_id, "REQ-1");
            assert_eq!(*retry_after, None);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), Some("InvalidInstanceId.NotFound"));
    assert_eq!(
        err.to_string(),
        "code: 404, The specified InstanceId does not exist. request id: REQ-1 (InvalidInstanceId.NotFound)"
    );

    let err = client.push_metering_data(&[]).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Api {
                retry_after: Some(60),
                ..
            }
        ),
        "{err:?}"
    );

    let err = client.describe_order_for_isv("1").await.unwrap_err();
    assert!(
        matches!(err, ClientError::Unexpected { status: 502, .. }),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(502));
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = client(&server).with_timeout(Duration::from_millis(200)).unwrap();
    let err = client
        .call("DescribeInstanceForIsv", "POST", &[], &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Timeout), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error() {
    let client = Client::new("http://127.0.0.1:1", "ak", "s").unwrap();
    let err = client
        .call("DescribeInstanceForIsv", "POST", &[], &[])
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Transport(_)), "{err:?}");
}

#[test]
fn an_endpoint_without_a_scheme_is_https_and_its_host_header_keeps_the_port() {
    let client = Client::new("market.aliyuncs.com", "ak", "s").unwrap();
    assert_eq!(client.base, "https://market.aliyuncs.com");
    assert_eq!(client.host, "market.aliyuncs.com");
    let client = Client::new("http://127.0.0.1:18082/", "ak", "s").unwrap();
    assert_eq!(client.base, "http://127.0.0.1:18082");
    let signed = client.sign("DescribeProducts", "POST", &[], &[]);
    assert_eq!(signed.header("host"), Some("127.0.0.1:18082"));
    assert!(Client::new("http://", "ak", "s").is_err());
}
