//! The scenario's API steps: OpenAPI calls signed like the official SDK (V3, with the parameters
//! in the query or the form body and over GET or POST as the SDK sends each operation), and raw
//! HTTP requests. Each gives an [`Answer`] for expectations and captures. A call names the API it
//! is of by the version it signs ([`version`]).

use super::model::Api;
use protocol::openapi::client::{Client, ClientError};
use serde_json::Value;
use thiserror::Error;

/// A call or request that got no answer to judge (an error status is an answer, not this).
#[derive(Debug, Error)]
pub enum ApiError {
    /// The client could not be built for the marketplace's URL.
    #[error(transparent)]
    Client(ClientError),
    #[error("{action}: {source}")]
    Call { action: String, source: ClientError },
    /// The HTTP client for raw requests could not be built.
    #[error(transparent)]
    HttpClient(reqwest::Error),
    #[error("method: {0}")]
    Method(#[from] hyper::http::method::InvalidMethod),
    #[error("{url}: {source}")]
    Request { url: String, source: reqwest::Error },
}

/// The last answer a step got.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// The body as JSON (a JSON string when it was not JSON).
    pub body: Value,
}

/// How the official SDK sends `action`: its method, and whether its parameters go in the body.
pub fn placement(action: &str) -> (&'static str, bool) {
    match action {
        "DescribeApiMetering" | "DescribeDistributionProducts" | "ReadBillingFeed" => ("GET", false),
        "CrossAccountVerifyToken" | "AutoRenewInstance" => ("POST", true),
        _ => ("POST", false),
    }
}

/// The version a call of `api` signs.
pub fn version(api: Api) -> &'static str {
    match api {
        Api::Market => protocol::openapi::VERSION,
        Api::Bss => "2017-12-14",
    }
}

/// Keys to sign with.
pub struct Keys {
    pub access_key_id: String,
    pub secret: String,
    pub security_token: Option<String>,
}

/// Calls `action` of `api` on the marketplace at `base_url`.
pub async fn call(
    base_url: &str,
    keys: &Keys,
    api: Api,
    action: &str,
    params: &[(String, String)],
) -> Result<Answer, ApiError> {
    let mut client = Client::new(base_url, &keys.access_key_id, &keys.secret)
        .map_err(ApiError::Client)?
        .with_version(version(api));
    if let Some(token) = &keys.security_token {
        client = client.with_security_token(token);
    }
    let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (method, in_body) = placement(action);
    let (query, form) = if in_body {
        (&[][..], &pairs[..])
    } else {
        (&pairs[..], &[][..])
    };
    match client.call(action, method, query, form).await {
        Ok(body) => Ok(Answer { status: 200, body }),
        Err(ClientError::Api { status, body, .. }) => Ok(Answer { status, body }),
        Err(ClientError::Unexpected { status, body }) => Ok(Answer {
            status,
            body: Value::String(body),
        }),
        Err(source) => Err(ApiError::Call {
            action: action.to_owned(),
            source,
        }),
    }
}

/// A raw request; `form` becomes a urlencoded body.
pub async fn raw(method: &str, url: &str, form: Option<&[(String, String)]>) -> Result<Answer, ApiError> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(ApiError::HttpClient)?;
    let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())?;
    let failed = |source| ApiError::Request {
        url: url.to_owned(),
        source,
    };
    let mut request = http.request(method, url);
    if let Some(form) = form {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        request = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
    }
    let response = request.send().await.map_err(failed)?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(failed)?;
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Ok(Answer { status, body })
}

/// An answer on one line for the transcript: its status and its JSON without the gateway's
/// bookkeeping (RequestId, HostId, Recommend), long strings cut.
pub fn summary(answer: &Answer) -> String {
    let mut body = match &answer.body {
        Value::String(s) => s.chars().take(200).collect::<String>().replace('\n', " "),
        Value::Object(fields) => {
            let mut fields = fields.clone();
            for noise in ["RequestId", "HostId", "Recommend"] {
                fields.remove(noise);
            }
            Value::Object(fields).to_string()
        }
        other => other.to_string(),
    };
    if body.chars().count() > 600 {
        body = body.chars().take(600).collect::<String>() + "…";
    }
    format!("→ {} {body}", answer.status)
}
