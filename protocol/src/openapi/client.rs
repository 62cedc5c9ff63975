//! A typed async client for the Market OpenAPI that signs V3 (`ACS3-HMAC-SHA256`) like the Python
//! SDK: headers `host`, `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
//! `accept: application/json`, `x-acs-content-sha256`, `content-type` with a body, `user-agent`, all
//! signed. Time and nonces come from injectable sources ([`Client::with_clock`],
//! [`Client::with_nonces`]) so a test can pin them; by default the wall clock
//! ([`crate::clock::wall_now`]) and [`random_nonce`].
//!
//! [`Client::call`] takes any action; [`Client::describe_instance_for_isv`],
//! [`Client::describe_order_for_isv`] and [`Client::push_metering_data`] are typed.

use super::{v3, Credentials};
use crate::time::Instant;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Where a request's date comes from.
pub type DateSource = Arc<dyn Fn() -> Instant + Send + Sync>;
/// Where a request's nonce comes from.
pub type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// The SDK's default connect timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The SDK's default read timeout, used here for the whole request.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The marketplace answered with an error status and its error body.
    #[error("code: {status}, {message} request id: {request_id} ({code})")]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: String,
        /// `x-acs-retry-after`, seconds (throttling).
        retry_after: Option<u64>,
        /// The whole body.
        body: Value,
    },
    /// An answer that is not the marketplace's JSON (an XML or HTML page, garbage).
    #[error("unexpected answer {status}: {body}")]
    Unexpected { status: u16, body: String },
    /// No answer within the timeout.
    #[error("the request timed out")]
    Timeout,
    /// The endpoint could not be used or reached.
    #[error("transport: {0}")]
    Transport(String),
    /// A success answer whose fields are not what the typed helper expects.
    #[error("the answer does not have the expected shape: {0}")]
    Shape(String),
}

impl ClientError {
    /// The marketplace's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// A Market OpenAPI client for one endpoint and one AccessKey.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// `scheme://authority`, without a trailing slash.
    base: String,
    /// The `host` header: the endpoint's authority as given.
    host: String,
    credentials: Credentials,
    dates: DateSource,
    nonces: NonceSource,
    user_agent: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("access_key_id", &self.credentials.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `endpoint` — `host[:port]` (HTTPS, as the SDK defaults) or a full
    /// `http(s)://host[:port]` URL (a simulator: `http://127.0.0.1:8080`) — signing with the AccessKey
    /// pair. Proxies from the environment are not used.
    pub fn new(endpoint: &str, access_key_id: &str, secret: &str) -> Result<Client, ClientError> {
        let with_scheme = if endpoint.contains("://") {
            endpoint.trim_end_matches('/').to_owned()
        } else {
            format!("https://{}", endpoint.trim_end_matches('/'))
        };
        let url = url::Url::parse(&with_scheme)
            .map_err(|e| ClientError::Transport(format!("endpoint `{endpoint}`: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => {
                return Err(ClientError::Transport(format!(
                    "endpoint `{endpoint}` names no host"
                )))
            }
        };
        let base = format!("{}://{host}", url.scheme());
        Ok(Client {
            http: http_client(READ_TIMEOUT)?,
            base,
            host,
            credentials: Credentials::new(access_key_id, secret),
            dates: Arc::new(crate::clock::wall_now),
            nonces: Arc::new(random_nonce),
            user_agent: format!("marketsim/{} TeaDSL/2", env!("CARGO_PKG_VERSION")),
        })
    }

    /// Signs as STS credentials with `token`.
    pub fn with_security_token(mut self, token: &str) -> Client {
        self.credentials.security_token = Some(token.to_owned());
        self
    }

    /// Takes every request's date from `dates`.
    pub fn with_clock(mut self, dates: impl Fn() -> Instant + Send + Sync + 'static) -> Client {
        self.dates = Arc::new(dates);
        self
    }

    /// Takes every request's nonce from `nonces`.
    pub fn with_nonces(mut self, nonces: impl Fn() -> String + Send + Sync + 'static) -> Client {
        self.nonces = Arc::new(nonces);
        self
    }

    /// Gives up on a request after `timeout` (default [`READ_TIMEOUT`]).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Client, ClientError> {
        self.http = http_client(timeout)?;
        Ok(self)
    }

    /// The signed request `call` would send, without sending it.
    pub fn sign(
        &self,
        action: &str,
        method: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> v3::Signed {
        let date = (self.dates)();
        let nonce = (self.nonces)();
        v3::sign(
            &v3::Parts {
                method,
                host: &self.host,
                action,
                version: super::VERSION,
                query,
                form,
                headers: &[("user-agent", self.user_agent.as_str())],
                date,
                nonce: &nonce,
            },
            &self.credentials,
        )
    }

    /// Calls `action` with `query` parameters and `form` body parameters over `method` (the SDK's
    /// choice per operation: POST for most, GET for DescribeApiMetering and
    /// DescribeDistributionProducts). A 2xx answer is the body, even with `Success: false`; anything
    /// else is a [`ClientError`].
    pub async fn call(
        &self,
        action: &str,
        method: &str,
        query: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> Result<Value, ClientError> {
        let signed = self.sign(action, method, query, form);
        let method = reqwest::Method::from_bytes(signed.method.as_bytes())
            .map_err(|e| ClientError::Transport(format!("method `{}`: {e}", signed.method)))?;
        let mut request = self
            .http
            .request(method, format!("{}{}", self.base, signed.uri()));
        for (name, value) in &signed.headers {
            request = request.header(name.as_ref(), value.as_str());
        }
        if !signed.body.is_empty() {
            request = request.body(signed.body.clone());
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let text = response.text().await.map_err(transport)?;
        let body: Value = match serde_json::from_str(&text) {
            Ok(body) => body,
            Err(_) => return Err(ClientError::Unexpected { status, body: text }),
        };
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let field = |upper: &str, lower: &str| {
            body.get(upper)
                .or_else(|| body.get(lower))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Err(ClientError::Api {
            status,
            code: field("Code", "code"),
            message: field("Message", "message"),
            request_id: field("RequestId", "requestId"),
            retry_after,
            body,
        })
    }

    /// DescribeInstanceForIsv: one instance of the vendor's products (POST, `InstanceId` in the query).
    pub async fn describe_instance_for_isv(&self, instance_id: i64) -> Result<InstanceForIsv, ClientError> {
        let id = instance_id.to_string();
        let body = self
            .call("DescribeInstanceForIsv", "POST", &[("InstanceId", &id)], &[])
            .await?;
        typed(body)
    }

    /// DescribeOrderForIsv: one order of the vendor's products (POST, `OrderId` in the query).
    pub async fn describe_order_for_isv(&self, order_id: &str) -> Result<OrderForIsv, ClientError> {
        let body = self
            .call("DescribeOrderForIsv", "POST", &[("OrderId", order_id)], &[])
            .await?;
        typed(body)
    }

    /// PushMeteringData: usage records (POST, `Metering` — a JSON array — in the query).
    pub async fn push_metering_data(&self, records: &[MeteringRecord]) -> Result<PushResult, ClientError> {
        let metering = serde_json::to_string(records).map_err(|e| ClientError::Shape(e.to_string()))?;
        let body = self
            .call("PushMeteringData", "POST", &[("Metering", &metering)], &[])
            .await?;
        typed(body)
    }
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|e| ClientError::Transport(e.to_string()))
}

fn transport(e: reqwest::Error) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout
    } else {
        ClientError::Transport(e.to_string())
    }
}

fn typed<T: for<'de> Deserialize<'de>>(body: Value) -> Result<T, ClientError> {
    serde_json::from_value(body).map_err(|e| ClientError::Shape(e.to_string()))
}

/// An integer the SDK models as `int`, read from a JSON number or a numeric string.
fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list of ids as strings, from a flat array or an `{"InstanceId": […]}` wrapper, of numbers or
/// strings.
fn lenient_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    fn items(v: &Value) -> Vec<String> {
        match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|x| match x {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Value::Object(o) => o.values().flat_map(items).collect(),
            _ => Vec::new(),
        }
    }
    Ok(Option::<Value>::deserialize(d)?
        .map(|v| items(&v))
        .unwrap_or_default())
}

/// DescribeInstanceForIsv's answer, with the SDK model's field names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceForIsv {
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub instance_id: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub order_id: Option<i64>,
    pub status: Option<String>,
    pub product_code: Option<String>,
    pub product_name: Option<String>,
    pub product_sku_code: Option<String>,
    pub product_type: Option<String>,
    pub supplier_name: Option<String>,
    /// A JSON string (the SDK keeps it as text): for SaaS, carries the instance's `authUrl`.
    pub app_json: Option<String>,
    pub host_json: Option<String>,
    pub extend_json: Option<String>,
    pub component_json: Option<String>,
    pub image_json: Option<String>,
    pub license_code: Option<String>,
    pub active_address: Option<String>,
    pub auto_renewal: Option<String>,
    pub is_trial: Option<bool>,
    /// Epoch milliseconds.
    #[serde(deserialize_with = "lenient_int")]
    pub created_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub began_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub end_on: Option<i64>,
    pub relational_data: Option<RelationalData>,
}

/// `RelationalData` of DescribeInstanceForIsv.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RelationalData {
    pub service_status: Option<String>,
}

/// DescribeOrderForIsv's answer, with the SDK model's field names.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OrderForIsv {
    pub request_id: Option<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub order_id: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub ali_uid: Option<i64>,
    pub order_status: Option<String>,
    pub order_type: Option<String>,
    pub pay_status: Option<String>,
    pub period_type: Option<String>,
    pub product_code: Option<String>,
    pub product_name: Option<String>,
    pub product_sku_code: Option<String>,
    #[serde(deserialize_with = "lenient_ids")]
    pub instance_ids: Vec<String>,
    #[serde(deserialize_with = "lenient_int")]
    pub quantity: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub account_quantity: Option<i64>,
    pub original_price: Option<f64>,
    pub total_price: Option<f64>,
    pub payment_price: Option<f64>,
    pub coupon_price: Option<f64>,
    /// Epoch milliseconds.
    #[serde(deserialize_with = "lenient_int")]
    pub created_on: Option<i64>,
    #[serde(deserialize_with = "lenient_int")]
    pub paid_on: Option<i64>,
    /// Free-form (the SDK's `Any`).
    pub components: Option<Value>,
}

/// One usage record of PushMeteringData (contract §3.3.1): the instance, the window in epoch
/// seconds, and the metering keys (`Frequency`, `PeriodMin`, …) with their amounts. Numbers go out as
/// strings, as the reference's example sends them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeteringRecord {
    #[serde(rename = "InstanceId")]
    pub instance_id: String,
    #[serde(rename = "StartTime", serialize_with = "as_string")]
    pub start_time: i64,
    #[serde(rename = "EndTime", serialize_with = "as_string")]
    pub end_time: i64,
    #[serde(rename = "Entities")]
    pub entities: Vec<MeteringEntity>,
}

/// One metering key and its amount.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeteringEntity {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", serialize_with = "as_string")]
    pub value: i64,
    /// `<productCode>-<Key>-<n>`, required for newly published products (the wire name is spelt so).
    #[serde(rename = "meteringAssit", skip_serializing_if = "Option::is_none")]
    pub metering_assit: Option<String>,
    /// Only for large-model per-minute billing.
    #[serde(rename = "SerialNo", skip_serializing_if = "Option::is_none")]
    pub serial_no: Option<String>,
}

fn as_string<S: serde::Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&n.to_string())
}

/// PushMeteringData's answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PushResult {
    pub request_id: Option<String>,
    pub success: Option<bool>,
}

/// A fresh 32-hex nonce, as the SDK's `x-acs-signature-nonce` looks: a sequence number hashed under
/// two keys drawn at random once per process (SipHash), so no two nonces of one process repeat and
/// two processes do not share theirs.
pub fn random_nonce() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    static KEYS: OnceLock<[RandomState; 2]> = OnceLock::new();
    let keys = KEYS.get_or_init(|| [RandomState::new(), RandomState::new()]);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&keys[0].hash_one(n).to_le_bytes());
    bytes[8..].copy_from_slice(&keys[1].hash_one(n).to_le_bytes());
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::{parse_timestamp, EMPTY_SHA256};
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
                raw_query: request.url.query().unwrap_or_default(),
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
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"RequestId": "r", "Success": true})),
            )
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

    #[test]
    fn fresh_nonces_are_32_hex_and_differ() {
        let a = random_nonce();
        let b = random_nonce();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
