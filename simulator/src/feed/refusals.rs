//! Refused pushes in the feed. A PushMeteringData the marketplace refuses, once it knows which
//! vendor sent it, becomes a `metering_refused` entry — its error code and message, the records and
//! instances it named, the start of its `Metering` text — written in a transaction of its own, as
//! the refusal wrote nothing else. The log is capped per vendor: the latest [`KEPT_PER_VENDOR`]
//! refusals are kept, and writing one more forgets the vendor's oldest (its offset is never used
//! again; a reader goes on past it). [`METERING_KEPT`] characters of the text are kept.

use crate::state::Simulator;
use crate::store::feed::Refusal;
use protocol::time::epoch_millis;

/// How many refused pushes of one vendor the feed keeps.
pub const KEPT_PER_VENDOR: usize = 1_000;
/// How much of a refused push's `Metering` text the feed keeps, in characters.
pub const METERING_KEPT: usize = 4_096;

/// What a refused push was, as far as it could be read.
pub struct Refused<'a> {
    pub vendor: &'a str,
    pub code: &'a str,
    pub message: &'a str,
    /// The `Metering` text as sent (empty when none was).
    pub metering: &'a str,
    /// The records it held and the instances they named, when the text could be read.
    pub read: Option<(usize, Vec<String>)>,
}

/// Logs `refused` to the feed at the clock's now; a store that cannot write it is logged, and the
/// refusal is answered all the same.
pub fn log(sim: &Simulator, refused: Refused<'_>) {
    let truncated = refused.metering.chars().count() > METERING_KEPT;
    let metering: String = refused.metering.chars().take(METERING_KEPT).collect();
    let (records, instances) = match refused.read {
        Some((records, instances)) => (Some(records as i64), instances),
        None => (None, Vec::new()),
    };
    let refusal = Refusal {
        vendor: refused.vendor.to_owned(),
        code: refused.code.to_owned(),
        message: refused.message.to_owned(),
        records,
        instances,
        metering,
        truncated,
        at: epoch_millis(sim.clock().now()),
    };
    if let Err(e) = sim
        .store()
        .transaction(|tx| tx.log_refusal(&refusal, KEPT_PER_VENDOR))
    {
        tracing::error!("logging a refused push of {} to the feed: {e}", refused.vendor);
    }
}
