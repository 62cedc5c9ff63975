//! Group commit of PushMeteringData: concurrent pushes are stored together, in one transaction.
//!
//! A push that arrives while no other is being stored leads: its request task first lets the other
//! ready tasks run once (so the pushes that arrived together can queue up behind it), then takes
//! the pushes waiting in the [`PushQueue`] (up to [`MAX_BATCH`] in all), checks and stores them in
//! one transaction in the order they arrived, answers each, and hands the lead to the first push
//! that arrived meanwhile (whose request task then does the same). A push that arrives while
//! another leads waits in the queue without holding a thread: its request task awaits its
//! [`Ticket`]. So the store's lock is taken once per batch rather than once per push, no worker
//! thread sleeps on it, and one commit covers the batch.
//!
//! Within a batch each push is still checked and stored on its own: the rules that need the store
//! (the instance, its product, the deadline and the 60-second rule) see the pushes stored before
//! it in the same batch, and a refused push writes nothing. A failure of the store itself rolls
//! the whole batch back and every push of it is answered `InternalError`: nothing answered
//! `Success` is lost, nothing refused is kept. A push whose caller has gone away is stored all
//! the same (its request arrived whole), as it was before the caller left.

use super::memo::{Facts, InstanceFacts, LastPushes};
use super::push::{assit_matches, deadline, metering_error, Push, THROTTLE_SECONDS};
use super::{bad_instance, sells};
use crate::openapi::ApiError;
use crate::state::Simulator;
use crate::store::orders::Status;
use crate::store::StoreError;
use protocol::time::epoch_millis;
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::oneshot;

/// The most pushes one transaction stores (up to 100 records each): the store's lock, which pages
/// and other operations wait for, is never held for long; the rest wait for the next batch.
pub const MAX_BATCH: usize = 64;

/// The pushes waiting for the one being stored, and whether one is.
#[derive(Default)]
pub struct PushQueue {
    state: Mutex<QueueState>,
    /// Taken by the batch being stored, under the store's lock.
    memory: Mutex<Memory>,
    batches: AtomicU64,
    pushes: AtomicU64,
}

/// How many batches have been stored, of how many pushes in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchStats {
    pub batches: u64,
    pub pushes: u64,
}

#[derive(Default)]
struct QueueState {
    leading: bool,
    waiting: VecDeque<Waiting>,
}

struct Waiting {
    push: Push,
    turn: oneshot::Sender<Turn>,
}

/// What a waiting push's request task is told.
pub enum Turn {
    Answered(Result<Value, ApiError>),
    /// Lead the next batch, beginning with this (your own) push.
    Lead(Push),
}

/// A push's answer, once the push's batch is stored.
pub enum Ticket {
    /// This push leads the next batch.
    Lead(Leader),
    /// This push waits for another to store it, or to hand it the lead.
    Waiting {
        turn: oneshot::Receiver<Turn>,
        sim: Simulator,
    },
}

/// The lead of the next batch, with the push it begins with. Dropped unused (its request task
/// cancelled), it leads all the same, so the pushes queued behind it are not left waiting.
pub struct Leader {
    push: Option<Push>,
    sim: Simulator,
}

impl Leader {
    fn lead(mut self) -> Result<Value, ApiError> {
        let push = self.push.take().expect("a leader leads once");
        self.sim.shared.pushes.lead(&self.sim, push)
    }
}

impl Drop for Leader {
    fn drop(&mut self) {
        if let Some(push) = self.push.take() {
            let _ = self.sim.shared.pushes.lead(&self.sim, push);
        }
    }
}

impl Ticket {
    /// The push's answer, when its batch has been stored.
    pub async fn answer(self) -> Result<Value, ApiError> {
        match self {
            Ticket::Lead(leader) => {
                tokio::task::yield_now().await;
                leader.lead()
            }
            Ticket::Waiting { turn, sim } => match turn.await {
                Ok(Turn::Answered(answer)) => answer,
                Ok(Turn::Lead(push)) => sim.shared.pushes.lead(&sim, push),
                Err(_) => Err(ApiError::internal()),
            },
        }
    }

    /// The answer without waiting for other pushes to queue up: there when no other push was
    /// being stored at the time (one caller at a time, as in tests and scenarios).
    pub fn ready(self) -> Option<Result<Value, ApiError>> {
        match self {
            Ticket::Lead(leader) => Some(leader.lead()),
            Ticket::Waiting { .. } => None,
        }
    }
}

impl PushQueue {
    /// Makes `push` the lead of the next batch if no other push is being stored, or queues it.
    pub fn submit(&self, sim: &Simulator, push: Push) -> Ticket {
        let mut state = self.lock();
        if state.leading {
            let (turn, receiver) = oneshot::channel();
            state.waiting.push_back(Waiting { push, turn });
            return Ticket::Waiting {
                turn: receiver,
                sim: sim.clone(),
            };
        }
        state.leading = true;
        Ticket::Lead(Leader {
            push: Some(push),
            sim: sim.clone(),
        })
    }

    /// Stores `own` with what waits (up to [`MAX_BATCH`] in all), answers the others and passes
    /// the lead on; returns `own`'s answer.
    fn lead(&self, sim: &Simulator, own: Push) -> Result<Value, ApiError> {
        let mut first = own;
        let mut own_answer = None;
        loop {
            let waiting: Vec<Waiting> = {
                let mut state = self.lock();
                let n = state.waiting.len().min(MAX_BATCH - 1);
                state.waiting.drain(..n).collect()
            };
            let (pushes, turns): (Vec<Push>, Vec<_>) = std::iter::once((first, None))
                .chain(waiting.into_iter().map(|w| (w.push, Some(w.turn))))
                .unzip();
            self.batches.fetch_add(1, Ordering::Relaxed);
            self.pushes.fetch_add(pushes.len() as u64, Ordering::Relaxed);
            let mut answers = store_batch(sim, &pushes).into_iter();
            let first_answer = answers.next().unwrap_or_else(|| Err(ApiError::internal()));
            own_answer.get_or_insert(first_answer);
            for (turn, answer) in turns.into_iter().flatten().zip(answers) {
                // A caller that has gone away needs no answer; its push is stored.
                let _ = turn.send(Turn::Answered(answer));
            }
            match self.pass_lead() {
                Some(orphan) => first = orphan,
                None => return own_answer.unwrap_or_else(|| Err(ApiError::internal())),
            }
        }
    }

    /// Hands the lead to the first waiting push; gives back a waiting push whose caller has gone,
    /// for this leader to store in a batch of its own.
    fn pass_lead(&self) -> Option<Push> {
        let mut state = self.lock();
        let Some(next) = state.waiting.pop_front() else {
            state.leading = false;
            return None;
        };
        drop(state);
        match next.turn.send(Turn::Lead(next.push)) {
            Ok(()) => None,
            Err(Turn::Lead(push)) => Some(push),
            Err(Turn::Answered(_)) => None,
        }
    }

    /// The batches stored so far.
    pub fn stats(&self) -> BatchStats {
        BatchStats {
            batches: self.batches.load(Ordering::Relaxed),
            pushes: self.pushes.load(Ordering::Relaxed),
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Checks and stores `pushes` in one transaction, in order; one answer for each.
fn store_batch(sim: &Simulator, pushes: &[Push]) -> Vec<Result<Value, ApiError>> {
    let stored = catch_unwind(AssertUnwindSafe(|| {
        let conn = sim.store().conn();
        store_all(sim, &conn, pushes)
    }));
    match stored {
        Ok(Ok(answers)) => answers,
        Ok(Err(e)) => {
            tracing::error!("a batch of {} metering pushes was not stored: {e}", pushes.len());
            vec![Err(ApiError::internal()); pushes.len()]
        }
        Err(_) => {
            tracing::error!("storing a batch of {} metering pushes panicked", pushes.len());
            vec![Err(ApiError::internal()); pushes.len()]
        }
    }
}

fn store_all(
    sim: &Simulator,
    conn: &Connection,
    pushes: &[Push],
) -> Result<Vec<Result<Value, ApiError>>, StoreError> {
    let now = sim.clock().now();
    let now = Now {
        ms: epoch_millis(now),
        s: now.timestamp(),
    };
    let mut memory = sim.shared.pushes.memory();
    let Memory { last_pushes, facts } = &mut *memory;
    last_pushes.load(conn, sim.store().clears())?;
    let tx = Tx::begin(conn)?;
    let mut batch = Batch {
        conn,
        instance_changes: sim.store().instance_changes(),
        facts,
        insert: conn.prepare_cached(
            "INSERT INTO metering_records (instance_id, product_code, start_time, end_time, metering_key,
             value, metering_assit, serial_no, received_at, billable)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?,
        last_pushes,
        pushed: HashSet::with_capacity(pushes.len()),
        now,
    };
    let mut answers = Vec::with_capacity(pushes.len());
    for push in pushes {
        answers.push(match batch.store(sim, push)? {
            Ok(()) => Ok(json!({ "Success": true })),
            Err(refused) => Err(refused),
        });
    }
    let Batch { pushed, now, .. } = batch;
    tx.commit()?;
    last_pushes.committed(pushed, now.ms);
    Ok(answers)
}

/// The marketplace's time of a batch.
struct Now {
    ms: i64,
    s: i64,
}

/// What the batches remember between them ([`super::memo`]).
#[derive(Default)]
struct Memory {
    last_pushes: LastPushes,
    facts: InstanceFacts,
}

/// A batch being stored: its statements, and the instances it has pushed so far.
struct Batch<'c, 'l, 'p> {
    conn: &'c Connection,
    /// The store's count of instance changes, as `facts` must know it.
    instance_changes: u64,
    facts: &'l mut InstanceFacts,
    insert: rusqlite::CachedStatement<'c>,
    last_pushes: &'l LastPushes,
    /// Instances pushed by this batch (at `now`), not yet in `last_pushes`.
    pushed: HashSet<&'p str>,
    now: Now,
}

/// One instance named in a push, once checked.
struct Target<'p> {
    id: &'p str,
    billable: bool,
}

impl<'p> Batch<'_, '_, 'p> {
    /// When `instance_id` was last pushed, this batch included.
    fn last_push(&self, instance_id: &str) -> Option<i64> {
        if self.pushed.contains(instance_id) {
            return Some(self.now.ms);
        }
        self.last_pushes.get(instance_id)
    }

    /// Checks one push against the store and, if it passes, stores it. The outer error is the
    /// store's, the inner a refusal (nothing of the push written).
    fn store(&mut self, sim: &Simulator, push: &'p Push) -> Result<Result<(), ApiError>, StoreError> {
        let mut product: Option<String> = None;
        let mut targets: Vec<Target<'p>> = Vec::new();
        for (i, record) in push.records.iter().enumerate() {
            let n = i + 1;
            if !targets.iter().any(|t| t.id == record.instance_id) {
                let facts = self
                    .facts
                    .get(self.conn, self.instance_changes, &record.instance_id)?;
                let Some(Facts {
                    product_code: code,
                    status,
                }) = facts.filter(|f| sells(sim, &push.vendor, &f.product_code))
                else {
                    return Ok(Err(bad_instance(format!(
                        "The instance {} does not exist.",
                        record.instance_id
                    ))));
                };
                let billable = match status.as_str() {
                    s if s == Status::Opened.code() => true,
                    s if s == Status::Expired.code() => false,
                    other => {
                        return Ok(Err(bad_instance(format!(
                            "The instance {} is not in service ({other}).",
                            record.instance_id
                        ))))
                    }
                };
                match &product {
                    None => product = Some(code.clone()),
                    Some(p) if p == code => {}
                    Some(_) => {
                        return Ok(Err(ApiError::new(
                            400,
                            "Invalid.Parameter",
                            "All records of one request must belong to instances of the same product.",
                        )))
                    }
                }
                if let Some(last) = self.last_push(&record.instance_id) {
                    let elapsed = self.now.ms - last;
                    if elapsed < THROTTLE_SECONDS * 1000 {
                        let mut e = ApiError::new(
                            400,
                            "Service.Flow.Control",
                            "The rate throttling threshold has been exceeded.",
                        );
                        let wait_ms = THROTTLE_SECONDS * 1000 - elapsed.max(0);
                        e.retry_after = Some(((wait_ms + 999) / 1000).max(1) as u64);
                        return Ok(Err(e));
                    }
                }
                targets.push(Target {
                    id: &record.instance_id,
                    billable,
                });
            }
            let product = product.as_deref().unwrap_or_default();
            for entity in &record.entities {
                if !assit_matches(&entity.assit, product, entity.key) {
                    return Ok(Err(metering_error(format!(
                        "Record {n}: meteringAssit `{}` is not {product}-{}-<n>.",
                        entity.assit, entity.key
                    ))));
                }
            }
            let due = deadline(record.end);
            if self.now.s >= due {
                return Ok(Err(metering_error(format!(
                    "Record {n}: the window ending at {} had to be pushed before {due}; late data is not billed.",
                    record.end
                ))));
            }
        }
        let product = product.unwrap_or_default();
        for record in &push.records {
            let billable = targets
                .iter()
                .find(|t| t.id == record.instance_id)
                .is_some_and(|t| t.billable);
            for e in &record.entities {
                self.insert.execute(params![
                    record.instance_id,
                    product,
                    record.start,
                    record.end,
                    e.key,
                    e.value,
                    e.assit,
                    e.serial_no,
                    self.now.ms,
                    billable
                ])?;
            }
        }
        self.pushed.extend(targets.iter().map(|t| t.id));
        Ok(Ok(()))
    }
}

/// A transaction begun and committed with cached statements (a `rusqlite::Transaction` prepares
/// `BEGIN` and `COMMIT` anew every time); rolled back when dropped uncommitted.
struct Tx<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> Tx<'c> {
    fn begin(conn: &'c Connection) -> Result<Tx<'c>, StoreError> {
        conn.prepare_cached("BEGIN")?.execute([])?;
        Ok(Tx { conn, open: true })
    }

    fn commit(mut self) -> Result<(), StoreError> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let rolled_back = self
                .conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
            if let Err(e) = rolled_back {
                tracing::error!("could not roll back a batch of metering pushes: {e}");
            }
        }
    }
}
