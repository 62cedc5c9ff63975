//! Reckoning an hour: the usage of every cluster that ran in it, the 免费额度 spent on it (each
//! organisation's credit read, spent and written back under the same lock), and the requests that
//! report what the credit did not cover, stored in one transaction with the mark of how far usage
//! has been reckoned, so that what will be pushed is on disk before it is sent and a reopened
//! console neither loses an hour nor reckons one twice (nor spends credit on it twice). The requests are due at once, unless the hour's deadline has passed (a
//! console that was not running then): those are stored late, and never sent.

use crate::state::Console;
use crate::store::usage::{NewRequest, Outcome, RequestStatus};
use crate::store::StoreError;
use crate::usage::{self, HOUR};
use crate::world::Metering;
use chrono::TimeDelta;
use protocol::time::Instant;

/// Reckons the hour starting at `hour`, at `now`, in the items `metering` names.
pub(super) fn hour(
    console: &Console,
    metering: &Metering,
    hour: Instant,
    now: Instant,
) -> Result<(), StoreError> {
    let db = console.lock();
    let runs = db.hour_runs(hour, hour + HOUR)?;
    let mut rows = usage::accrue(hour, &runs, console.world());
    let credit_left = usage::spend_hour(&mut rows, &runs, console.world(), metering, |org| {
        db.free_credit(org).map(Option::unwrap_or_default)
    })?;
    let due = usage::next_attempt(now, TimeDelta::zero(), usage::deadline(hour));
    let status = match due {
        Some(_) => RequestStatus::Pending,
        None => RequestStatus::Late,
    };
    let mut requests = Vec::new();
    for planned in usage::plan_requests(&rows, metering) {
        match planned.metering() {
            Ok(text) => requests.push((planned, text)),
            Err(e) => tracing::error!(
                "the usage of {} for the hour from {hour} cannot be written as JSON ({e}); not reported",
                planned.instances.join(", ")
            ),
        }
    }
    db.write(|tx| {
        // Which request carries each row: the rows are stored after the requests, in the order of
        // the table's key (organisation, then cluster; `accrue` gives them by cluster, which is
        // that order already when they are of one organisation).
        let mut carried_by = vec![None; rows.len()];
        for (planned, text) in &requests {
            let id = tx.insert_usage_request(&NewRequest {
                hour,
                metering: text,
                records: planned.records.len() as u32,
                instances: &planned.instances,
                compute: planned.compute,
                storage: planned.storage,
                status,
                next_attempt: due,
            })?;
            for &i in &planned.usage {
                carried_by[i] = Some(id);
            }
            if status == RequestStatus::Late {
                tx.record_push(&Outcome {
                    request_id: id,
                    attempt: 0,
                    at: now,
                    answer: "none",
                    code: None,
                    http_status: None,
                    error: Some("reckoned after the marketplace's deadline for its hour"),
                    status,
                    next_attempt: None,
                })?;
            }
        }
        // A row the credit covered whole is kept with no request; one left to push whose request
        // could not be written is not kept, as before.
        let mut carried: Vec<_> = rows
            .iter()
            .zip(carried_by)
            .filter(|(usage, id)| id.is_some() || !usage.to_push())
            .collect();
        carried.sort_by(|(a, _), (b, _)| (&a.org_id, &a.cluster_id).cmp(&(&b.org_id, &b.cluster_id)));
        tx.insert_usage_hours(&carried)?;
        for (org, left) in &credit_left {
            tx.set_free_credit(org, *left)?;
        }
        tx.set_usage_through(hour + HOUR)
    })
}
