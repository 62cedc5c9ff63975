//! How the marketplace judges a vendor's answer (contract §1.3, §1.4): createInstance succeeds with
//! a JSON answer naming an instance other than `0`; every other action with a JSON answer whose
//! `success` is `true` or `"true"`. An error status, no answer in time, no connection, or a body
//! that is not that JSON is a failure, to be retried.

use super::action::Action;
use crate::spi_client::Reply;
use protocol::spi::CreateInstanceAnswer;

/// What an answer says, in the journal's words.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Taken; for createInstance, with the vendor's answer.
    Ok(Option<Box<CreateInstanceAnswer>>),
    /// Failed, with the journal's outcome: `not_ready`, `not_success`, `http_error`,
    /// `bad_answer`, `timeout`, `unreachable`.
    Failed(&'static str),
}

impl Verdict {
    /// The journal's outcome.
    pub fn outcome(&self) -> &'static str {
        match self {
            Verdict::Ok(_) => "ok",
            Verdict::Failed(outcome) => outcome,
        }
    }
}

/// Judges `reply` to an `action` call.
pub fn judge(action: Action, reply: &Reply) -> Verdict {
    let body = match reply {
        Reply::TimedOut => return Verdict::Failed("timeout"),
        Reply::Unreachable(_) => return Verdict::Failed("unreachable"),
        Reply::Answered { status, .. } if !(200..300).contains(status) => {
            return Verdict::Failed("http_error")
        }
        Reply::Answered { body, .. } => body,
    };
    if action == Action::CreateInstance {
        return match serde_json::from_str::<CreateInstanceAnswer>(body) {
            Ok(answer) if answer.is_ready() => Verdict::Ok(Some(Box::new(answer))),
            Ok(_) => Verdict::Failed("not_ready"),
            Err(_) => Verdict::Failed("bad_answer"),
        };
    }
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(answer)) => match answer.get("success") {
            Some(serde_json::Value::Bool(true)) => Verdict::Ok(None),
            Some(serde_json::Value::String(s)) if s == "true" => Verdict::Ok(None),
            _ => Verdict::Failed("not_success"),
        },
        _ => Verdict::Failed("bad_answer"),
    }
}

/// The journal's outcome in the buyer's and the vendor's words (详情, 生产消息).
pub fn outcome_words(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "服务商已接收",
        "not_ready" => "服务商返回 instanceId 0（尚未就绪）",
        "not_success" => "服务商返回的 success 不为 true",
        "http_error" => "服务商返回错误状态码",
        "bad_answer" => "服务商的返回不是约定的 JSON",
        "timeout" => "调用服务商超时",
        _ => "无法连接服务商",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, body: &str) -> Reply {
        Reply::Answered {
            status,
            body: body.into(),
        }
    }

    #[test]
    fn notifications_succeed_on_true_or_the_string_true_only() {
        for body in [r#"{"success":true}"#, r#"{"success":"true"}"#] {
            assert_eq!(
                judge(Action::RenewInstance, &answered(200, body)),
                Verdict::Ok(None)
            );
        }
        for (body, outcome) in [
            (r#"{"success":false}"#, "not_success"),
            (r#"{"success":"TRUE "}"#, "not_success"),
            (r#"{}"#, "not_success"),
            ("[true]", "bad_answer"),
            ("<html>ok</html>", "bad_answer"),
        ] {
            assert_eq!(
                judge(Action::OrderPay, &answered(200, body)).outcome(),
                outcome,
                "{body}"
            );
        }
        assert_eq!(
            judge(Action::OrderPay, &answered(302, r#"{"success":true}"#)).outcome(),
            "http_error"
        );
    }

    #[test]
    fn create_instance_needs_an_instance_other_than_zero() {
        assert_eq!(
            judge(Action::CreateInstance, &answered(200, r#"{"instanceId":0}"#)).outcome(),
            "not_ready"
        );
        assert_eq!(
            judge(Action::CreateInstance, &answered(200, r#"{"instanceId":"i-1"}"#)).outcome(),
            "ok"
        );
        assert_eq!(
            judge(Action::CreateInstance, &answered(200, r#"{"success":true}"#)).outcome(),
            "bad_answer"
        );
        assert_eq!(
            judge(Action::CreateInstance, &Reply::TimedOut).outcome(),
            "timeout"
        );
    }
}
