//! The delivery journal: every attempt to deliver an SPI message — when, to where, with which
//! parameters (token left out), what came back and how long it took, how it was judged, which
//! fault was injected, and when the next attempt is due. Rows are written with their message's
//! new state (`messages`); here they are read, whole or a page at a time.

use super::{Store, StoreError, Tx};
use rusqlite::{params, Row};
use serde::Serialize;

/// One attempt of one SPI message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delivery {
    /// The message it delivers.
    pub message_id: Option<i64>,
    /// The marketplace's instance (orderBizId).
    pub instance_id: String,
    pub action: String,
    /// 1 for a message's first attempt.
    pub attempt: u32,
    /// Virtual instant of the call (epoch ms).
    pub at: i64,
    /// The vendor URL, without the query.
    pub url: String,
    /// The parameters sent, token left out, in the order sent.
    pub params: Vec<(String, String)>,
    /// `ok`, `not_ready`, `not_success`, `http_error`, `bad_answer`, `timeout`, `unreachable`.
    pub outcome: String,
    pub status: Option<u16>,
    /// The answer's body, cut at 4 KiB.
    pub body: Option<String>,
    /// Real milliseconds the call took (not part of transcripts: it varies).
    pub elapsed_ms: u64,
    /// When the next attempt is due (epoch ms), when there is one.
    pub next_at: Option<i64>,
    /// The fault injected into this attempt, if any.
    pub fault: Option<String>,
}

/// Which attempts to read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalFilter {
    pub instance_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub message_id: Option<i64>,
}

const COLUMNS: &str =
    "message_id, instance_id, action, attempt, at, url, params, outcome, status, body, elapsed_ms, next_at, fault";

const WHERE: &str = "(?1 IS NULL OR instance_id = ?1) AND (?2 IS NULL OR action = ?2)
     AND (?3 IS NULL OR outcome = ?3) AND (?4 IS NULL OR message_id = ?4)";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    let params: String = r.get(6)?;
    Ok(Delivery {
        message_id: r.get(0)?,
        instance_id: r.get(1)?,
        action: r.get(2)?,
        attempt: r.get(3)?,
        at: r.get(4)?,
        url: r.get(5)?,
        params: serde_json::from_str(&params).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
        })?,
        outcome: r.get(7)?,
        status: r.get(8)?,
        body: r.get(9)?,
        elapsed_ms: r.get::<_, i64>(10)? as u64,
        next_at: r.get(11)?,
        fault: r.get(12)?,
    })
}

impl Tx<'_> {
    pub(super) fn insert_delivery(&self, d: &Delivery) -> Result<(), StoreError> {
        self.execute(
            &format!("INSERT INTO deliveries ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
            params![d.message_id, d.instance_id, d.action, d.attempt, d.at, d.url,
                serde_json::to_string(&d.params).expect("pairs serialize"), d.outcome, d.status, d.body,
                d.elapsed_ms as i64, d.next_at, d.fault],
        )?;
        Ok(())
    }
}

impl Store {
    /// Every attempt, oldest first; only one instance's when `instance_id` is given.
    pub fn deliveries(&self, instance_id: Option<&str>) -> Result<Vec<Delivery>, StoreError> {
        let filter = JournalFilter {
            instance_id: instance_id.map(str::to_owned),
            ..JournalFilter::default()
        };
        Ok(self.journal(&filter, 0, u64::MAX >> 1)?.0)
    }

    /// The attempts `filter` lets through, oldest first, `limit` of them from `offset`; with how
    /// many it lets through in all.
    pub fn journal(
        &self,
        filter: &JournalFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Delivery>, u64), StoreError> {
        let conn = self.conn();
        let args = params![
            filter.instance_id,
            filter.action,
            filter.outcome,
            filter.message_id
        ];
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM deliveries WHERE {WHERE}"),
            args,
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE {WHERE} ORDER BY id LIMIT ?5 OFFSET ?6"
        ))?;
        let rows = stmt
            .query_map(
                params![
                    filter.instance_id,
                    filter.action,
                    filter.outcome,
                    filter.message_id,
                    limit.min(i64::MAX as u64) as i64,
                    offset.min(i64::MAX as u64) as i64
                ],
                delivery_from_row,
            )?
            .collect::<Result<_, _>>()?;
        Ok((rows, total as u64))
    }
}
