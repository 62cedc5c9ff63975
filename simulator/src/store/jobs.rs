//! Scheduled work: each row is due at a virtual instant (epoch ms) and runs in (due, id) order.
//! A job is deleted in the same transaction that records its result, so a process killed mid-job
//! runs it again after restart (the SPI is at-least-once, as vendors must expect).

use super::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub due_at: i64,
    /// What to do: `create_instance`.
    pub kind: String,
    /// What it applies to: an instance id.
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

    /// The earliest job due at or before `now`.
    pub fn due_job(&self, now: i64) -> Result<Option<Job>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, due_at, kind, subject, attempt FROM jobs WHERE due_at <= ?1 ORDER BY due_at, id LIMIT 1",
                params![now],
                |r| {
                    Ok(Job { id: r.get(0)?, due_at: r.get(1)?, kind: r.get(2)?, subject: r.get(3)?, attempt: r.get(4)? })
                },
            )
            .optional()?)
    }

    /// Drops a job that has nothing left to do.
    pub fn delete_job(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute("DELETE FROM jobs WHERE id = ?1", [id])?;
        Ok(())
    }

    /// How many jobs are pending.
    pub fn pending_jobs(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?)
    }
}
