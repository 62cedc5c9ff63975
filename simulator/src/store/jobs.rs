//! Scheduled work: each row is due at a virtual instant (epoch ms) and runs in (due, id) order.
//! A job is deleted in the same transaction that records its result, so a process killed mid-job
//! runs it again after restart (the SPI is at-least-once, as vendors must expect).

use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub due_at: i64,
    /// What to do: `deliver`.
    pub kind: String,
    /// What it applies to: a message id.
    pub subject: String,
    /// 1 for the first attempt.
    pub attempt: u32,
}

impl Store {
    /// When the earliest job is due.
    pub fn next_job_due(&self) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT min(due_at) FROM jobs", [], |r| r.get(0))?)
    }

    /// How many jobs are pending.
    pub fn pending_jobs(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?)
    }
}
