//! One attempt at a request: its stored `Metering` text sent as it is ([`send`], which touches no
//! store, so attempts can be out together), then the answer judged by the usage rules and the
//! consequence recorded with the attempt in one transaction ([`record`]) — pushed, pending until
//! the next attempt, refused, or late. A request refused with
//! `Invalid.Parameter.Instance` while it names several instances does not say which of them the
//! marketplace would not take: its records go on in one request per instance, due at once, and
//! only the instance refused alone is marked refused. A request whose deadline passed while it
//! waited is given up without an attempt.

use crate::state::Console;
use crate::store::usage::{NewRequest, Outcome, RequestStatus, UsageRequest};
use crate::store::StoreError;
use crate::usage::{self, Judged};
use crate::world::Metering;
use chrono::TimeDelta;
use protocol::openapi::client::{Client, ClientError, PushResult};
use protocol::time::Instant;

/// The refusal that names one instance of a request.
const INSTANCE_REFUSED: &str = "Invalid.Parameter.Instance";

/// An attempt at a request: when it was made and what came back — None when the request's
/// deadline had passed and nothing was sent.
pub(super) struct Sent {
    request: UsageRequest,
    at: Instant,
    answer: Option<Result<PushResult, ClientError>>,
}

/// Makes the next attempt at `request` with `client` at `at`, unless its deadline has passed.
pub(super) async fn send(client: Client, request: UsageRequest, at: Instant) -> Sent {
    let answer = match usage::next_attempt(at, TimeDelta::zero(), usage::deadline(request.hour)) {
        Some(_) => Some(client.push_metering_text(&request.metering).await),
        None => None,
    };
    Sent { request, at, answer }
}

/// Records what came of an attempt: pushed, pending until the next attempt, refused, split (the
/// new requests' records in the items `metering` names) or late.
pub(super) fn record(console: &Console, metering: &Metering, sent: Sent) -> Result<(), StoreError> {
    let Sent { request, at, answer } = sent;
    let Some(answer) = answer else {
        return console.lock().write(|tx| {
            tx.record_push(&Outcome {
                request_id: request.id,
                attempt: request.attempts,
                at,
                answer: "none",
                code: None,
                http_status: None,
                error: None,
                status: RequestStatus::Late,
                next_attempt: None,
            })
        });
    };
    let attempt = request.attempts + 1;
    let judged = usage::judge(&answer);
    let (status, next_attempt) = match &judged {
        Judged::Pushed => (RequestStatus::Pushed, None),
        Judged::Retry { retry_after, .. } => {
            let wait = retry_after.unwrap_or_else(|| usage::retry_wait(attempt));
            match usage::next_attempt(at, wait, usage::deadline(request.hour)) {
                Some(next) => (RequestStatus::Pending, Some(next)),
                None => (RequestStatus::Late, None),
            }
        }
        Judged::Refused { code, .. } if code == INSTANCE_REFUSED && request.instances.len() > 1 => {
            (RequestStatus::Split, None)
        }
        Judged::Refused { .. } => (RequestStatus::Refused, None),
    };
    let (code, http_status, error) = match &judged {
        Judged::Pushed => (None, None, None),
        Judged::Retry {
            code,
            http_status,
            error,
            ..
        } => (code.as_deref(), *http_status, Some(error.as_str())),
        Judged::Refused {
            code,
            http_status,
            error,
        } => (Some(code.as_str()), *http_status, Some(error.as_str())),
    };
    if let Some(error) = error {
        tracing::info!(
            "usage push {} attempt {attempt}: {error}; {}",
            request.id,
            status.as_str()
        );
    }
    let outcome = Outcome {
        request_id: request.id,
        attempt,
        at,
        answer: judged.answer(),
        code,
        http_status,
        error,
        status,
        next_attempt,
    };
    if status == RequestStatus::Split {
        return split(console, metering, &request, &outcome);
    }
    console.lock().write(|tx| tx.record_push(&outcome))
}

/// Records the refusal of `request` and makes one request per instance of its usage, due at once.
fn split(
    console: &Console,
    metering: &Metering,
    request: &UsageRequest,
    outcome: &Outcome<'_>,
) -> Result<(), StoreError> {
    let db = console.lock();
    let rows = db.usage_of_request(request)?;
    let mut requests = Vec::new();
    for instance in &request.instances {
        let own: Vec<_> = rows
            .iter()
            .filter(|u| &u.marketplace_instance == instance)
            .cloned()
            .collect();
        for planned in usage::plan_requests(&own, metering) {
            match planned.metering() {
                Ok(text) => requests.push((own.clone(), planned, text)),
                Err(e) => tracing::error!("the usage of {instance} cannot be written as JSON ({e})"),
            }
        }
    }
    db.write(|tx| {
        tx.record_push(outcome)?;
        for (own, planned, text) in &requests {
            let id = tx.insert_usage_request(&NewRequest {
                hour: request.hour,
                metering: text,
                records: planned.records.len() as u32,
                instances: &planned.instances,
                compute: planned.compute,
                storage: planned.storage,
                status: RequestStatus::Pending,
                next_attempt: Some(outcome.at),
            })?;
            for &i in &planned.usage {
                tx.carry_usage(&own[i], id)?;
            }
        }
        Ok(())
    })
}
