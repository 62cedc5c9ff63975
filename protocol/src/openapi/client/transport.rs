//! The HTTP beneath the client: hyper's pooled HTTP/1.1 client (TLS by rustls with the Mozilla
//! roots for an `https` endpoint), the request target sent as the signer wrote it — never parsed
//! into a URL and written out again, which for a 60 KB `Metering` query cost more than signing
//! it — one timeout over the whole exchange, and the answer's body read up to [`MAX_ANSWER`].

use super::{ClientError, CONNECT_TIMEOUT};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// The largest answer body read: the marketplace's answers are a few KB.
pub const MAX_ANSWER: usize = 16 << 20;

/// An HTTP client with its timeout.
#[derive(Clone)]
pub(super) struct Transport {
    http: hyper_util::client::legacy::Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

/// What came back.
pub(super) struct Answer {
    pub status: u16,
    /// `x-acs-retry-after`, seconds.
    pub retry_after: Option<u64>,
    pub body: Bytes,
}

impl Transport {
    /// A client that gives up on an exchange after `timeout`, and on connecting after the lesser
    /// of that and [`CONNECT_TIMEOUT`]. Proxies are not used.
    pub fn new(timeout: Duration) -> Transport {
        let mut connector = HttpConnector::new();
        connector.enforce_http(false);
        connector.set_connect_timeout(Some(CONNECT_TIMEOUT.min(timeout)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        Transport {
            http: hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(https),
            timeout,
        }
    }

    /// Sends `method` to `uri` (`scheme://authority/path?query`) with `headers` and `body`.
    pub async fn send<'h>(
        &self,
        method: &str,
        uri: String,
        headers: impl Iterator<Item = (&'h str, &'h str)>,
        body: Vec<u8>,
    ) -> Result<Answer, ClientError> {
        let mut request = hyper::Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| ClientError::Transport(e.to_string()))?;
        let exchange = async {
            let response = self.http.request(request).await.map_err(|e| failure(&e))?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("x-acs-retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            let body = Limited::new(response.into_body(), MAX_ANSWER)
                .collect()
                .await
                .map_err(|e| failure(e.as_ref()))?
                .to_bytes();
            Ok(Answer {
                status,
                retry_after,
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| ClientError::Timeout)?
    }
}

/// A failed exchange: [`ClientError::Timeout`] when connecting timed out, otherwise
/// [`ClientError::Transport`] with every cause, outermost first.
fn failure(e: &(dyn std::error::Error + 'static)) -> ClientError {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return ClientError::Timeout;
        }
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    ClientError::Transport(text)
}
