//! When a push is tried again, and when it is given up. An answer is judged ([`judge`]): Success
//! is pushed; throttling (`Service.Flow.Control`, any answer with `x-acs-retry-after`, HTTP 429), a
//! 5xx, a timeout or a connection that failed are tried again; any other refusal (a 4xx such as
//! `Invalid.Parameter.Instance`, an instance not in service) is final. The next attempt waits what
//! `x-acs-retry-after` says, or else [`retry_wait`]: 1, 2, 4, 8, then every 16 minutes. The
//! marketplace takes an hourly window until the end of the next hour ([`deadline`]); the last try
//! is made a minute before it (earlier than the schedule would, if need be), and a request that
//! fails then is given up as late ([`next_attempt`]).

use chrono::TimeDelta;
use protocol::openapi::client::{ClientError, PushResult};
use protocol::time::Instant;

/// The longest wait between two attempts.
pub const MAX_WAIT: TimeDelta = TimeDelta::minutes(16);

/// How long before the deadline the last attempt is made.
pub const LAST_TRY_MARGIN: TimeDelta = TimeDelta::minutes(1);

/// What an answer to a push means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// Accepted: never pushed again.
    Pushed,
    /// Not taken this time: tried again with the same text.
    Retry {
        /// `throttled`, `server_error`, `timeout` or `unreachable`.
        answer: &'static str,
        code: Option<String>,
        http_status: Option<u16>,
        /// How long the marketplace asked to wait (`x-acs-retry-after`).
        retry_after: Option<TimeDelta>,
        error: String,
    },
    /// Refused: not tried again.
    Refused {
        code: String,
        http_status: Option<u16>,
        error: String,
    },
}

impl Judged {
    /// The answer as the push log names it.
    pub fn answer(&self) -> &'static str {
        match self {
            Judged::Pushed => "pushed",
            Judged::Retry { answer, .. } => answer,
            Judged::Refused { .. } => "refused",
        }
    }
}

/// What `result`, the answer to one push, means. Any 2xx answer but `Success: false` is taken as
/// accepted: sending it again could count the usage twice.
pub fn judge(result: &Result<PushResult, ClientError>) -> Judged {
    let error = |e: &ClientError| e.to_string();
    match result {
        Ok(answer) if answer.success == Some(false) => Judged::Refused {
            code: "Success:false".into(),
            http_status: None,
            error: "the marketplace answered Success: false".into(),
        },
        Ok(_) | Err(ClientError::Shape(_)) => Judged::Pushed,
        Err(
            e @ ClientError::Api {
                status,
                code,
                retry_after,
                ..
            },
        ) => {
            let throttled = retry_after.is_some()
                || *status == 429
                || code == "Service.Flow.Control"
                || code.starts_with("Throttling");
            if throttled || *status >= 500 {
                Judged::Retry {
                    answer: if throttled { "throttled" } else { "server_error" },
                    code: Some(code.clone()).filter(|c| !c.is_empty()),
                    http_status: Some(*status),
                    retry_after: retry_after
                        .map(|s| TimeDelta::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))),
                    error: error(e),
                }
            } else {
                Judged::Refused {
                    code: code.clone(),
                    http_status: Some(*status),
                    error: error(e),
                }
            }
        }
        Err(e @ ClientError::Unexpected { status, .. }) if *status >= 500 => Judged::Retry {
            answer: "server_error",
            code: None,
            http_status: Some(*status),
            retry_after: None,
            error: error(e),
        },
        Err(e @ ClientError::Unexpected { status, .. }) => Judged::Refused {
            code: format!("HTTP {status}"),
            http_status: Some(*status),
            error: error(e),
        },
        Err(e @ ClientError::Timeout) => Judged::Retry {
            answer: "timeout",
            code: None,
            http_status: None,
            retry_after: None,
            error: error(e),
        },
        Err(e @ ClientError::Transport(_)) => Judged::Retry {
            answer: "unreachable",
            code: None,
            http_status: None,
            retry_after: None,
            error: error(e),
        },
    }
}

/// The wait after `attempts` failed attempts (1 or more): 1, 2, 4, 8, then 16 minutes.
pub fn retry_wait(attempts: u32) -> TimeDelta {
    let doublings = attempts.saturating_sub(1).min(4);
    TimeDelta::minutes(1 << doublings).min(MAX_WAIT)
}

/// The moment the marketplace stops taking the hour starting at `hour`: the end of the next hour.
pub fn deadline(hour: Instant) -> Instant {
    hour + TimeDelta::hours(2)
}

/// When to try again, failing at `now` and asked to wait `wait`: then, or a minute before
/// `deadline` if that comes first and is still ahead; None when even that has passed (the
/// request is late).
pub fn next_attempt(now: Instant, wait: TimeDelta, deadline: Instant) -> Option<Instant> {
    let last_try = deadline - LAST_TRY_MARGIN;
    let at = now + wait.max(TimeDelta::zero());
    if at <= last_try {
        Some(at)
    } else if now < last_try {
        Some(last_try)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::time::parse_instant;
    use serde_json::json;

    fn at(s: &str) -> Instant {
        parse_instant(&format!("2023-08-15T{s}+08:00")).unwrap()
    }

    fn api(status: u16, code: &str, retry_after: Option<u64>) -> ClientError {
        ClientError::Api {
            status,
            code: code.into(),
            message: "m".into(),
            request_id: "r".into(),
            retry_after,
            body: json!({}),
        }
    }

    #[test]
    fn waits_double_from_a_minute_up_to_sixteen() {
        let waits: Vec<i64> = (1..=7).map(|n| retry_wait(n).num_minutes()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 16, 16]);
        assert_eq!(retry_wait(u32::MAX), MAX_WAIT);
    }

    #[test]
    fn an_hours_window_is_taken_until_the_end_of_the_next_hour() {
        assert_eq!(deadline(at("10:00:00")), at("12:00:00"));
    }

    #[test]
    fn the_last_try_is_a_minute_before_the_deadline_and_after_it_the_request_is_late() {
        let deadline = at("12:00:00");
        let wait = TimeDelta::minutes(16);
        assert_eq!(next_attempt(at("11:00:00"), wait, deadline), Some(at("11:16:00")));
        assert_eq!(next_attempt(at("11:50:00"), wait, deadline), Some(at("11:59:00")));
        assert_eq!(next_attempt(at("11:59:00"), wait, deadline), None);
        assert_eq!(next_attempt(at("12:30:00"), wait, deadline), None);
    }

    #[test]
    fn answers_are_judged_pushed_retried_or_refused() {
        assert_eq!(
            judge(&Ok(PushResult {
                request_id: None,
                success: Some(true)
            })),
            Judged::Pushed
        );
        let refused = judge(&Ok(PushResult {
            request_id: None,
            success: Some(false),
        }));
        assert_eq!(refused.answer(), "refused");
        let throttled = judge(&Err(api(400, "Service.Flow.Control", Some(42))));
        assert!(
            matches!(&throttled, Judged::Retry { answer: "throttled", retry_after: Some(w), .. } if w.num_seconds() == 42),
            "{throttled:?}"
        );
        assert_eq!(
            judge(&Err(api(400, "Throttling.User", None))).answer(),
            "throttled"
        );
        assert_eq!(
            judge(&Err(api(503, "ServiceUnavailable", None))).answer(),
            "server_error"
        );
        assert_eq!(
            judge(&Err(ClientError::Unexpected {
                status: 502,
                body: "<html>".into()
            }))
            .answer(),
            "server_error"
        );
        assert_eq!(judge(&Err(ClientError::Timeout)).answer(), "timeout");
        assert_eq!(
            judge(&Err(ClientError::Transport("refused".into()))).answer(),
            "unreachable"
        );
        let instance = judge(&Err(api(400, "Invalid.Parameter.Instance", None)));
        assert!(
            matches!(&instance, Judged::Refused { code, http_status: Some(400), .. } if code == "Invalid.Parameter.Instance"),
            "{instance:?}"
        );
        let html = judge(&Err(ClientError::Unexpected {
            status: 403,
            body: "<html>".into(),
        }));
        assert!(
            matches!(&html, Judged::Refused { code, .. } if code == "HTTP 403"),
            "{html:?}"
        );
    }
}
