//! The `instances` and `handoffs` tables: the marketplace instances `createInstance` recorded,
//! which organisation each pays for (the UNIQUE columns and [`Db::bind`] keep one organisation
//! per instance and one instance per organisation), and the wizard's hand-offs. When an instance
//! is created and who may bind it are rules, above the store (module `instances`).

use super::{instant, millis, Db, StoreError, Tx};
use protocol::time::Instant;
use rusqlite::{params, OptionalExtension, Row};

/// The alphabet of the console's own instance ids (`zc-` and 20 of these).
const INSTANCE_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A marketplace instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The console's own id, `zc-…`: never the marketplace's orderBizId.
    pub id: String,
    pub order_biz_id: String,
    pub org_id: Option<String>,
    pub bound_by: Option<String>,
}

/// What `createInstance` records of the marketplace's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstance<'a> {
    pub order_biz_id: &'a str,
    pub order_id: &'a str,
    pub ali_uid: &'a str,
    pub sku_id: &'a str,
    /// Every received parameter but the token, as JSON, for the record.
    pub params_json: String,
}

/// A wizard hand-off: which instance a good `verify` link let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub id: String,
    pub instance_id: String,
    pub created_at: Instant,
}

/// Why the store did not bind an instance to an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// The instance is bound already (to this or another organisation).
    Instance,
    /// The organisation already pays through another instance.
    Org,
}

fn instance_row(r: &Row<'_>) -> rusqlite::Result<Instance> {
    Ok(Instance {
        id: r.get(0)?,
        order_biz_id: r.get(1)?,
        org_id: r.get(2)?,
        bound_by: r.get(3)?,
    })
}

impl Db {
    /// A new instance id (`zc-…`), not yet checked against the instances there are.
    pub fn instance_id(&mut self) -> String {
        format!("zc-{}", self.ids().chars(20, INSTANCE_ALPHABET))
    }

    /// The instance with the console's id `id`.
    pub fn instance(&self, id: &str) -> Result<Option<Instance>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, order_biz_id, org_id, bound_by FROM instances WHERE id = ?1",
                params![id],
                instance_row,
            )
            .optional()?;
        Ok(found)
    }

    /// The instance created for the marketplace's `order_biz_id`.
    pub fn instance_by_order(&self, order_biz_id: &str) -> Result<Option<Instance>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, order_biz_id, org_id, bound_by FROM instances WHERE order_biz_id = ?1",
                params![order_biz_id],
                instance_row,
            )
            .optional()?;
        Ok(found)
    }

    /// Opens a hand-off for `instance_id`, under a fresh unguessable id.
    pub fn new_handoff(&mut self, instance_id: &str, now: Instant) -> Result<Handoff, StoreError> {
        let id = self.secret();
        self.write(|tx| {
            tx.conn.execute(
                "INSERT INTO handoffs (id, instance_id, created_at) VALUES (?1, ?2, ?3)",
                params![id, instance_id, millis(now)],
            )?;
            Ok(())
        })?;
        Ok(Handoff {
            id,
            instance_id: instance_id.to_string(),
            created_at: now,
        })
    }

    /// The hand-off `id`, whatever its age.
    pub fn handoff(&self, id: &str) -> Result<Option<Handoff>, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT id, instance_id, created_at FROM handoffs WHERE id = ?1",
                params![id],
                |r| {
                    Ok(Handoff {
                        id: r.get(0)?,
                        instance_id: r.get(1)?,
                        created_at: instant(r.get(2)?),
                    })
                },
            )
            .optional()?;
        Ok(found)
    }

    /// Binds `instance_id` to `org_id` on behalf of `user_id` in one transaction, unless either
    /// is bound already.
    pub fn bind(
        &self,
        instance_id: &str,
        org_id: &str,
        user_id: &str,
        now: Instant,
    ) -> Result<Result<(), Taken>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let org_taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM instances WHERE org_id = ?1)",
            params![org_id],
            |r| r.get(0),
        )?;
        if org_taken {
            return Ok(Err(Taken::Org));
        }
        let changed = tx.execute(
            "UPDATE instances SET org_id = ?2, bound_by = ?3, bound_at = ?4 WHERE id = ?1 AND org_id IS NULL",
            params![instance_id, org_id, user_id, millis(now)],
        )?;
        if changed == 0 {
            return Ok(Err(Taken::Instance));
        }
        tx.commit()?;
        Ok(Ok(()))
    }
}

impl Tx<'_> {
    /// Records an instance under the console's id `id`.
    pub fn insert_instance(&self, id: &str, new: &NewInstance<'_>, now: Instant) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO instances (id, order_biz_id, order_id, ali_uid, sku_id, params, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                new.order_biz_id,
                new.order_id,
                new.ali_uid,
                new.sku_id,
                new.params_json,
                millis(now)
            ],
        )?;
        Ok(())
    }
}
