//! The requests a round sends and how their answers count: a PushMeteringData freshly V3-signed
//! for the next instance in round robin ([`PushTarget`]), and the unsigned health check.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::StatusCode;
use protocol::openapi::client::Client as SigningClient;
use simulator::Simulator;
use std::sync::atomic::{AtomicU64, Ordering};

/// A request as a connection sends it.
pub(super) type HttpRequest = hyper::Request<Full<Bytes>>;

/// What a request's answer was.
pub(super) enum Outcome {
    Counted,
    Failed(String),
}

/// Where pushes go and what they say.
pub(super) struct PushTarget {
    pub(super) sim: Simulator,
    pub(super) signer: SigningClient,
    pub(super) product: String,
    pub(super) instances: Vec<String>,
    pub(super) next: AtomicU64,
}

impl PushTarget {
    /// One freshly signed push of the next instance's last whole ten minutes.
    pub(super) fn request(&self) -> Result<HttpRequest, String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let instance = &self.instances[(n % self.instances.len() as u64) as usize];
        let now = self.sim.clock().now().timestamp();
        let end = now - now.rem_euclid(600);
        // The JSON the SDK would send for one record: built directly (the ids are digits and the
        // product code letters and digits, nothing to escape), not through a serializer.
        let metering = format!(
            r#"[{{"InstanceId":"{instance}","StartTime":{},"EndTime":{end},"Entities":[{{"Key":"Frequency","Value":1,"meteringAssit":"{}-Frequency-1"}}]}}]"#,
            end - 600,
            self.product
        );
        let signed = self
            .signer
            .sign("PushMeteringData", "POST", &[("Metering", &metering)], &[]);
        let mut request = hyper::Request::builder()
            .method(hyper::Method::POST)
            .uri(signed.uri());
        let headers = request
            .headers_mut()
            .ok_or("the push request could not be built")?;
        headers.reserve(signed.headers.len());
        for (name, value) in signed.headers {
            let Ok(value) = HeaderValue::try_from(value) else {
                return Err(format!("the signed {name} header is not a header value"));
            };
            match known_header(&name) {
                Some(name) => headers.append(name, value),
                None => match HeaderName::try_from(name.as_ref()) {
                    Ok(name) => headers.append(name, value),
                    Err(e) => return Err(e.to_string()),
                },
            };
        }
        request
            .body(Full::new(Bytes::from(signed.body)))
            .map_err(|e| e.to_string())
    }
}

/// The part of PushMeteringData's answer the bench reads.
#[derive(serde::Deserialize)]
struct PushAnswer {
    #[serde(rename = "Success")]
    success: Option<bool>,
}

/// Counts an answer of PushMeteringData when it says `Success: true`.
pub(super) fn push_answer(status: StatusCode, body: &[u8]) -> Outcome {
    let answer = serde_json::from_slice::<PushAnswer>(body).ok();
    if answer.and_then(|a| a.success) == Some(true) {
        Outcome::Counted
    } else {
        Outcome::Failed(format!("{status}: {}", String::from_utf8_lossy(body)))
    }
}

/// The name of a header the signer sets, without parsing it again.
fn known_header(name: &str) -> Option<HeaderName> {
    use hyper::header;
    Some(match name {
        "host" => header::HOST,
        "accept" => header::ACCEPT,
        "authorization" => header::AUTHORIZATION,
        "content-type" => header::CONTENT_TYPE,
        "user-agent" => header::USER_AGENT,
        "x-acs-action" => HeaderName::from_static("x-acs-action"),
        "x-acs-version" => HeaderName::from_static("x-acs-version"),
        "x-acs-date" => HeaderName::from_static("x-acs-date"),
        "x-acs-signature-nonce" => HeaderName::from_static("x-acs-signature-nonce"),
        "x-acs-content-sha256" => HeaderName::from_static("x-acs-content-sha256"),
        _ => return None,
    })
}

/// An unsigned `GET /__marketsim/health` to `host`.
pub(super) fn health_request(host: &HeaderValue) -> Result<HttpRequest, String> {
    hyper::Request::builder()
        .method(hyper::Method::GET)
        .uri("/__marketsim/health")
        .header(hyper::header::HOST, host.clone())
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())
}

/// Counts a health answer of `200 ok`.
pub(super) fn health_answer(status: StatusCode, body: &[u8]) -> Outcome {
    if status.is_success() && body == b"ok" {
        Outcome::Counted
    } else {
        Outcome::Failed(format!("{status}: {}", String::from_utf8_lossy(body)))
    }
}
