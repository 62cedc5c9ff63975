//! A scripted vendor: answers the marketplace's SPI calls in process, in place of the console stub,
//! from answers the scenario queues — so the marketplace's side (retries, timeouts, 开通失败) can be
//! tested alone. A slow answer is judged against the marketplace's SPI timeout without waiting: one
//! at or past the timeout is a timeout, and a hanging one is a timeout at once. With the queue
//! empty, every call is answered as ready.

use protocol::spi::decode_query;
use serde::Deserialize;
use simulator::spi_client::{CallFuture, CallResult, Reply, SpiTransport};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedAnswer {
    /// The instanceId to answer (`"0"`: not ready); default `sv-<orderBizId>`.
    pub instance_id: Option<String>,
    /// appInfo to answer (e.g. `{ authUrl: … }`).
    pub app_info: Option<serde_yaml::Value>,
    /// The HTTP status; default 200.
    pub status: Option<u16>,
    /// A raw body instead of the JSON answer (garbage, an HTML error page).
    pub body: Option<String>,
    /// Never answer: the marketplace's call times out.
    #[serde(default)]
    pub hang: bool,
    /// Answer after this long (`3s`); at or past the SPI timeout it is a timeout.
    pub delay: Option<String>,
    /// Use this answer this many times (default 1).
    pub times: Option<u32>,
}

/// The queue of answers, shared with the marketplace as its SPI transport.
#[derive(Default)]
pub struct ScriptedVendor {
    queue: Mutex<VecDeque<ScriptedAnswer>>,
}

impl ScriptedVendor {
    /// Queues answers, each repeated `times`.
    pub fn push(&self, answers: &[ScriptedAnswer]) -> Result<(), String> {
        let mut queue = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        for a in answers {
            if let Some(d) = &a.delay {
                protocol::time::parse_duration(d)?;
            }
            for _ in 0..a.times.unwrap_or(1) {
                queue.push_back(a.clone());
            }
        }
        Ok(())
    }

    fn answer(&self, url: &str, timeout: Duration) -> Result<CallResult, String> {
        let next = self
            .queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
            .unwrap_or_default();
        let params = decode_query(url.split_once('?').map(|(_, q)| q).unwrap_or_default());
        let get = |k: &str| {
            params
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let delay = match &next.delay {
            Some(d) => protocol::time::parse_duration(d)?,
            None => Duration::ZERO,
        };
        if next.hang || delay >= timeout {
            return Ok(CallResult {
                reply: Reply::TimedOut,
                elapsed: timeout,
            });
        }
        let body = match (&next.body, get("action").as_str()) {
            (Some(raw), _) => raw.clone(),
            (None, "createInstance") => {
                let id = next
                    .instance_id
                    .clone()
                    .unwrap_or_else(|| format!("sv-{}", get("orderBizId")));
                let mut answer = serde_json::json!({ "instanceId": id });
                if let Some(info) = &next.app_info {
                    answer["appInfo"] = serde_json::to_value(info).map_err(|e| e.to_string())?;
                }
                answer.to_string()
            }
            (None, _) => r#"{"success":true}"#.to_string(),
        };
        Ok(CallResult {
            reply: Reply::Answered {
                status: next.status.unwrap_or(200),
                body,
            },
            elapsed: delay,
        })
    }
}

impl SpiTransport for ScriptedVendor {
    fn call<'a>(&'a self, url: &'a str, timeout: Duration) -> CallFuture<'a> {
        Box::pin(async move {
            self.answer(url, timeout).unwrap_or_else(|e| CallResult {
                reply: Reply::Answered {
                    status: 500,
                    body: format!("scripted vendor: {e}"),
                },
                elapsed: Duration::ZERO,
            })
        })
    }
}
