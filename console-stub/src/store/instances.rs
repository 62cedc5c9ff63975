//! The `instances` and `handoffs` tables: the marketplace instances `createInstance` recorded,
//! which organisation each pays for (the UNIQUE columns and [`Db::bind`] keep one organisation
//! per instance and one instance per organisation), where each stands in its lifecycle (its SKU,
//! extra billing items, expiry and [`InstanceStatus`], as the marketplace's actions left them),
//! and the wizard's hand-offs. When an instance is created, who may bind it and what each action
//! does to it are rules, above the store (module `instances`).

use super::{instant, millis, Db, StoreError, Tx};
use protocol::time::Instant;
use rusqlite::{params, OptionalExtension, Row};
use std::collections::BTreeMap;

/// The alphabet of the console's own instance ids (`zc-` and 20 of these).
const INSTANCE_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Where an instance stands: paid for, frozen by `expiredInstance` (its clusters kept but not
/// running), or released by `releaseInstance` (its clusters deleted, its organisation unbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceStatus {
    Active,
    Frozen,
    Released,
}

impl InstanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Active => "active",
            InstanceStatus::Frozen => "frozen",
            InstanceStatus::Released => "released",
        }
    }

    fn parse(s: &str) -> InstanceStatus {
        match s {
            "frozen" => InstanceStatus::Frozen,
            "released" => InstanceStatus::Released,
            _ => InstanceStatus::Active,
        }
    }

    /// The label 系统设置 shows.
    pub fn label(self) -> &'static str {
        match self {
            InstanceStatus::Active => "正常",
            InstanceStatus::Frozen => "已冻结（云市场实例已到期）",
            InstanceStatus::Released => "已释放",
        }
    }
}

/// A marketplace instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The console's own id, `zc-…`: never the marketplace's orderBizId.
    pub id: String,
    pub order_biz_id: String,
    /// The organisation it pays for; none before binding and after release.
    pub org_id: Option<String>,
    pub bound_by: Option<String>,
    /// The SKU of createInstance, or of the last upgradeInstance.
    pub sku_id: String,
    pub status: InstanceStatus,
    /// The expiry the marketplace last sent (`yyyy-MM-dd HH:mm:ss`), as it wrote it.
    pub expired_on: Option<String>,
    /// The extra billing items of createInstance or of the last upgradeInstance.
    pub extras: BTreeMap<String, String>,
    /// The organisation it paid for until it was released.
    pub released_org_id: Option<String>,
    /// releaseInstance's `isRefund`, as sent.
    pub is_refund: Option<String>,
}

impl Instance {
    /// The organisation its events belong to: the one it pays for, or paid for until released.
    pub fn event_org(&self) -> Option<&str> {
        self.org_id.as_deref().or(self.released_org_id.as_deref())
    }
}

/// What `createInstance` records of the marketplace's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstance<'a> {
    pub order_biz_id: &'a str,
    pub order_id: &'a str,
    pub ali_uid: &'a str,
    pub sku_id: &'a str,
    /// The optional `expiredOn`, as sent.
    pub expired_on: Option<&'a str>,
    /// The extra billing items: the parameters the contract does not name.
    pub extras: BTreeMap<String, String>,
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

const INSTANCE_COLUMNS: &str =
    "id, order_biz_id, org_id, bound_by, sku_id, status, expired_on, extras, released_org_id, is_refund";

fn instance_row(r: &Row<'_>) -> rusqlite::Result<Instance> {
    let extras: String = r.get(7)?;
    Ok(Instance {
        id: r.get(0)?,
        order_biz_id: r.get(1)?,
        org_id: r.get(2)?,
        bound_by: r.get(3)?,
        sku_id: r.get(4)?,
        status: InstanceStatus::parse(&r.get::<_, String>(5)?),
        expired_on: r.get(6)?,
        extras: serde_json::from_str(&extras).unwrap_or_default(),
        released_org_id: r.get(8)?,
        is_refund: r.get(9)?,
    })
}

fn extras_json(extras: &BTreeMap<String, String>) -> String {
    serde_json::to_string(extras).unwrap_or_else(|_| "{}".to_string())
}

impl Db {
    /// A new instance id (`zc-…`), not yet checked against the instances there are.
    pub fn instance_id(&mut self) -> String {
        format!("zc-{}", self.ids().chars(20, INSTANCE_ALPHABET))
    }

    /// The instance with the console's id `id`.
    pub fn instance(&self, id: &str) -> Result<Option<Instance>, StoreError> {
        let sql = format!("SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = ?1");
        let found = self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![id], instance_row)
            .optional()?;
        Ok(found)
    }

    /// The instance created for the marketplace's `order_biz_id`.
    pub fn instance_by_order(&self, order_biz_id: &str) -> Result<Option<Instance>, StoreError> {
        let sql = format!("SELECT {INSTANCE_COLUMNS} FROM instances WHERE order_biz_id = ?1");
        let found = self
            .conn
            .query_row(&sql, params![order_biz_id], instance_row)
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
    /// is bound already (a released instance counts as taken: it never pays again).
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
            "UPDATE instances SET org_id = ?2, bound_by = ?3, bound_at = ?4
             WHERE id = ?1 AND org_id IS NULL AND status != 'released'",
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
            "INSERT INTO instances
                 (id, order_biz_id, order_id, ali_uid, sku_id, params, created_at, expired_on, extras)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                new.order_biz_id,
                new.order_id,
                new.ali_uid,
                new.sku_id,
                new.params_json,
                millis(now),
                new.expired_on,
                extras_json(&new.extras)
            ],
        )?;
        Ok(())
    }

    /// Sets the status of `instance_id` (not for releasing it: [`Tx::release_instance`]).
    pub fn set_instance_status(&self, instance_id: &str, status: InstanceStatus) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE instances SET status = ?2 WHERE id = ?1")?
            .execute(params![instance_id, status.as_str()])?;
        Ok(())
    }

    /// Records the expiry the marketplace sent for `instance_id`, as it wrote it.
    pub fn set_expired_on(&self, instance_id: &str, expired_on: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE instances SET expired_on = ?2 WHERE id = ?1")?
            .execute(params![instance_id, expired_on])?;
        Ok(())
    }

    /// Puts `instance_id` on `sku_id` with `extras` as its extra billing items.
    pub fn set_sku(
        &self,
        instance_id: &str,
        sku_id: &str,
        extras: &BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE instances SET sku_id = ?2, extras = ?3 WHERE id = ?1",
            params![instance_id, sku_id, extras_json(extras)],
        )?;
        Ok(())
    }

    /// Releases `instance_id` at `at`: unbound from its organisation (kept as `released_org_id`,
    /// so the organisation may bind another instance), `is_refund` recorded. False when it was
    /// released already.
    pub fn release_instance(
        &self,
        instance_id: &str,
        at: Instant,
        is_refund: &str,
    ) -> Result<bool, StoreError> {
        // Every expression of an UPDATE reads the row as it was, so the organisation moves over.
        let changed = self.conn.execute(
            "UPDATE instances SET status = 'released', released_at = ?2, released_org_id = org_id,
                 org_id = NULL, is_refund = ?3
             WHERE id = ?1 AND status != 'released'",
            params![instance_id, millis(at), is_refund],
        )?;
        Ok(changed > 0)
    }
}
