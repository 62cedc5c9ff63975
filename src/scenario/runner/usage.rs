//! The console stub's usage pushes in the transcript: one line per attempt made (or request given
//! up without one) since the last step, read from the console's push log — the request, the
//! attempt, when (the world's time), the window, how many records of which instances, and what
//! came of it. Only what a replay repeats: no nonce, RequestId or wall time.

use super::Run;
use console_stub::store::usage::{Push, RequestStatus};
use console_stub::usage::HOUR;
use protocol::time::{local, spi_format};

impl Run {
    /// Writes the usage pushes made or retried since the last step.
    pub(super) fn record_usage_pushes(&mut self) {
        let pushes = match self.world.console.usage_pushes_after(self.pushes_seen) {
            Ok(pushes) => pushes,
            Err(e) => {
                tracing::warn!("reading the console's usage pushes: {e}");
                return;
            }
        };
        let keys = match &self.world.console.world().metering {
            Some(m) => (m.compute.key.as_str(), m.storage.key.as_str()),
            None => ("compute", "storage"),
        };
        for p in &pushes {
            self.transcript.note(push_line(p, keys));
            self.pushes_seen = p.seq;
        }
    }
}

/// `usage push 1 attempt 2 at 2023-08-15 11:00:30: window 2023-08-15 10:00–11:00, 2 records of
/// 8000001 (Period 10800, StorageGigaByte 15): pushed`, the values summed under the world's
/// metering `keys` (compute, storage).
pub(super) fn push_line(p: &Push, keys: (&str, &str)) -> String {
    let window = format!(
        "{}–{}",
        local(p.hour).format("%Y-%m-%d %H:%M"),
        local(p.hour + HOUR).format("%H:%M")
    );
    let records = if p.records == 1 { "record" } else { "records" };
    let what = format!(
        "window {window}, {} {records} of {} ({} {}, {} {})",
        p.records,
        p.instances.join(", "),
        keys.0,
        p.compute,
        keys.1,
        p.storage
    );
    let at = spi_format(p.at);
    if p.answer == "none" {
        let given_up = match p.attempt {
            0 => "reckoned after the marketplace's deadline, not sent".to_owned(),
            1 => "given up late after 1 attempt".to_owned(),
            n => format!("given up late after {n} attempts"),
        };
        return format!("usage push {} at {at}: {what}: {given_up}", p.request_id);
    }
    let why = match (&p.code, p.http_status) {
        (Some(code), Some(status)) => format!(" ({code}, HTTP {status})"),
        (Some(code), None) => format!(" ({code})"),
        (None, Some(status)) => format!(" (HTTP {status})"),
        (None, None) => String::new(),
    };
    let then = match (p.status, p.next_attempt) {
        (RequestStatus::Pending, Some(next)) => format!("; next attempt at {}", spi_format(next)),
        (RequestStatus::Late, _) => "; given up: the marketplace's deadline comes before another try".into(),
        (RequestStatus::Split, _) => "; sent again one request per instance".into(),
        _ => String::new(),
    };
    format!(
        "usage push {} attempt {} at {at}: {what}: {}{why}{then}",
        p.request_id, p.attempt, p.answer
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::time::parse_instant;

    fn push_line_of(p: &Push) -> String {
        push_line(p, ("Period", "StorageGigaByte"))
    }

    fn push(attempt: u32, answer: &str, status: RequestStatus) -> Push {
        let at = |s: &str| parse_instant(&format!("2023-08-15T{s}+08:00")).unwrap();
        Push {
            seq: 1,
            request_id: 3,
            hour: at("10:00:00"),
            records: 2,
            instances: vec!["8000001".into(), "8000002".into()],
            compute: 10800,
            storage: 15,
            attempt,
            at: at("11:00:00"),
            answer: answer.into(),
            code: None,
            http_status: None,
            status,
            next_attempt: None,
        }
    }

    #[test]
    fn a_push_line_names_the_request_its_window_and_what_came_of_it() {
        assert_eq!(
            push_line_of(&push(1, "pushed", RequestStatus::Pushed)),
            "usage push 3 attempt 1 at 2023-08-15 11:00:00: window 2023-08-15 10:00–11:00, 2 records of \
             8000001, 8000002 (Period 10800, StorageGigaByte 15): pushed"
        );
        let throttled = Push {
            code: Some("Service.Flow.Control".into()),
            http_status: Some(400),
            next_attempt: Some(parse_instant("2023-08-15T11:00:30+08:00").unwrap()),
            ..push(1, "throttled", RequestStatus::Pending)
        };
        assert!(push_line_of(&throttled)
            .ends_with(": throttled (Service.Flow.Control, HTTP 400); next attempt at 2023-08-15 11:00:30"));
        let timeout = push(8, "timeout", RequestStatus::Late);
        assert!(push_line_of(&timeout)
            .ends_with(": timeout; given up: the marketplace's deadline comes before another try"));
        let split = Push {
            code: Some("Invalid.Parameter.Instance".into()),
            http_status: Some(400),
            ..push(1, "refused", RequestStatus::Split)
        };
        assert!(push_line_of(&split).ends_with(
            ": refused (Invalid.Parameter.Instance, HTTP 400); sent again one request per instance"
        ));
        assert!(push_line_of(&push(0, "none", RequestStatus::Late))
            .ends_with(": reckoned after the marketplace's deadline, not sent"));
        assert_eq!(
            push_line_of(&push(1, "none", RequestStatus::Late)),
            "usage push 3 at 2023-08-15 11:00:00: window 2023-08-15 10:00–11:00, 2 records of 8000001, \
             8000002 (Period 10800, StorageGigaByte 15): given up late after 1 attempt"
        );
    }
}
