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

    /// Up to `limit` jobs of the `kinds` due at or before `now` (epoch ms), in (due, id) order.
    pub fn due_jobs(&self, kinds: &[&str], now: i64, limit: usize) -> Result<Vec<Job>, StoreError> {
        let kinds =
            serde_json::to_string(kinds).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE kind IN (SELECT value FROM json_each(?1)) AND due_at <= ?2 ORDER BY due_at, id LIMIT ?3"
        ))?;
        let rows = stmt
            .query_map(rusqlite::params![kinds, now, limit as i64], job_from_row)?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// How many jobs are pending.
    pub fn pending_jobs(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))?)
    }
}
