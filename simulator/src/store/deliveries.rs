//! The delivery journal: every SPI call the marketplace made — when, to where, with which
//! parameters, what came back and how long it took — and recording an attempt's consequence.

use super::orders::Status;
use super::{Store, StoreError};
use rusqlite::params;
use serde::Serialize;

/// One SPI call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// The marketplace's instance (orderBizId).
    pub instance_id: String,
    pub action: String,
    pub attempt: u32,
    /// Virtual instant of the call (epoch ms).
    pub at: i64,
    /// The vendor URL, without the query.
    pub url: String,
    /// The parameters sent, token included, in the order sent.
    pub params: Vec<(String, String)>,
    /// `ok`, `not_ready`, `http_error`, `bad_answer`, `timeout`, `unreachable`.
    pub outcome: String,
    pub status: Option<u16>,
    /// The answer's body, cut at 4 KiB.
    pub body: Option<String>,
    /// Real milliseconds the call took (not part of transcripts: it varies).
    pub elapsed_ms: u64,
}

/// What an attempt does to its instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Consequence {
    /// The vendor answered with an instance: it is open.
    Opened {
        vendor_instance_id: String,
        app_info: Option<String>,
        host_info: Option<String>,
        info: Option<String>,
    },
    /// Not yet: try again at `next_at` (epoch ms).
    Retry { next_at: i64 },
    /// Out of retries.
    Failed { reason: String },
}

impl Store {
    /// Records an attempt and its consequence, and retires (or reschedules) its job, atomically.
    pub fn record_attempt(
        &self,
        job_id: i64,
        d: &Delivery,
        consequence: &Consequence,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO deliveries (instance_id, action, attempt, at, url, params, outcome, status, body, elapsed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![d.instance_id, d.action, d.attempt, d.at, d.url,
                serde_json::to_string(&d.params).expect("pairs serialize"), d.outcome, d.status, d.body,
                d.elapsed_ms as i64],
        )?;
        tx.execute("DELETE FROM jobs WHERE id = ?1", [job_id])?;
        match consequence {
            Consequence::Opened {
                vendor_instance_id,
                app_info,
                host_info,
                info,
            } => {
                tx.execute(
                    "UPDATE instances SET status = ?2, vendor_instance_id = ?3, app_info = ?4, host_info = ?5,
                     info = ?6, attempts = ?7, next_attempt_at = NULL, failure = NULL, opened_at = ?8
                     WHERE instance_id = ?1",
                    params![d.instance_id, Status::Opened.code(), vendor_instance_id, app_info, host_info, info,
                        d.attempt, d.at],
                )?;
            }
            Consequence::Retry { next_at } => {
                tx.execute(
                    "UPDATE instances SET attempts = ?2, next_attempt_at = ?3 WHERE instance_id = ?1",
                    params![d.instance_id, d.attempt, next_at],
                )?;
                tx.execute(
                    "INSERT INTO jobs (due_at, kind, subject, attempt) VALUES (?1, 'create_instance', ?2, ?3)",
                    params![next_at, d.instance_id, d.attempt + 1],
                )?;
            }
            Consequence::Failed { reason } => {
                tx.execute(
                    "UPDATE instances SET status = ?2, attempts = ?3, next_attempt_at = NULL, failure = ?4
                     WHERE instance_id = ?1",
                    params![d.instance_id, Status::OpenFailed.code(), d.attempt, reason],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every SPI call, oldest first; only one instance's when `instance_id` is given.
    pub fn deliveries(&self, instance_id: Option<&str>) -> Result<Vec<Delivery>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT instance_id, action, attempt, at, url, params, outcome, status, body, elapsed_ms FROM deliveries
             WHERE ?1 IS NULL OR instance_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([instance_id], |r| {
                let params: String = r.get(5)?;
                Ok(Delivery {
                    instance_id: r.get(0)?,
                    action: r.get(1)?,
                    attempt: r.get(2)?,
                    at: r.get(3)?,
                    url: r.get(4)?,
                    params: serde_json::from_str(&params).unwrap_or_default(),
                    outcome: r.get(6)?,
                    status: r.get(7)?,
                    body: r.get(8)?,
                    elapsed_ms: r.get::<_, i64>(9)? as u64,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
