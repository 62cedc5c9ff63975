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

/// The columns [`job_from_row`] reads, in its order.
pub(super) const JOB_COLUMNS: &str = "id, due_at, kind, subject, attempt";

/// A job from a row of [`JOB_COLUMNS`].
pub(super) fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    Ok(Job {
        id: r.get(0)?,
        due_at: r.get(1)?,
        kind: r.get(2)?,
        subject: r.get(3)?,
        attempt: r.get(4)?,
    })
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
