//! A typed async client for the Market OpenAPI that signs V3 (`ACS3-HMAC-SHA256`) like the Python
//! SDK: headers `host`, `x-acs-action`, `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`,
//! `accept: application/json`, `x-acs-content-sha256`, `content-type` with a body, `user-agent`, all
//! signed. Time and nonces come from injectable sources ([`Client::with_clock`],
//! [`Client::with_nonces`]) so a test can pin them; by default the wall clock
//! ([`crate::clock::wall_now`]) and [`random_nonce`].
//!
//! [`Client::call`] takes any action; [`Client::describe_instance_for_isv`],
//! [`Client::describe_order_for_isv`] and [`Client::push_metering_data`] are typed, and
//! [`Client::push_metering_text`] sends a `Metering` text kept from an earlier attempt.
//! [`Client::with_version`] reaches another API the endpoint answers by version (the Billing
//! OpenAPI).
//!
//! Rooms: this file builds, signs and sends a call; `error` is [`ClientError`], what a failed call
//! says; `models` holds the typed answers and records, with the SDK models' field names.

mod error;
mod models;
#[cfg(test)]
mod tests;
mod transport;

pub use super::nonce::random_nonce;
pub use error::ClientError;
pub use models::{InstanceForIsv, MeteringEntity, MeteringRecord, OrderForIsv, PushResult, RelationalData};

use super::{v3, Credentials};
use crate::time::Instant;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use transport::Transport;

/// Where a request's date comes from.
pub type DateSource = Arc<dyn Fn() -> Instant + Send + Sync>;
/// Where a request's nonce comes from.
pub type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

/// The SDK's default connect timeout.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The SDK's default read timeout, used here for the whole request.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A Market OpenAPI client for one endpoint and one AccessKey.
#[derive(Clone)]
pub struct Client {
    http: Transport,
    /// `scheme://authority`, without a trailing slash.
    base: String,
    /// The `host` header: the endpoint's authority as given.
    host: String,
    credentials: Credentials,
    /// The API version every request names: the Market OpenAPI's unless told otherwise.
    version: String,
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
            http: Transport::new(READ_TIMEOUT),
            base,
            host,
            credentials: Credentials::new(access_key_id, secret),
            version: super::VERSION.to_owned(),
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

    /// Names `version` in every request (`x-acs-version`): another API on the same endpoint, such
    /// as the Billing OpenAPI's `2017-12-14`.
    pub fn with_version(mut self, version: &str) -> Client {
        version.clone_into(&mut self.version);
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
        self.http = Transport::new(timeout);
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
                version: &self.version,
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
        let headers = signed.headers.iter().map(|(n, v)| (n.as_ref(), v.as_str()));
        let answer = self
            .http
            .send(
                &signed.method,
                format!("{}{}", self.base, signed.uri()),
                headers,
                signed.body.clone(),
            )
            .await?;
        let (status, retry_after) = (answer.status, answer.retry_after);
        let body: Value = match serde_json::from_slice(&answer.body) {
            Ok(body) => body,
            Err(_) => {
                let body = String::from_utf8_lossy(&answer.body).into_owned();
                return Err(ClientError::Unexpected { status, body });
            }
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
        let metering = metering_text(records).map_err(|e| ClientError::Shape(e.to_string()))?;
        self.push_metering_text(&metering).await
    }

    /// PushMeteringData with `metering` sent as it is: a vendor that retries a push keeps the text
    /// of its first attempt ([`metering_text`]) and sends those very bytes again, so the retry
    /// names the same window, values and SerialNo whatever changed on its side meanwhile.
    pub async fn push_metering_text(&self, metering: &str) -> Result<PushResult, ClientError> {
        let body = self
            .call("PushMeteringData", "POST", &[("Metering", metering)], &[])
            .await?;
        typed(body)
    }
}

/// The `Metering` text of `records`, as [`Client::push_metering_data`] sends it.
pub fn metering_text(records: &[MeteringRecord]) -> serde_json::Result<String> {
    serde_json::to_string(records)
}

fn typed<T: for<'de> Deserialize<'de>>(body: Value) -> Result<T, ClientError> {
    serde_json::from_value(body).map_err(|e| ClientError::Shape(e.to_string()))
}
