//! What the 60-second rule needs to know: when each instance was last pushed, in the marketplace's
//! time. The store is the record (an instance's last push is its records' latest `received_at`);
//! this keeps the answer for every instance in memory, so storing a push writes its records and
//! nothing else: the records are an append-only log with no per-instance index to keep up.
//!
//! The first batch stored after the process starts (or after the store is cleared) reads every
//! instance's last push in one pass over the records; a batch's own pushes are added once the
//! batch is committed. Only the batch being stored reads or writes this, under the store's
//! connection lock, as does [`Store::clear`], whose count tells a stale memory from a true one (a
//! reset world reuses the seed's instance ids).
//!
//! [`Store::clear`]: crate::store::Store::clear

use crate::store::StoreError;
use rusqlite::Connection;
use std::collections::HashMap;

/// Each instance's last push (epoch ms), as of the last committed batch.
#[derive(Default)]
pub struct LastPushes {
    /// The store's clear count when the pushes were read; None before they are.
    read_at_clear: Option<u64>,
    at: HashMap<String, i64>,
}

impl LastPushes {
    /// Reads every instance's last push from the store, unless they were read since the store was
    /// last cleared (`clears`: [`crate::store::Store::clears`]). Call it before the batch writes.
    pub fn load(&mut self, conn: &Connection, clears: u64) -> Result<(), StoreError> {
        if self.read_at_clear == Some(clears) {
            return Ok(());
        }
        self.at.clear();
        self.read_at_clear = None;
        let mut stmt =
            conn.prepare("SELECT instance_id, max(received_at) FROM metering_records GROUP BY instance_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (id, at) = row?;
            self.at.insert(id, at);
        }
        self.read_at_clear = Some(clears);
        Ok(())
    }

    /// When `instance_id` was last pushed, if ever.
    pub fn get(&self, instance_id: &str) -> Option<i64> {
        self.at.get(instance_id).copied()
    }

    /// Notes that `instance_ids` were pushed at `ms`, once their batch is committed.
    pub fn committed<'a>(&mut self, instance_ids: impl IntoIterator<Item = &'a str>, ms: i64) {
        for id in instance_ids {
            match self.at.get_mut(id) {
                Some(at) => *at = ms,
                None => {
                    self.at.insert(id.to_owned(), ms);
                }
            }
        }
    }
}
