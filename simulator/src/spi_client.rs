//! The marketplace's outbound SPI calls: `GET <spi_url>?<params>&token=…` with a real-time timeout.
//! Calls to loopback vendors bypass HTTP(S)_PROXY (a developer's proxy must not swallow them); calls
//! elsewhere honour it.
//!
//! Calls go through [`SpiTransport`]: [`SpiClient`] sends them over HTTP; a scenario's scripted
//! vendor answers them in process instead, its slow and hanging answers judged against the timeout
//! without waiting in real time.

use protocol::spi::{append_query, signed_query};
use std::time::{Duration, Instant};

/// The largest answer body kept; the rest is read no further.
const MAX_BODY: usize = 64 * 1024;

/// What came back from one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The vendor answered (any status).
    Answered { status: u16, body: String },
    /// No answer within the timeout.
    TimedOut,
    /// No connection, or the connection broke.
    Unreachable(String),
}

/// A call's reply and how long it took in real time.
#[derive(Debug, Clone)]
pub struct CallResult {
    pub reply: Reply,
    pub elapsed: Duration,
}

/// A call in flight.
pub type CallFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = CallResult> + Send + 'a>>;

/// Where SPI calls go.
pub trait SpiTransport: Send + Sync {
    /// Sends one call to `url` (the vendor's SPI URL with the signed parameters) and waits at most
    /// `timeout` for the whole answer.
    fn call<'a>(&'a self, url: &'a str, timeout: Duration) -> CallFuture<'a>;
}

/// Outbound HTTP for SPI calls.
#[derive(Clone)]
pub struct SpiClient {
    direct: reqwest::Client,
    proxied: reqwest::Client,
}

impl Default for SpiClient {
    fn default() -> Self {
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("marketsim")
        };
        SpiClient {
            direct: builder().no_proxy().build().expect("a plain HTTP client builds"),
            proxied: builder().build().expect("a plain HTTP client builds"),
        }
    }
}

impl SpiTransport for SpiClient {
    fn call<'a>(&'a self, url: &'a str, timeout: Duration) -> CallFuture<'a> {
        Box::pin(self.send(url, timeout))
    }
}

impl SpiClient {
    /// The URL a call goes to: `spi_url` plus the signed parameters.
    pub fn url(spi_url: &str, params: &[(String, String)], key: &str) -> String {
        append_query(spi_url, &signed_query(params, key))
    }

    /// Sends one SPI call and waits at most `timeout` (real time) for the whole answer.
    pub async fn send(&self, url: &str, timeout: Duration) -> CallResult {
        let started = Instant::now();
        // Parsed once here, for the proxy choice and the request both.
        let reply = match url::Url::parse(url) {
            Ok(url) => {
                let client = if is_loopback_url(&url) {
                    &self.direct
                } else {
                    &self.proxied
                };
                match client.get(url).timeout(timeout).send().await {
                    Ok(response) => read_answer(response).await,
                    Err(e) => failure(e),
                }
            }
            Err(e) => Reply::Unreachable(format!("not a URL: {e}")),
        };
        CallResult {
            reply,
            elapsed: started.elapsed(),
        }
    }
}

async fn read_answer(mut response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() >= MAX_BODY {
                    body.truncate(MAX_BODY);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return failure(e),
        }
    }
    Reply::Answered {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn failure(e: reqwest::Error) -> Reply {
    if e.is_timeout() {
        Reply::TimedOut
    } else {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        Reply::Unreachable(reason)
    }
}

/// Whether a URL's host is this machine.
pub fn is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| is_loopback_url(&parsed))
}

fn is_loopback_url(parsed: &url::Url) -> bool {
    match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:8081/spi"));
        assert!(is_loopback("http://localhost:8081/spi"));
        assert!(is_loopback("http://[::1]:8081/spi"));
        assert!(!is_loopback("https://vendor.example.com/spi"));
    }

    #[test]
    fn the_call_url_carries_the_params_and_their_token() {
        let params = vec![("action".to_string(), "createInstance".to_string())];
        let url = SpiClient::url("http://v/spi", &params, "k");
        assert!(url.starts_with("http://v/spi?action=createInstance&token="));
        let query = url.split_once('?').unwrap().1;
        assert!(protocol::spi::verify(&protocol::spi::decode_query(query), "k").is_ok());
    }
}
