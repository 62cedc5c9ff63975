//! An SPI call with a fault acting in its transport, whichever transport that is (HTTP to the
//! console stub or a vendor's own service, or a scenario's scripted vendor): the call reaches the
//! vendor or not as the fault says, and the marketplace sees the reply the fault makes. A timeout
//! is judged without real waiting: the vendor's answer is awaited (the vendor did the work) and
//! thrown away, and the call counts as having taken the whole timeout.

use super::book::SpiFault;
use crate::spi_client::{CallResult, Reply, SpiTransport};
use std::time::Duration;

/// What a malformed answer's body becomes: a JSON answer cut short.
const CUT_SHORT: &str = r#"{"success": tr"#;

/// Sends the call to `url` through `transport` with `fault` acting on it.
pub async fn send(
    transport: &dyn SpiTransport,
    fault: Option<&SpiFault>,
    url: &str,
    timeout: Duration,
) -> CallResult {
    let Some(fault) = fault else {
        return transport.call(url, timeout).await;
    };
    match fault {
        SpiFault::Timeout => {
            transport.call(url, timeout).await;
            CallResult {
                reply: Reply::TimedOut,
                elapsed: timeout,
            }
        }
        SpiFault::Status(status) => CallResult {
            reply: Reply::Answered {
                status: *status,
                body: format!("status {status} (an injected fault; the vendor was not called)"),
            },
            elapsed: Duration::ZERO,
        },
        SpiFault::Malformed => {
            let mut result = transport.call(url, timeout).await;
            if let Reply::Answered { body, .. } = &mut result.reply {
                *body = CUT_SHORT.to_owned();
            }
            result
        }
        SpiFault::Refused => CallResult {
            reply: Reply::Unreachable("connection refused (an injected fault)".into()),
            elapsed: Duration::ZERO,
        },
        SpiFault::Duplicate => {
            let first = transport.call(url, timeout).await;
            let second = transport.call(url, timeout).await;
            CallResult {
                reply: second.reply,
                elapsed: first.elapsed + second.elapsed,
            }
        }
        // A swap reorders deliveries before they go out; the call itself is sent as it is.
        SpiFault::Swap => transport.call(url, timeout).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spi_client::CallFuture;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A vendor that counts its calls and answers `{"success":true}`.
    #[derive(Default)]
    struct Counting(AtomicU32);

    impl SpiTransport for Counting {
        fn call<'a>(&'a self, _url: &'a str, _timeout: Duration) -> CallFuture<'a> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {
                CallResult {
                    reply: Reply::Answered {
                        status: 200,
                        body: r#"{"success":true}"#.into(),
                    },
                    elapsed: Duration::from_millis(3),
                }
            })
        }
    }

    async fn sent(fault: SpiFault) -> (Reply, u32) {
        let vendor = Counting::default();
        let result = send(&vendor, Some(&fault), "http://v/spi", Duration::from_secs(5)).await;
        (result.reply, vendor.0.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn each_fault_reaches_the_vendor_or_not_and_makes_its_reply() {
        assert_eq!(sent(SpiFault::Timeout).await, (Reply::TimedOut, 1));
        let (reply, calls) = sent(SpiFault::Status(503)).await;
        assert!(matches!(reply, Reply::Answered { status: 503, .. }) && calls == 0);
        let (reply, calls) = sent(SpiFault::Malformed).await;
        assert_eq!(
            (reply, calls),
            (
                Reply::Answered {
                    status: 200,
                    body: CUT_SHORT.into()
                },
                1
            )
        );
        let (reply, calls) = sent(SpiFault::Refused).await;
        assert!(matches!(reply, Reply::Unreachable(_)) && calls == 0);
        let (reply, calls) = sent(SpiFault::Duplicate).await;
        assert!(matches!(reply, Reply::Answered { status: 200, .. }) && calls == 2);
    }
}
