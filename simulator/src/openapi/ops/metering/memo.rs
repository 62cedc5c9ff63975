//! What storing a push needs to know about its instances, kept in memory with the store as the
//! record, so that storing a push writes its records and reads nothing. Only the batch being
//! stored reads or writes these, under the store's connection lock, and each compares a count the
//! store keeps under the same lock to tell a stale memory from a true one.
//!
//! - [`LastPushes`], for the 60-second rule: each instance's last push (its records' latest
//!   `received_at`). The records are an append-only log with no per-instance index; the first
//!   batch after the process starts, or after [`Store::clear`] (a reset world reuses the seed's
//!   instance ids), reads every instance's last push in one pass, and a batch's own pushes are added
//!   once it is committed.
//! - [`InstanceFacts`]: an instance's product and status, read once and forgotten, all of them,
//!   whenever any row of `instances` changes ([`Store::instance_changes`], counted by SQLite
//!   itself, so no writer can forget to tell).
//!
//! [`Store::clear`]: crate::store::Store::clear
//! [`Store::instance_changes`]: crate::store::Store::instance_changes

use crate::store::StoreError;
use rusqlite::{Connection, OptionalExtension};
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

/// What a push checks of an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub product_code: String,
    /// [`crate::store::orders::Status`]'s code.
    pub status: String,
}

/// Instances' facts as the store held them at a count of instance changes.
#[derive(Default)]
pub struct InstanceFacts {
    changes: u64,
    known: HashMap<String, Facts>,
}

impl InstanceFacts {
    /// The facts of `instance_id`, None when the store has no such instance. `changes` is
    /// [`crate::store::Store::instance_changes`], read under the same lock as `conn`.
    pub fn get(
        &mut self,
        conn: &Connection,
        changes: u64,
        instance_id: &str,
    ) -> Result<Option<&Facts>, StoreError> {
        if self.changes != changes {
            self.known.clear();
            self.changes = changes;
        }
        if !self.known.contains_key(instance_id) {
            let row = conn
                .prepare_cached("SELECT product_code, status FROM instances WHERE instance_id = ?1")?
                .query_row([instance_id], |r| {
                    Ok(Facts {
                        product_code: r.get(0)?,
                        status: r.get(1)?,
                    })
                })
                .optional()?;
            match row {
                // An unknown id is not remembered: a caller cannot fill memory with them.
                None => return Ok(None),
                Some(facts) => {
                    self.known.insert(instance_id.to_owned(), facts);
                }
            }
        }
        Ok(self.known.get(instance_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn status(facts: &mut InstanceFacts, store: &Store, id: &str) -> Option<String> {
        let conn = store.conn();
        facts
            .get(&conn, store.instance_changes(), id)
            .unwrap()
            .map(|f| f.status.clone())
    }

    #[test]
    fn facts_are_forgotten_when_any_instance_row_changes_by_whatever_writer() {
        let store = Store::in_memory().unwrap();
        let write = |sql: &str| store.conn().execute(sql, []).unwrap();
        write(
            "INSERT INTO instances (instance_id, order_id, ali_uid, product_code, sku_id, status, created_at)
             VALUES ('i-1', 'o-1', 'u', 'cmgj1', 'sku', 'OPENED', 0)",
        );
        let mut facts = InstanceFacts::default();
        assert_eq!(status(&mut facts, &store, "i-1").as_deref(), Some("OPENED"));
        assert_eq!(status(&mut facts, &store, "i-2"), None);

        write("UPDATE instances SET status = 'EXPIRED' WHERE instance_id = 'i-1'");
        assert_eq!(status(&mut facts, &store, "i-1").as_deref(), Some("EXPIRED"));

        // A change to another table leaves the count, and so what is remembered, alone.
        let changes = store.instance_changes();
        write("INSERT INTO meta (key, value) VALUES ('k', 'v')");
        assert_eq!(store.instance_changes(), changes);

        store.clear().unwrap();
        assert_eq!(status(&mut facts, &store, "i-1"), None);
    }

    #[test]
    fn last_pushes_are_read_from_the_records_once_and_again_after_a_clear() {
        let store = Store::in_memory().unwrap();
        let write = |sql: &str| store.conn().execute(sql, []).unwrap();
        write(
            "INSERT INTO metering_records (instance_id, product_code, start_time, end_time, metering_key,
             value, metering_assit, received_at, billable)
             VALUES ('i-1', 'p', 0, 600, 'Frequency', 1, 'p-Frequency-1', 5000, 1),
                    ('i-1', 'p', 0, 600, 'Frequency', 1, 'p-Frequency-1', 9000, 1)",
        );
        let mut last = LastPushes::default();
        last.load(&store.conn(), store.clears()).unwrap();
        assert_eq!(last.get("i-1"), Some(9000));
        assert_eq!(last.get("i-2"), None);
        last.committed(["i-2"], 12_000);
        assert_eq!(last.get("i-2"), Some(12_000));

        store.clear().unwrap();
        last.load(&store.conn(), store.clears()).unwrap();
        assert_eq!((last.get("i-1"), last.get("i-2")), (None, None));
    }
}
