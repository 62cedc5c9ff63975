//! Marketplace instances as the console knows them: created by the `createInstance` SPI (one per
//! `orderBizId`, whatever the number of calls), entered through `verify` links, and bound to at
//! most one organisation — each organisation to at most one instance. A good `verify` link for an
//! unbound instance opens a *hand-off*: an unguessable id that the wizard carries through every
//! form and redirect, so which instance is being bound survives 登录, 注册 and 创建组织.

use crate::store::{instant, millis, Db};
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

/// Why a bind was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindRefusal {
    /// The instance is bound already (to this or another organisation).
    InstanceBound,
    /// The organisation already pays through another instance.
    OrgBound,
}

/// A wizard hand-off: which instance a good `verify` link let in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub id: String,
    pub instance_id: String,
    pub created_at: Instant,
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
    /// The instance for `order_biz_id`, created on the first call; later calls return the same.
    pub fn create_instance(&mut self, new: &NewInstance<'_>, now: Instant) -> rusqlite::Result<Instance> {
        if let Some(existing) = self.instance_by_order(new.order_biz_id)? {
            return Ok(existing);
        }
        let id = loop {
            let id = format!("zc-{}", self.ids().chars(20, INSTANCE_ALPHABET));
            if id != new.order_biz_id && self.instance(&id)?.is_none() {
                break id;
            }
        };
        self.write(|conn| {
            conn.execute(
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
            )
        })?;
        Ok(Instance {
            id,
            order_biz_id: new.order_biz_id.to_string(),
            org_id: None,
            bound_by: None,
        })
    }

    /// The instance with the console's id `id`.
    pub fn instance(&self, id: &str) -> rusqlite::Result<Option<Instance>> {
        self.conn
            .query_row(
                "SELECT id, order_biz_id, org_id, bound_by FROM instances WHERE id = ?1",
                params![id],
                instance_row,
            )
            .optional()
    }

    fn instance_by_order(&self, order_biz_id: &str) -> rusqlite::Result<Option<Instance>> {
        self.conn
            .query_row(
                "SELECT id, order_biz_id, org_id, bound_by FROM instances WHERE order_biz_id = ?1",
                params![order_biz_id],
                instance_row,
            )
            .optional()
    }

    /// Opens a hand-off for `instance_id`.
    pub fn new_handoff(&mut self, instance_id: &str, now: Instant) -> rusqlite::Result<Handoff> {
        let id = self.secret();
        self.write(|conn| {
            conn.execute(
                "INSERT INTO handoffs (id, instance_id, created_at) VALUES (?1, ?2, ?3)",
                params![id, instance_id, millis(now)],
            )
        })?;
        Ok(Handoff {
            id,
            instance_id: instance_id.to_string(),
            created_at: now,
        })
    }

    /// The hand-off `id`, whatever its age (the caller judges freshness).
    pub fn handoff(&self, id: &str) -> rusqlite::Result<Option<Handoff>> {
        self.conn
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
            .optional()
    }

    /// Binds `instance_id` to `org_id` on behalf of `user_id`, refusing a second bind of either.
    /// The caller has checked that the user administers the organisation.
    pub fn bind(
        &self,
        instance_id: &str,
        org_id: &str,
        user_id: &str,
        now: Instant,
    ) -> rusqlite::Result<Result<(), BindRefusal>> {
        let tx = self.conn.unchecked_transaction()?;
        let org_taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM instances WHERE org_id = ?1)",
            params![org_id],
            |r| r.get(0),
        )?;
        if org_taken {
            return Ok(Err(BindRefusal::OrgBound));
        }
        let changed = tx.execute(
            "UPDATE instances SET org_id = ?2, bound_by = ?3, bound_at = ?4 WHERE id = ?1 AND org_id IS NULL",
            params![instance_id, org_id, user_id, millis(now)],
        )?;
        if changed == 0 {
            return Ok(Err(BindRefusal::InstanceBound));
        }
        tx.commit()?;
        Ok(Ok(()))
    }
}
